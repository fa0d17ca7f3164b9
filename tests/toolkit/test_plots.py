"""Tests for trisep_nn.plots: every function returns labelled Axes with a legend,
draws what it says (classes, curves, AUCs) and rejects bad input by name."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402

from trisep_nn import data, plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


def assert_labelled(ax):
    assert isinstance(ax, Axes)
    assert ax.get_xlabel() and ax.get_ylabel()
    assert legend_texts(ax)


class Centroids:
    """A tiny classifier with predict_proba: softmax of minus squared distances."""

    def __init__(self, X, y):
        self.classes_ = np.unique(y)
        self.centres = np.array([X[y == c].mean(axis=0) for c in self.classes_])

    def logits(self, X):
        return -((X[:, None, :] - self.centres[None]) ** 2).sum(axis=2)

    def predict_proba(self, X):
        z = self.logits(X)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def image_classes(ax):
    """The distinct class colours in a K-class decision image (boundary pixels excluded)."""
    rgba = ax.images[0].get_array().reshape(-1, 4)
    rgb = np.round(np.asarray(rgba[:, :3], dtype=float), 6)
    rgb = rgb[~np.all(np.isclose(rgb, 0.2), axis=1)]
    return {tuple(c) for c in rgb}


# --------------------------------------------------------------------------
# style
# --------------------------------------------------------------------------
def test_style_is_local():
    before = dict(matplotlib.rcParams)
    plots.function_fit(np.arange(5.0), np.arange(5.0))
    assert dict(matplotlib.rcParams) == before
    with plots.style():
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert dict(matplotlib.rcParams) == before


def test_inline_figures_outside_a_notebook_changes_nothing():
    before = dict(matplotlib.rcParams)
    assert plots.inline_figures() is False
    assert dict(matplotlib.rcParams) == before


@pytest.fixture
def notebook(monkeypatch):
    """A stand-in for Jupyter: an IPython shell's PNG formatter with a figure printer
    already set (as the inline backend sets it), and the inline backend named."""
    from types import SimpleNamespace

    import IPython
    import matplotlib_inline.backend_inline  # noqa: F401  (imported outside IPython: inert)
    from IPython.core.formatters import PNGFormatter
    from matplotlib.figure import Figure

    png = PNGFormatter()
    usual = []  # the figures the usual printer was asked for
    png.for_type(Figure, lambda figure: usual.append(figure) or b"usual")
    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters={"image/png": png}))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "module://matplotlib_inline.backend_inline")
    monkeypatch.setitem(matplotlib.rcParams, "figure.constrained_layout.use", False)
    assert plots.inline_figures() is True
    yield SimpleNamespace(show=lambda figure: png(figure), usual=usual, png=png)
    with warnings.catch_warnings():  # Matplotlib's own again (3.11 frowns on its signature)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matplotlib.scale.register_scale(matplotlib.scale.LogScale)


def _figure(layout=None, **kwargs):
    """A figure as the inline backend makes it (Agg canvas), without pyplot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(layout=layout, **kwargs)
    FigureCanvasAgg(fig)
    return fig


def _picture(png_bytes):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB"))


def test_inline_figures_draws_a_figure_once_and_keeps_every_label_inside(notebook):
    assert matplotlib.rcParams["figure.constrained_layout.use"]  # for every figure from now on
    fig = _figure(figsize=(9, 3))
    axes = fig.subplots(1, 3)
    for ax in axes:
        ax.plot([0, 1e4], [0, 1])
        ax.set(xlabel="a long x label (units)", ylabel="y\nin two lines", title="a title")
    axes[1].legend(["a legend below the axes"], loc="upper center", bbox_to_anchor=(0.5, -0.3),
                   frameon=False)
    draws = []
    fig.canvas.mpl_connect("draw_event", draws.append)
    picture = _picture(notebook.show(fig))
    assert len(draws) == 1 and not notebook.usual
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # every label, title and legend
    width, height = fig.get_size_inches()
    slack = 2 / fig.dpi  # a frameless legend's invisible padding may overhang a pixel or two
    assert -slack <= drawn.x0 and drawn.x1 <= width + slack
    assert -slack <= drawn.y0 and drawn.y1 <= height + slack
    border = np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]])
    assert np.all(border == 255)  # cropped to what was drawn, with a white margin
    assert picture.shape[1] <= 900 and picture.shape[0] <= 300


