"""The Playground's figure: what the network computes, drawn live.

One matplotlib figure with three parts, each built once and then updated in place:

* :class:`NetworkDiagram`: the network as TensorFlow Playground draws it: a small
  picture of every unit's value over the input plane (the input features, every
  hidden unit, the outputs), and the weights as lines between the units, vermillion
  for positive and blue for negative, thicker for larger ``|w|``;
* :class:`OutputPanel`: the output over the plane with the data: class
  probabilities, or a continuous colour map for regression; optionally the physics
  toy's Bayes-optimal boundary;
* :class:`CurvesPanel`: the training and test losses (with the Bayes-optimal test
  loss as a reference line) and the RMS gradient of every weight layer per epoch,
  on a log scale: vanishing gradients, live.

Speed: everything that changes, while training or when a control moves, is
``animated`` (see ``trisep_nn.explorer``): the axes, ticks, labels and legends are
rendered once and restored from a copy, and only the pictures, lines, points and
numbers are painted again. A part is rebuilt (and the figure rendered in full) only
when its axes must change: another dataset, or axis limits that the curves outgrow.
The unit pictures are computed in NumPy at screen resolution and pasted unresampled.
"""

import functools

import contourpy
import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator
from matplotlib.transforms import Bbox

from trisep_nn import plots
from trisep_nn.lessons.decision_boundaries.datasets import FEATURES

GRID = 80  # points per axis where the network is evaluated each frame
MAX_COLUMNS = 6  # inputs, at most four hidden layers, outputs

#: Negative blue, zero white, positive vermillion: the colours of class 0 and class 1,
#: so a unit that is "on" is coloured like the class it votes for.
DIVERGING = LinearSegmentedColormap.from_list(
    "playground", [plots.PALETTE[0], "#ffffff", plots.PALETTE[1]])
_LUT = (DIVERGING(np.linspace(0, 1, 256)) * 255).astype(np.uint8)
_POSITIVE, _NEGATIVE = to_rgba(plots.PALETTE[1]), to_rgba(plots.PALETTE[0])

# Where the parts sit, as [left, bottom, width, height] in figure fractions: fixed, so
# that no layout is computed while training (constrained layout costs a third of R).
DIAGRAM_BOX = [0.0, 0.0, 0.44, 1.0]
OUTPUT_BOX = [0.51, 0.25, 0.255, 0.66]
LOSS_BOX = [0.845, 0.62, 0.13, 0.27]  # right edge 0.975: room for half of "1600"
GRAD_BOX = [0.845, 0.13, 0.13, 0.3]
COLORBAR_BOX = [0.525, 0.105, 0.22, 0.025]
CURVES_COLUMN = 0.785  # left of it the output's labels, right of it only the curves


def colour(values):
    """RGBA uint8 colours of values in [-1, 1] on the :data:`DIVERGING` map."""
    index = np.clip(np.rint((np.asarray(values) + 1) * 127.5), 0, 255).astype(np.intp)
    return _LUT[index]


def interpolation_matrix(n, n_grid):
    """The (n, n_grid) matrix that interpolates values on ``n_grid`` evenly spaced points
    (the first and last at the ends of the range) linearly to the centres of ``n``
    pixels spanning the same range."""
    u = (np.arange(n) + 0.5) / n * (n_grid - 1)                 # pixel centres on the grid
    lower = np.minimum(u.astype(int), n_grid - 2)
    R = np.zeros((n, n_grid))
    R[np.arange(n), lower] = 1 - (u - lower)
    R[np.arange(n), lower + 1] = u - lower
    return R


def upsample(V, Ry, Rx):
    """Bilinear upsampling of grid values V (rows, columns, k) with the interpolation
    matrices of the rows and the columns: (len(Ry), len(Rx), k). Pictures computed at
    screen resolution this way show class boundaries as lines, not as the grid's steps."""
    rows = np.tensordot(Ry, V, axes=(1, 0))                     # (h, columns, k)
    return np.tensordot(rows, Rx, axes=(1, 1)).transpose(0, 2, 1)  # (h, w, k)


