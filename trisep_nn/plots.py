"""The course's plots, with one look: each function draws on ``ax`` (or a new
figure) and returns the Axes, so plots can be combined and restyled.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from trisep_nn import data, plots
    >>> X, y = data.noisy_function(30, random_state=0)
    >>> ax = plots.function_fit(X, y, truth=data.cosine)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('x', 'y')

Functions
---------
- :func:`decision_boundary`: class probabilities of a classifier over the plane,
  with the training (and test) points.
- :func:`training_curves`: training and validation loss (and accuracy) per
  epoch, with the best (early-stopping) epoch.
- :func:`gradient_histograms`: per-layer normalised histograms of gradients
  (Glorot & Bengio 2010).
- :func:`complexity_curve` and :func:`learning_curve_plot`: training and
  validation error vs model complexity or training-set size.
- :func:`roc_curve_plot`: ROC curves with their AUC, e.g. a network against the
  Bayes-optimal classifier.
- :func:`function_fit`: a 1-D regression: data, true function and fits.
- :class:`ProbabilityMap`: for explorers, a classifier's probability over the
  plane and its boundary, updated in place.

The look (a colour-blind-safe palette, light grid, no top/right frame) is the
dictionary ``RC_PARAMS``, applied inside each function only; ``with style():``
applies it to your own plots too. Nothing is changed globally on import.
:func:`inline_figures` (each notebook's first cell calls it) shows a notebook's
figures from one drawing pass instead of the inline backend's two, and gives long log
axes fewer minor ticks (2 and 5 times each power of ten), which draw much faster.
"""

import functools
import math
import numbers
import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgba_array
from matplotlib.lines import Line2D
from matplotlib.scale import LogScale, register_scale
from matplotlib.ticker import LogLocator

from .ops import describe
from .validation import InvalidArgumentError

__all__ = [
    "PALETTE",
    "RC_PARAMS",
    "style",
    "inline_figures",
    "decision_boundary",
    "class_image",
    "training_curves",
    "gradient_histograms",
    "complexity_curve",
    "learning_curve_plot",
    "roc_curve_plot",
    "function_fit",
    "ProbabilityMap",
]

#: Okabe & Ito's colour-blind-safe palette: class k is PALETTE[k].
PALETTE = [
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]

# Roles used across the course: training in blue, validation in vermillion.
_TRAIN, _VAL, _MARK = PALETTE[0], PALETTE[1], "0.35"

#: The course's matplotlib settings (used as ``matplotlib.rc_context(RC_PARAMS)``).
RC_PARAMS = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "figure.figsize": (5.5, 4.0),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.bbox": "tight",
}


def style():
    """Context manager applying the course's look (``RC_PARAMS``) to plots made inside it.

    >>> with style():
    ...     fig, ax = plt.subplots()
    >>> ax.spines["top"].get_visible()
    False
    """
    return mpl.rc_context(RC_PARAMS)


def inline_figures():
    """Show this notebook's figures drawn in one pass instead of two (Run All gets faster).

    Jupyter's inline backend saves each figure with ``bbox_inches="tight"``, which
    draws it twice: a dry run to lay it out and find its extent, then the picture.
    After this call, figures are made with constrained layout (which keeps labels,
    legends and colorbars inside the figure), and each is shown from a single draw:
    laid out, rendered, cropped to what was drawn and saved as a PNG. What lies
    wholly outside the figure (say ``fig.text(0.5, -0.2, ...)``) is then not shown,
    as in a figure window or ``savefig`` without ``bbox_inches="tight"``. A figure
    without constrained layout (``layout="tight"`` or ``"none"``), or drawn up to its
    edge (something may stick out), is shown the usual way. Returns True if figures
    are now shown this way (inside IPython with the inline backend showing PNGs),
    False elsewhere (where nothing else changes either).

    A log axis with two or more powers of ten inside it then gets minor ticks at 2 and 5
    times each power only, not at all of 2, 3, ..., 9 (Matplotlib labels none of them
    there, and its eight per decade make a log-log figure take about twice as long to
    draw); a shorter log axis keeps them all, with their labels."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is None or "inline" not in mpl.get_backend():
        return False
    # Importing the inline backend sets its own figure formatter; that must happen
    # before ours is set, or it would replace ours at the first figure.
    import matplotlib_inline.backend_inline  # noqa: F401
    from matplotlib.figure import Figure

    png = shell.display_formatter.formatters["image/png"]
    try:
        usual = png.lookup_by_type(Figure)
    except KeyError:  # figures are not shown as PNG here (InlineBackend.figure_formats)
        return False
    if getattr(usual, "__wrapped__", None) is not None:  # called twice: keep the original
        usual = usual.__wrapped__

    @functools.wraps(usual)
    def one_pass(figure):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.layout_engine import ConstrainedLayoutEngine

        if not (isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
                and isinstance(figure.canvas, FigureCanvasAgg)):
            return usual(figure)
        figure.canvas.draw()  # lays out, then renders
        picture = _cropped_png(np.asarray(figure.canvas.buffer_rgba()), figure.get_facecolor())
        return usual(figure) if picture is None else picture

    png.for_type(Figure, one_pass)
    mpl.rcParams["figure.constrained_layout.use"] = True
    register_scale(_LogScale)  # what "log", loglog and semilogy make from now on
    return True


class _LogMinorLocator(LogLocator):
    """Matplotlib's minor ticks of a log axis (2, 3, ..., 9 times each power of ten),
    except where two or more powers of ten lie inside the axis: there Matplotlib labels
    only the powers, and the minor ticks are only 2 and 5 times each power."""

    def __init__(self, base):
        super().__init__(base, subs="auto")
        self._sparse = LogLocator(base, subs=(2.0, 5.0))

    def set_axis(self, axis):
        super().set_axis(axis)
        self._sparse.set_axis(axis)

    def tick_values(self, vmin, vmax):
        vmin, vmax = sorted((vmin, vmax))
        if vmin > 0:  # the count of powers inside, as matplotlib.ticker.LogFormatter counts
            low, high = math.log(vmin, self._base), math.log(vmax, self._base)
            if math.floor(high) - math.floor(math.nextafter(low, -math.inf)) >= 2:
                return self._sparse.tick_values(vmin, vmax)
        return super().tick_values(vmin, vmax)


class _LogScale(LogScale):
    """Matplotlib's log scale, with :class:`_LogMinorLocator` as its default minor ticks."""

    def __init__(self, *args, **kwargs):  # no named ``axis``: Matplotlib 3.11 no longer passes it
        super().__init__(*args, **kwargs)

    def set_default_locators_and_formatters(self, axis):
        super().set_default_locators_and_formatters(axis)
        if self.subs is None:  # minor ticks not chosen by whoever asked for the scale
            axis.set_minor_locator(_LogMinorLocator(self.base))