def test_inline_figures_crops_the_empty_margins_a_fixed_aspect_leaves(notebook):
    fig = _figure(figsize=(9, 3))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_aspect("equal")  # a square panel in a wide figure: empty to its left and right
    picture = _picture(notebook.show(fig))
    assert picture.shape[1] < 0.6 * 900


def test_a_figure_drawn_up_to_its_edge_is_shown_the_usual_way(notebook):
    fig = _figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.legend(["a framed legend hanging off the bottom"], loc="upper center",
              bbox_to_anchor=(0.5, -0.5))  # constrained layout cannot fit it in
    assert notebook.show(fig) == b"usual" and notebook.usual == [fig]


def test_a_figure_without_constrained_layout_is_shown_the_usual_way(notebook):
    fig = _figure(layout="none")
    assert notebook.show(fig) == b"usual" and notebook.usual == [fig]


def test_inline_figures_leaves_a_notebook_that_shows_figures_in_another_format(notebook):
    from matplotlib.figure import Figure

    notebook.png.pop(Figure)  # as after %config InlineBackend.figure_formats = ["svg"]
    before = dict(matplotlib.rcParams)
    assert plots.inline_figures() is False
    assert dict(matplotlib.rcParams) == before
    with pytest.raises(KeyError):
        notebook.png.lookup_by_type(Figure)


def test_inline_figures_twice_still_falls_back_to_the_original_printer(notebook):
    assert plots.inline_figures() is True
    fig = _figure(layout="tight")
    assert notebook.show(fig) == b"usual" and notebook.usual == [fig]


def _minor_multiples(axis):
    """The minor ticks inside the view, as multiples of their power of ten (2, 3, ...)."""
    low, high = sorted(axis.get_view_interval())
    ticks = [t for t in axis.get_minorticklocs() if low <= t <= high]
    return sorted({round(t / 10 ** np.floor(np.log10(t) + 1e-9)) for t in ticks})


def test_a_log_axis_outside_a_notebook_keeps_all_its_minor_ticks():
    plots.inline_figures()  # not in a notebook: changes nothing
    fig = _figure()
    ax = fig.subplots()
    ax.loglog([1, 1e4], [1e-3, 1])
    fig.canvas.draw()
    assert _minor_multiples(ax.xaxis) == [2, 3, 4, 5, 6, 7, 8, 9]


