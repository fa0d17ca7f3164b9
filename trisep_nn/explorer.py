"""The one building block every explorer uses: controls above a figure that
is redrawn in place.

An explorer is a plain drawing function plus a dict of controls::

    def draw(fig, degree, noise):
        ax = fig.subplots()
        ...                                  # fit and plot with these values

    Explorer(draw, {"degree": IntSlider(...), "noise": FloatSlider(...)})

Why it is built this way:

* the figure is a ``matplotlib.figure.Figure`` made without pyplot, so the
  inline backend never shows a stray copy; each redraw renders it to PNG
  (Agg) and replaces the bytes of one ``ipywidgets.Image`` in place: no pile
  of figures, no flicker, and no dependence on whether the kernel's inline
  backend has registered its formatters yet (a bare ``Figure`` passed to
  ``display`` shows as the text "<Figure size ...>" until pyplot has drawn
  something);
* it needs nothing beyond ipywidgets and matplotlib, so it works the same on
  a laptop, on Binder, and when updated from a background task (the
  Playground trains in chunks and redraws between them);
* an exception inside ``draw`` is shown to the student as a short readable
  message instead of vanishing into the browser's log, as it would with
  ``interact``;
* tests call ``update(**values)`` and read ``figure`` and ``last_error``
  directly, with no browser;
* displayed, it offers the widget *and* a PNG of its current picture: Jupyter
  shows the live widget, while a page rendered with no widget manager (the
  course website, GitHub's notebook viewer) shows the starting figure.
"""

import base64
import html
import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine


