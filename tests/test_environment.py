"""The course's set-up files agree with each other and with the README."""

import re
import shutil
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
                "jupyter lab --ServerApp.root_dir=. notebooks/00_start_here.ipynb",
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


def test_binder_installs_what_the_kernel_needs_at_the_tested_versions():
    """On Binder the server's own JupyterLab serves the course: binder/requirements.txt
    pins what the kernel needs, at requirements.txt's versions, and no server."""
    binder = (ROOT / "binder/requirements.txt").read_text().splitlines()
    pins = _pins(binder)
    tested = _pins((ROOT / "requirements.txt").read_text().splitlines())
    for server in ("jupyterlab", "notebook", "jupyter_server", "jupyterhub"):
        assert server not in pins, f"binder/requirements.txt must not install {server}"
    assert not any(line.startswith("-r") for line in binder), "no -r: it would pull jupyterlab"
    assert "-e ." in binder, "Binder must install the trisep_nn package"
    kernel_side = {name: v for name, v in tested.items() if name != "jupyterlab"}
    assert pins == kernel_side, (
        "binder/requirements.txt must pin what requirements.txt pins, less jupyterlab:\n"
        f"binder: {sorted(pins.items())}\nrequirements: {sorted(kernel_side.items())}")
    assert (ROOT / "binder/runtime.txt").read_text().strip().startswith("python-3.")


def test_launch_links_match_the_repository_address():
    sys.path.insert(0, str(ROOT / "binder"))
    try:
        import launch_links
    finally:
        sys.path.pop(0)
    assert launch_links.check() == [], "\n".join(launch_links.check())
    address = launch_links.repository()
    readme = (ROOT / "README.md").read_text()
    get = readme.index("<!-- launch:get -->")
    assert "git clone" in readme[get:] and get < readme.index("from the course folder")
    if launch_links.is_placeholder(address):  # no badge that leads nowhere, and it says so
        assert "mybinder.org" not in readme
        assert "not set up yet" in readme and "[project.urls]" in readme


def test_launch_links_follow_a_new_address(tmp_path):
    """Setting the address and running --write puts a working badge and clone command in
    the README and a launch link in notebook 00; the check fails until --write runs."""
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks/00_start_here.ipynb", tmp_path / "notebooks")
    script = [sys.executable, str(ROOT / "binder/launch_links.py"), "--root", str(tmp_path)]
    assert subprocess.run(script, capture_output=True).returncode == 0
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "https://github.com/OWNER/REPO", "https://github.com/trisep/trisep-nn"))
    stale = subprocess.run(script, capture_output=True, text=True)
    assert stale.returncode == 1 and "--write" in stale.stdout
    assert subprocess.run(script + ["--write"], capture_output=True).returncode == 0
    link = ("https://mybinder.org/v2/gh/trisep/trisep-nn/HEAD"
            "?urlpath=lab/tree/notebooks/00_start_here.ipynb")
    readme = (tmp_path / "README.md").read_text()
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({link})" in readme
    assert "git clone https://github.com/trisep/trisep-nn.git trisep-nn" in readme
    assert "not set up yet" not in readme
    assert link in (tmp_path / "notebooks/00_start_here.ipynb").read_text()
    # a link written by hand, outside the generated parts, is caught too
    (tmp_path / "README.md").write_text(readme + "\n[run](https://mybinder.org/v2/gh/x/y/HEAD)\n")
    assert subprocess.run(script, capture_output=True).returncode == 1


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci/run").read_text()
    assert "test-command" in ci and "nbstripout --verify" in ci and "repo2docker --no-build" in ci
    assert ".ci/binder_env.py" in ci and "launch_links.py" in ci


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