def test_inline_figures_thins_the_minor_ticks_of_long_log_axes_only(notebook):
    fig = _figure(figsize=(9, 3))
    wide, short, chosen = fig.subplots(1, 3)
    wide.loglog([1, 1e4], [1e-3, 1])  # four and three powers of ten
    short.semilogy([0, 1], [0.15, 0.9])  # less than one: minor ticks labelled, as usual
    chosen.set_xscale("log", subs=[3])  # minor ticks someone asked for are left alone
    chosen.plot([1, 1e4], [0, 1])
    fig.canvas.draw()
    assert _minor_multiples(wide.xaxis) == _minor_multiples(wide.yaxis) == [2, 5]
    assert _minor_multiples(short.yaxis) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [label.get_text() for label in short.yaxis.get_minorticklabels()
            if label.get_text()]  # 0.2, 0.3, ... still labelled
    assert _minor_multiples(chosen.xaxis) == [3]
    wide.set_xlim(2, 50)  # one power of ten inside (10): all of them again, some labelled
    fig.canvas.draw()
    assert _minor_multiples(wide.xaxis) == [2, 3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("decades", [0.5, 0.9, 1.1, 1.5, 2.0, 3.0])
def test_thinned_minor_ticks_lose_no_tick_label(notebook, decades):
    def labels(scale):
        fig = _figure()
        ax = fig.subplots()
        ax.set_xscale(scale)
        ax.set_xlim(3, 3 * 10 ** decades)
        fig.canvas.draw()
        ticks = [*ax.xaxis.get_majorticklabels(), *ax.xaxis.get_minorticklabels()]
        return sorted(label.get_text() for label in ticks if label.get_text())

    with warnings.catch_warnings():  # Matplotlib's own scale, made by hand
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matplotlibs = matplotlib.scale.LogScale(None)
    assert labels("log") == labels(matplotlibs) != []


def test_plots_draw_on_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    ax = plots.function_fit(np.arange(5.0), np.arange(5.0), ax=axes[1])
    assert ax is axes[1] and not axes[0].lines


# --------------------------------------------------------------------------
# decision_boundary
# --------------------------------------------------------------------------
def test_decision_boundary_binary_with_an_estimator():
    from sklearn.linear_model import LogisticRegression

    X, y = data.moons(100, random_state=0)
    X_test, y_test = data.moons(40, random_state=1)
    model = LogisticRegression().fit(X, y)
    ax = plots.decision_boundary(model, X, y, X_test=X_test, y_test=y_test, resolution=50,
                                 colorbar=True)
    assert_labelled(ax)
    assert legend_texts(ax) == ["class 0", "class 1", "boundary (p = 0.5)", "test (hollow)"]
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 3  # one per class, and the test points
    assert sum(len(s.get_offsets()) for s in scatters[:2]) == 100
    test_faces = scatters[2].get_facecolors()
    assert len(test_faces) == 0 or np.all(test_faces[:, 3] == 0)  # hollow
    assert len(ax.figure.axes) == 2  # the colour bar


def test_decision_boundary_k_classes_draws_k_colours():
    X, y = data.blobs(300, n_classes=4, random_state=0)
    ax = plots.decision_boundary(Centroids(X, y), X, y, resolution=60,
                                 class_names=["a", "b", "c", "d"])
    assert_labelled(ax)
    assert legend_texts(ax) == ["a", "b", "c", "d"]
    assert len(image_classes(ax)) == 4
    # opacity follows confidence: more opaque far from the boundaries
    alpha = np.asarray(ax.images[0].get_array()[..., 3], dtype=float)
    assert alpha.max() - alpha.min() > 0.3


def test_decision_boundary_logits_and_callables():
    X, y = data.blobs(150, n_classes=3, random_state=1)
    model = Centroids(X, y)
    via_logits = plots.decision_boundary(model.logits, X, y, resolution=40)
    via_proba = plots.decision_boundary(model.predict_proba, X, y, resolution=40)
    np.testing.assert_allclose(via_logits.images[0].get_array(), via_proba.images[0].get_array())
    with pytest.raises(ValueError, match="not probabilities"):
        plots.decision_boundary(model.logits, X, y, output="proba")
    # a binary function returning shape (n,)
    Xb, yb = data.xor(100, random_state=0)
    ax = plots.decision_boundary(lambda Z: (Z[:, 0] * Z[:, 1] > 0) * 0.8 + 0.1, Xb, yb,
                                 resolution=40)
    assert "boundary (p = 0.5)" in legend_texts(ax)


def test_decision_boundary_with_a_trisep_model():
    nn = pytest.importorskip("trisep_nn.nn")
    X, y = data.four_class(100, random_state=0)
    model = nn.MLP([2, 8, 4], random_state=0)
    ax = plots.decision_boundary(model, X, y, resolution=30)
    assert len(legend_texts(ax)) == 4


def test_decision_boundary_with_string_classes():
    from sklearn.linear_model import LogisticRegression

    X, y = data.moons(60, random_state=0)
    names = np.array(["background", "signal"])[y]
    model = LogisticRegression().fit(X, names)
    ax = plots.decision_boundary(model, X, names, resolution=30)
    assert legend_texts(ax)[:2] == ["class background", "class signal"]


def test_decision_boundary_bad_input():
    X, y = data.moons(50, random_state=0)
    model = Centroids(X, y)
    with pytest.raises(ValueError, match="different lengths: 50 and 49"):
        plots.decision_boundary(model, X, y[:-1])
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        plots.decision_boundary(model, X_nan, y)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        plots.decision_boundary(model, np.ones((50, 3)), y)
    with pytest.raises(ValueError, match="labels \\[7\\]"):
        plots.decision_boundary(model, X, np.where(y == 1, 7, 0))
    with pytest.raises(ValueError, match="without y_test"):
        plots.decision_boundary(model, X, y, X_test=X)
    with pytest.raises(TypeError, match="predict_proba"):
        plots.decision_boundary("model", X, y)
    with pytest.raises(ValueError, match="class_names"):
        plots.decision_boundary(model, X, y, class_names=["one"])


# --------------------------------------------------------------------------
# training_curves
# --------------------------------------------------------------------------
HISTORY = {
    "loss": [1.0, 0.6, 0.4, 0.3, 0.25],
    "val_loss": [1.1, 0.7, 0.5, 0.55, 0.6],
    "accuracy": [0.5, 0.7, 0.8, 0.85, 0.9],
    "val_accuracy": [0.5, 0.65, 0.75, 0.74, 0.73],
}


def test_training_curves_marks_the_best_epoch():
    ax = plots.training_curves(HISTORY)
    assert_labelled(ax)
    texts = legend_texts(ax)
    assert "best epoch (3)" in texts
    assert {"training loss", "validation loss", "training accuracy",
            "validation accuracy"} <= set(texts)
    assert ax.accuracy_axes.get_ylabel() == "accuracy"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    # epochs count from 1
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4, 5])


