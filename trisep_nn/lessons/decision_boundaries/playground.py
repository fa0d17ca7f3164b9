"""The Playground: TensorFlow Playground in a notebook, tied to the lecture.

Choose the data (six classification problems, two regression ones, each with its
noise and its own data seed), the input features (``x₁, x₂, x₁², x₂², x₁x₂,
sin x₁, sin x₂``: the basis functions of notebooks 01 and 05), the network (0 to 4
hidden layers of 1 to 32 units, the activation), the training (optimiser, learning
rate, L1 and L2 strengths, batch size, the weights' seed), press Train, and watch
every unit of every layer, the weights, the output, the losses and the gradients
change while it learns (see :mod:`.pictures`). Beyond TensorFlow Playground: the
physics toy's Bayes-optimal boundary and loss, the gradient magnitude per layer, and
a *share string* that rebuilds a run exactly, epoch for epoch.

Training runs in frames inside an asyncio task on the kernel's event loop: some
epochs, then a redraw, then the kernel handles button clicks and slider moves. So
the interface stays responsive and Stop takes effect within one frame.
"""

import asyncio
import html
import time

import ipywidgets as widgets
import numpy as np

from trisep_nn.explorer import Explorer, dropdown, slider
from trisep_nn.lessons.decision_boundaries import (
    ACTIVATIONS,
    DATASETS,
    DEFAULT_NOISE,
    FEATURES,
    L2_STRENGTHS,
    MAX_HIDDEN_LAYERS,
    OPTIMIZERS,
    TrainingRun,
    as_config,
    check_config,
    count_parameters,
)
from trisep_nn.lessons.decision_boundaries.pictures import (
    CurvesPanel,
    NetworkDiagram,
    OutputPanel,
)

__all__ = ["Playground", "playground", "selection_slider"]

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
L1_RATES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
MAX_WIDTH = 32
FIGSIZE = (10.4, 4.6)  # inches at 100 dpi: with the controls it fits 1200 x 800 CSS px
VIEW = ("show_test", "discretize", "bayes")  # controls of the picture, not of the run


def selection_slider(values, value, description, continuous=False):
    """A slider over a few chosen numbers (``value`` is added if it is not one of them)."""
    values = sorted(set(values) | {value})
    return widgets.SelectionSlider(
        options=[(f"{v:g}", v) for v in values], value=value, description=description,
        continuous_update=continuous, style={"description_width": "initial"},
    )


def _without_epochs(cfg):
    return {k: v for k, v in cfg.items() if k != "epochs"}


