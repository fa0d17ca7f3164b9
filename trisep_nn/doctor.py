"""``python -m trisep_nn doctor``: is this environment ready for the course?

Prints the versions the course depends on and, when something is off, one
line saying what to fix. Run it from a terminal, or call :func:`main` from a
notebook (``00_start_here`` does) to check the kernel itself.
"""

import importlib.metadata as metadata
import os
import shutil
import sys

# What the course needs, in the order printed. Versions are read from the
# installed packages' metadata, so nothing heavy is imported.
PACKAGES = [
    "numpy", "scipy", "matplotlib", "scikit-learn", "ipywidgets",
    "jupyterlab_widgets", "jupyterlab", "ipykernel",
]
SETUP = "python -m pip install -r requirements.txt"
# The oldest Python the course supports: pyproject.toml's requires-python, the README
# and the pins say the same (tests/test_doctor.py checks).
MIN_PYTHON = (3, 11)


def _version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _widgets_match(ipywidgets_version, lab_widgets_version):
    """ipywidgets names the jupyterlab_widgets it works with in its metadata."""
    from packaging.requirements import Requirement

    for line in metadata.requires("ipywidgets") or []:
        requirement = Requirement(line)
        if requirement.name.replace("-", "_") == "jupyterlab_widgets":
            return requirement.specifier.contains(lab_widgets_version, prereleases=True), str(
                requirement.specifier
            )
    return True, "any"


def _python_problem(version_info=None):
    """A fix-it line when this Python is older than the course needs, else None."""
    version_info = tuple(version_info or sys.version_info)
    if version_info[:2] >= MIN_PYTHON:
        return None
    version = ".".join(map(str, version_info[:3]))
    minimum = ".".join(map(str, MIN_PYTHON))
    return (f"Python {version} is too old: the course needs Python {minimum} or newer. "
            f"Make a fresh virtual environment with a newer Python (`python{minimum} -m venv "
            f".venv`, then `source .venv/bin/activate`) and run `{SETUP}` in it")


def diagnose():
    """Return ``(rows, problems)``: (name, version or None) pairs, and fix-it lines."""
    rows = [("python", sys.version.split()[0]), ("trisep_nn", _version("trisep_nn"))]
    rows += [(name, _version(name)) for name in PACKAGES]
    found = dict(rows)
    problems = []

    python = _python_problem()
    if python:
        problems.append(python)

    missing = [name for name, version in rows if version is None]
    if missing:
        problems.append(f"missing {', '.join(missing)}: run `{SETUP}` in the course folder")

    if found["ipywidgets"] and found["jupyterlab_widgets"]:
        ok, wanted = _widgets_match(found["ipywidgets"], found["jupyterlab_widgets"])
        if not ok:
            problems.append(
                f"ipywidgets {found['ipywidgets']} needs jupyterlab_widgets {wanted} but "
                f"{found['jupyterlab_widgets']} is installed, so sliders won't render: "
                f"run `{SETUP}`"
            )

    # The kernel must be the Python that has trisep_nn; the Jupyter server on
    # PATH should come from the same environment, or widgets may not render.
    jupyter = shutil.which("jupyter")
    bindir = os.path.dirname(sys.executable)
    if jupyter and os.path.realpath(os.path.dirname(jupyter)) != os.path.realpath(bindir):
        problems.append(
            f"`jupyter` on PATH ({jupyter}) is not from this Python's environment ({bindir}): "
            f"start JupyterLab with `{sys.executable} -m jupyter lab`, or pick the kernel "
            "'Python 3 (ipykernel)' of the environment where you installed the course"
        )
    return rows, problems


def main(argv=None):
    """Print the report; return 0 when healthy, 1 otherwise."""
    rows, problems = diagnose()
    print("trisep_nn doctor")
    print(f"  {'python executable':18s} {sys.executable}")
    for name, version in rows:
        print(f"  {name:18s} {version or 'MISSING'}")
    if problems:
        for problem in problems:
            print(f"FIX: {problem}")
        return 1
    print("OK: the environment is ready for the course.")
    return 0
