"""The notebook checks of conftest.py can fail: a notebook over its time budget
fails with its name and its time, and a cell that writes to stderr (a warning, a
message) fails even though nbval's lax mode compares no outputs."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pytest(*args, times, **env):
    env = dict(os.environ, TRISEP_NOTEBOOK_TIMES=str(times), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def test_over_budget_notebook_fails_with_name_and_time(tmp_path):
    times = tmp_path / "times.json"
    result = _pytest("notebooks/00_start_here.ipynb", times=times,
                     TRISEP_NOTEBOOK_BUDGET_S="0.001")
    assert result.returncode == 1, result.stdout[-2000:]
    assert "00_start_here.ipynb took" in result.stdout
    assert "over its 0 s budget" in result.stdout
    assert "of kernel CPU time" in result.stdout  # a busy machine cannot fail it by chance
    assert "OVER BUDGET" in result.stdout
    recorded = json.loads(times.read_text())
    assert recorded["cpus"] == os.cpu_count()
    assert recorded["seconds"]["00_start_here.ipynb"] > 0
    assert 0 < recorded["kernel_cpu_seconds"]["00_start_here.ipynb"]


@pytest.fixture
def notebook_in_repo():
    """A notebook inside the repository (so the root conftest.py applies), removed after."""
    (ROOT / "build").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="stderr-check-", dir=ROOT / "build"))

    def write(*sources):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
        path = folder / "nb.ipynb"
        nbformat.write(nb, path)
        return str(path.relative_to(ROOT))

    yield write
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("source, shown", [
    ("import warnings\nwarnings.warn('the fit did not converge')",
     "UserWarning: the fit did not converge"),
    ("import sys\nprint('a stray message', file=sys.stderr)", "a stray message"),
], ids=["a warning", "a print to stderr"])
def test_a_cell_writing_to_stderr_fails(notebook_in_repo, tmp_path, source, shown):
    path = notebook_in_repo("print('stdout is fine')", source, "x = 1")
    result = _pytest(path, times=tmp_path / "times.json")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "Cell 1 wrote to stderr" in result.stdout, result.stdout[-3000:]
    assert shown in result.stdout
    assert "1 failed, 3 passed" in result.stdout, result.stdout[-1500:]  # 3 cells + budget


def test_a_clean_notebook_passes(notebook_in_repo, tmp_path):
    path = notebook_in_repo("print('stdout is fine')", "import sys\nsys.stdout.write('ok\\n')")
    result = _pytest(path, times=tmp_path / "times.json")
    assert result.returncode == 0, result.stdout[-3000:]
