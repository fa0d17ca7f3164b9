"""The course's set-up files agree with each other and with the README."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines):
    """name -> version from 'name==version' (pip) or 'name=version' (conda) lines."""
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip().lstrip("- ").strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==?\s*([0-9][^\s]*)", line)
        if match:
            name = match.group(1).lower().replace("-", "_")
            pins[name] = match.group(2)
    return pins


def test_environment_yml_matches_requirements():
    requirements = _pins((ROOT / "requirements.txt").read_text().splitlines())
    conda = _pins((ROOT / "environment.yml").read_text().splitlines())
    conda.pop("python", None)
    assert requirements, "no pins found in requirements.txt"
    assert conda == requirements, (
        "environment.yml and requirements.txt name different packages or versions:\n"
        f"only in requirements.txt: {sorted(set(requirements.items()) - set(conda.items()))}\n"
        f"only in environment.yml: {sorted(set(conda.items()) - set(requirements.items()))}"
    )


def test_requirements_install_the_package_and_dev_tools():
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()
    dev = (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert "-r requirements.txt" in dev
    for tool in ["pytest", "nbval", "hypothesis", "ruff", "nbstripout", "jupyter-repo2docker",
                 "playwright"]:
        assert any(line.startswith(tool + "==") for line in dev), f"{tool} is not pinned"


def test_readme_has_the_two_newcomer_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"<!-- (open|test)-command -->\n```bash\n(.*?)\n```", readme, re.S)
    commands = dict(blocks)
    assert commands == {
        "open": "python -m pip install -r requirements.txt && "
                "jupyter lab notebooks/00_start_here.ipynb",
        "test": "python -m pip install -r requirements-dev.txt && pytest",
    }
    assert "token=''" not in readme and "--NotebookApp.token" not in readme
    assert "--ServerApp.token" not in readme and "password=''" not in readme


def test_every_notebook_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text()
    linked = set(re.findall(r"\]\((notebooks/[^)]+\.ipynb)\)", readme))
    assert "notebooks/00_start_here.ipynb" in linked
    existing = {str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert existing <= linked, f"notebooks missing from the README table: {existing - linked}"


def test_binder_installs_requirements_with_the_tested_python():
    assert (ROOT / "binder/requirements.txt").read_text().count("-r ../requirements.txt") == 1
    assert (ROOT / "binder/runtime.txt").read_text().strip().startswith("python-3.")
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"^\[binder\]: (\S+)$", readme, re.M)
    assert len(links) == 1 and links[0].endswith("urlpath=lab/tree/notebooks/00_start_here.ipynb")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci/run").read_text()
    assert "test-command" in ci and "nbstripout --verify" in ci and "repo2docker --no-build" in ci


def test_import_is_fast_and_light():
    code = (
        "import sys, time; t = time.perf_counter(); import trisep_nn; "
        "dt = time.perf_counter() - t; "
        "heavy = [m for m in ('sklearn', 'matplotlib', 'ipywidgets') if m in sys.modules]; "
        "print(dt, heavy)"
    )
    times = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.split(maxsplit=1)
        times.append(float(out[0]))
        assert out[1].strip() == "[]", f"import trisep_nn loaded {out[1].strip()}"
    assert min(times) < 0.5, f"import trisep_nn took {min(times):.2f} s"


@pytest.mark.parametrize("name", ["Tensor", "no_grad", "grad", "value_and_grad", "vjp", "jvp",
                                  "gradcheck", "draw_graph", "nn", "data", "widgets", "checks"])
def test_public_names_resolve(name):
    import trisep_nn

    assert getattr(trisep_nn, name) is not None