def test_training_curves_inputs():
    # an explicit best_epoch in the history wins; epochs as given
    h = dict(HISTORY, best_epoch=4, epoch=[1, 2, 3, 4, 5])
    assert "best epoch (4)" in legend_texts(plots.training_curves(h))
    # no accuracy axes when asked, no mark when asked

    ax = plots.training_curves(HISTORY, accuracy=False, best_epoch=None)
    assert legend_texts(ax) == ["training loss", "validation loss"]
    assert not hasattr(ax, "accuracy_axes")

    # an object with a .history dict (Keras style)
    class Result:
        history = {"loss": [3.0, 2.0, 1.0]}

    assert legend_texts(plots.training_curves(Result(), logy=True)) == ["training loss"]


def test_training_curves_with_a_trisep_history():
    train = pytest.importorskip("trisep_nn.train")
    nn = pytest.importorskip("trisep_nn.nn")
    X, y = data.moons(120, random_state=0)
    history = train.fit(nn.MLP([2, 8, 1], random_state=0), X, y, lr=0.05, epochs=8,
                        validation_fraction=0.25, random_state=0, progress=False)
    ax = plots.training_curves(history)
    assert f"best epoch ({history['best_epoch']})" in legend_texts(ax)


def test_training_curves_with_an_sklearn_estimator():
    from sklearn.neural_network import MLPClassifier

    X, y = data.moons(100, random_state=0)
    with pytest.warns(Warning):
        model = MLPClassifier((8,), max_iter=5, early_stopping=True, random_state=0).fit(X, y)
    texts = legend_texts(plots.training_curves(model))
    assert "training loss" in texts and "validation score" in texts


def test_training_curves_bad_input():
    with pytest.raises(ValueError, match="no 'loss'"):
        plots.training_curves({"val_loss": [1.0]})
    with pytest.raises(ValueError, match="'val_loss'.* 2 values .* 3 epochs"):
        plots.training_curves({"loss": [1, 2, 3], "val_loss": [1, 2]})
    with pytest.raises(TypeError, match="history"):
        plots.training_curves([1.0, 2.0])