class Explorer:
    """Controls and a figure that ``draw(fig, **values)`` redraws in place.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws on the (already cleared) figure.
    controls : dict
        Name -> ipywidget (``IntSlider``, ``Dropdown``, ...). The names are
        the keyword arguments passed to ``draw``.
    figsize : tuple
        Size of the figure in inches.
    title : str, optional
        A line of text shown above the controls.
    state : dict, optional
        A dict that ``draw`` fills with what it computed (a fit, a count), so
        tests and notebooks can read the numbers behind the picture as
        ``explorer.state``. A new empty dict if omitted.
    clear : bool
        True (the default): the figure is cleared before every ``draw``, which
        then builds it from scratch. False: ``draw`` gets the figure as it left
        it, so it can build its axes and artists once (when ``fig.axes`` is
        empty) and afterwards only update them (``set_data``, ``set_array``,
        ``set_text``), which is much faster than drawing anew.

        Faster still, mark the artists that change ``animated`` when you create
        them (``ax.imshow(..., animated=True)``, ``ax.title.set_animated(True)``).
        Then, while nothing else changed since the last full rendering (matplotlib
        says so: the figure is not ``stale``), the static rest of the picture (axes,
        ticks, labels, legends) is not rendered again: it is restored from a copy
        and only the animated artists are painted on top, in zorder. Anything
        drawn above an animated artist must be animated too (the data points
        above an image), since the copy lies below all of them.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    last_error : Exception or None
        The error raised by the last redraw, if any.
    timings : list of float
        Seconds taken by each redraw (for the latency benchmark).
    breakdown : list of dict
        Where each redraw spent its time, in seconds: ``draw`` (the draw function:
        fitting, computing, creating or updating artists), ``render`` (matplotlib
        rasterising the figure, layout included) and ``png`` (encoding the picture, as a
        PNG or, for live frames, a JPEG).
    """

    #: zlib level of the PNG: 1 encodes about twice as fast as PIL's default 6 for a
    #: file a tenth larger, which a local kernel sends in no time.
    PNG_COMPRESSION = 1
    #: JPEG quality of live frames (see ``redraw``): lines and text stay crisp enough.
    JPEG_QUALITY = 90

    def __init__(self, draw, controls, figsize=(9, 4), title=None, state=None, clear=True):
        self.draw = draw
        self.controls = dict(controls)
        self.state = {} if state is None else state
        self.clear = clear
        self.figure = Figure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(self.figure)  # renders to PNG with no GUI and no pyplot
        self.last_error = None
        self.timings = []
        self.breakdown = []
        self._quiet = False
        self._layout = None  # (signature, axes positions) of the last constrained layout
        self._background = None  # the static parts, as rendered last (see ``clear``)
        self._animated = []
        width = round(figsize[0] * self.figure.dpi)  # shown 1:1, never wider than the page
        self._image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%")
        )
        self._message = widgets.HTML()
        header = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        control_box = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        self.widget = widgets.VBox(header + [control_box, self._message, self._image])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values):
        """Set controls by name (as a student moving sliders would) and redraw once."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; this explorer has {sorted(self.controls)}"
            )
        self._quiet = True  # one redraw for all the values, not one per control
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._quiet = False
        self.redraw()
        return self

    def redraw(self, live=False):
        """Draw the figure for the current values and show it in place.

        ``live=True``: one frame of an animation (the Playground while it trains). It is
        sent as a JPEG, which encodes four times faster than a PNG and looks the same
        while it moves; the next ordinary redraw sends a PNG again."""
        start = time.perf_counter()
        if self.clear:
            self.figure.clear()
        self.figure.set_layout_engine("constrained")
        try:
            self.draw(self.figure, **self.values)
            drawn = time.perf_counter()
            static = self._background is not None and not self.figure.stale
            if not static:
                self._reuse_layout()
            rendered, encoded = self._show_figure(static, live)  # can fail (bad mathtext)
            if not static:
                self._remember_layout()
        except Exception as error:  # shown to the student, kept for tests
            self.last_error = error
            self._message.value = (
                "<pre style='color:#b00020;white-space:pre-wrap'>"
                f"Could not draw with {html.escape(repr(self.values))}:\n"
                f"{type(error).__name__}: {html.escape(str(error))}</pre>"
            )
            return self
        self.last_error = None
        self._message.value = ""
        self.timings.append(encoded - start)
        self.breakdown.append({"draw": drawn - start, "render": rendered - drawn,
                               "png": encoded - rendered})
        return self

    def refresh(self, *axes, region=None):
        """Re-render the static parts of ``axes`` (ticks, labels, legend: say, after new
        axis limits) into the saved picture of the static parts, instead of rendering
        the whole figure again at the next redraw. For explorers that animate their
        artists (see ``clear``); a no-op until the figure has been rendered once.

        ``region`` (a Bbox in figure pixels, default: the axes' tight boxes) is wiped
        first, so old tick labels do not show through: give one that holds the axes'
        old and new labels and nothing static of any other axes."""
        figure = self.figure
        if self._background is None or not axes:
            return
        canvas = figure.canvas
        renderer = canvas.get_renderer()
        canvas.restore_region(self._background)
        pixels = np.asarray(renderer.buffer_rgba())
        face = (np.array(figure.get_facecolor()) * 255).astype(np.uint8)
        height = pixels.shape[0]
        boxes = [region] if region is not None else [ax.get_tightbbox(renderer).padded(2)
                                                     for ax in axes]
        for box in boxes:
            rows = slice(max(0, int(height - box.y1)), int(height - box.y0) + 1)
            pixels[rows, max(0, int(box.x0)):int(box.x1) + 1] = face  # wipe, then draw anew
        for ax in axes:
            figure.draw_artist(ax)  # its animated artists are left out, as in a full render
        self._background = canvas.copy_from_bbox(figure.bbox)
        figure.stale = False

    @property
    def png(self):
        """The picture the student sees, as PNG bytes."""
        if self._image.format != "png":  # a live frame is on show: encode it as PNG now
            return self._encode("png")
        return bytes(self._image.value)

    # -- plumbing -----------------------------------------------------------
    # Matplotlib's constrained layout costs a third of a typical redraw. Moving a
    # slider rarely changes what the layout depends on (which panels there are,
    # how many lines their labels and titles take, how wide the tick labels
    # are), so when none of that changed we put the axes where the last layout
    # put them instead of computing it again.
    def _layout_signature(self):
        """What the layout depends on: the panels, which labels they carry and
        how many lines those take, legends, and the widest y tick label."""
        def lines(text):
            return text.count("\n") + 1 if text else 0

        def describe(ax):
            spec = ax.get_subplotspec()
            ticks = [t.get_text() for t in ax.get_yticklabels()]
            return (spec.get_geometry() if spec else None, ax.get_label(),
                    lines(ax.get_xlabel()), lines(ax.get_ylabel()), lines(ax.get_title()),
                    ax.get_legend() is not None, max(map(len, ticks), default=0))

        suptitle = self.figure._suptitle
        return (tuple(map(describe, self.figure.axes)), len(self.figure.legends),
                lines(suptitle.get_text()) if suptitle else 0)

    def _reuse_layout(self):
        if self._layout is None or self.figure.get_layout_engine() is None:
            return
        signature, positions = self._layout
        if signature != self._layout_signature():
            return
        self.figure.set_layout_engine("none")
        for ax, position in zip(self.figure.axes, positions):
            ax.set_position(position)

    def _remember_layout(self):
        if isinstance(self.figure.get_layout_engine(), ConstrainedLayoutEngine):
            positions = [ax.get_position(original=True) for ax in self.figure.axes]
            stale = self.figure.stale
            self._layout = self._layout_signature(), positions
            self.figure.stale = stale  # reading the tick labels marks it stale; nothing moved

    def _show_figure(self, static=False, live=False):
        """Rasterise the figure (one draw; savefig would draw twice, a layout pass and
        then the picture), encode it (PNG; JPEG if ``live``) and show it; returns when
        each step ended.

        ``static``: only the animated artists changed since the last rendering, so
        restore the rest from its copy instead of rendering it again."""
        figure = self.figure
        canvas = figure.canvas
        if static:
            canvas.restore_region(self._background)
        else:
            canvas.draw()  # renders everything but the animated artists
            found = figure.findobj(lambda artist: artist.get_animated())
            self._animated = sorted(found, key=lambda artist: artist.get_zorder())
            self._background = (canvas.copy_from_bbox(figure.bbox) if self._animated
                                else None)
        for artist in self._animated:
            figure.draw_artist(artist)
        rendered = time.perf_counter()
        kind = "jpeg" if live else "png"
        picture = self._encode(kind)
        if kind != self._image.format or picture != self._image.value:  # not sent twice
            with self._image.hold_sync():
                self._image.format = kind
                self._image.value = picture
        return rendered, time.perf_counter()

    def _encode(self, kind):
        """The rendered canvas as PNG or JPEG bytes."""
        from PIL import Image  # matplotlib's own PNG writer uses it too

        rgba = np.asarray(self.figure.canvas.buffer_rgba())
        buffer = io.BytesIO()
        if kind == "png":
            Image.fromarray(rgba).save(buffer, format="png",
                                       compress_level=self.PNG_COMPRESSION)
        else:
            Image.fromarray(rgba).convert("RGB").save(  # (PIL drops alpha faster than NumPy)
                buffer, format="jpeg", quality=self.JPEG_QUALITY)
        return buffer.getvalue()

    def _on_change(self, change):
        if not self._quiet:
            self.redraw()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget view, plus the current picture as a PNG beside it.

        JupyterLab shows the live widget; a page rendered without a widget
        manager (the course website, GitHub, nbviewer) falls back on the PNG,
        so the explorer's starting figure is still there to read."""
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        if self.png:
            bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        return bundle


def slider(value, min, max, step=None, description="", continuous=True, **kwargs):
    """An ``IntSlider`` or ``FloatSlider`` (chosen from the type of ``value``
    and ``step``) with a readable label. Use ``continuous=False`` where a
    redraw costs more than a blink (a refit), so it runs once on release."""
    is_int = all(isinstance(v, int) for v in (value, min, max, step or 1))
    cls = widgets.IntSlider if is_int else widgets.FloatSlider
    if step is not None:
        kwargs["step"] = step
    return cls(
        value=value, min=min, max=max, description=description,
        continuous_update=continuous, style={"description_width": "initial"},
        **kwargs,
    )


def log_slider(value, min_exp, max_exp, description="", continuous=False, **kwargs):
    """A ``FloatLogSlider`` from 10**min_exp to 10**max_exp (for α, η, noise...)."""
    return widgets.FloatLogSlider(
        value=value, base=10, min=min_exp, max=max_exp, description=description,
        continuous_update=continuous, style={"description_width": "initial"}, **kwargs,
    )


def dropdown(options, value=None, description=""):
    """A ``Dropdown`` with a readable label."""
    return widgets.Dropdown(
        options=options, value=value if value is not None else list(options)[0],
        description=description, style={"description_width": "initial"},
    )
