"""Project-wide pytest set-up.

Every notebook is executed by nbval (see pyproject.toml). Here we

- fail a notebook cell that writes anything to stderr (a warning, a stray
  message): nbval's lax mode compares no outputs, so it would pass them;
- time each notebook from its first cell to its last, print the times at the
  end and write them to ``build/notebook_times.json`` (after each notebook, so
  that the website, whose tests run last, shows this run's times), and add one test per
  notebook, ``<notebook>::run-time budget``, that fails with the notebook's
  name and time when it takes longer than its budget.

The budget is checked against the CPU time of the notebook's kernel (one BLAS
thread, so on a quiet machine it is the wall time less a little messaging): a
CI machine busy with other work slows the wall clock, not the CPU time, so it
cannot fail a notebook by chance. Both times are printed and recorded.
"""

import json
import os
import platform
import time
from pathlib import Path

# The tests run several processes at once on small machines (pytest, notebook
# kernels, JupyterLab, a browser). OpenBLAS's worker threads then spin against
# each other and a small matrix product gets 100x slower; the course's matrices
# are small enough that one BLAS thread per process is as fast. Set before NumPy
# is imported anywhere; notebook kernels inherit it.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402

NOTEBOOK_BUDGET_S = float(os.environ.get("TRISEP_NOTEBOOK_BUDGET_S", 60))
# Where the measured times go (tests that run pytest on a notebook point it elsewhere).
NOTEBOOK_TIMES = Path(os.environ.get(
    "TRISEP_NOTEBOOK_TIMES", Path(__file__).resolve().parent / "build" / "notebook_times.json"))

_elapsed = {}  # notebook path -> seconds spent in its cells (kernel start included)
_cpu = {}  # notebook path -> CPU seconds its kernel used (start-up included)


def _notebook_of(item):
    path = str(getattr(item, "path", getattr(item, "fspath", "")))
    return path if path.endswith(".ipynb") else None


class NotebookBudget(pytest.Item):
    """Fails when the notebook's kernel needed more CPU time than the budget."""

    def __init__(self, *, notebook, **kwargs):
        super().__init__(**kwargs)
        self.notebook = notebook

    def runtest(self):
        wall = _elapsed.get(self.notebook)
        if wall is None:
            pytest.skip("the notebook's cells did not run")
        _write_times(self.config)  # after each notebook, for the website built later
        cpu = _cpu.get(self.notebook)
        seconds, what = (wall, "wall-clock") if cpu is None else (cpu, "kernel CPU")
        if seconds > NOTEBOOK_BUDGET_S:
            raise AssertionError(
                f"{os.path.basename(self.notebook)} took {seconds:.1f} s of {what} time "
                f"(wall clock {wall:.1f} s), over its {NOTEBOOK_BUDGET_S:.0f} s budget: "
                "make the default settings lighter."
            )

    def reportinfo(self):
        return self.path, None, f"{os.path.basename(self.notebook)}::run-time budget"


def pytest_collection_modifyitems(session, config, items):
    """After the last cell of each notebook, add that notebook's budget test."""
    result, last_of = [], {}
    for item in items:
        result.append(item)
        notebook = _notebook_of(item)
        if notebook:
            last_of[notebook] = len(result)
    for offset, (notebook, position) in enumerate(sorted(last_of.items(), key=lambda kv: kv[1])):
        parent = next(i for i in items if _notebook_of(i) == notebook).parent
        budget = NotebookBudget.from_parent(parent, name="run-time budget", notebook=notebook)
        result.insert(position + offset, budget)
    # The website's tests last: its landing page shows the run times measured above.
    items[:] = sorted(result, key=lambda item: Path(str(item.path)).name == "test_site.py")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    notebook = _notebook_of(item)
    if notebook is None or isinstance(item, NotebookBudget):
        return (yield)
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        _elapsed[notebook] = _elapsed.get(notebook, 0.0) + time.perf_counter() - start


def _kernel_cpu_seconds(item):
    """CPU seconds the notebook's kernel process has used so far, or None."""
    try:
        import psutil  # ipykernel's own dependency

        process = item.parent.kernel.km.provisioner.process
        times = psutil.Process(process.pid).cpu_times()
        return times.user + times.system + times.children_user + times.children_system
    except Exception:  # not an nbval cell, or no local kernel process to ask
        return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A notebook cell passes only if it wrote nothing to stderr. nbval keeps the
    outputs the cell produced in ``item.test_outputs``; look at them after it ran.
    Also note the kernel's CPU time so far (before the last cell's teardown stops it)."""
    try:
        result = yield
    finally:
        notebook = _notebook_of(item)
        if notebook and not isinstance(item, NotebookBudget):
            cpu = _kernel_cpu_seconds(item)
            if cpu is not None:
                _cpu[notebook] = cpu
    outputs = getattr(item, "test_outputs", None) or []
    stderr = "".join(o.get("text", "") for o in outputs
                     if o.get("output_type") == "stream" and o.get("name") == "stderr")
    if stderr:
        raise AssertionError(
            f"{item.name} wrote to stderr (a clean run of a notebook prints no warning and "
            f"nothing on stderr; fix the cause, don't silence it):\n{stderr[:3000]}"
        )
    return result


def _write_times(config):
    """build/notebook_times.json: seconds per notebook, with the machine they ran on."""
    if not _elapsed or hasattr(config, "workerinput"):
        return
    record = {
        "budget_s": NOTEBOOK_BUDGET_S,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "measured": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg")
        else None,
        "seconds": {os.path.basename(nb): round(s, 2) for nb, s in sorted(_elapsed.items())},
        "kernel_cpu_seconds": {os.path.basename(nb): round(s, 2)
                               for nb, s in sorted(_cpu.items())},
    }
    try:
        NOTEBOOK_TIMES.parent.mkdir(parents=True, exist_ok=True)
        NOTEBOOK_TIMES.write_text(json.dumps(record, indent=2) + "\n")
    except OSError:  # a read-only checkout: the times are still printed
        pass


def pytest_terminal_summary(terminalreporter, config):
    if not _elapsed:
        return
    _write_times(config)
    terminalreporter.section("notebook run times (wall clock, kernel CPU)")
    for notebook, seconds in sorted(_elapsed.items()):
        cpu = _cpu.get(notebook)
        flag = "  OVER BUDGET" if (seconds if cpu is None else cpu) > NOTEBOOK_BUDGET_S else ""
        cpu_text = "   n/a" if cpu is None else f"{cpu:6.1f}"
        terminalreporter.write_line(
            f"{seconds:6.1f} s  {cpu_text} s  {os.path.basename(notebook)}{flag}"
        )