def _cropped_png(rgba, facecolor, pad=4):
    """PNG bytes of the pixels that differ from the background, ``pad`` pixels around;
    None if any of them is on the picture's edge (something may be cut off there)."""
    import io

    from PIL import Image

    background = np.round(np.asarray(facecolor) * 255).astype(np.uint8)
    drawn = np.any(rgba != background, axis=2)
    if drawn[0].any() or drawn[-1].any() or drawn[:, 0].any() or drawn[:, -1].any():
        return None
    rows, columns = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
    if rows.size:
        rgba = rgba[max(rows[0] - pad, 0):rows[-1] + pad + 1,
                    max(columns[0] - pad, 0):columns[-1] + pad + 1]
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _styled(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with style():
            return function(*args, **kwargs)

    return wrapper


def _get_ax(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _class_colors(n):
    if n <= len(PALETTE):
        return to_rgba_array(PALETTE[:n])
    return plt.get_cmap("tab20")(np.arange(n) % 20)


def _to_numpy(a):
    """An ndarray from an array, a list, or a trisep_nn Tensor (``.data``)."""
    if hasattr(a, "data") and hasattr(a, "backward"):
        a = a.data
    return np.asarray(a)


def _check_finite(a, name):
    try:
        a = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name} must be numbers, got {describe(a)}") from None
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return a


def _check_same_length(a, b, name_a, name_b):
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} have different lengths: {len(a)} and {len(b)}"
        )


