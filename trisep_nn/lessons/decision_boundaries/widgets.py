"""Explorers for notebook 09 (decision boundaries) and the Playground.

* :func:`width_boundary_explorer`, :func:`depth_boundary_explorer` and
  :func:`l2_boundary_explorer`: the lecture's 4-class problem with one knob
  each; every slider position is a network trained from scratch (about a
  quarter of a second) and cached; in Jupyter the other positions are fitted
  in the background after the explorer appears, so moving the slider costs
  only the redraw.
* :func:`playground`: in the spirit of the TensorFlow Playground: choose the
  data, the network and the optimiser, press Train, and watch the decision
  boundary, the training and test losses and the first hidden layer's units
  change while it learns.

Training in the Playground runs in short chunks (about a tenth of a second)
inside an asyncio task on the kernel's event loop, redrawing between chunks,
so the buttons and sliders stay responsive and Stop works. Everything a
student can set is in ``.config``, a plain dict, and
``Playground.from_config(config)`` rebuilds the same run, epoch for epoch.
"""

import asyncio
import functools
import html
import io
import time

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.ticker import MaxNLocator

from trisep_nn import plots
from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.decision_boundaries import (
    ACTIVATIONS,
    DATASETS,
    DEFAULT_NOISE,
    FOUR_CLASS,
    MAX_HIDDEN_LAYERS,
    OPTIMIZERS,
    TrainingRun,
    check_config,
    count_parameters,
    fitted_run,
    linear_regions,
    weight_norm,
)

__all__ = [
    "playground", "width_boundary_explorer", "depth_boundary_explorer", "l2_boundary_explorer",
]

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
L2_STRENGTHS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
MAX_WIDTH = 32
_UNIT_CMAP = matplotlib.colormaps["RdBu_r"]


def _selection_slider(values, value, description, continuous=False):
    """A slider over a few chosen numbers (``value`` is added if it is not one of them)."""
    values = sorted(set(values) | {value})
    return widgets.SelectionSlider(
        options=[(f"{v:g}", v) for v in values], value=value, description=description,
        continuous_update=continuous, style={"description_width": "initial"},
    )


