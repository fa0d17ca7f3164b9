"""Refit-and-redraw latency of every explorer in trisep_nn.widgets.

Every name in ``trisep_nn.widgets.__all__`` that builds an Explorer (called
with its defaults, or with the data its notebook gives it, see ``DATA``) is
built once; then each of its controls is moved through a few values with
``.update`` (as a student dragging a slider), and the redraw times the
explorer records in ``.timings`` are summarised: median and 90th percentile
over all moves ("first visit"), then the same moves again ("revisit": the
explorers that cache their fits redraw without refitting). Printed as a
markdown table.

Machines differ by 2x or more, so every time is also given in units of R,
measured first on the same machine: the fastest of 15 renders of a fixed
reference figure (9 x 4 in, two panels: two 400-point lines with labels, a
title and a legend; a 100 x 100 image with a 200-point scatter; constrained
layout; to PNG). Target for every explorer, first visits included and every
control moved across its whole range: median <= 0.75 R and p90 <= 1.1 R.

    python benchmarks/bench_widgets.py            # every explorer
    python benchmarks/bench_widgets.py playground # only names containing "playground"

Then the Playground's live training (issue 16): while a 2-layer x 8-unit network
trains with every unit's picture shown, each frame (training epochs + redraw) should
take at most 0.5 R, and Stop, clicked at a random moment, should take effect within
one frame. Printed as a second table (``--no-frames`` skips it).

Times are wall-clock on this machine; on a shared or busy machine they are
inflated, so say so when you report them.
"""

import argparse
import asyncio
import inspect
import os
import sys
import threading
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the tests run: one BLAS thread

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402

TARGET_MEDIAN_R = 0.75
TARGET_P90_R = 1.1
TARGET_FRAME_R = 0.5
CORE = {"Explorer", "slider", "log_slider", "dropdown"}


