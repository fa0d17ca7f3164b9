"""A notebook over its time budget fails with its name and its time."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_over_budget_notebook_fails_with_name_and_time():
    env = dict(os.environ, TRISEP_NOTEBOOK_BUDGET_S="0.001")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "notebooks/00_start_here.ipynb"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "00_start_here.ipynb took" in result.stdout
    assert "over its 0 s budget" in result.stdout
    assert "OVER BUDGET" in result.stdout