def _png(rgba):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------------- #
# The Playground
# --------------------------------------------------------------------------- #
class Playground(Explorer):
    """A TensorFlow-Playground-like trainer: controls, Train / Step / Reset,
    the decision boundary and the losses redrawn live, and the first hidden
    layer's units as small images.

    Parameters
    ----------
    config : dict, optional
        Keys of ``trisep_nn.lessons.decision_boundaries.DEFAULT_CONFIG``; its ``epochs``
        are trained right away (so ``Playground(pg.config)`` rebuilds a run).
    max_epochs : int, default 5000
        One press of Train trains at most this many more epochs (so a forgotten
        Playground does not keep a core busy); Stop ends it earlier.
    chunk_seconds : float, default 0.1
        Training time between two redraws while Train runs.
    n_units : int, default 16
        Show at most this many units of the first hidden layer.
    **overrides
        Config keys as keyword arguments.

    For tests and scripts (no browser needed): ``update(**values)`` sets
    controls as a student would; ``step()``, ``train(epochs)``, ``reset()``;
    ``start()`` / ``stop()`` run the background training (inside an asyncio
    event loop, as in Jupyter); ``run`` is the :class:`TrainingRun` (``.model``,
    ``.history``), ``config`` the dict that reproduces it.
    """

    CONTROLS = ("dataset", "noise", "train_fraction", "layers",
                *(f"width{i}" for i in range(1, MAX_HIDDEN_LAYERS + 1)),
                "activation", "optimizer", "lr", "l2", "batch_size", "seed")

    def __init__(self, config=None, *, max_epochs=5000, chunk_seconds=0.1, n_units=16,
                 **overrides):
        cfg = check_config({**(config or {}), **overrides})  # validated, complete
        epochs = cfg.pop("epochs")
        self.max_epochs, self.chunk_seconds, self.n_units = int(max_epochs), chunk_seconds, n_units
        self._fixed = {"n_samples": cfg["n_samples"]}  # config keys without a control
        self.run = None
        self._task = None
        self._stop_requested = False
        self.running = False
        self._status = widgets.HTML()
        self._units_box = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self._units_label = widgets.HTML()
        super().__init__(self._draw, self._make_controls(cfg), figsize=(9, 3.6))
        self._train_button = widgets.Button(description="▶ Train", button_style="success",
                                            tooltip="train until Stop (or max_epochs)")
        self._step_button = widgets.Button(description="Step", tooltip="train one epoch")
        self._reset_button = widgets.Button(description="Reset", tooltip="back to epoch 0 "
                                            "(same seed: the same start)")
        self._train_button.on_click(lambda _: self.stop() if self.running else self.start())
        self._step_button.on_click(lambda _: self.step())
        self._reset_button.on_click(lambda _: self.reset())
        buttons = widgets.HBox([self._train_button, self._step_button, self._reset_button,
                                self._status])
        explorer_box = self.widget
        self.widget = widgets.VBox([widgets.HTML("<b>Playground</b>"), buttons, explorer_box,
                                    self._units_label, self._units_box])
        if epochs:
            self.train(epochs)

    # -- the public face ------------------------------------------------------
    @property
    def config(self):
        """The dict that reproduces this run (``epochs`` = epochs trained so far)."""
        return self.run.config

    @classmethod
    def from_config(cls, config, **kwargs):
        """A Playground set to ``config`` and trained for its ``epochs``."""
        return cls(dict(config), **kwargs)

    @property
    def model(self):
        return self.run.model

    @property
    def history(self):
        return self.run.history

    def step(self, epochs=1):
        """Train ``epochs`` epochs now, then redraw (the Step button)."""
        self.run.train(epochs)
        return self.redraw()

    def train(self, epochs):
        """Train ``epochs`` epochs synchronously (one redraw at the end)."""
        return self.step(epochs)

    def reset(self):
        """Stop, and start again from epoch 0 with the same settings (the Reset button)."""
        self.stop()
        self.run = None  # rebuilt by the redraw
        return self.redraw()

    def start(self):
        """Train in the background until :meth:`stop` or ``max_epochs`` more epochs.

        Needs a running asyncio event loop (a Jupyter kernel has one); returns
        the asyncio Task."""
        if self.running:
            return self._task
        self._stop_requested = False
        self._task = asyncio.ensure_future(self._train_in_chunks())
        self.running = True  # set now, so a second click before the task starts stops it
        self._show_buttons()
        return self._task

    def stop(self):
        """Ask the background training to stop after its current chunk. The button
        turns back into Train only when the training has ended, its last redraw done
        (until then it says "stopping…"), so what shows beside Train is final."""
        self._stop_requested = True
        if self._task is None or self._task.done():
            self.running = False
        self._show_buttons()
        return self

    # -- background training ------------------------------------------------
    async def _train_in_chunks(self):
        run = self.run
        target = run.epoch + self.max_epochs
        try:
            while (not self._stop_requested and self.run is run and run.epoch < target
                   and not run.diverged):
                start = time.perf_counter()
                while (time.perf_counter() - start < self.chunk_seconds and run.epoch < target
                       and not run.diverged):
                    run.train(1)
                if self.run is run:
                    self.redraw()
                # Give the kernel the floor: button clicks and slider moves are handled
                # here, between chunks (this is what keeps the interface responsive).
                await asyncio.sleep(0.01)
        except Exception as error:  # shown, never lost in the kernel's log
            self.last_error = error
            self._message.value = (
                "<pre style='color:#b00020;white-space:pre-wrap'>Training stopped: "
                f"{type(error).__name__}: {html.escape(str(error))}</pre>")
        finally:
            self.running = False
            self._show_buttons()

    # -- drawing -------------------------------------------------------------
    def _make_controls(self, cfg):
        hidden = cfg["hidden"]
        widths = [hidden[i] if i < len(hidden) else 4 for i in range(MAX_HIDDEN_LAYERS)]
        controls = {
            "dataset": dropdown(list(DATASETS), cfg["dataset"], "data"),
            "noise": slider(cfg["noise"], 0.0, 0.5, 0.01, "noise", continuous=False),
            "train_fraction": slider(cfg["train_fraction"], 0.1, 0.9, 0.1, "train fraction",
                                     continuous=False),
            "layers": slider(len(hidden), 0, MAX_HIDDEN_LAYERS, 1, "hidden layers",
                             continuous=False),
        }
        for i, w in enumerate(widths, start=1):
            controls[f"width{i}"] = slider(w, 1, MAX_WIDTH, 1, f"layer {i} width",
                                           continuous=False)
        controls.update({
            "activation": dropdown(list(ACTIVATIONS), cfg["activation"], "activation"),
            "optimizer": dropdown(list(OPTIMIZERS), cfg["optimizer"], "optimizer"),
            "lr": _selection_slider(LEARNING_RATES, cfg["lr"], "learning rate η"),
            "l2": _selection_slider(L2_STRENGTHS, cfg["l2"], "L2 α"),
            "batch_size": _selection_slider(BATCH_SIZES, cfg["batch_size"], "batch size"),
            "seed": slider(cfg["seed"], 0, 9, 1, "seed", continuous=False),
        })
        for control in controls.values():  # a tidy grid of equal cells
            control.layout.width = "300px"
        return controls

    def _on_change(self, change):
        # A new dataset comes with its own usual noise level (the scales differ).
        if change["owner"] is self.controls["dataset"] and not self._quiet:
            self._quiet = True
            try:
                self.controls["noise"].value = DEFAULT_NOISE[change["new"]]
            finally:
                self._quiet = False
        super()._on_change(change)

    def _config_from(self, values):
        hidden = [int(values[f"width{i}"]) for i in range(1, int(values["layers"]) + 1)]
        cfg = {key: values[key] for key in ("dataset", "noise", "train_fraction", "activation",
                                            "optimizer", "lr", "l2", "batch_size", "seed")}
        return {**self._fixed, **cfg, "hidden": hidden,
                "noise": round(float(values["noise"]), 6),
                "train_fraction": round(float(values["train_fraction"]), 6)}

    def _draw(self, fig, **values):
        cfg = check_config(self._config_from(values))
        cfg.pop("epochs")
        if self.run is None or _without_epochs(self.run.config) != cfg:
            self._stop_requested = True  # settings changed: a new run, background training ends
            self.run = TrainingRun(cfg)
        for i in range(1, MAX_HIDDEN_LAYERS + 1):
            self.controls[f"width{i}"].disabled = i > int(values["layers"])
        self._plot(fig)
        self._show_units()
        self._show_status()

    def _plot(self, fig):
        run = self.run
        # fixed positions instead of constrained layout: a third of the redraw time saved,
        # which matters when the picture is redrawn several times a second
        fig.set_layout_engine("none")
        ax_boundary, ax_loss = fig.subplots(1, 2, gridspec_kw=dict(
            width_ratios=[1.25, 1], left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.22))
        if run.diverged:  # no boundary to draw: the weights are infinite or NaN
            plots.decision_boundary(lambda X: np.full(len(X), 0.5), run.X_train, run.y_train,
                                    ax_boundary, output="proba", legend=False, resolution=2,
                                    feature_names=run.feature_names, s=12)
            ax_boundary.set_title(f"diverged at epoch {run.epoch}", color="#b00020")
        else:
            plots.decision_boundary(
                run.predict_proba, run.X_train, run.y_train, ax_boundary, X_test=run.X_test,
                y_test=run.y_test, output="proba", class_names=list(run.class_names),
                feature_names=run.feature_names, resolution=90, s=12,
                legend=run.n_classes == 2,  # four arm labels would hide the spirals
                title=f"epoch {run.epoch}",
            )
        h = run.history
        with plots.style():
            if h["epoch"]:
                ax_loss.plot(h["epoch"], h["loss"], color=plots.PALETTE[0], label="training loss")
                ax_loss.plot(h["epoch"], h["test_loss"], color=plots.PALETTE[1],
                             label="test loss")
                ax_loss.legend(loc="lower left", bbox_to_anchor=(0, 1), ncol=2,
                               borderaxespad=0.2)
                top = max(max(h["loss"][:1] + h["test_loss"][:1]), 1e-3)
                ax_loss.set_ylim(0, 1.1 * min(top, max(max(h["loss"]), max(h["test_loss"]))))
            else:
                ax_loss.text(0.5, 0.5, "press Train or Step", ha="center", va="center",
                             transform=ax_loss.transAxes, color="0.4")
            ax_loss.set_xlabel("epoch")
            ax_loss.set_ylabel("cross-entropy loss")
            ax_loss.grid(True, alpha=0.3)

    def _show_units(self):
        run = self.run
        hidden = run.config["hidden"]
        if not hidden:
            self._units_label.value = (
                "<i>No hidden layer: the network is logistic regression, h(x) = wᵀx + b, "
                "and its boundary is a straight line.</i>")
            self._set_unit_images([])
            return
        n = 48
        G = run.grid(n)
        H = np.nan_to_num(run.hidden_outputs(G, layer=1)[:, : self.n_units])
        pngs = []
        for j in range(H.shape[1]):
            u = H[:, j].reshape(n, n)[::-1]  # image rows run top to bottom
            span = np.abs(u).max()
            u = u / span if span > 0 else u
            pngs.append(_png((_UNIT_CMAP((u + 1) / 2) * 255).astype(np.uint8)))
        self._set_unit_images(pngs)
        shown = "" if hidden[0] <= self.n_units else f" (the first {self.n_units} of {hidden[0]})"
        self._units_label.value = (
            f"<b>First hidden layer</b>{shown}: each image is one unit's output φⱼ(x; U) over "
            "the same plane (red high, blue low, white zero) — the basis functions the "
            "network has learned.")

    def _set_unit_images(self, pngs):
        """Show one image per unit. The same Image widgets are updated in place from
        redraw to redraw (new ones per redraw piled up in the kernel and the browser
        while training, and appeared on the page after the redraw that made them)."""
        old = list(self._units_box.children)
        images = old if len(old) == len(pngs) else [
            widgets.Image(format="png", layout=widgets.Layout(width="64px", height="64px",
                                                              margin="2px")) for _ in pngs]
        for image, png in zip(images, pngs):
            image.value = png
        if images is not old:
            self._units_box.children = images
            for image in old:  # out of the box first, then gone
                image.close()

    def _show_status(self):
        run = self.run
        s = run.scores()
        sizes = [2, *run.config["hidden"], 1 if run.n_classes == 2 else run.n_classes]
        text = (f"epoch {run.epoch} · training loss {s['loss']:.3f} · test loss "
                f"{s['test_loss']:.3f} · test accuracy {100 * s['test_accuracy']:.1f}% · "
                f"{count_parameters(sizes)} parameters")
        if run.diverged:
            text += (" · <b style='color:#b00020'>diverged: lower the learning rate and "
                     "press Reset</b>")
        self._status.value = text
        self._show_buttons()

    def _show_buttons(self):
        if not hasattr(self, "_train_button"):
            return
        button = self._train_button
        if self.running and not self._stop_requested:
            button.description, button.button_style, button.disabled = "⏸ Stop", "warning", False
        elif self.running:  # Stop pressed; the last chunk is still finishing
            button.description, button.button_style, button.disabled = "stopping…", "", True
        else:
            button.description, button.button_style, button.disabled = "▶ Train", "success", False
        self._step_button.disabled = self.running


