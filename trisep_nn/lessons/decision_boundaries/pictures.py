"""The Playground's figure: what the network computes, drawn live.

One matplotlib figure with four parts, each built once and then updated in place
while the network trains (a frame only calls ``set_data``, ``set_array`` and
``set_text``; a part is rebuilt only when what it shows changes shape: other
features, layers or data):

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

Everything that changes while training is ``animated`` (see ``trisep_nn.explorer``):
the axes, ticks, labels and legends are rendered once and restored from a copy, and
only the pictures, lines and numbers are painted again each frame. All the pixel
work of the unit pictures is done in NumPy into one RGBA array, drawn as a single
unresampled figure image: one artist instead of a hundred.
"""

import contourpy
import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgba
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from trisep_nn import plots
from trisep_nn.lessons.decision_boundaries.datasets import FEATURES

GRID = 80  # points per axis where the network is evaluated each frame

#: Negative blue, zero white, positive vermillion: the colours of class 0 and class 1,
#: so a unit that is "on" is coloured like the class it votes for.
DIVERGING = LinearSegmentedColormap.from_list(
    "playground", [plots.PALETTE[0], "#ffffff", plots.PALETTE[1]])
_LUT = (DIVERGING(np.linspace(0, 1, 256)) * 255).astype(np.uint8)
_POSITIVE, _NEGATIVE = to_rgba(plots.PALETTE[1]), to_rgba(plots.PALETTE[0])

# Where the parts sit, as [left, bottom, width, height] in figure fractions: fixed, so
# that no layout is computed while training (constrained layout costs a third of R).
DIAGRAM_BOX = [0.0, 0.0, 0.445, 1.0]
OUTPUT_BOX = [0.515, 0.25, 0.262, 0.66]
LOSS_BOX = [0.835, 0.62, 0.155, 0.27]
GRAD_BOX = [0.835, 0.13, 0.155, 0.3]
COLORBAR_BOX = [0.53, 0.075, 0.22, 0.025]


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


