"""`python -m trisep_nn doctor` reports a healthy environment, and says what to fix."""

import subprocess
import sys

from trisep_nn import doctor


def test_healthy_environment_exits_zero():
    result = subprocess.run([sys.executable, "-m", "trisep_nn", "doctor"],
                            capture_output=True, text=True)
    assert "ipywidgets" in result.stdout and "numpy" in result.stdout
    if result.returncode != 0:  # e.g. a `jupyter` from another environment on PATH
        assert "FIX:" in result.stdout
    else:
        assert "OK:" in result.stdout


def test_missing_ipywidgets_says_how_to_fix(monkeypatch, capsys):
    real = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda n: None if n == "ipywidgets" else real(n))
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert "ipywidgets" in out and "MISSING" in out
    assert "FIX: missing ipywidgets: run `python -m pip install -r requirements.txt" in out


def test_mismatched_widget_frontend_is_reported(monkeypatch, capsys):
    real = doctor._version
    monkeypatch.setattr(doctor, "_version",
                        lambda n: "1.1.0" if n == "jupyterlab_widgets" else real(n))
    assert doctor.main() == 1
    assert "needs jupyterlab_widgets" in capsys.readouterr().out


def test_unknown_command_prints_usage():
    result = subprocess.run([sys.executable, "-m", "trisep_nn", "nonsense"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "doctor" in result.stderr


def test_old_python_says_how_to_fix(monkeypatch, capsys):
    monkeypatch.setattr(doctor.sys, "version_info", (3, 10, 13, "final", 0))
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert "FIX: Python 3.10.13 is too old: the course needs Python 3.11 or newer" in out


def test_supported_pythons_pass_the_check():
    assert doctor._python_problem((3, 11, 0)) is None
    assert doctor._python_problem((3, 13, 2)) is None
    assert doctor._python_problem((3, 10, 13)) is not None


def test_minimum_python_agrees_everywhere():
    """doctor, pyproject.toml, the README, environment.yml and Binder name one minimum."""
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    minimum = ".".join(map(str, doctor.MIN_PYTHON))
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == f">={minimum}"
    assert f"Python {minimum} or newer" in (root / "README.md").read_text()
    assert re.search(rf"^\s*- python={re.escape(minimum)}$",
                     (root / "environment.yml").read_text(), re.M)
    assert (root / "binder/runtime.txt").read_text().strip() == f"python-{minimum}"