def _finish(ax, xlabel, ylabel, title):
    """Axis labels, the title (if any) and the legend: the end of every curve plot."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _fmt(v):
    return f"{v:g}" if _is_number(v) else str(v)


# --------------------------------------------------------------------------
# decision boundaries
# --------------------------------------------------------------------------
def _is_trisep_module(model):
    if "trisep_nn.nn" not in sys.modules:  # then no trisep_nn model exists yet
        return False
    from .nn import Module

    return isinstance(model, Module)


def _binary_cmap(colors):
    """Class 0's colour through white (p = ½) to class 1's."""
    return LinearSegmentedColormap.from_list("trisep_binary", [colors[0], "white", colors[1]])


def _probabilities(model, X, output):
    """Class probabilities on X: shape (n,) for binary (p of class 1), (n, K) else."""
    if output not in ("auto", "proba", "logits"):
        raise ValueError(f"output must be 'auto', 'proba' or 'logits', got {output!r}")
    if _is_trisep_module(model):
        from .train import predict

        raw, kind = predict(model, X), "logits" if output == "auto" else output
    elif hasattr(model, "predict_proba"):
        raw, kind = model.predict_proba(X), "proba" if output == "auto" else output
    elif callable(model):
        raw, kind = model(X), output
    else:
        raise TypeError(
            "model must be a classifier with predict_proba (e.g. a scikit-learn estimator), "
            f"a trisep_nn model, or a function X -> probabilities; got {type(model).__name__}"
        )
    P = _to_numpy(raw).astype(np.float64)
    if P.ndim == 2 and P.shape[1] == 1:
        P = P[:, 0]
    if P.ndim not in (1, 2) or P.shape[0] != len(X):
        raise ValueError(
            f"the model returned shape {P.shape} for {len(X)} points; expected ({len(X)},) "
            f"or ({len(X)}, n_classes)"
        )
    if not np.all(np.isfinite(P)):
        raise ValueError("the model returned NaN or infinite values on the plotting grid")
    if kind == "auto":  # a plain callable: probabilities if they look like them
        in_range = P.min() >= -1e-9 and P.max() <= 1 + 1e-9
        sums_to_one = P.ndim == 1 or P.shape[1] == 2 or np.allclose(P.sum(axis=1), 1, atol=1e-6)
        kind = "proba" if in_range and sums_to_one else "logits"
    if kind == "logits":
        from scipy.special import expit, softmax  # here: SciPy takes 0.2 s to import

        P = expit(P) if P.ndim == 1 else softmax(P, axis=1)
    elif P.min() < -1e-9 or P.max() > 1 + 1e-9:
        raise ValueError(
            f"the model returned values in [{P.min():.3g}, {P.max():.3g}], not probabilities; "
            "pass output='logits' if they are logits or scores"
        )
    if P.ndim == 2 and P.shape[1] == 2:
        P = P[:, 1]
    return np.clip(P, 0.0, 1.0)


def _check_2d_points(X, name):
    X = _check_finite(_to_numpy(X), name)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (n_samples, 2) to be drawn in the plane, got {X.shape}"
        )
    return X


def class_image(P, discrete=False):
    """The picture of K-class probabilities ``P`` (shape (rows, columns, K)) that
    :func:`decision_boundary` shows: an RGBA array (rows, columns, 4), each pixel in
    the colour of its most probable class, more opaque where the model is more
    confident (``discrete=True``: equally opaque everywhere), the boundaries between
    classes in dark grey."""
    n_classes = P.shape[-1]
    predicted = P.argmax(axis=-1)
    image = _class_colors(n_classes)[predicted]
    if discrete:
        image[..., 3] = 0.45
    else:
        strength = (P.max(axis=-1) - 1 / n_classes) / (1 - 1 / n_classes)
        image[..., 3] = 0.12 + 0.5 * strength
    edge = np.zeros(predicted.shape, dtype=bool)
    edge[:, 1:] |= predicted[:, 1:] != predicted[:, :-1]
    edge[1:, :] |= predicted[1:, :] != predicted[:-1, :]
    image[edge] = (0.2, 0.2, 0.2, 0.8)
    return image


@_styled
def decision_boundary(
    model,
    X,
    y,
    ax=None,
    *,
    X_test=None,
    y_test=None,
    output="auto",
    class_names=None,
    feature_names=("x₁", "x₂"),
    resolution=200,
    margin=0.1,
    colorbar=False,
    legend=True,
    s=18,
    title=None,
):
    """Class probabilities of a 2-D classifier over the plane, with the data points.

    Binary problems: the probability of class 1 as shading from the colour of
    class 0 through white to that of class 1, and the decision boundary
    ``p = 0.5`` as a black line. K classes: each point of the plane in the
    colour of its most probable class, more opaque where the model is more
    confident, with the boundaries between classes in dark grey.

    Parameters
    ----------
    model : estimator, trisep_nn model or callable
        Anything with ``predict_proba`` (a scikit-learn classifier or
        Pipeline); a ``trisep_nn.nn.Module`` (its outputs are logits); or a
        function ``X -> probabilities`` of shape (n,), (n, 1) or (n, K).
        With ``output="auto"`` a function's outputs are read as
        probabilities if they lie in [0, 1] (and rows sum to 1), else as
        logits (sigmoid / softmax is applied).
    X, y : training points (n, 2) and their labels, drawn as filled dots.
    X_test, y_test : optional test points, drawn hollow.
    output : "auto", "proba" or "logits"
    class_names : names for the legend (default "class 0", "class 1", ...).
    feature_names : the axis labels.
    resolution : grid points per axis.
    margin : extra space around the points, as a fraction of their range.
    colorbar : binary only: add a colour bar for p(class 1 | x).

    Returns
    -------
    matplotlib.axes.Axes

    >>> from sklearn.linear_model import LogisticRegression
    >>> from trisep_nn import data
    >>> X, y = data.moons(100, random_state=0)
    >>> ax = decision_boundary(LogisticRegression().fit(X, y), X, y)
    """
    X = _check_2d_points(X, "X")
    y = _to_numpy(y).ravel()
    _check_same_length(X, y, "X", "y")
    points = [X]
    if X_test is not None:
        X_test = _check_2d_points(X_test, "X_test")
        if y_test is None:
            raise ValueError("X_test was given without y_test")
        y_test = _to_numpy(y_test).ravel()
        _check_same_length(X_test, y_test, "X_test", "y_test")
        points.append(X_test)
    if not (isinstance(resolution, numbers.Integral) and resolution >= 2):
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")

    allpts = np.concatenate(points)
    low, high = allpts.min(axis=0), allpts.max(axis=0)
    pad = margin * np.where(high > low, high - low, 1.0)
    low, high = low - pad, high + pad
    gx = np.linspace(low[0], high[0], resolution)
    gy = np.linspace(low[1], high[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    P = _probabilities(model, grid, output)

    n_classes = 2 if P.ndim == 1 else P.shape[1]
    classes = list(getattr(model, "classes_", range(n_classes)))
    if len(classes) != n_classes:
        classes = list(range(n_classes))
    index = {c: i for i, c in enumerate(classes)}
    for labels, name in ((y, "y"), (y_test, "y_test")):
        if labels is not None:
            unknown = sorted({v for v in labels.tolist() if v not in index}, key=str)
            if unknown:
                raise ValueError(
                    f"{name} has labels {unknown} that the model does not predict "
                    f"(its {n_classes} classes are {classes}); labels must be integers "
                    f"0..{n_classes - 1} or the model's classes_"
                )
    if class_names is None:
        class_names = [f"class {c}" for c in classes]
    elif len(class_names) != n_classes:
        raise ValueError(
            f"class_names has {len(class_names)} names for {n_classes} classes"
        )
    colors = _class_colors(n_classes)

    ax = _get_ax(ax)
    ax.grid(False)
    extras = []
    if P.ndim == 1:
        cmap = _binary_cmap(colors)
        pp = P.reshape(xx.shape)
        shading = ax.contourf(xx, yy, pp, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.75)
        if pp.min() < 0.5 < pp.max():
            ax.contour(xx, yy, pp, levels=[0.5], colors="k", linewidths=1.5)
            extras.append(Line2D([], [], color="k", lw=1.5, label="boundary (p = 0.5)"))
        if colorbar:
            ax.figure.colorbar(shading, ax=ax, label=f"p({class_names[1]} | x)")
    else:
        ax.imshow(
            class_image(P.reshape(*xx.shape, n_classes)), origin="lower",
            extent=(low[0], high[0], low[1], high[1]), aspect="auto", interpolation="nearest",
        )

    for k in range(n_classes):
        inside = np.array([index[v] == k for v in y.tolist()], dtype=bool)
        ax.scatter(
            X[inside, 0], X[inside, 1], s=s, color=colors[k], edgecolors="white",
            linewidths=0.5, label=class_names[k], zorder=3,
        )
    if X_test is not None:
        test_index = np.array([index[v] for v in y_test.tolist()], dtype=int)
        ax.scatter(
            X_test[:, 0], X_test[:, 1], s=s, facecolors="none",
            edgecolors=colors[test_index], linewidths=1.0, zorder=3,
        )
        extras.append(
            Line2D([], [], ls="", marker="o", mfc="none", mec="0.3", label="test (hollow)")
        )

    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    if title:
        ax.set_title(title)
    if legend:
        handles, _ = ax.get_legend_handles_labels()
        ax.legend(handles=handles + extras, loc="upper right", frameon=True, framealpha=0.85)
    return ax


# --------------------------------------------------------------------------
# training curves
# --------------------------------------------------------------------------
def _history_dict(history):
    """A plain dict of lists from a dict, an object with ``.history`` / ``.history_``,
    or a fitted estimator with ``loss_curve_`` (scikit-learn's MLP or trisep_nn's)."""
    if isinstance(history, dict):
        return history
    for attribute in ("history", "history_"):
        h = getattr(history, attribute, None)
        if isinstance(h, dict):
            return h
    if getattr(history, "loss_curve_", None) is not None:
        h = {"loss": list(history.loss_curve_)}
        scores = getattr(history, "validation_scores_", None)
        if scores is not None:
            h["val_score"] = list(scores)
        return h
    raise TypeError(
        "history must be a dict of lists (keys 'loss', 'val_loss', 'accuracy', "
        "'val_accuracy', optionally 'epoch' and 'best_epoch'), an object with a "
        f".history dict, or an estimator with loss_curve_; got {type(history).__name__}"
    )


@_styled
def training_curves(history, ax=None, *, accuracy=True, best_epoch="auto", logy=False,
                    title=None):
    """Training and validation loss per epoch, marking the best epoch.

    Parameters
    ----------
    history : dict, History or estimator
        A dict of per-epoch lists: ``"loss"`` (required), ``"val_loss"``,
        ``"accuracy"``, ``"val_accuracy"``, and optionally ``"epoch"`` (the x
        values; default 1, 2, ...) and ``"best_epoch"`` (in the same units).
        ``trisep_nn.train.fit``'s History is such a dict; an object with a
        ``.history`` dict, or a fitted estimator with ``loss_curve_``, works too.
    accuracy : bool
        Also draw the accuracies (dotted), on a second y axis at the right.
    best_epoch : "auto", int or None
        "auto": ``history["best_epoch"]`` if present, else the epoch of the
        lowest validation loss. None: no mark.
    logy : bool
        Logarithmic loss axis.

    Returns
    -------
    matplotlib.axes.Axes  (the loss axes; the accuracy axes, if any, is
    ``ax.accuracy_axes``)

    >>> ax = training_curves({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.8]})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['training loss', 'validation loss', 'best epoch (2)']
    """
    h = _history_dict(history)
    loss = h.get("loss")
    if loss is None or len(loss) == 0:
        raise ValueError(f"history has no 'loss' values (its keys are {sorted(h)})")
    n = len(loss)
    epochs = h.get("epoch")
    epochs = np.arange(1, n + 1) if epochs is None or len(epochs) == 0 else np.asarray(epochs)
    series = {}
    for key in ("loss", "val_loss", "accuracy", "val_accuracy", "val_score"):
        values = h.get(key)
        if values is None or len(values) == 0:
            continue
        if len(values) != len(epochs):
            raise ValueError(
                f"history[{key!r}] has {len(values)} values but there are {len(epochs)} epochs"
            )
        series[key] = np.asarray(values, dtype=np.float64)

    ax = _get_ax(ax)
    ax.plot(epochs, series["loss"], color=_TRAIN, label="training loss")
    if "val_loss" in series:
        ax.plot(epochs, series["val_loss"], color=_VAL, label="validation loss")

    if isinstance(best_epoch, str) and best_epoch == "auto":
        best = h.get("best_epoch")
        if best is None and "val_loss" in series and np.any(np.isfinite(series["val_loss"])):
            best = epochs[int(np.nanargmin(series["val_loss"]))]
    else:
        best = best_epoch
    if best is not None:
        best = best.item() if hasattr(best, "item") else best
        ax.axvline(best, color=_MARK, ls="--", lw=1, label=f"best epoch ({_fmt(best)})")
        at = np.flatnonzero(epochs == best)
        if "val_loss" in series and len(at):
            ax.plot(best, series["val_loss"][at[0]], "o", color=_VAL, zorder=4)

    handles, _ = ax.get_legend_handles_labels()
    acc_keys = [k for k in ("accuracy", "val_accuracy", "val_score") if k in series]
    if accuracy and acc_keys:
        ax2 = ax.twinx()
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        names = {"accuracy": ("training accuracy", _TRAIN),
                 "val_accuracy": ("validation accuracy", _VAL),
                 "val_score": ("validation score", _VAL)}
        for key in acc_keys:
            label, color = names[key]
            ax2.plot(epochs, series[key], ls=":", color=color, label=label)
        ax2.set_ylabel("accuracy" if "val_score" not in acc_keys else "accuracy / score")
        handles += ax2.get_legend_handles_labels()[0]
        ax.set_zorder(ax2.get_zorder() + 1)  # the loss axes (and its legend) on top
        ax.patch.set_visible(False)
        ax.accuracy_axes = ax2
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if hasattr(ax, "accuracy_axes"):
        # "best" placement would ignore the accuracy lines: put the legend below
        # the plot, a column for training, one for validation, then the best epoch
        def column(handle):
            label = handle.get_label()
            return 0 if label.startswith("training") else 1 if "validation" in label else 2

        ax.legend(handles=sorted(handles, key=column), loc="upper center",
                  bbox_to_anchor=(0.5, -0.14), ncol=3)
    else:
        ax.legend(handles=handles, loc="best")
    return ax


# --------------------------------------------------------------------------
# gradient histograms (Glorot & Bengio 2010)
# --------------------------------------------------------------------------
@_styled
def gradient_histograms(grads_by_layer, ax=None, *, bins=101, limit=None, density=False,
                        log=False, xlabel="backpropagated gradient", cmap="viridis",
                        title=None):
    """Per-layer normalised histograms of gradients, one curve per layer.

    As in Glorot & Bengio (2010, Fig. 7): for a deep sigmoid network at
    initialisation the layers far from the output have gradients bunched
    near zero (tall, narrow curves); with a good initialisation the curves
    of all layers look alike.

    Parameters
    ----------
    grads_by_layer : list of arrays (layer 1 first), dict name -> array, or a
        ``trisep_nn.instrument`` snapshot (its ``.gradients`` are used).
        Any shapes: each array is flattened.
    bins : number of bins, shared by all layers.
    limit : the x range is [-limit, limit]; default: the 99.9th percentile of
        |gradient| over all layers. Values outside are counted in the end bins.
    density : False: each curve is the fraction of that layer's values per
        bin (sums to one); True: a probability density (unit area). Either
        way layers of different sizes compare.
    log : logarithmic y axis.
    xlabel : e.g. "activation" to show activations instead.
    cmap : layers are coloured along this colormap, first layer darkest.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ax = gradient_histograms([rng.normal(0, s, 1000) for s in (0.1, 0.5, 1.0)])
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['layer 1', 'layer 2', 'layer 3']
    """
    if not isinstance(grads_by_layer, (dict, list, tuple)) and hasattr(
        grads_by_layer, "gradients"
    ):
        grads_by_layer = grads_by_layer.gradients
    if isinstance(grads_by_layer, dict):
        items = [(str(k), v) for k, v in grads_by_layer.items()]
    elif isinstance(grads_by_layer, (list, tuple)) or (
            isinstance(grads_by_layer, np.ndarray) and grads_by_layer.ndim > 0):
        items = [(f"layer {i}", v) for i, v in enumerate(grads_by_layer, start=1)]
    else:
        raise InvalidArgumentError(f"grads_by_layer must be a list of arrays, one per layer, "
                                   f"or a dict; got {describe(grads_by_layer)}")
    if not items:
        raise ValueError("grads_by_layer is empty: pass one array of gradients per layer")
    values = []
    for name, g in items:
        g = _check_finite(_to_numpy(g), f"grads_by_layer: the gradients of {name}").ravel()
        if g.size == 0:
            raise ValueError(f"grads_by_layer: the gradients of {name} are empty")
        values.append(g)
    if not (isinstance(bins, numbers.Integral) and bins >= 2):
        raise ValueError(f"bins must be an integer >= 2, got {bins!r}")
    if limit is None:
        limit = float(np.percentile(np.abs(np.concatenate(values)), 99.9))
    if not (_is_number(limit) and np.isfinite(limit) and limit >= 0):
        raise ValueError(f"limit must be a finite number > 0, got {limit!r}")
    if limit == 0:
        limit = 1.0  # all gradients are zero
    edges = np.linspace(-limit, limit, bins + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    colors = plt.get_cmap(cmap)(np.linspace(0.0, 0.85, len(items)))

    ax = _get_ax(ax)
    for (name, _), g, color in zip(items, values, colors):
        counts, _ = np.histogram(np.clip(g, -limit, limit), edges)
        heights = counts / g.size / (np.diff(edges) if density else 1.0)
        ax.plot(centres, heights, drawstyle="steps-mid", color=color, label=name)
    ax.set_xlim(-limit, limit)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("probability density" if density else "normalised frequency")
    if log:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right")
    return ax


# --------------------------------------------------------------------------
# error vs complexity, learning curves
# --------------------------------------------------------------------------
def _mean_std(scores, n, name):
    a = _check_finite(_to_numpy(scores), name)
    if a.ndim == 1 and len(a) == n:
        return a, None
    if a.ndim == 2 and a.shape[0] == n:
        return a.mean(axis=1), a.std(axis=1)
    raise ValueError(
        f"{name} must have shape ({n},) or ({n}, n_folds) to match the {n} x values, "
        f"got {a.shape}"
    )


def _score_curves(x_values, train_scores, val_scores, ax, *, xlabel, ylabel, labels,
                  logx, mark_best, title, x_name):
    if x_values is None or isinstance(x_values, (str, dict)) or np.ndim(x_values) == 0:
        raise InvalidArgumentError(f"{x_name} must be a list of values, got "
                                   f"{describe(x_values)}")
    x_values = list(_to_numpy(x_values).ravel()) if not isinstance(x_values, list) else x_values
    n = len(x_values)
    if n == 0:
        raise ValueError(f"{x_name} is empty: no x values to plot")
    numeric = all(_is_number(v) for v in x_values)
    x = np.asarray(x_values, dtype=np.float64) if numeric else np.arange(n)
    if numeric:
        _check_finite(x, x_name)
    if mark_best not in ("min", "max", None):
        raise ValueError(f"mark_best must be 'min', 'max' or None, got {mark_best!r}")

    ax = _get_ax(ax)
    curves = [(train_scores, labels[0], _TRAIN, "train_scores"),
              (val_scores, labels[1], _VAL, "val_scores")]
    val_mean = None
    for scores, label, color, name in curves:
        mean, std = _mean_std(scores, n, name)
        ax.plot(x, mean, "o-", color=color, label=label, ms=4)
        if std is not None:
            ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2, lw=0)
        val_mean = mean
    if mark_best is not None:
        i = int(np.argmin(val_mean) if mark_best == "min" else np.argmax(val_mean))
        ax.axvline(x[i], color=_MARK, ls="--", lw=1, label=f"best: {_fmt(x_values[i])}")
    if not numeric:
        ax.set_xticks(x, [str(v) for v in x_values])
    if logx:
        ax.set_xscale("log")
    return _finish(ax, xlabel, ylabel, title)


@_styled
def complexity_curve(param_values, train_scores, val_scores, ax=None, *,
                     xlabel="model complexity", ylabel="error",
                     labels=("training", "validation"), logx=False, mark_best="min",
                     title=None):
    """Training and validation error vs model complexity: the U of the lecture.

    ``train_scores`` and ``val_scores`` have one value per parameter value,
    or one row per parameter value and one column per fold (as returned by
    ``sklearn.model_selection.validation_curve``): then the mean is drawn
    with a band of ± one standard deviation.

    ``mark_best`` marks the parameter value with the lowest ("min", for
    errors) or highest ("max", for scores such as accuracy or R²) validation
    value; None marks nothing. scikit-learn's scores are "higher is better":
    pass ``mark_best="max"`` for them, or ``-scores`` to plot errors.

    >>> ax = complexity_curve([1, 2, 3, 4], [0.5, 0.3, 0.2, 0.1], [0.6, 0.35, 0.3, 0.5],
    ...                       xlabel="polynomial degree")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['training', 'validation', 'best: 3']
    """
    return _score_curves(param_values, train_scores, val_scores, ax, xlabel=xlabel,
                         ylabel=ylabel, labels=labels, logx=logx, mark_best=mark_best,
                         title=title, x_name="param_values")


@_styled
def learning_curve_plot(train_sizes, train_scores, val_scores, ax=None, *,
                        xlabel="number of training samples", ylabel="score",
                        labels=("training", "validation"), logx=False, mark_best=None,
                        title=None):
    """Training and validation score vs training-set size (a learning curve).

    Takes the output of ``sklearn.model_selection.learning_curve`` directly:
    ``train_sizes`` and score arrays of shape (n_sizes,) or (n_sizes, n_folds)
    (mean ± one standard deviation drawn).

    >>> ax = learning_curve_plot([10, 50, 100], [1.0, 0.9, 0.88], [0.6, 0.8, 0.85])
    >>> ax.get_xlabel()
    'number of training samples'
    """
    return _score_curves(train_sizes, train_scores, val_scores, ax, xlabel=xlabel,
                         ylabel=ylabel, labels=labels, logx=logx, mark_best=mark_best,
                         title=title, x_name="train_sizes")


# --------------------------------------------------------------------------
# ROC curves
# --------------------------------------------------------------------------
@_styled
def roc_curve_plot(y_true, scores, ax=None, *, kind="roc", reference="auto", pos_label=1,
                   title=None):
    """ROC curves of one or more classifiers, with their AUC in the legend.

    Parameters
    ----------
    y_true : binary labels.
    scores : dict name -> scores (higher = more signal-like), or one array.
    kind : "roc" (true-positive vs false-positive rate) or "rejection"
        (particle-physics style: background rejection 1/ε_b vs signal
        efficiency ε_s, on a log scale).
    reference : name of a curve to draw as the reference (black dashed),
        e.g. the Bayes-optimal classifier; "auto" picks a name containing
        "bayes" or "optimal"; None for none.
    pos_label : the label of the positive (signal) class.

    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1])
    >>> ax = roc_curve_plot(y, {"model": [0.1, 0.4, 0.35, 0.8]})
    >>> ax.get_legend().get_texts()[0].get_text()
    'model (AUC = 0.750)'
    """
    from sklearn.metrics import auc, roc_curve

    if kind not in ("roc", "rejection"):
        raise ValueError(f"kind must be 'roc' or 'rejection', got {kind!r}")
    y_true = _to_numpy(y_true).ravel()
    if y_true.dtype.kind not in "biuf":
        raise InvalidArgumentError(f"y_true must be binary labels, got {describe(y_true)}")
    if not isinstance(scores, dict):
        scores = {"classifier": scores}
    if not scores:
        raise ValueError("scores is empty: pass {name: scores}")
    labels = set(y_true.tolist())
    if pos_label not in labels or len(labels) != 2:
        raise ValueError(
            f"y_true must hold two classes, one of them pos_label={pos_label!r}; "
            f"got labels {sorted(labels, key=str)}"
        )
    if reference == "auto":
        found = [k for k in scores if "bayes" in str(k).lower() or "optimal" in str(k).lower()]
        reference = found[0] if found else None
    elif reference is not None and reference not in scores:
        raise ValueError(f"reference {reference!r} is not one of the curves {list(scores)}")

    ax = _get_ax(ax)
    palette = iter(PALETTE * 4)
    for name, s in scores.items():
        s = _check_finite(_to_numpy(s).ravel(), f"the scores of {name!r}")
        _check_same_length(y_true, s, "y_true", f"the scores of {name!r}")
        fpr, tpr, _ = roc_curve(y_true, s, pos_label=pos_label)
        label = f"{name} (AUC = {auc(fpr, tpr):.3f})"
        line = {"color": "k", "ls": "--"} if name == reference else {"color": next(palette)}
        if kind == "roc":
            ax.plot(fpr, tpr, label=label, **line)
        else:
            keep = fpr > 0
            ax.plot(tpr[keep], 1 / fpr[keep], label=label, **line)
    if kind == "roc":
        ax.plot([0, 1], [0, 1], color="0.6", ls=":", lw=1, label="random guess (AUC = 0.5)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set_xlabel("false-positive rate (background efficiency ε_b)")
        ax.set_ylabel("true-positive rate (signal efficiency ε_s)")
        ax.set_aspect("equal")
        loc = "lower right"
    else:
        ax.set_yscale("log")
        ax.set_xlim(0, 1)
        ax.set_xlabel("signal efficiency ε_s")
        ax.set_ylabel("background rejection 1 / ε_b")
        loc = "upper right"
    if title:
        ax.set_title(title)
    ax.legend(loc=loc)
    return ax


# --------------------------------------------------------------------------
# 1-D regression
# --------------------------------------------------------------------------
def _evaluate_curve(f, grid, name):
    if isinstance(f, tuple) and len(f) == 2:
        xc, yc = (np.asarray(v, dtype=np.float64).ravel() for v in f)
        _check_same_length(xc, yc, f"the x values of {name!r}", "its y values")
        return xc, yc
    if hasattr(f, "predict"):
        yc = f.predict(grid[:, None])
    elif callable(f):
        yc = f(grid)
    else:
        raise TypeError(
            f"{name!r} must be an estimator with predict, a function of x, or a pair "
            f"(x, y); got {type(f).__name__}"
        )
    yc = _to_numpy(yc).astype(np.float64).ravel()
    if len(yc) != len(grid):
        raise ValueError(f"{name!r} returned {len(yc)} values for {len(grid)} x values")
    return grid, yc


@_styled
def function_fit(x, y, fits=None, ax=None, *, truth=None, x_range=None, n_grid=400,
                 ylim="auto", xlabel="x", ylabel="y", data_label="training data", title=None):
    """A 1-D regression: data points, the true function and fitted curves.

    Parameters
    ----------
    x, y : the data, x of shape (n,) or (n, 1).
    fits : dict label -> model, or one model. A model is an estimator with
        ``predict`` (called with a column of x values, e.g. a scikit-learn
        Pipeline of PolynomialFeatures and LinearRegression), a function of a
        1-D array of x values, or a pair ``(x_curve, y_curve)``.
    truth : the true function (same forms), drawn in black.
    x_range : (low, high) of the curves; default the range of x.
    ylim : "auto" (the range of the data and the truth, with some space:
        a wild high-degree fit is cut rather than squashing the data),
        None (matplotlib's choice) or (low, high).

    >>> import numpy as np
    >>> x = np.linspace(0, 1, 10)
    >>> ax = function_fit(x, x ** 2, {"line": lambda t: t}, truth=lambda t: t ** 2)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['training data', 'true function', 'line']
    """
    x = _check_finite(_to_numpy(x), "x")
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ValueError(f"x must have shape (n,) or (n, 1), got {x.shape}")
    y = _check_finite(_to_numpy(y).ravel(), "y")
    _check_same_length(x, y, "x", "y")
    if fits is None:
        fits = {}
    elif not isinstance(fits, dict):
        fits = {"fit": fits}
    if x_range is None:
        x_range = (x.min(), x.max()) if len(x) else (0.0, 1.0)
    grid = np.linspace(float(x_range[0]), float(x_range[1]), n_grid)

    ax = _get_ax(ax)
    ax.scatter(x, y, s=22, color="white", edgecolors="k", linewidths=1.0, zorder=3,
               label=data_label)
    y_span = [y]
    if truth is not None:
        xt, yt = _evaluate_curve(truth, grid, "truth")
        ax.plot(xt, yt, color="k", lw=1.5, label="true function")
        y_span.append(yt[np.isfinite(yt)])
    for color, (name, f) in zip(PALETTE * 4, fits.items()):
        xc, yc = _evaluate_curve(f, grid, name)
        ax.plot(xc, yc, color=color, label=str(name))
    if isinstance(ylim, str) and ylim == "auto":
        values = np.concatenate(y_span)
        if values.size:
            low, high = values.min(), values.max()
            pad = 0.25 * (high - low) if high > low else 1.0
            ax.set_ylim(low - pad, high + pad)
    elif ylim is not None:
        ax.set_ylim(*ylim)
    return _finish(ax, xlabel, ylabel, title)


# --------------------------------------------------------------------------
# fast redraws for explorers
# --------------------------------------------------------------------------
class ProbabilityMap:
    """A binary classifier's ``p(class 1 | x)`` over a rectangle of the plane,
    and its decision boundary, for explorers that update them in place.

    The shading is an image and the boundary a set of lines, both animated
    (the Explorer repaints them alone); :meth:`show` takes the model's **logits** on
    the grid ``points``. The boundary is the zero level of the logit, not the
    ½ level of the probability: a flexible model's probability jumps from 0 to
    1 within one grid cell, and its ½ contour then follows the grid in
    staircase steps, an artefact of the grid, while the logit is smooth and
    its zero contour is the model's boundary at any resolution.

    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> pmap = ProbabilityMap(ax, (-1, 1, -1, 1), resolution=50)
    >>> pmap.show(pmap.points @ [1.0, -2.0])   # logits of a linear model
    >>> len(pmap.boundary.get_segments())      # one straight line
    1
    """

    def __init__(self, ax, extent, resolution=100, colors=PALETTE[:2], alpha=0.75):
        x0, x1, y0, y1 = extent
        self._gx = np.linspace(x0, x1, resolution)
        self._gy = np.linspace(y0, y1, resolution)
        #: the grid, one point per row: evaluate the model's logits here
        self.points = self.grid(extent, resolution)
        self.image = ax.imshow(np.full((resolution, resolution), 0.5), origin="lower",
                               extent=extent, aspect="auto", vmin=0, vmax=1, alpha=alpha,
                               cmap=_binary_cmap(to_rgba_array(colors)),
                               interpolation="bilinear", animated=True)
        self.boundary = ax.add_collection(LineCollection([], colors="k", linewidths=1.5,
                                                         animated=True, zorder=2))
        ax.set(xlim=(x0, x1), ylim=(y0, y1))

    @staticmethod
    def grid(extent, resolution=100):
        """The points of the map of this extent and resolution, one per row (the
        ``points`` of such a map, known before it is drawn)."""
        x0, x1, y0, y1 = extent
        xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
        return np.column_stack([xx.ravel(), yy.ravel()])

    def show(self, logits):
        """Shade ``σ(logits)`` and draw the boundary ``logits = 0``."""
        import contourpy
        from scipy.special import expit

        z = np.asarray(logits, dtype=np.float64).reshape(len(self._gy), len(self._gx))
        self.image.set_data(expit(z))
        self.boundary.set_segments(contourpy.contour_generator(self._gx, self._gy, z).lines(0.0))
