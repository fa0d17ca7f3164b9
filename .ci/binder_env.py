"""Binder's install, simulated: does binder/requirements.txt install cleanly on top
of the environment repo2docker starts from?

repo2docker builds every Python image from a locked conda environment of its own
(JupyterLab, the notebook server, JupyterHub's single-user server, ...) and then
runs ``pip install -r binder/requirements.txt`` in it. Conda is not needed to
rebuild the Python side of that environment: the lock file, shipped inside the
installed repo2docker package, names every package and version, and the Python
ones are on PyPI under the same name (a few renamed below). So:

1. read repo2docker's lock for binder/runtime.txt's Python (linux-64);
2. make a fresh virtual environment with that Python and pip-install the
   locked Python packages at their locked versions, without dependencies, as
   conda had already resolved them;
3. ``pip install -r binder/requirements.txt`` from the repository's root, as
   repo2docker does;
4. require ``pip check`` to pass, ``jupyter labextension list`` to show the
   widgets extension enabled and OK, and ``python -m trisep_nn doctor`` to pass.

    python .ci/binder_env.py            # exit 0 when Binder's install is clean

Run by .ci/run. Needs the Python of binder/runtime.txt (this one, or pythonX.Y
on PATH) and the package registry.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names whose PyPI name differs
PYPI_NAME = {
    "nbconvert-core": "nbconvert",
    "jupyterhub-base": "jupyterhub",
    "brotli-python": "brotli",
    "python-fastjsonschema": "fastjsonschema",
}
# the virtual environment brings its own installer
SKIP = {"pip", "setuptools", "wheel"}
WIDGETS_EXTENSION = re.compile(r"@jupyter-widgets/jupyterlab-manager v\S+ .*enabled.*OK")


def lock_file(python):
    """repo2docker's locked base environment for Python ``python`` ("3.11")."""
    import repo2docker

    path = (Path(repo2docker.__file__).parent / "buildpacks" / "conda"
            / f"environment.py-{python}-linux-64.lock")
    if not path.exists():
        raise SystemExit(f"repo2docker {repo2docker.__version__} has no base environment "
                         f"for Python {python} ({path.name} is missing)")
    return path


def locked_python_packages(lock):
    """(name, version) of every Python package in a conda explicit lock file: the
    ones whose build string starts with "py" (pyh... for pure Python, py311... for
    compiled ones); libraries, Python itself and metapackages have other builds."""
    pins = []
    for line in lock.read_text().splitlines():
        if not line.startswith("https://"):
            continue
        filename = line.split("#")[0].rsplit("/", 1)[1]
        stem = re.sub(r"\.(conda|tar\.bz2)$", "", filename)
        name, version, build = stem.rsplit("-", 2)
        if build.startswith("py") and name not in SKIP:
            pins.append((PYPI_NAME.get(name, name), version))
    return pins


def run(command, **kwargs):
    print("+ " + " ".join(map(str, command)), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def main():
    start = time.monotonic()
    runtime = (ROOT / "binder/runtime.txt").read_text().strip()
    python = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    if not python:
        raise SystemExit(f"binder/runtime.txt says {runtime!r}, not python-X.Y")
    python = python.group(1)
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == python:
        interpreter = sys.executable
    else:
        interpreter = shutil.which(f"python{python}")
        if not interpreter:
            raise SystemExit(f"Binder's Python {python} is needed: no python{python} on PATH")

    pins = locked_python_packages(lock_file(python))
    print(f"repo2docker's base environment for Python {python}: {len(pins)} Python packages",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="binder-env-") as tmp:
        venv = Path(tmp) / "venv"
        run([interpreter, "-m", "venv", venv])
        bin_dir = venv / "bin"
        env = dict(os.environ, VIRTUAL_ENV=str(venv),
                   PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
                   PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")
        env.pop("PYTHONPATH", None)
        pip = [str(bin_dir / "python"), "-m", "pip"]
        run(pip + ["install", "-q", "--no-deps"] + [f"{n}=={v}" for n, v in pins], env=env)
        # what repo2docker runs, from the repository's root
        run(pip + ["install", "-q", "-r", "binder/requirements.txt"], env=env, cwd=ROOT)

        problems = []
        check = subprocess.run(pip + ["check"], env=env, capture_output=True, text=True)
        print(check.stdout + check.stderr, flush=True)
        if check.returncode != 0:
            problems.append("pip check found conflicts (above)")
        listing = subprocess.run([str(bin_dir / "jupyter"), "labextension", "list"], env=env,
                                 capture_output=True, text=True)
        print(listing.stdout + listing.stderr, flush=True)
        if not WIDGETS_EXTENSION.search(listing.stdout + listing.stderr):
            problems.append("jupyter labextension list does not show "
                            "@jupyter-widgets/jupyterlab-manager enabled and OK")
        doctor = subprocess.run([str(bin_dir / "python"), "-m", "trisep_nn", "doctor"],
                                env=env, cwd=tmp, capture_output=True, text=True)
        print(doctor.stdout + doctor.stderr, flush=True)
        if doctor.returncode != 0:
            problems.append("python -m trisep_nn doctor failed in Binder's environment")
    for problem in problems:
        print(f"FAIL: {problem}")
    print(f"Binder environment simulated in {time.monotonic() - start:.0f} s: "
          + ("FAILED" if problems else "clean"), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