class Playground(Explorer):
    """A TensorFlow-Playground-like trainer: controls, Train / Step / Reset, and the
    network, its output, losses and gradients redrawn live.

    Parameters
    ----------
    config : dict or str, optional
        Keys of ``decision_boundaries.DEFAULT_CONFIG`` (or a share string); its
        ``epochs`` are trained right away, so ``Playground(pg.share)`` rebuilds a run.
    max_epochs : int, default 5000
        One press of Train trains at most this many more epochs (so a forgotten
        Playground does not keep a core busy); Stop ends it earlier.
    chunk_seconds : float, optional
        Training time per frame. By default three quarters of a typical redraw.
    **overrides
        Config keys as keyword arguments.

    For tests and scripts (no browser needed): ``update(**values)`` sets controls as
    a student would; ``step()``, ``train(epochs)``, ``reset()``, ``load(config)``;
    ``start()`` / ``stop()`` run the background training (inside an asyncio event
    loop, as in Jupyter); ``run`` is the :class:`TrainingRun` (``.model``,
    ``.history``), ``config`` the dict and ``share`` the line that reproduce it;
    ``frames`` the seconds each frame of background training took.
    """

    def __init__(self, config=None, *, max_epochs=5000, chunk_seconds=None, **overrides):
        cfg = check_config({**as_config(config or {}), **overrides})  # validated, complete
        epochs = cfg.pop("epochs")
        self.max_epochs, self.chunk_seconds = int(max_epochs), chunk_seconds
        self._fixed = {"n_samples": cfg["n_samples"]}  # config keys without a control
        self.run, self._task, self._stop_requested, self.running = None, None, False, False
        self._parts = {}  # the figure's panels, built on the first draw
        self.frames, self._live_redraws = [], []
        self._status = widgets.HTML()
        self._share = widgets.Text(description="share", continuous_update=False,
                                   layout=widgets.Layout(width="98%"),
                                   tooltip="paste a share string here to rebuild that run")
        super().__init__(self._draw, self._make_controls(cfg), figsize=FIGSIZE, clear=False)
        self._share.observe(self._on_share, names="value")
        self._make_buttons()
        self.widget = self._arrange()
        if epochs:
            self.train(epochs)

    # -- the public face ------------------------------------------------------
    @property
    def config(self):
        """The dict that reproduces this run (``epochs`` = epochs trained so far)."""
        return self.run.config

    @property
    def share(self):
        """The config as one line of text: ``playground(config=pg.share)`` rebuilds the run."""
        return self.run.share

    @classmethod
    def from_config(cls, config, **kwargs):
        """A Playground set to ``config`` (a dict or a share string), trained for its epochs."""
        return cls(config, **kwargs)

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

    def load(self, config):
        """Set every control to ``config`` (a dict or a share string) and rebuild its run,
        epoch for epoch (what pasting a share string does)."""
        cfg = check_config(as_config(config))
        epochs = cfg.pop("epochs")
        self.stop()
        self._fixed = {"n_samples": cfg["n_samples"]}
        self.update(**self._values_for(cfg))
        if self.run.epoch != epochs:  # the same settings may have kept the trained run
            self.run = TrainingRun(cfg)
            self.run.train(epochs)
            self.redraw()
        return self

    def start(self):
        """Train in the background until :meth:`stop` or ``max_epochs`` more epochs.

        Needs a running asyncio event loop (a Jupyter kernel has one); returns
        the asyncio Task."""
        if self.running:
            return self._task
        self._stop_requested = False
        self._task = asyncio.ensure_future(self._train_in_frames())
        self.running = True  # set now, so a second click before the task starts stops it
        self._show_buttons()
        return self._task

    def stop(self):
        """Ask the background training to stop after its current frame. The button
        says "stopping…" until that frame is drawn, then Train: what shows beside
        Train is final."""
        self._stop_requested = True
        if self._task is not None and self._task.done():
            self.running = False
        self._show_buttons()
        return self

    # -- background training ------------------------------------------------
    async def _train_in_frames(self):
        run = self.run
        target = run.epoch + self.max_epochs
        try:
            while (not self._stop_requested and self.run is run and run.epoch < target
                   and not run.diverged):
                start = time.perf_counter()
                budget = self._chunk()
                while True:  # at least one epoch per frame
                    run.train(1)
                    if (time.perf_counter() - start >= budget or run.epoch >= target
                            or run.diverged):
                        break
                if self.run is run:
                    self.redraw(live=True)
                    self._live_redraws.append(self.timings[-1] if self.timings else 0.02)
                self.frames.append(time.perf_counter() - start)
                # Give the kernel the floor: button clicks and slider moves are handled
                # here, between frames (this is what keeps the interface responsive).
                await asyncio.sleep(0.01)
        except Exception as error:  # shown, never lost in the kernel's log
            self.last_error = error
            self._message.value = (
                "<pre style='color:#b00020;white-space:pre-wrap'>Training stopped: "
                f"{type(error).__name__}: {html.escape(str(error))}</pre>")
        finally:
            if self._image.format != "png":  # the last frame again, as a crisp PNG
                self.redraw()
            # Only now does the button say Train again: whatever shows beside it is final.
            self.running = False
            self._show_buttons()

    def _chunk(self):
        """Training time per frame: ``chunk_seconds``, or by default three quarters of a
        typical live redraw (the median of the last five), so that a frame takes about
        1.75 redraws and Stop never waits long."""
        if self.chunk_seconds is not None:
            return self.chunk_seconds
        recent = sorted(self._live_redraws[-5:]) or [0.02]
        return min(0.75 * recent[len(recent) // 2], 0.1)

    # -- controls --------------------------------------------------------------
    def _make_controls(self, cfg):
        hidden = cfg["hidden"]
        widths = [hidden[i] if i < len(hidden) else 4 for i in range(MAX_HIDDEN_LAYERS)]

        def int_box(value, description):
            return widgets.BoundedIntText(value=value, min=0, max=999, description=description,
                                          style={"description_width": "initial"})

        controls = {
            "dataset": dropdown(list(DATASETS), cfg["dataset"], "data"),
            "noise": slider(cfg["noise"], 0.0, 0.5, 0.01, "noise", continuous=False),
            "train_fraction": slider(cfg["train_fraction"], 0.1, 0.9, 0.1, "train fraction",
                                     continuous=False),
            "data_seed": int_box(cfg["data_seed"], "data seed"),
            "seed": int_box(cfg["seed"], "weight seed"),
        }
        for name, (label, _) in FEATURES.items():
            controls[name] = widgets.ToggleButton(value=name in cfg["features"],
                                                  description=label, tooltip=f"feed {label}")
        controls.update({
            "show_test": widgets.Checkbox(value=True, description="test data", indent=False),
            "discretize": widgets.Checkbox(value=False, description="discretize",
                                           indent=False),
            "bayes": widgets.Checkbox(value=False, description="Bayes-optimal", indent=False,
                                      tooltip="physics toy: the best possible boundary and loss"),
            "layers": slider(len(hidden), 0, MAX_HIDDEN_LAYERS, 1, "hidden layers",
                             continuous=False),
        })
        for i, w in enumerate(widths, start=1):
            controls[f"width{i}"] = slider(w, 1, MAX_WIDTH, 1, f"layer {i}", continuous=False)
        controls.update({
            "activation": dropdown(list(ACTIVATIONS), cfg["activation"], "activation"),
            "optimizer": dropdown(list(OPTIMIZERS), cfg["optimizer"], "optimizer"),
            "lr": selection_slider(LEARNING_RATES, cfg["lr"], "learning rate η"),
            "batch_size": selection_slider(BATCH_SIZES, cfg["batch_size"], "batch"),
            "l1": selection_slider(L1_RATES, cfg["l1"], "L1 λ"),
            "l2": selection_slider(L2_STRENGTHS, cfg["l2"], "L2 α"),
        })
        return controls

    def _values_for(self, cfg):
        """The control values that describe ``cfg`` (a complete config)."""
        values = {key: cfg[key] for key in ("dataset", "noise", "train_fraction", "data_seed",
                                            "seed", "activation", "optimizer", "lr",
                                            "batch_size", "l1", "l2")}
        values.update({name: name in cfg["features"] for name in FEATURES})
        values["layers"] = len(cfg["hidden"])
        values.update({f"width{i}": w for i, w in enumerate(cfg["hidden"], start=1)})
        for key in ("lr", "batch_size", "l1", "l2"):  # a value between the slider's stops
            control = self.controls[key]
            if values[key] not in control._options_values:
                control.options = [(f"{v:g}", v) for v in
                                   sorted({*control._options_values, values[key]})]
        return values

    def _make_buttons(self):
        def button(description, tooltip, action, style=""):
            b = widgets.Button(description=description, tooltip=tooltip, button_style=style,
                               layout=widgets.Layout(width="auto"))
            b.on_click(lambda _: action())
            return b

        self._train_button = button("▶ Train", "train until Stop (or max_epochs)",
                                    lambda: self.stop() if self.running else self.start(),
                                    "success")
        self._step_button = button("Step", "train one epoch", self.step)
        self._reset_button = button("Reset", "back to epoch 0 (same seeds: the same start)",
                                    self.reset)
        self._new_data_button = button("New data", "the same dataset drawn with the next seed",
                                       self._new_data)
        self._show_buttons()

    def _new_data(self):
        self.controls["data_seed"].value = (self.controls["data_seed"].value + 1) % 1000

    def _arrange(self):
        """The controls in five compact rows above the figure, the share line below."""
        c = self.controls

        def row(*children):
            return widgets.HBox(list(children), layout=widgets.Layout(
                flex_flow="row wrap", align_items="center", margin="0 0 2px 0"))

        def sized(width, *names):
            for name in names:
                c[name].layout.width = width
            return [c[name] for name in names]

        top = row(widgets.HTML("<b>Playground</b>&nbsp;"), self._train_button,
                  self._step_button, self._reset_button, self._status)
        data = row(*sized("175px", "dataset"), *sized("220px", "noise", "train_fraction"),
                   *sized("125px", "data_seed", "seed"), self._new_data_button)
        inputs = row(widgets.HTML("inputs&nbsp;"), *sized("56px", *FEATURES),
                     widgets.HTML("&nbsp;&nbsp;show&nbsp;"),
                     *sized("95px", "show_test", "discretize"), *sized("125px", "bayes"))
        network = row(*sized("210px", "layers"), *sized("190px", "width1", "width2", "width3",
                                                         "width4"))
        training = row(*sized("150px", "activation"), *sized("140px", "optimizer"),
                       *sized("215px", "lr"), *sized("165px", "batch_size", "l1", "l2"))
        return widgets.VBox([top, data, inputs, network, training, self._message, self._image,
                             self._share])

    def _on_change(self, change):
        # A new dataset comes with its own usual noise level (the scales differ).
        if change["owner"] is self.controls["dataset"] and not self._quiet:
            self._quiet = True
            try:
                self.controls["noise"].value = DEFAULT_NOISE[change["new"]]
            finally:
                self._quiet = False
        super()._on_change(change)

    def _on_share(self, change):
        text = change["new"].strip()
        if self.run is None or not text or text == self.run.share:
            return
        try:
            self.load(text)
        except ValueError as error:
            self._message.value = ("<pre style='color:#b00020;white-space:pre-wrap'>"
                                   f"Not a share string: {html.escape(str(error))}</pre>")

    def _config_from(self, values):
        features = [name for name in FEATURES if values[name]]
        if not features:
            raise ValueError("switch on at least one input feature (x₁, x₂, ...)")
        hidden = [int(values[f"width{i}"]) for i in range(1, int(values["layers"]) + 1)]
        keys = ("dataset", "data_seed", "activation", "optimizer", "lr", "l1", "l2",
                "batch_size", "seed")
        return check_config({**self._fixed, **{k: values[k] for k in keys},
                             "features": features, "hidden": hidden,
                             "noise": round(float(values["noise"]), 6),
                             "train_fraction": round(float(values["train_fraction"]), 6)})

    # -- drawing -------------------------------------------------------------
    def _draw(self, fig, **values):
        cfg = _without_epochs(self._config_from(values))
        if self.run is None or _without_epochs(self.run.config) != cfg:
            self._stop_requested = True  # settings changed: a new run, background training ends
            self.run = TrainingRun(cfg)
        for i in range(1, MAX_HIDDEN_LAYERS + 1):
            self.controls[f"width{i}"].disabled = i > int(values["layers"])
        physics = cfg["dataset"] == "physics"
        self.controls["bayes"].disabled = not physics
        self._frame(fig, **{k: values[k] for k in VIEW}, physics=physics)
        self._show_status()

    def _frame(self, fig, show_test, discretize, bayes, physics):
        """Update every panel for the current run (rebuilding one only if it must)."""
        fig.set_layout_engine("none")  # fixed positions: no layout pass per frame
        run = self.run
        stale = fig.stale
        diagram, output, curves = (self._part(name, cls, fig) for name, cls in (
            ("diagram", NetworkDiagram), ("output", OutputPanel), ("curves", CurvesPanel)))
        rebuilt = fig.stale and not stale
        layers = run.layer_outputs(output.G)
        values = run.from_logits(layers[-1])
        if run.n_classes <= 2:  # the output unit's picture as the big one: p or h in [-1, 1]
            layers[-1] = np.clip(2 * values - 1 if run.n_classes else values, -1, 1)[:, None]
        if run.diverged:  # NaN or infinite values: draw them as zero
            layers = [np.nan_to_num(v, nan=0.0, posinf=0.0, neginf=0.0) for v in layers]
        diagram.update(run, layers, last_in_range=run.n_classes <= 2)
        values = np.nan_to_num(values, nan=0.5, posinf=1.0, neginf=0.0)
        output.update(run, values, self._title(), show_test, discretize, bayes and physics)
        rescaled = curves.update(run, bayes and physics)
        if rescaled and not rebuilt:  # new limits: render those axes again, not the figure
            self.refresh(curves.loss_ax, curves.grad_ax, region=curves.region(fig))

    def _part(self, name, cls, fig):
        """The figure's part ``name``, rebuilt if what it shows changed shape."""
        part = self._parts.get(name)
        if part is None or part.shape != cls.signature(self.run):
            if part is not None:
                part.remove()
            part = self._parts[name] = cls(fig, self.run)
        return part

    def _title(self):
        run = self.run
        if run.diverged:
            return f"diverged at epoch {run.epoch}: lower η and press Reset"
        s = run.scores()  # (short: its letters are drawn anew every frame)
        if run.task == "regression":
            return f"epoch {run.epoch}: test MSE {s['test_loss']:.4f}"
        return f"epoch {run.epoch}: test loss {s['test_loss']:.3f}, {s['test_accuracy']:.0%}"

    def _show_status(self):
        run = self.run
        s = run.scores()
        text = (f"epoch {run.epoch} · training loss {s['loss']:.3f} · test loss "
                f"{s['test_loss']:.3f}")
        if run.task == "classification":
            text += f" · test accuracy {100 * s['test_accuracy']:.1f}%"
        text += f" · {count_parameters(run.model.sizes)} parameters"
        if run.diverged:
            text += (" · <b style='color:#b00020'>diverged: lower the learning rate and "
                     "press Reset</b>")
        self._status.value = text
        share = run.share
        if self._share.value != share:
            self._share.value = share
        self._show_buttons()

    def _show_buttons(self):
        if not hasattr(self, "_train_button"):
            return
        if self.running and self._stop_requested:  # the frame under way finishes first
            self._train_button.description, self._train_button.button_style = "stopping…", ""
        elif self.running:
            self._train_button.description, self._train_button.button_style = "⏸ Stop", "warning"
        else:
            self._train_button.description, self._train_button.button_style = "▶ Train", "success"
        self._train_button.disabled = self.running and self._stop_requested
        self._step_button.disabled = self.running


def playground(dataset="moons", config=None, **kwargs):
    """The Playground (see :class:`Playground`), e.g. ``playground("spirals", hidden=[8, 8])``,
    or ``playground(config=pg.share)`` to rebuild a run."""
    if config is not None:
        return Playground(config, **kwargs)
    return Playground(dataset=dataset, **kwargs)