# --------------------------------------------------------------------------
# gradient_histograms
# --------------------------------------------------------------------------
def test_gradient_histograms_one_normalised_curve_per_layer():
    rng = np.random.default_rng(0)
    grads = [rng.normal(0, s, size=(50, 20)) for s in (0.01, 0.1, 1.0)]
    ax = plots.gradient_histograms(grads, bins=41)
    assert_labelled(ax)
    assert legend_texts(ax) == ["layer 1", "layer 2", "layer 3"]
    assert len(ax.lines) == 3
    for line in ax.lines:
        assert len(line.get_ydata()) == 41
        assert line.get_ydata().sum() == pytest.approx(1.0)
    colours = {tuple(line.get_color()) for line in ax.lines}
    assert len(colours) == 3
    # the narrowest layer has the tallest peak
    assert ax.lines[0].get_ydata().max() > ax.lines[2].get_ydata().max()


def test_gradient_histograms_dict_density_and_snapshot():
    rng = np.random.default_rng(1)
    grads = {"W1": rng.normal(size=500), "W2": rng.normal(size=(10, 10))}
    ax = plots.gradient_histograms(grads, density=True, limit=4.0, bins=80)
    assert legend_texts(ax) == ["W1", "W2"]
    width = 8.0 / 80
    for line in ax.lines:
        assert (line.get_ydata() * width).sum() == pytest.approx(1.0)
    assert ax.get_ylabel() == "probability density"

    class Snapshot:
        gradients = [rng.normal(size=100), rng.normal(size=100)]

    assert legend_texts(plots.gradient_histograms(Snapshot())) == ["layer 1", "layer 2"]
    # all-zero gradients (a dead network) still plot
    plots.gradient_histograms([np.zeros(10)])


def test_gradient_histograms_bad_input():
    with pytest.raises(ValueError, match="empty"):
        plots.gradient_histograms([])
    with pytest.raises(ValueError, match="layer 2 contains NaN"):
        plots.gradient_histograms([np.ones(3), np.array([1.0, np.nan])])
    with pytest.raises(ValueError, match="layer 1 are empty"):
        plots.gradient_histograms([np.array([])])


# --------------------------------------------------------------------------
# complexity and learning curves
# --------------------------------------------------------------------------
def test_complexity_curve_1d_and_best():
    ax = plots.complexity_curve([1, 2, 3, 4], [0.5, 0.3, 0.2, 0.1], [0.6, 0.35, 0.3, 0.5],
                                xlabel="degree", ylabel="MSE")
    assert_labelled(ax)
    assert legend_texts(ax) == ["training", "validation", "best: 3"]
    assert ax.get_xlabel() == "degree"


def test_complexity_curve_with_validation_curve_output():
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import validation_curve

    X, y = data.noisy_function(40, random_state=0)
    alphas = np.logspace(-3, 2, 5)
    train, val = validation_curve(Ridge(), X, y, param_name="alpha", param_range=alphas, cv=4)
    ax = plots.complexity_curve(alphas, train, val, logx=True, mark_best="max", ylabel="R²")
    assert ax.get_xscale() == "log"
    assert len(ax.collections) == 2  # the ± std bands
    best = legend_texts(ax)[-1]
    assert best == f"best: {alphas[np.argmax(val.mean(axis=1))]:g}"


def test_complexity_curve_categorical_and_bad_input():
    ax = plots.complexity_curve(["small", "large"], [0.3, 0.1], [0.35, 0.3], mark_best=None)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["small", "large"]
    with pytest.raises(ValueError, match=r"val_scores must have shape \(3,\)"):
        plots.complexity_curve([1, 2, 3], [1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="NaN"):
        plots.complexity_curve([1, 2], [1, np.nan], [1, 2])
    with pytest.raises(ValueError, match="mark_best"):
        plots.complexity_curve([1, 2], [1, 2], [1, 2], mark_best="lowest")


def test_learning_curve_plot_with_sklearn_output():
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import learning_curve

    X, y = data.noisy_function(60, random_state=0)
    sizes, train, val = learning_curve(LinearRegression(), X, y, cv=3,
                                       train_sizes=[0.3, 0.6, 1.0])
    ax = plots.learning_curve_plot(sizes, train, val)
    assert_labelled(ax)
    assert legend_texts(ax) == ["training", "validation"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), sizes)