def _without_epochs(cfg):
    return {k: v for k, v in cfg.items() if k != "epochs"}


def playground(dataset="moons", config=None, **kwargs):
    """The Playground (see :class:`Playground`), e.g. ``playground("spirals", hidden=[8, 8])``
    or ``playground(config=pg.config)`` to rebuild a run."""
    if config is not None:
        return Playground(config, **kwargs)
    return Playground(dataset=dataset, **kwargs)


# --------------------------------------------------------------------------- #
# Notebook 09: width, depth and L2 on the lecture's 4-class problem
# --------------------------------------------------------------------------- #
def four_class_run(**changes):
    """The slide's run (``FOUR_CLASS``: 2 x 32 ReLU, α = 1e-3) with some settings
    changed, trained once and cached (see ``decision_boundaries.fitted_run``)."""
    return fitted_run(**{**FOUR_CLASS, **changes})


def draw_run(ax, run, title=None, resolution=150):
    """The decision boundary of a TrainingRun: training points filled, test points hollow."""
    plots.decision_boundary(
        run.predict_proba, run.X_train, run.y_train, ax, X_test=run.X_test, y_test=run.y_test,
        output="proba", class_names=list(run.class_names), feature_names=run.feature_names,
        resolution=resolution, legend=False, s=10, title=title,
    )
    return ax


