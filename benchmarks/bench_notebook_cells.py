"""Time every cell of every notebook and list the slowest.

    python benchmarks/bench_notebook_cells.py                # all notebooks
    python benchmarks/bench_notebook_cells.py notebooks/07*  # some of them
    python benchmarks/bench_notebook_cells.py --top 40
    python benchmarks/bench_notebook_cells.py --against /tmp/old --rounds 2

Each notebook runs in a fresh kernel, as the test suite runs it (from the
notebooks folder, this Python). A cell's time is the wall-clock time between
the kernel starting and finishing it; beside it, the CPU seconds the kernel
process used, which a busy machine inflates much less. The kernel's start-up is
reported as its own line. Nothing is written anywhere.

With ``--against CHECKOUT`` (another checkout of the course, say an older commit
in a git worktree) it compares instead: each notebook runs from that checkout
(its package first on ``PYTHONPATH``) and from this one, back to back, in the
order old, new, new, old, for ``--rounds`` rounds; it prints each notebook's
median times and the change in the whole course's. On a shared machine whose
speed drifts from minute to minute, this pairing keeps the drift out of the
comparison far better than timing one checkout and then the other.
"""

import argparse
import glob
import os
import statistics
import time

import nbformat
import psutil  # ipykernel's own dependency
from nbclient import NotebookClient


def time_notebook(path):
    """[(label, wall seconds, kernel CPU seconds)] for start-up and each code cell."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": os.path.dirname(path)}})
    rows = []
    start = time.perf_counter()
    with client.setup_kernel():
        kernel = psutil.Process(client.km.provisioner.process.pid)

        def cpu():
            times = kernel.cpu_times()
            return times.user + times.system + times.children_user + times.children_system

        used = cpu()
        rows.append(("kernel start", time.perf_counter() - start, used))
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            began = time.perf_counter()
            client.execute_cell(cell, index)
            wall, now = time.perf_counter() - began, cpu()
            first_line = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
            rows.append((f"cell {index:2d}  {first_line}", wall, now - used))
            used = now
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--top", type=int, default=25, help="how many of the slowest cells to list")
    parser.add_argument("--against", metavar="CHECKOUT",
                        help="compare with another checkout of the course, notebook by notebook")
    parser.add_argument("--rounds", type=int, default=2,
                        help="with --against: rounds of old, new, new, old per notebook")
    args = parser.parse_args()
    paths = args.notebooks or sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..",
                                                            "notebooks", "*.ipynb")))
    if args.against:
        return compare(paths, os.path.abspath(args.against), args.rounds)
    everything, wall_total, cpu_total = [], 0.0, 0.0
    print("  wall     CPU")
    for path in paths:
        rows = time_notebook(os.path.abspath(path))
        wall, cpu = sum(row[1] for row in rows), sum(row[2] for row in rows)
        wall_total, cpu_total = wall_total + wall, cpu_total + cpu
        print(f"{wall:6.1f} {cpu:6.1f} s  {os.path.basename(path)}", flush=True)
        everything += [(w, c, os.path.basename(path)[:2], label) for label, w, c in rows]
    print(f"{wall_total:6.1f} {cpu_total:6.1f} s  in all\n\nslowest cells (wall, CPU):")
    for wall, cpu, notebook, label in sorted(everything, reverse=True)[:args.top]:
        print(f"{wall:6.2f} {cpu:6.2f} s  {notebook}  {label}")


def compare(paths, checkout, rounds):
    """Median wall and CPU seconds of each notebook in ``checkout`` and here, run in
    the order old, new, new, old (``rounds`` times) so that both see the same machine."""
    old_paths = {os.path.basename(p): p for p in glob.glob(os.path.join(checkout, "notebooks",
                                                                        "*.ipynb"))}
    usual = os.environ.get("PYTHONPATH")

    def run(path, package_root=None):
        if package_root:
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, usual]))
        try:
            rows = time_notebook(os.path.abspath(path))
        finally:
            if usual is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = usual
        return sum(row[1] for row in rows), sum(row[2] for row in rows)

    totals = {"old": [0.0, 0.0], "new": [0.0, 0.0]}
    print(f"median of {2 * rounds} runs each, wall (CPU), old = {checkout}")
    for path in paths:
        name = os.path.basename(path)
        if name not in old_paths:
            print(f"{name}: not in {checkout}, left out")
            continue
        times = {"old": [], "new": []}
        for _ in range(rounds):
            for which in ("old", "new", "new", "old"):
                times[which].append(run(old_paths[name], checkout) if which == "old" else run(path))
        line = []
        for which in ("old", "new"):
            wall = statistics.median(t[0] for t in times[which])
            cpu = statistics.median(t[1] for t in times[which])
            totals[which][0] += wall
            totals[which][1] += cpu
            line.append(f"{wall:5.1f} ({cpu:5.1f})")
        print(f"  {line[0]} -> {line[1]} s  {name}", flush=True)
    (old_wall, old_cpu), (new_wall, new_cpu) = totals["old"], totals["new"]
    print(f"  {old_wall:5.1f} ({old_cpu:5.1f}) -> {new_wall:5.1f} ({new_cpu:5.1f}) s  in all: "
          f"{new_wall / old_wall - 1:+.0%} wall, {new_cpu / old_cpu - 1:+.0%} CPU")


if __name__ == "__main__":
    main()