# --------------------------------------------------------------------------
# ROC curves
# --------------------------------------------------------------------------
def test_roc_curve_plot_auc_in_legend_and_reference():
    from sklearn.metrics import roc_auc_score

    X, y = data.physics_toy(2000, random_state=0)
    scores = {
        "Bayes optimal": data.bayes_optimal_score(X),
        "mass only": -np.abs(X[:, 0] - 125),
    }
    ax = plots.roc_curve_plot(y, scores)
    assert_labelled(ax)
    texts = legend_texts(ax)
    for name, s in scores.items():
        assert f"{name} (AUC = {roc_auc_score(y, s):.3f})" in texts
    bayes_line = ax.lines[0]
    assert bayes_line.get_linestyle() == "--" and bayes_line.get_color() == "k"

    ax = plots.roc_curve_plot(y, scores, kind="rejection")
    assert ax.get_yscale() == "log" and "rejection" in ax.get_ylabel()


def test_roc_curve_plot_bad_input():
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="different lengths"):
        plots.roc_curve_plot(y, {"m": [0.1, 0.2, 0.3]})
    with pytest.raises(ValueError, match="two classes"):
        plots.roc_curve_plot(np.array([0, 1, 2, 1]), [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="NaN"):
        plots.roc_curve_plot(y, [0.1, np.nan, 0.3, 0.4])
    with pytest.raises(ValueError, match="kind"):
        plots.roc_curve_plot(y, [0.1, 0.2, 0.3, 0.4], kind="pr")
    with pytest.raises(ValueError, match="reference"):
        plots.roc_curve_plot(y, {"a": [0.1, 0.2, 0.3, 0.4]}, reference="b")


# --------------------------------------------------------------------------
# function_fit
# --------------------------------------------------------------------------
def test_function_fit_with_estimators_functions_and_pairs():
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    X, y = data.noisy_function(30, random_state=0)
    fits = {
        f"degree {d}": make_pipeline(PolynomialFeatures(d), LinearRegression()).fit(X, y)
        for d in (1, 4, 15)
    }
    fits["constant"] = lambda x: np.zeros_like(x)
    fits["pair"] = ([0, 1], [0.5, 0.5])
    ax = plots.function_fit(X, y, fits, truth=data.cosine)
    assert_labelled(ax)
    assert legend_texts(ax) == ["training data", "true function", "degree 1", "degree 4",
                                "degree 15", "constant", "pair"]
    # lines: the truth first, then the fits in order
    np.testing.assert_allclose(ax.lines[0].get_ydata(), data.cosine(ax.lines[0].get_xdata()))
    # "auto" limits follow the data and the truth, not a wild degree-15 fit
    low, high = ax.get_ylim()
    assert -2 < low < y.min() and y.max() < high < 2


def test_function_fit_options_and_bad_input():
    x = np.linspace(0, 1, 10)
    ax = plots.function_fit(x, x, lambda t: t, ylim=(-5, 5), x_range=(-1, 2))
    assert ax.get_ylim() == (-5, 5)
    assert ax.lines[0].get_xdata().min() == -1
    assert legend_texts(ax) == ["training data", "fit"]
    with pytest.raises(ValueError, match="different lengths"):
        plots.function_fit(x, x[:-1])
    with pytest.raises(ValueError, match="NaN"):
        plots.function_fit(x, np.full(10, np.inf))
    with pytest.raises(ValueError, match="returned 3 values"):
        plots.function_fit(x, x, lambda t: [1, 2, 3])
    with pytest.raises(TypeError, match="'bad'"):
        plots.function_fit(x, x, {"bad": 3})