@functools.lru_cache(maxsize=32)
def _remembered_proba(run):
    """``run.predict_proba`` remembering its answer per grid, for the read-only cached runs
    of notebook 09: moving a slider back redraws without evaluating the network again."""
    seen = {}

    def proba(X):
        key = (X.shape, hash(np.ascontiguousarray(X).tobytes()))
        if key not in seen:
            seen[key] = run.predict_proba(X)
        return seen[key]

    return proba


@functools.lru_cache(maxsize=32)
def _linear_pieces(run):
    return linear_regions(run, run.grid(150))


def _draw_cached_run(ax, run, title):
    """:func:`draw_run` for a cached (read-only) run, with few tick labels (they cost
    more to draw than the picture)."""
    plots.decision_boundary(
        _remembered_proba(run), run.X_train, run.y_train, ax, X_test=run.X_test,
        y_test=run.y_test, output="proba", class_names=list(run.class_names),
        feature_names=run.feature_names, resolution=150, legend=False, s=10, title=title,
    )
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
    return ax


def _prefetch(changes):
    """In Jupyter, fit the other slider positions in the background, one per turn of the
    kernel's event loop, so that moving the slider finds them ready. (Without a running
    event loop, as in tests and scripts, nothing happens.)"""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None

    async def fit_all():
        for change in changes:
            await asyncio.sleep(0.05)  # let the kernel run cells and slider moves first
            four_class_run(**change)

    return loop.create_task(fit_all())


