"""Run a command several times while CPU-bound processes compete with it.

CI shares two cores with whatever else runs on the machine, so the test suite
must pass under load, not only on a quiet machine. This script reproduces that:
it starts ``--hogs`` processes that spin (``while True: pass``), runs the
command ``--repeat`` times in a row, prints each run's time and exit code, and
stops the spinning processes (by their own process ids) however it ends.

    python benchmarks/under_load.py --repeat 5 -- env CI=1 pytest tests/test_browser.py
    python benchmarks/under_load.py --repeat 1 -- /tmp/ci-clone/.ci/run

Exits with the first failing run's code (later runs are not started), else 0.
Each run's output goes to build/under_load/run-<k>.log; a summary line per run
is appended to build/under_load/summary.txt.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "under_load"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hogs", type=int, default=2, help="CPU-bound processes (default 2)")
    parser.add_argument("--repeat", type=int, default=5, help="runs in a row (default 5)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    OUT.mkdir(parents=True, exist_ok=True)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(args.hogs)]
    print(f"started {len(hogs)} CPU-bound process(es): {[h.pid for h in hogs]}", flush=True)
    code = 0
    try:
        for k in range(1, args.repeat + 1):
            log = OUT / f"run-{k}.log"
            start = time.monotonic()
            with open(log, "w") as out:
                code = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT)
            seconds = time.monotonic() - start
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            line = (f"{time.strftime('%Y-%m-%d %H:%M:%S')} run {k}/{args.repeat}: "
                    f"exit {code}, {seconds:.0f} s, load {load}, {len(hogs)} hogs: "
                    f"{' '.join(command)} | {tail[0]}")
            print(line, flush=True)
            with open(OUT / "summary.txt", "a") as summary:
                summary.write(line + "\n")
            if code != 0:
                print(f"run {k} failed; its output: {log}", flush=True)
                break
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    return code


if __name__ == "__main__":
    sys.exit(main())
