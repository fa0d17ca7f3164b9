"""The engine benchmark's hand-written NumPy backprop is a correct baseline:
one step of it equals one engine step, for every benchmarked network."""

import importlib.util
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_engine.py"


@pytest.fixture(scope="module")
def bench():
    saved = dict(os.environ)
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.environ.clear()  # the script pins BLAS threads for its own process only
    os.environ.update(saved)
    return module


def test_numpy_baseline_matches_engine_step(bench):
    for batch, sizes in bench.CASES:
        bench.check_same_step(min(batch, 32), sizes)


def test_jvp_workloads_run(bench):
    for kind in ("forward", "jvp_x", "jvp_weights"):
        bench.workload(kind, 8, [3, 5, 2])()
