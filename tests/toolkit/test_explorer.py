"""trisep_nn.explorer: the Explorer behind every slider, and its control helpers."""


import base64

import ipywidgets as widgets
import numpy as np
import pytest

from trisep_nn.widgets import (  # noqa: E402
    Explorer,
    dropdown,
    log_slider,
    slider,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# _core: Explorer, slider, log_slider, dropdown
def _line_explorer(calls=None):
    def draw(fig, slope, shape):
        if calls is not None:
            calls.append((slope, shape))
        if shape == "broken":
            raise ValueError("slope must be finite")
        ax = fig.subplots()
        x = np.linspace(0, 1, 5)
        ax.plot(x, slope * x if shape == "line" else slope * x**2)

    controls = {"slope": slider(1.0, -2.0, 2.0, 0.5, "slope"),
                "shape": dropdown(["line", "parabola", "broken"], description="shape")}
    return Explorer(draw, controls, figsize=(4, 3), title="a line")


def _plotted_y(explorer):
    return explorer.figure.axes[0].lines[0].get_ydata()


def test_explorer_draws_once_when_built_and_shows_a_png():
    calls = []
    explorer = _line_explorer(calls)
    assert calls == [(1.0, "line")]
    assert explorer.last_error is None
    assert explorer.png.startswith(PNG_MAGIC)
    assert len(explorer.timings) == 1 and explorer.timings[0] > 0
    # the picture is an Image widget inside the explorer's box, shown 1:1 (400 px at 100 dpi)
    assert explorer._image in explorer.widget.children
    assert explorer._image.layout.width == "400px"


def test_update_changes_the_plotted_data_and_the_picture():
    explorer = _line_explorer()
    before_y, before_png = _plotted_y(explorer).copy(), explorer.png
    explorer.update(slope=2.0)
    assert explorer.values["slope"] == 2.0
    np.testing.assert_allclose(_plotted_y(explorer), 2 * before_y)
    assert explorer.png != before_png
    explorer.update(shape="parabola")
    np.testing.assert_allclose(_plotted_y(explorer), 2.0 * np.linspace(0, 1, 5) ** 2)


def test_update_of_several_controls_redraws_once():
    calls = []
    explorer = _line_explorer(calls)
    explorer.update(slope=-1.0, shape="parabola")
    assert calls == [(1.0, "line"), (-1.0, "parabola")]
    assert len(explorer.timings) == 2


def test_moving_a_widget_redraws_as_a_student_would():
    calls = []
    explorer = _line_explorer(calls)
    explorer.controls["slope"].value = 0.5  # what the browser does
    assert calls[-1] == (0.5, "line")
    np.testing.assert_allclose(_plotted_y(explorer), 0.5 * np.linspace(0, 1, 5))


def test_an_error_in_draw_is_shown_as_a_message_not_raised():
    explorer = _line_explorer()
    good_png = explorer.png
    explorer.update(shape="broken")  # must not raise
    assert isinstance(explorer.last_error, ValueError)
    message = explorer._message.value
    assert "ValueError" in message and "slope must be finite" in message
    assert "Could not draw" in message and "broken" in message
    assert explorer.png == good_png  # the last good picture stays
    explorer.update(shape="line")  # and the explorer recovers
    assert explorer.last_error is None and explorer._message.value == ""


def test_an_error_while_rendering_is_caught_too():
    def draw(fig, n):
        fig.subplots().set_title(r"$\frac{1}{$" if n else "ok")  # bad mathtext fails when drawn

    explorer = Explorer(draw, {"n": slider(0, 0, 2)})
    assert explorer.last_error is None
    explorer.update(n=1)
    assert explorer.last_error is not None
    assert "Could not draw" in explorer._message.value


def test_update_rejects_unknown_controls_by_name():
    explorer = _line_explorer()
    with pytest.raises(ValueError, match="unknown control.*'slop'.*has.*'slope'"):
        explorer.update(slop=1.0)


def test_slider_helpers_pick_the_widget_type():
    assert isinstance(slider(3, 1, 10), widgets.IntSlider)
    assert isinstance(slider(0.5, 0, 1), widgets.FloatSlider)
    assert isinstance(slider(1, 0, 10, 0.5), widgets.FloatSlider)
    assert slider(3, 1, 10, continuous=False).continuous_update is False
    s = log_slider(1e-2, -4, 0, "α")
    assert isinstance(s, widgets.FloatLogSlider)
    assert (s.min, s.max, s.value, s.continuous_update) == (-4, 0, 1e-2, False)
    assert dropdown(["a", "b"]).value == "a"
    assert dropdown({"A": 1, "B": 2}, value=2).value == 2


def test_displayed_it_offers_the_widget_and_its_picture_as_a_png():
    explorer = _line_explorer([])
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # JupyterLab: the live widget
    assert base64.b64decode(bundle["image/png"]) == explorer.png  # a static page: the picture


def _animated_explorer():
    """An explorer that builds its figure once (clear=False) and then moves only
    artists marked animated: a line, the title and a figure text."""
    parts = {}

    def draw(fig, y0):
        if not fig.axes:
            ax = fig.subplots()
            ax.plot([0, 1], [0, 1], label="still")
            parts["line"] = ax.plot([0, 1], [1, 0], animated=True, label="moving")[0]
            parts["title"] = ax.set_title(" ", animated=True)
            parts["note"] = fig.text(0.02, 0.02, " ", animated=True)
            ax.legend(loc="upper center")
        parts["line"].set_ydata([y0, 1 - y0])
        parts["title"].set_text(f"y0 = {y0:.1f}")
        parts["note"].set_text(f"figure text {y0:.1f}")

    explorer = Explorer(draw, {"y0": slider(1.0, 0.0, 1.0, 0.1)}, figsize=(4, 3),
                        clear=False)
    return explorer, parts


def _pixels(png):
    import io

    from matplotlib.image import imread

    return imread(io.BytesIO(png))


def test_animated_artists_are_repainted_exactly_as_a_full_render_would_draw_them():

    explorer, parts = _animated_explorer()
    explorer.update(y0=0.5)  # the layout is known now
    background = explorer._background
    first = explorer.png
    explorer.update(y0=0.2)
    assert explorer._background is background, "a move restored the still part, not redrew it"
    fast = explorer.png
    assert not np.array_equal(_pixels(first), _pixels(fast))
    # the reference: everything drawn the usual way, in one pass, where the layout put it
    figure = explorer.figure
    figure.set_layout_engine("none")
    for artist in parts.values():
        artist.set_animated(False)
    figure.canvas.draw()
    full = np.asarray(figure.canvas.buffer_rgba())[..., :3] / 255
    assert np.array_equal(_pixels(fast)[..., :3], full.astype(np.float32))


def test_a_change_to_a_still_artist_renders_the_whole_figure_again():
    explorer, parts = _animated_explorer()
    explorer.update(y0=0.5)
    background = explorer._background
    parts["line"].axes.set_xlim(-1, 2)  # not animated: the figure is stale
    explorer.update(y0=0.3)
    assert explorer._background is not background