def grid_extent(run):
    """The plotting grid of a run (GRID x GRID points) and its (x0, x1, y0, y1)."""
    G = run.grid(GRID)
    return G, (G[0, 0], G[-1, 0], G[0, 1], G[-1, 1])


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

    The axes' data coordinates are its pixels, so the pictures are pasted into one
    RGBA array exactly where the lines end."""

    MAX_PICTURE, GAP, HEADER, LEFT = 44, 4, 30, 44  # pixels

    def __init__(self, fig, run):
        self.shape = self.signature(run)
        self.ax = ax = fig.add_axes(DIAGRAM_BOX)
        width_in, height_in = fig.get_size_inches()
        self.W = int(DIAGRAM_BOX[2] * width_in * fig.dpi)
        self.H = int(DIAGRAM_BOX[3] * height_in * fig.dpi)
        ax.set_axis_off()
        ax.set(xlim=(0, self.W), ylim=(self.H, 0))
        self.boxes = self._place(self.shape[0])
        # the axes' top-left corner in figure pixels (which count from the bottom)
        self.left = int(DIAGRAM_BOX[0] * width_in * fig.dpi)
        self.top = int((DIAGRAM_BOX[1] + DIAGRAM_BOX[3]) * height_in * fig.dpi)
        self.image = fig.add_artist(PixelPictures())
        self.lines = LineCollection(self._segments(), zorder=1, capstyle="butt",
                                    animated=True)
        ax.add_collection(self.lines)
        self._labels(run)

    def remove(self):
        self.ax.remove()
        self.image.remove()

    @staticmethod
    def signature(run):
        """What the diagram's layout depends on: units per column, and their names."""
        sizes = run.model.sizes
        return (tuple(sizes), tuple(run.config["features"]))

    def _place(self, sizes):
        """(column, unit) -> (x0, y0, size) of each picture, in pixels."""
        n_cols = len(sizes)
        usable = self.H - self.HEADER - 4
        step = (self.W - self.LEFT - self.MAX_PICTURE - 4) / max(n_cols - 1, 1)
        boxes = []
        for c, n in enumerate(sizes):
            size = int(min(self.MAX_PICTURE, (usable - self.GAP * (n - 1)) / n))
            top = self.HEADER + (usable - (n * size + (n - 1) * self.GAP)) / 2
            x0 = self.LEFT + c * step + (self.MAX_PICTURE - size) / 2
            boxes.append([(int(x0), int(top + j * (size + self.GAP)), size) for j in range(n)])
        return boxes

    def _segments(self):
        segments = []
        for left, right in zip(self.boxes[:-1], self.boxes[1:]):
            for x0, y0, s0 in left:
                for x1, y1, s1 in right:
                    segments.append([(x0 + s0, y0 + s0 / 2), (x1, y1 + s1 / 2)])
        return segments

    def _labels(self, run):
        sizes, features = self.shape
        names = [f"inputs\n({len(features)})"]
        names += [f"layer {k}\n{n} unit{'s' * (n != 1)}" for k, n in enumerate(sizes[1:-1], 1)]
        names.append("output")
        for column, name in zip(self.boxes, names):
            x0, _, size = column[0]
            self.ax.text(x0 + size / 2, 2, name, ha="center", va="top", fontsize=8.5,
                         color="0.25", linespacing=1.1)
        for (x0, y0, size), name in zip(self.boxes[0], features):
            self.ax.text(x0 - 3, y0 + size / 2, FEATURES[name][0], ha="right", va="center",
                         fontsize=9)

    def update(self, outputs, weights, last_in_range=False):
        """Redraw the pictures from every layer's values on the GRID x GRID plotting grid
        (``run.layer_outputs``), and the lines from the weight matrices. Each picture is
        scaled to its largest |value|, except the outputs if ``last_in_range`` (they are
        already in [-1, 1])."""
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
        self.image.pictures = pictures
        w = np.concatenate([W.ravel() for W in weights])
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
    sits below the axes, never on the data."""

    def __init__(self, fig, run):
        self.shape = self.signature(run)
        self.run, self.fig = run, fig
        self.ax = ax = fig.add_axes(OUTPUT_BOX)
        self.G, extent = grid_extent(run)
        self.image = fig.add_artist(PixelPictures(zorder=1))
        self._pixels(ax)
        self.boundary = LineCollection([], colors="k", linewidths=1.5, zorder=2, animated=True)
        self.bayes = LineCollection([], colors="k", linewidths=1.5, linestyles="--", zorder=2,
                                    animated=True)
        for lines in (self.boundary, self.bayes):
            ax.add_collection(lines, autolim=False)
        self.bayes_done = False
        with plots.style():
            self._points(run)
            ax.set(xlim=extent[:2], ylim=extent[2:], xlabel=run.feature_names[0],
                   ylabel=run.feature_names[1])
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        ax.tick_params(labelsize=8.5)
        ax.grid(False)
        self.title = ax.set_title("", fontsize=10)
        self.title.set_animated(True)

    @staticmethod
    def signature(run):
        cfg = run.config
        return tuple(cfg[k] for k in ("dataset", "n_samples", "noise", "train_fraction",
                                      "data_seed"))

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

    def _upsampled(self, values):
        """Grid values (GRID², ...) at the axes' pixels, image rows top to bottom."""
        return upsample(values.reshape(GRID, GRID, -1), self.Ry, self.Rx)

    def _picture(self, run, values, discretize):
        """The RGBA uint8 picture of the output values at the axes' pixels."""
        V = self._upsampled(values)
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
        ax = self.ax
        if run.task == "regression":
            norm = Normalize(-1, 1)
            ax.scatter(*run.X_train.T, c=run.y_train, cmap=DIVERGING, norm=norm, s=14,
                       edgecolors="0.2", linewidths=0.5, zorder=3, animated=True)
            self.test = ax.scatter(*run.X_test.T, s=14, facecolors="none", linewidths=1.2,
                                   edgecolors=DIVERGING(norm(run.y_test)), zorder=3,
                                   animated=True)
            cax = self.fig.add_axes(COLORBAR_BOX)
            bar = self.fig.colorbar(ScalarMappable(norm, DIVERGING), cax=cax,
                                    orientation="horizontal")
            bar.set_label("h(x): the network's output (points: the targets y)", fontsize=8.5)
            cax.tick_params(labelsize=8)
            self.extras = [cax]
            return
        colors = plots.PALETTE
        handles = []
        for k, name in enumerate(run.class_names):
            ax.scatter(*run.X_train[run.y_train == k].T, s=12, color=colors[k],
                       edgecolors="white", linewidths=0.4, zorder=3, animated=True)
            handles.append(Line2D([], [], ls="", marker="o", color=colors[k], label=name))
        self.test = ax.scatter(*run.X_test.T, s=12, facecolors="none", linewidths=1.0,
                               edgecolors=[colors[k] for k in run.y_test], zorder=3,
                               animated=True)
        handles.append(Line2D([], [], ls="", marker="o", mfc="none", mec="0.3",
                              label="test (hollow)"))
        if run.n_classes == 2:
            handles.append(Line2D([], [], color="k", lw=1.5, label="boundary p = ½"))
        if run.config["dataset"] == "physics":
            handles.append(Line2D([], [], color="k", lw=1.5, ls="--",
                                  label="Bayes-optimal boundary"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
                  fontsize=8, frameon=False, handlelength=1.5, columnspacing=1.0)
        self.extras = []

    def remove(self):
        for artist in [self.ax, self.image, *self.extras]:
            artist.remove()

    def update(self, run, values, title, show_test=True, discretize=False, bayes=False):
        """Show ``values`` (``run.predict`` on the grid ``self.G``)."""
        self.image.pictures = [(*self.corner, self._picture(run, values, discretize))]
        if run.n_classes == 2:
            self.boundary.set_segments(self._contour(values))
        self.test.set_visible(show_test)
        if bayes and not self.bayes_done:  # once per dataset: it does not train
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

    The axis limits move in steps (the epochs double, the losses and gradients
    widen by whole decades or by a tenth), so most frames change only the lines,
    not the ticks."""

    def __init__(self, fig, run):
        self.shape = self.signature(run)
        n_layers = len(run.model.linears)
        with plots.style():
            self.loss_ax = ax = fig.add_axes(LOSS_BOX)
            self.train, = ax.plot([], [], color=plots.PALETTE[0], lw=1.5, label="training")
            self.test, = ax.plot([], [], color=plots.PALETTE[1], lw=1.5, label="test")
            self.bayes, = ax.plot([], [], color="k", lw=1.2, ls="--", label="Bayes-optimal")
            loss = "mean squared error" if run.task == "regression" else "cross-entropy"
            ax.set_ylabel(loss, fontsize=9)
            shown = [self.train, self.test] + [self.bayes] * (run.config["dataset"] == "physics")
            ax.legend(handles=shown, loc="lower left", bbox_to_anchor=(-0.05, 1.0), ncol=3,
                      fontsize=7.5, handlelength=1.2, columnspacing=0.8, borderaxespad=0.1)
            self.grad_ax = gax = fig.add_axes(GRAD_BOX)
            gax.set_yscale("log")
            shades = colormaps["viridis"](np.linspace(0.0, 0.85, n_layers))
            self.grads = [gax.plot([], [], color=shades[k], lw=1.3, label=f"W{k + 1}")[0]
                          for k in range(n_layers)]
            gax.set_xlabel("epoch", fontsize=9)
            gax.set_ylabel("RMS ∂L/∂W", fontsize=9)
            gax.legend(loc="lower left", bbox_to_anchor=(-0.05, 1.0), ncol=n_layers,
                       fontsize=7.5, handlelength=1.0, columnspacing=0.6, borderaxespad=0.1)
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
        return (run.task, run.config["dataset"] == "physics", len(run.model.linears))

    def remove(self):
        self.loss_ax.remove()
        self.grad_ax.remove()

    def _limits(self, ax, **limits):
        """Set axis limits only when they change (each change re-renders the ticks)."""
        if self.limits.get(ax) != limits:
            ax.set(**limits)
            self.limits[ax] = limits

    def update(self, run, bayes=False):
        h = run.history
        epochs = h["epoch"]
        right = 10
        while epochs and right < epochs[-1]:
            right *= 2
        self.train.set_data(epochs, h["loss"])
        self.test.set_data(epochs, h["test_loss"])
        self.bayes.set_visible(bayes)
        finite = [v for v in h["loss"] + h["test_loss"] if np.isfinite(v)]
        if bayes:
            self.bayes.set_data([0, right], [run.bayes_test_loss] * 2)
            finite.append(run.bayes_test_loss)
        top = 1.0 if not finite else max(finite)
        top = 0.1 * np.ceil(10.5 * top) if top > 0.1 else 10 ** np.ceil(np.log10(top * 1.05))
        self._limits(self.loss_ax, xlim=(0, right), ylim=(0, top))
        grads = np.array(h["grad"]) if h["grad"] else np.ones((0, len(self.grads)))
        for line, g in zip(self.grads, grads.T):
            line.set_data(epochs, g)
        positive = grads[np.isfinite(grads) & (grads > 0)]
        low, high = ((np.floor(np.log10(positive.min())), np.ceil(np.log10(positive.max())))
                     if positive.size else (-3.0, 0.0))
        self._limits(self.grad_ax, xlim=(0, right), ylim=(10**low, 10 ** max(high, low + 1)))