def _fixed_layout(fig, **margins):
    """Place the axes by hand: constrained layout would cost two thirds of each redraw,
    and these figures keep the same axes and labels from one slider position to the next."""
    fig.set_layout_engine("none")
    return dict(left=0.13, right=0.97, bottom=0.11, top=0.86, **margins)


def _summary(run):
    s = run.scores()
    return f"train {100 * s['accuracy']:.0f}%, test {100 * s['test_accuracy']:.0f}%"


def width_boundary_explorer(widths=(1, 2, 3, 4, 6, 8, 16, 32, 64), width=8, depth=2, l2=1e-3):
    """Decision boundary on the 4-class problem against the width of each hidden layer."""
    def draw(fig, width):
        run = four_class_run(hidden=[width] * depth, l2=l2)
        sizes = [2, *[width] * depth, 4]
        _draw_cached_run(fig.subplots(gridspec_kw=_fixed_layout(fig)), run,
                         f"{depth} hidden layers × {width} ReLU units "
                         f"({count_parameters(sizes)} parameters)\n{_summary(run)}")

    controls = {"width": _selection_slider(widths, width, "units per hidden layer")}
    explorer = Explorer(draw, controls, figsize=(5.6, 4.6))
    explorer.prefetch = _prefetch([{"hidden": [w] * depth, "l2": l2} for w in widths])
    return explorer


def depth_boundary_explorer(max_depth=MAX_HIDDEN_LAYERS, depth=2, width=8, l2=1e-3):
    """Decision boundary on the 4-class problem against the number of hidden layers,
    with the number of linear pieces the ReLU network cuts the plane into."""
    def draw(fig, depth):
        run = four_class_run(hidden=[width] * depth, l2=l2)
        pieces = _linear_pieces(run)
        _draw_cached_run(fig.subplots(gridspec_kw=_fixed_layout(fig)), run,
                         f"{depth} hidden layer{'s' * (depth != 1)} × {width} ReLU units: "
                         f"{pieces} linear piece{'s' * (pieces != 1)}\n{_summary(run)}")

    controls = {"depth": slider(depth, 0, max_depth, 1, "hidden layers", continuous=False)}
    explorer = Explorer(draw, controls, figsize=(5.6, 4.6))
    explorer.prefetch = _prefetch([{"hidden": [width] * d, "l2": l2}
                                   for d in range(max_depth + 1)])
    return explorer


def l2_boundary_explorer(alphas=L2_STRENGTHS, alpha=1e-3, hidden=(32, 32)):
    """Decision boundary and weights of the slide's network against the L2 strength α."""
    def draw(fig, alpha):
        run = four_class_run(hidden=list(hidden), l2=alpha)
        layout = _fixed_layout(fig, width_ratios=[1.3, 1], wspace=0.28)
        layout.update(left=0.08, top=0.9)
        ax_boundary, ax_weights = fig.subplots(1, 2, gridspec_kw=layout)
        _draw_cached_run(ax_boundary, run, f"α = {alpha:g}: {_summary(run)}")
        weights = np.concatenate([layer.weight.data.ravel() for layer in run.model.linears])
        with plots.style():
            ax_weights.hist(weights, bins=np.linspace(-4, 4, 81), color=plots.PALETTE[0],
                            histtype="stepfilled")  # one polygon, not 80 bars: faster
            ax_weights.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
            ax_weights.set(xlabel="weight value", ylabel="number of weights",
                           title=f"Ω(w) = Σw² = {weight_norm(run.model):.3g}")

    controls = {"alpha": _selection_slider(alphas, alpha, "L2 strength α")}
    explorer = Explorer(draw, controls, figsize=(9, 4.2))
    explorer.prefetch = _prefetch([{"hidden": list(hidden), "l2": a} for a in alphas])
    return explorer