def reference_render_seconds(repeats=15):
    """R: the fastest of `repeats` renders of the reference figure to PNG."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rng = np.random.default_rng(0)
    x = np.linspace(0, 10, 400)
    image = rng.standard_normal((100, 100))
    points = rng.uniform(0, 99, size=(200, 2))
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fig = Figure(figsize=(9, 4), layout="constrained")
        FigureCanvasAgg(fig)
        ax_lines, ax_image = fig.subplots(1, 2)
        ax_lines.plot(x, np.sin(x), label="sin x")
        ax_lines.plot(x, np.cos(x), label="cos x")
        ax_lines.set(xlabel="x (units)", ylabel="value", title="two lines")
        ax_lines.legend()
        ax_image.imshow(image, cmap="viridis")
        ax_image.scatter(points[:, 0], points[:, 1], s=8, c="w")
        ax_image.set(title="an image and a scatter")
        fig.canvas.print_png(io.BytesIO())
        best = min(best, time.perf_counter() - start)
    return best


def _data():
    """Arguments for explorers that need data, as their notebooks give it."""
    from trisep_nn import data

    def moons():
        X, y = data.moons(200, noise=0.2, random_state=0)
        return {"X": X, "y": y}

    def curve():
        X, y = data.noisy_function(30, noise=0.1, random_state=0)
        return {"X": X, "y": y}

    def physics_batch():
        from trisep_nn.lessons import vanishing_gradients as vg

        X, y = vg.physics_batch(256, random_state=0)
        return {"X": X, "y": y}

    def batches():
        X, y = data.moons(200, noise=0.2, random_state=0)
        return {"X": X[:120], "y": y[:120], "X_val": X[120:], "y_val": y[120:]}

    return {
        "learned_basis_explorer": curve,
        "learning_rate_explorer": moons,
        "batch_size_explorer": batches,
        "gradient_explorer": physics_batch,
        "trained_width_explorer": curve,
    }


def _values(control, n=5):
    """A few values for a control, spread over its whole range, the current one last."""
    current = control.value
    if isinstance(control, (widgets.SelectionSlider, widgets.Dropdown,
                            widgets.ToggleButtons, widgets.RadioButtons)):
        options = list(control._options_values)  # the values behind the labels
        picks = [o for o in options if o != current]
        if len(picks) <= n - 1:
            return picks + [current]
        spread = np.unique(np.round(np.linspace(0, len(picks) - 1, n - 1)).astype(int))
        return [picks[i] for i in spread] + [current]  # the whole range, ends included
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return [not current, current]
    if isinstance(control, (widgets.IntText, widgets.BoundedIntText)):
        return [current + 1, current + 2, current]  # e.g. a seed: other data, other weights
    if isinstance(control, widgets.FloatLogSlider):
        exps = np.linspace(control.min, control.max, n)  # the whole range, ends included
        return [float(control.base ** e) for e in exps] + [current]
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        grid = np.linspace(control.min, control.max, n)  # the whole range, ends included
        if isinstance(control, widgets.IntSlider):
            grid = sorted({int(round(v)) for v in grid} - {current})
        else:
            step = control.step or 1e-3
            grid = [round(float(v) / step) * step for v in grid if not np.isclose(v, current)]
        return list(grid) + [current]
    return []


def _moves(explorer):
    """(name, value) pairs: each control through its values, back to where it was."""
    moves = []
    for name, control in explorer.controls.items():
        if getattr(control, "disabled", False):
            continue
        moves += [(name, v) for v in _values(control)]
    return moves


def _stats(seconds):
    ms = 1000 * np.asarray(seconds)
    if not len(ms):
        return float("nan"), float("nan")
    return float(np.median(ms)), float(np.percentile(ms, 90))


def measure(name, factory, data_args):
    from trisep_nn.widgets import Explorer

    kwargs = {}
    required = [p.name for p in inspect.signature(factory).parameters.values()
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if required:
        if name not in data_args:
            return {"name": name, "note": f"skipped: needs {', '.join(required)}"}
        kwargs = data_args[name]()
    start = time.perf_counter()
    explorer = factory(**kwargs)
    built = time.perf_counter() - start
    if not isinstance(explorer, Explorer):
        return None  # a helper, not an explorer
    moves = _moves(explorer)
    errors = []

    def run_moves():
        n = len(explorer.timings)
        for control, value in moves:
            explorer.update(**{control: value})
            if explorer.last_error is not None:
                errors.append(f"{control}={value!r}: {explorer.last_error!r}")
        return explorer.timings[n:]

    n_built = len(getattr(explorer, "breakdown", []))
    first, again = run_moves(), run_moves()
    median, p90 = _stats(first)
    explorer.breakdown = getattr(explorer, "breakdown", [])[n_built:]  # the moves only
    return {
        "name": name, "module": factory.__module__, "built": built, "moves": len(first),
        "median": median, "p90": p90, "revisit": _stats(again)[0], "errors": errors, "note": "",
        "breakdown": _breakdown(explorer),
    }


def measure_frames(R, n_frames=40, n_stops=5, seed=0):
    """The Playground training a 2 x 8 ReLU network on moons: frame times (training +
    redraw) in R, and what Stop, clicked at a random moment, lets happen after it."""
    from trisep_nn.widgets import playground

    pg = playground(hidden=[8, 8])
    pg.max_epochs = 10**7
    rng = np.random.default_rng(seed)
    stops = []  # (seconds from the click to the end of training, frames finished after it)

    async def train_and_stop():
        loop = asyncio.get_running_loop()
        for _ in range(n_stops):
            first = len(pg.frames)
            task = pg.start()
            while len(pg.frames) < first + n_frames // n_stops:
                await asyncio.sleep(0.002)
            clicked = []

            def click(clicked=clicked):  # from a thread, as a browser message reaches a kernel
                time.sleep(rng.uniform(0, np.median(pg.frames)))
                clicked.append((time.perf_counter(), len(pg.frames)))
                loop.call_soon_threadsafe(pg.stop)

            threading.Thread(target=click).start()
            await task
            at, frames = clicked[0]
            stops.append((time.perf_counter() - at, len(pg.frames) - frames))

    epochs = pg.run.epoch
    asyncio.run(train_and_stop())
    frames = np.asarray(pg.frames)
    redraws = np.asarray(pg.timings[-len(frames):])
    return {"frames": len(frames), "epochs_per_frame": (pg.run.epoch - epochs) / len(frames),
            "median_R": np.median(frames) / R, "p90_R": np.percentile(frames, 90) / R,
            "redraw_R": np.median(redraws) / R, "stop_R": max(s for s, _ in stops) / R,
            "frames_after_stop": max(n for _, n in stops)}


def report_frames(R):
    f = measure_frames(R)
    ok = "✅" if f["p90_R"] <= TARGET_FRAME_R and f["frames_after_stop"] <= 1 else "❌"
    print(f"\nPlayground live training (2 x 8 ReLU on moons, every unit shown): a frame is "
          f"some epochs + one redraw (target: p90 frame <= {TARGET_FRAME_R} R; after a click "
          f"on Stop at a random moment, at most the frame under way finishes).\n")
    print("| frames | epochs/frame | frame median | frame p90 | of which redraw | "
          "Stop: slowest | frames after Stop | on target |")
    print("|---:|---:|---:|---:|---:|---:|---:|:---:|")
    print(f"| {f['frames']} | {f['epochs_per_frame']:.1f} | {f['median_R']:.2f} R | "
          f"{f['p90_R']:.2f} R | {f['redraw_R']:.2f} R | {f['stop_R']:.2f} R | "
          f"{f['frames_after_stop']} | {ok} |")
    return f


def _breakdown(explorer):
    """Median seconds per redraw in each phase (see Explorer.breakdown)."""
    phases = explorer.breakdown
    return {k: float(np.median([b[k] for b in phases])) for k in phases[0]} if phases else {}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="?", default="", help="only names containing this")
    parser.add_argument("--no-frames", action="store_true",
                        help="skip the Playground's live-training frames")
    args = parser.parse_args(argv)

    import trisep_nn.widgets as w

    data_args = _data()
    R = reference_render_seconds()
    print(f"R (reference figure to PNG, fastest of 15) = {1000 * R:.0f} ms", file=sys.stderr)
    rows = []
    for name in w.__all__:
        if name in CORE or args.only not in name:
            continue
        factory = getattr(w, name)
        if not callable(factory) or inspect.isclass(factory):
            continue
        try:
            row = measure(name, factory, data_args)
        except Exception as error:  # report and go on: one broken explorer is a finding
            row = {"name": name, "note": f"failed: {type(error).__name__}: {error}"}
        if row is not None:
            rows.append(row)
            print(f"  measured {name}", file=sys.stderr)

    print(f"\nRefit-and-redraw latency per explorer move, in ms and in units of R = "
          f"{1000 * R:.0f} ms (target: median <= {TARGET_MEDIAN_R} R, p90 <= {TARGET_P90_R} R); "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}.\n")
    print("| explorer | lesson | moves | median | p90 | revisit median | built (s) | "
          "draw / render / png | on target |")
    print("|---|---|---:|---:|---:|---:|---:|---|:---:|")
    for r in rows:
        if "median" not in r:
            continue
        in_r = {key: r[key] / (1000 * R) for key in ("median", "p90", "revisit")}
        r.update({f"{key}_R": value for key, value in in_r.items()})
        ok = "✅" if in_r["median"] <= TARGET_MEDIAN_R and in_r["p90"] <= TARGET_P90_R else "❌"
        lesson = r["module"].split(".")[-2]
        cells = " | ".join(f"{r[key]:.0f} ms = {in_r[key]:.2f} R"
                           for key in ("median", "p90", "revisit"))
        phases = " / ".join(f"{r['breakdown'].get(k, np.nan) / R:.2f}"
                            for k in ("draw", "render", "png"))
        print(f"| `{r['name']}` | {lesson} | {r['moves']} | {cells} | {r['built']:.2f} | "
              f"{phases} R | {ok} |")
    skipped = [r for r in rows if "median" not in r]
    if skipped:
        print("\nNot measured (no defaults, and no entry in this script's `_data()`): "
              + "; ".join(f"`{r['name']}` ({r['note']})" for r in skipped))
    for r in rows:
        for error in r.get("errors", []):
            print(f"\n- `{r['name']}` showed an error for {error}")
    if not args.no_frames and args.only in "playground":
        report_frames(R)
    return rows


if __name__ == "__main__":
    main()