def _nice_window(run):
    """The plotting window around all of a run's points, its edges rounded outwards to
    a quarter of the span's order of magnitude: new noise or a new data seed rarely
    moves it, so the axes (and their ticks) stay as they are."""
    X = np.concatenate([run.X_train, run.X_test])
    window = []
    for low, high in zip(X.min(axis=0), X.max(axis=0)):
        pad = 0.1 * (high - low if high > low else 1.0)
        step = 10.0 ** np.floor(np.log10(high - low + 2 * pad)) / 4
        window += [np.floor((low - pad) / step) * step, np.ceil((high + pad) / step) * step]
    return tuple(float(v) for v in window)


@functools.lru_cache(maxsize=256)
def text_picture(text, fontsize=8.5, color="0.25", weight="normal", dpi=100):
    """``text`` rendered once into an RGBA uint8 array (transparent around the letters),
    for :class:`PixelPictures`: labels that move with the network's shape cost nothing
    per frame, where a matplotlib Text would be laid out and rasterised every frame."""
    fig = Figure(dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    fig.patch.set_alpha(0)
    label = fig.text(0, 0, text, fontsize=fontsize, color=color, fontweight=weight,
                     linespacing=1.1, ha="left", va="bottom", multialignment="center")
    box = label.get_window_extent(canvas.get_renderer())
    width, height = int(np.ceil(box.width)) + 2, int(np.ceil(box.height)) + 2
    fig.set_size_inches(width / dpi, height / dpi)
    label.set_position((1 / width, 1 / height))
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def placed_text(text, x, y, ha="center", va="center", **style):
    """``(x0, y0, rgba)`` for :class:`PixelPictures`: ``text`` aligned at figure pixel
    (x, y) as matplotlib's ``ha`` and ``va`` would align it."""
    rgba = text_picture(text, **style)
    height, width = rgba.shape[:2]
    x0 = x - {"left": 0, "center": width / 2, "right": width}[ha]
    y0 = y - {"bottom": 0, "center": height / 2, "top": height}[va]
    return int(round(x0)), int(round(y0)), rgba


class PixelPictures(Artist):
    """Small RGBA pictures placed pixel for pixel in the figure (``pictures``: a list of
    ``(x, y, rgba)``, x and y of the lower-left corner in figure pixels, rgba an
    (rows, columns, 4) uint8 array, its first row at the top). Unlike ``imshow``,
    nothing is resampled or normalised: painting twenty pictures costs less than one
    resampled image."""

    def __init__(self, zorder=2):
        super().__init__()
        self.pictures = []
        self.set_zorder(zorder)
        self.set_animated(True)

    def draw(self, renderer):
        if not self.get_visible():
            return
        gc = renderer.new_gc()
        for x, y, rgba in self.pictures:
            renderer.draw_image(gc, x, y, rgba[::-1])  # the renderer's rows run upwards
        gc.restore()
        self.stale = False


# --------------------------------------------------------------------------- #
# The network diagram
# --------------------------------------------------------------------------- #
class NetworkDiagram:
    """Unit pictures in columns (inputs, hidden layers, outputs) joined by weight lines.

    The axes' data coordinates are its pixels (y downwards), so the pictures land
    exactly where the lines end. Nothing in it is static: another architecture only
    moves the pictures, lines and labels."""

    MAX_PICTURE, GAP, HEADER, LEFT = 44, 4, 30, 44  # pixels

    def __init__(self, fig, run=None):
        self.shape = self.signature(run)
        self.ax = ax = fig.add_axes(DIAGRAM_BOX)
        width_in, height_in = fig.get_size_inches()
        self.W = int(DIAGRAM_BOX[2] * width_in * fig.dpi)
        self.H = int(DIAGRAM_BOX[3] * height_in * fig.dpi)
        ax.set_axis_off()
        ax.set(xlim=(0, self.W), ylim=(self.H, 0))
        # the axes' top-left corner in figure pixels (which count from the bottom)
        self.left = int(DIAGRAM_BOX[0] * width_in * fig.dpi)
        self.top = int((DIAGRAM_BOX[1] + DIAGRAM_BOX[3]) * height_in * fig.dpi)
        self.image = fig.add_artist(PixelPictures())
        self.lines = LineCollection([], zorder=1, capstyle="butt", animated=True)
        ax.add_collection(self.lines, autolim=False)
        self.layout = None  # the network the pictures are laid out for
        self.boxes, self.labels = [], []

    @staticmethod
    def signature(run):
        return ()  # never rebuilt: see reshape

    def remove(self):
        self.ax.remove()
        self.image.remove()

    def reshape(self, run):
        """Lay out the pictures, lines and labels for the run's network (if it changed)."""
        sizes, features = run.model.sizes, run.config["features"]
        if self.layout == (sizes, features):
            return
        self.layout = (sizes, features)
        self.boxes = self._place(sizes)
        self.lines.set_segments(self._segments())
        names = [f"inputs\n({len(features)})"]
        names += [f"layer {k}\n{n} unit{'s' * (n != 1)}" for k, n in enumerate(sizes[1:-1], 1)]
        names.append("output")
        self.labels = [placed_text(name, self.left + x0 + size / 2, self.top - 2, va="top")
                       for name, ((x0, _, size), *_) in zip(names, self.boxes)]
        self.labels += [placed_text(FEATURES[name][0], self.left + x0 - 3,
                                    self.top - y0 - size / 2, ha="right", fontsize=9,
                                    color="black")
                        for name, (x0, y0, size) in zip(features, self.boxes[0])]

    def _place(self, sizes):
        """(column, unit) -> (x0, y0, size) of each picture, in pixels."""
        usable = self.H - self.HEADER - 4
        step = (self.W - self.LEFT - self.MAX_PICTURE - 4) / max(len(sizes) - 1, 1)
        boxes = []
        for c, n in enumerate(sizes):
            size = int(min(self.MAX_PICTURE, (usable - self.GAP * (n - 1)) / n))
            top = self.HEADER + (usable - (n * size + (n - 1) * self.GAP)) / 2
            x0 = self.LEFT + c * step + (self.MAX_PICTURE - size) / 2
            boxes.append([(int(x0), int(top + j * (size + self.GAP)), size) for j in range(n)])
        return boxes

    def _segments(self):
        """One line per weight, in the order of the weight matrices' entries."""
        segments = []
        for left, right in zip(self.boxes[:-1], self.boxes[1:]):
            for x0, y0, s0 in left:
                for x1, y1, s1 in right:
                    segments.append([(x0 + s0, y0 + s0 / 2), (x1, y1 + s1 / 2)])
        return segments

    def update(self, run, outputs, last_in_range=False):
        """Redraw the pictures from every layer's values on the GRID x GRID plotting grid
        (``run.layer_outputs``), and the lines from the weights. Each picture is scaled
        to its largest |value|, except the outputs if ``last_in_range`` (they are
        already in [-1, 1])."""
        self.reshape(run)
        pictures = []
        for c, (column, values) in enumerate(zip(self.boxes, outputs)):
            for (x0, y0, size), v in zip(column, values.T):
                picture = v.reshape(GRID, GRID)[::-1]          # image rows run downwards
                in_range = last_in_range and c == len(self.boxes) - 1
                span = 1.0 if in_range else np.abs(picture).max()
                index = (np.arange(size) * GRID) // size        # nearest grid point per pixel
                rgba = colour(picture[np.ix_(index, index)] / (span if span > 0 else 1.0))
                rgba[[0, -1], :] = rgba[:, [0, -1]] = (150, 150, 150, 255)  # a grey frame
                pictures.append((self.left + x0, self.top - y0 - size, rgba))
        self.image.pictures = pictures + self.labels
        w = np.concatenate([layer.weight.data.ravel() for layer in run.model.linears])
        strength = np.clip(np.abs(w) / 2.0, 0.0, 1.0)  # |w| = 2 and more: the widest line
        colors = np.where((w > 0)[:, None], _POSITIVE, _NEGATIVE)
        colors[:, 3] = np.where(w == 0, 0.0, 0.25 + 0.75 * strength)  # exact zeros vanish
        self.lines.set_linewidths(0.3 + 3.2 * strength)
        self.lines.set_colors(colors)


# --------------------------------------------------------------------------- #
# The output over the plane, with the data
# --------------------------------------------------------------------------- #
class OutputPanel:
    """The network's output over the plane: class probabilities (binary: shaded from
    one class's colour through white to the other's, the boundary p = 0.5 in black;
    K classes: the most probable class) or, for regression, the predicted value on a
    continuous colour map. Training points filled, test points hollow; the legend
    sits below the axes, never on the data. Rebuilt only for another dataset or when
    the data outgrow the window; new points (noise, seed, split) are moved in place."""

    def __init__(self, fig, run):
        self.shape = self.signature(run)
        self.fig = fig
        self.ax = ax = fig.add_axes(OUTPUT_BOX)
        x0, x1, y0, y1 = self.shape[-1]
        xx, yy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
        self.G = np.column_stack([xx.ravel(), yy.ravel()])  # where the network is evaluated
        self.image = fig.add_artist(PixelPictures(zorder=1))
        self._pixels(ax)
        self.boundary = LineCollection([], colors="k", linewidths=1.5, zorder=2, animated=True)
        self.bayes = LineCollection([], colors="k", linewidths=1.5, linestyles="--", zorder=2,
                                    animated=True)
        for lines in (self.boundary, self.bayes):
            ax.add_collection(lines, autolim=False)
        with plots.style():
            self._points(run)
            ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=run.feature_names[0],
                   ylabel=run.feature_names[1])
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        ax.tick_params(labelsize=8.5)
        ax.grid(False)
        self.title = ax.set_title("", fontsize=10)
        self.title.set_animated(True)
        self.data = None  # which data the points show

    @staticmethod
    def signature(run):
        return (run.config["dataset"], _nice_window(run))

    def _pixels(self, ax):
        """The axes' pixels, and the linear interpolation from the GRID x GRID values to
        them (one matrix per direction): the picture is computed at screen resolution,
        so K-class boundaries are crisp lines, not the grid's staircase."""
        box = ax.get_window_extent()
        x0, y0 = int(np.ceil(box.x0)), int(np.ceil(box.y0))
        width, height = int(box.x1) - x0, int(box.y1) - y0
        self.corner = (x0, y0)
        self.Ry = interpolation_matrix(height, GRID)[::-1]  # image rows run downwards
        self.Rx = interpolation_matrix(width, GRID)

    def _picture(self, run, values, discretize):
        """The RGBA uint8 picture of the output values at the axes' pixels."""
        V = upsample(values.reshape(GRID, GRID, -1), self.Ry, self.Rx)
        if run.task == "regression":
            shown = np.round(V[..., 0] * 5) / 5 if discretize else V[..., 0]
            return colour(shown)
        if run.n_classes == 2:
            p = V[..., 0]
            shown = np.where(p > 0.5, 0.8, -0.8) if discretize else 2 * p - 1
            rgba = colour(shown)
            rgba[..., :3] = 255 - (0.75 * (255 - rgba[..., :3])).astype(np.uint8)  # paler
            return rgba
        return (plots.class_image(V, discretize) * 255).astype(np.uint8)

    def _points(self, run):
        """The data's artists (their positions are set by :meth:`_show_data`) and the
        legend or colour bar below the axes."""
        ax, regression = self.ax, run.task == "regression"
        style = dict(s=14 if regression else 12, zorder=3, animated=True)
        coloured = dict(c=np.zeros(0), cmap=DIVERGING, norm=Normalize(-1, 1)) if regression else {}
        self.train = ax.scatter([], [], edgecolors="0.2" if regression else "white",
                                linewidths=0.5 if regression else 0.4, **coloured, **style)
        self.test = ax.scatter([], [], facecolors="none", linewidths=1.2 if regression else 1.0,
                               **style)
        if regression:
            cax = self.fig.add_axes(COLORBAR_BOX)
            bar = self.fig.colorbar(ScalarMappable(Normalize(-1, 1), DIVERGING), cax=cax,
                                    orientation="horizontal")
            bar.set_label("h(x): the network's output (points: y)", fontsize=8.5)
            cax.tick_params(labelsize=8)
            self.extras = [cax]
            return
        handles = [Line2D([], [], ls="", marker="o", color=plots.PALETTE[k], label=name)
                   for k, name in enumerate(run.class_names)]
        handles.append(Line2D([], [], ls="", marker="o", mfc="none", mec="0.3",
                              label="test (hollow)"))
        if run.n_classes == 2:
            handles.append(Line2D([], [], color="k", lw=1.5, label="boundary p = ½"))
        if run.config["dataset"] == "physics":
            handles.append(Line2D([], [], color="k", lw=1.5, ls="--", label="Bayes-optimal"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
                  fontsize=8, frameon=False, handlelength=1.5, columnspacing=1.0)
        self.extras = []

    def _show_data(self, run):
        """Move the points to the run's data, if they show other data."""
        cfg = run.config
        data = tuple(cfg[k] for k in ("n_samples", "noise", "train_fraction", "data_seed"))
        if data == self.data:
            return
        self.data, self.bayes_done = data, False
        self.train.set_offsets(run.X_train)
        self.test.set_offsets(run.X_test)
        if run.task == "regression":
            self.train.set_array(run.y_train)
            self.test.set_edgecolors(DIVERGING(Normalize(-1, 1)(run.y_test)))
        else:
            colors = np.array(plots.PALETTE)
            self.train.set_facecolors(colors[run.y_train])
            self.test.set_edgecolors(colors[run.y_test])

    def remove(self):
        for artist in [self.ax, self.image, *self.extras]:
            artist.remove()

    def update(self, run, values, title, show_test=True, discretize=False, bayes=False):
        """Show ``values`` (``run.predict`` on the grid ``self.G``) and the run's data."""
        self._show_data(run)
        self.image.pictures = [(*self.corner, self._picture(run, values, discretize))]
        self.boundary.set_segments(self._contour(values) if run.n_classes == 2 else [])
        self.test.set_visible(show_test)
        if bayes and not self.bayes_done:  # once per data set: it does not train
            self.bayes.set_segments(self._contour(run.bayes_proba(self.G)))
            self.bayes_done = True
        self.bayes.set_visible(bayes)
        self.title.set_text(title)

    def _contour(self, p):
        """The line p = ½ of probabilities p on the grid, as a list of (n, 2) arrays."""
        p = p.reshape(GRID, GRID)
        if not p.min() < 0.5 < p.max():
            return []
        xs, ys = self.G[:GRID, 0], self.G[::GRID, 1]
        return contourpy.contour_generator(xs, ys, p).lines(0.5)


# --------------------------------------------------------------------------- #
# Losses and gradients per epoch
# --------------------------------------------------------------------------- #
class CurvesPanel:
    """Training and test loss per epoch (with the Bayes-optimal test loss as a dashed
    reference for the physics toy), and below it the RMS gradient ∂L/∂W of each
    weight layer, on a log scale.

    The axis limits are chosen so that they rarely move while training (the epochs
    grow by a factor 4, the losses start above the untrained network's, the gradients
    span six decades), so most frames change only the lines, not the ticks."""

    def __init__(self, fig, run):
        self.shape = self.signature(run)
        with plots.style():
            self.loss_ax = ax = fig.add_axes(LOSS_BOX)
            self.train, = ax.plot([], [], color=plots.PALETTE[0], lw=1.5, label="training")
            self.test, = ax.plot([], [], color=plots.PALETTE[1], lw=1.5, label="test")
            self.bayes, = ax.plot([], [], color="k", lw=1.2, ls="--", label="Bayes")
            loss = "mean squared error" if run.task == "regression" else "cross-entropy"
            ax.set_ylabel(loss, fontsize=9)
            shown = [self.train, self.test] + [self.bayes] * (run.config["dataset"] == "physics")
            ax.legend(handles=shown, loc="lower left", bbox_to_anchor=(-0.05, 1.0), ncol=3,
                      fontsize=7.5, handlelength=1.2, columnspacing=0.8, borderaxespad=0.1)
            self.grad_ax = gax = fig.add_axes(GRAD_BOX)
            gax.set_yscale("log")
            shades = colormaps["viridis"](np.linspace(0.0, 0.85, MAX_COLUMNS - 1))
            self.grads = [gax.plot([], [], color=c, lw=1.3)[0] for c in shades]
            box = gax.get_window_extent()  # the labels W1, W2, ... in a row above the axes
            self.grad_labels = [placed_text(f"W{k + 1}", box.x0 - 8 + 0.2 * box.width * k,
                                            box.y1 + 4, ha="left", va="bottom", fontsize=7.5,
                                            color=tuple(c), weight="bold")
                                for k, c in enumerate(shades)]
            self.labels = fig.add_artist(PixelPictures())
            gax.set_xlabel("epoch", fontsize=9)
            gax.set_ylabel("RMS ∂L/∂W", fontsize=9)
        for line in [self.train, self.test, self.bayes, *self.grads]:
            line.set_animated(True)
        for a in (ax, gax):  # few ticks: each costs more to draw than a curve
            a.tick_params(labelsize=8)
            a.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        gax.yaxis.set_major_locator(LogLocator(numticks=4))
        gax.yaxis.set_minor_locator(NullLocator())
        self.limits = {}

    @staticmethod
    def signature(run):
        return (run.task, run.config["dataset"] == "physics")

    def remove(self):
        for artist in (self.loss_ax, self.grad_ax, self.labels):
            artist.remove()

    @staticmethod
    def region(fig):
        """The strip of the figure (a Bbox in pixels) that holds the curves and nothing
        else static: what to wipe when their axes are rendered again."""
        width, height = fig.get_size_inches() * fig.dpi
        return Bbox([[CURVES_COLUMN * width, 0], [width, height]])

    def _limits(self, ax, **limits):
        """Set axis limits only when they change (each change re-renders the ticks);
        the axes changed are collected in ``self.changed``."""
        if self.limits.get(ax) != limits:
            ax.set(**limits)
            self.limits[ax] = limits
            self.changed.append(ax)

    def update(self, run, bayes=False):
        """Show the run's curves; returns the axes whose limits changed."""
        h = run.history
        epochs = h["epoch"]
        n_layers = len(run.model.linears)
        self.changed = []
        for k, line in enumerate(self.grads):
            line.set_visible(k < n_layers)
        self.labels.pictures = self.grad_labels[:n_layers]
        grads = np.array(h["grad"]) if h["grad"] else np.ones((0, n_layers))
        for line, g in zip(self.grads, grads.T):
            line.set_data(epochs, g)
        self.train.set_data(epochs, h["loss"])
        self.test.set_data(epochs, h["test_loss"])
        self.bayes.set_visible(bayes and bool(epochs))
        self._rescale(run, grads, bayes)
        return self.changed

    def _rescale(self, run, grads, bayes):
        """Limits chosen once per run where possible: epochs 0 to 100 (then x 4), the
        losses up to above the untrained network's, the gradients from 1e-5 to 10."""
        h = run.history
        right = 100
        while h["epoch"] and right < h["epoch"][-1]:
            right *= 4
        start = run.scores() if not h["epoch"] else {"loss": h["loss"][0],
                                                      "test_loss": h["test_loss"][0]}
        finite = [v for v in [start["loss"], start["test_loss"], *h["loss"], *h["test_loss"]]
                  if np.isfinite(v)]
        if bayes and h["epoch"]:
            self.bayes.set_data([0, right], [run.bayes_test_loss] * 2)
            finite.append(run.bayes_test_loss)
        top = max(finite) if finite else 1.0
        top = 0.2 * np.ceil(5.5 * top) if top > 0.2 else 10 ** np.ceil(np.log10(top * 1.1))
        self._limits(self.loss_ax, xlim=(0, right), ylim=(0, top))
        positive = grads[np.isfinite(grads) & (grads > 0)]
        low, high = -5.0, 1.0  # wide: typical gradients never move the axis
        if positive.size:
            low = min(low, np.floor(np.log10(positive.min())))
            high = max(high, np.ceil(np.log10(positive.max())))
        self._limits(self.grad_ax, xlim=(0, right), ylim=(10**low, 10**high))
