"""Time every cell of every notebook and list the slowest.

    python benchmarks/bench_notebook_cells.py                # all notebooks
    python benchmarks/bench_notebook_cells.py notebooks/07*  # some of them
    python benchmarks/bench_notebook_cells.py --top 40

Each notebook runs in a fresh kernel, as the test suite runs it (from the
notebooks folder, this Python). A cell's time is the wall-clock time between
the kernel starting and finishing it; beside it, the CPU seconds the kernel
process used, which a busy machine inflates much less. The kernel's start-up is
reported as its own line. Nothing is written anywhere.
"""

import argparse
import glob
import os
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
    args = parser.parse_args()
    paths = args.notebooks or sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..",
                                                            "notebooks", "*.ipynb")))
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


if __name__ == "__main__":
    main()
