"""Explorers without a browser: set widget values from Python, check what they drive.

The browser tests (tests/test_browser.py) check the same things as a student
sees them; these run in a second and pin down the behaviour.
"""

import ipywidgets as widgets
import numpy as np
import pytest

from trisep_nn.widgets import Explorer, dropdown, log_slider, slider

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- #
# _core: Explorer, slider, log_slider, dropdown
# --------------------------------------------------------------------------- #
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


# --------------------------------------------------------------------------- #
# The Playground (notebook 09)
# --------------------------------------------------------------------------- #
import asyncio  # noqa: E402
import json  # noqa: E402

from trisep_nn import decision_boundaries as db  # noqa: E402
from trisep_nn.widgets import playground  # noqa: E402
from trisep_nn.widgets.decision_boundaries import Playground  # noqa: E402


def _small(**overrides):
    """A quick Playground: few points, small network."""
    config = {"n_samples": 120, "hidden": [6], "batch_size": 32, **overrides}
    return playground(config=config, chunk_seconds=0.02)


def _weights(model):
    return np.concatenate([p.data.ravel() for p in model.parameters()])


def test_playground_defaults_draw_and_say_what_they_are():
    pg = playground()
    assert isinstance(pg, Explorer) and pg.last_error is None
    assert pg.config == {**db.DEFAULT_CONFIG, "epochs": 0}
    assert pg.png.startswith(PNG_MAGIC)
    assert len(pg._units_box.children) == 8  # one small image per unit of layer 1
    assert "epoch 0" in pg._status.value and "test accuracy" in pg._status.value
    labels = {c.description for c in pg.widget.children[1].children if hasattr(c, "on_click")}
    assert labels == {"▶ Train", "Step", "Reset"}


def test_step_trains_and_redraws():
    pg = _small()
    w0, png0, n_draws = _weights(pg.model), pg.png, len(pg.timings)
    pg.step()
    assert pg.run.epoch == 1 and pg.config["epochs"] == 1
    assert len(pg.history["loss"]) == len(pg.history["test_loss"]) == 1
    assert not np.allclose(_weights(pg.model), w0)
    assert pg.png != png0 and len(pg.timings) == n_draws + 1
    assert "epoch 1 " in pg._status.value
    pg.step(4)
    assert pg.run.epoch == 5 and pg.history["epoch"] == [1, 2, 3, 4, 5]


def test_clicking_the_buttons_does_what_they_say():
    pg = _small()
    step, reset = (b for b in pg.widget.children[1].children if hasattr(b, "on_click")
                   and b.description in ("Step", "Reset"))
    step.click()
    step.click()
    assert pg.run.epoch == 2
    trained = pg.predict = pg.run.predict_logits(pg.run.X_test)
    reset.click()
    assert pg.run.epoch == 0 and pg.history["epoch"] == []
    pg.step(2)  # same seed: the same start, so the same two epochs
    np.testing.assert_allclose(pg.run.predict_logits(pg.run.X_test), trained)


def test_controls_rebuild_the_run_they_describe():
    pg = _small()
    pg.step(3)
    X_before = pg.run.X_train.copy()
    pg.update(dataset="xor", noise=0.05)
    assert pg.run.epoch == 0 and pg.config["dataset"] == "xor" and pg.config["noise"] == 0.05
    assert pg.run.X_train.shape == X_before.shape and not np.allclose(pg.run.X_train, X_before)
    pg.update(layers=3, width1=5, width2=4, width3=3)
    assert pg.config["hidden"] == [5, 4, 3]
    assert pg.model.sizes == [2, 5, 4, 3, 1]
    assert pg.controls["width3"].disabled is False and pg.controls["width4"].disabled is True
    assert len(pg._units_box.children) == 5
    pg.update(dataset="spirals")
    assert pg.model.sizes[-1] == 4  # four classes, four outputs
    pg.update(layers=0)
    assert pg.config["hidden"] == [] and pg.model.sizes == [2, 4]
    assert pg._units_box.children == () and "No hidden layer" in pg._units_label.value
    assert pg.last_error is None


def test_a_new_dataset_from_the_dropdown_brings_its_own_noise():
    pg = _small()
    pg.controls["dataset"].value = "spirals"  # as a student would
    assert pg.config["noise"] == db.DEFAULT_NOISE["spirals"]
    assert pg.config["dataset"] == "spirals" and pg.run.n_classes == 4
    pg.controls["dataset"].value = "physics"
    assert pg.run.feature_names == ("m [GeV]", "Δη")
    assert pg.last_error is None


def test_the_config_reproduces_the_run_epoch_for_epoch():
    pg = _small(dataset="circles", l2=1e-3, activation="tanh")
    pg.step(6)
    config = json.loads(json.dumps(pg.config))  # survives a round trip through JSON
    again = Playground.from_config(config)
    assert again.config == pg.config
    np.testing.assert_array_equal(_weights(again.model), _weights(pg.model))
    assert again.history == pg.history
    rebuilt = db.TrainingRun.from_config(json.dumps(config))
    np.testing.assert_array_equal(rebuilt.predict_logits(pg.run.X_test),
                                  pg.run.predict_logits(pg.run.X_test))


def test_l2_keeps_the_weights_small():
    free = db.TrainingRun(n_samples=120, hidden=[16], l2=0.0).train(40)
    tied = db.TrainingRun(n_samples=120, hidden=[16], l2=0.03).train(40)
    assert db.weight_norm(tied.model) < 0.5 * db.weight_norm(free.model)


def test_a_diverging_run_is_reported_not_raised():
    pg = _small(optimizer="sgd", lr=1.0, activation="identity")
    pg.run.optimizer.lr = 1e12  # far beyond any sensible step: the logits overflow
    pg.step(20)
    assert pg.run.diverged and pg.last_error is None
    assert pg.run.epoch < 20  # it stopped at the epoch it diverged
    assert "diverged" in pg._status.value


def test_an_error_while_drawing_is_shown(monkeypatch):
    pg = _small()

    def broken(*args, **kwargs):
        raise RuntimeError("no canvas today")

    monkeypatch.setattr("trisep_nn.plots.decision_boundary", broken)
    pg.step()
    assert isinstance(pg.last_error, RuntimeError)
    assert "no canvas today" in pg._message.value


def test_train_runs_in_the_background_redraws_live_and_stops():
    pg = _small()
    pg.max_epochs = 100_000
    draws_before = len(pg.timings)
    seen = []

    async def scenario():
        task = pg.start()
        assert pg.running and pg._train_button.description == "⏸ Stop"
        while len(set(seen)) < 4:  # the event loop keeps turning while it trains
            seen.append(pg.run.epoch)
            await asyncio.sleep(0.01)
        pg._train_button.click()  # Stop, as a student would
        # Train again only once the training has ended, its last redraw done (a test
        # that waits for "Train" may then take the picture as final)
        assert not task.done() and "Train" not in pg._train_button.description
        assert "Stop" not in pg._train_button.description and pg._train_button.disabled
        await asyncio.wait_for(task, 10)
        assert pg._train_button.description == "▶ Train" and not pg._train_button.disabled
        stopped_at = pg.run.epoch
        await asyncio.sleep(0.1)
        return stopped_at

    stopped_at = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert stopped_at > 0 and pg.run.epoch == stopped_at  # nothing trains after Stop
    assert not pg.running and pg._train_button.description == "▶ Train"
    assert len(pg.timings) - draws_before >= 3  # redrawn live, not only at the end


def test_redraws_reuse_the_unit_images():
    """Each redraw updates the first layer's unit images in place: no new widgets per
    redraw (they would pile up in the kernel and the browser while training)."""
    import ipywidgets

    pg = _small()
    pg.step()
    units = pg._units_box.children
    assert units
    count = len(ipywidgets.widgets.widget._instances)
    for _ in range(5):
        pg.step()
    assert len(ipywidgets.widgets.widget._instances) == count
    assert pg._units_box.children == units
    pg.update(width1=max(1, len(units) - 1))  # fewer units: the spare images are closed
    assert len(pg._units_box.children) == len(units) - 1
    assert all(image.comm is None for image in units if image not in pg._units_box.children)


def test_background_training_ends_at_max_epochs_and_when_settings_change():
    pg = _small(batch_size=128)
    pg.max_epochs = 5

    async def until_done():
        await asyncio.wait_for(pg.start(), 10)

    asyncio.run(until_done())
    assert pg.run.epoch == 5 and not pg.running

    pg.max_epochs = 10_000

    async def change_midway():
        task = pg.start()
        await asyncio.sleep(0.2)
        pg.update(seed=3)  # a slider moved while training: a new run, training ends
        await asyncio.wait_for(task, 10)

    asyncio.run(change_midway())
    assert pg.config["seed"] == 3 and pg.run.epoch == 0 and not pg.running


# --------------------------------------------------------------------------- #
# Notebook 09's explorers and the concept module
# --------------------------------------------------------------------------- #
from trisep_nn.widgets import (  # noqa: E402
    depth_boundary_explorer,
    l2_boundary_explorer,
    width_boundary_explorer,
)


@pytest.mark.parametrize("package", ["widgets", "checks"])
def test_names_are_unique_across_topics(package):
    import importlib

    from trisep_nn._topics import TOPICS

    owners = {}
    for topic in TOPICS:
        for name in importlib.import_module(f"trisep_nn.{package}.{topic}").__all__:
            owners.setdefault(name, []).append(topic)
    clashes = {name: topics for name, topics in owners.items() if len(topics) > 1}
    assert not clashes, f"one name, several topic modules (the last one wins silently): {clashes}"


def _title(explorer, k=0):
    return explorer.figure.axes[k].get_title()


def test_width_explorer_refits_and_caches():
    explorer = width_boundary_explorer(widths=(2, 16), width=2)
    assert explorer.last_error is None and "× 2 ReLU units" in _title(explorer)
    png = explorer.png
    explorer.update(width=16)
    assert explorer.last_error is None and "× 16 ReLU units" in _title(explorer)
    assert explorer.png != png
    narrow = db.fitted_run(**{**db.FOUR_CLASS, "hidden": [2, 2]})
    wide = db.fitted_run(**{**db.FOUR_CLASS, "hidden": [16, 16]})
    assert wide.scores()["accuracy"] > narrow.scores()["accuracy"] + 0.2
    assert db.fitted_run(**{**db.FOUR_CLASS, "hidden": [16, 16]}) is wide  # cached


def test_explorers_fit_the_other_positions_in_the_background_in_jupyter():
    assert width_boundary_explorer(widths=(2, 3), width=2).prefetch is None  # no event loop

    async def in_a_kernel():  # Jupyter runs cells inside a running event loop
        explorer = width_boundary_explorer(widths=(2, 3, 5), width=2, l2=3e-3)
        before = db._cached.cache_info().currsize
        await asyncio.wait_for(explorer.prefetch, 60)
        return db._cached.cache_info().currsize - before

    assert asyncio.run(in_a_kernel()) == 2  # widths 3 and 5 (2 was drawn already)


def test_depth_explorer_counts_linear_pieces():
    explorer = depth_boundary_explorer(depth=0)
    assert explorer.last_error is None and "1 linear piece" in _title(explorer)
    explorer.update(depth=1)
    assert "1 hidden layer × 8" in _title(explorer) and "linear pieces" in _title(explorer)


def test_l2_explorer_shows_smaller_weights_for_larger_alpha():
    explorer = l2_boundary_explorer(alphas=(0.0, 0.1), alpha=0.0)
    big = float(_title(explorer, 1).split("=")[-1])
    explorer.update(alpha=0.1)
    small = float(_title(explorer, 1).split("=")[-1])
    assert explorer.last_error is None and small < big / 10


def test_check_config_names_the_problem():
    with pytest.raises(ValueError, match="unknown config key.*'widths'"):
        db.check_config({"widths": [3]})
    with pytest.raises(ValueError, match="dataset must be one of"):
        db.check_config({"dataset": "mnist"})
    with pytest.raises(ValueError, match="hidden must list 0 to 4"):
        db.check_config({"hidden": [8] * 5})
    with pytest.raises(ValueError, match="lr must be > 0"):
        db.check_config({"lr": 0})
    assert db.check_config({"hidden": 5})["hidden"] == [5]


@pytest.mark.parametrize("name", sorted(db.DATASETS))
def test_every_dataset_is_two_dimensional_and_labelled(name):
    X, y, features, classes = db.make_dataset(name, 80, db.DEFAULT_NOISE[name], 0)
    assert X.shape == (80, 2) and y.shape == (80,) and len(features) == 2
    assert sorted(set(y.tolist())) == list(range(len(classes)))


def test_hidden_outputs_and_parameter_count_match_the_weights():
    run = db.TrainingRun(n_samples=60, hidden=[5, 3]).train(2)
    X = run.X_test[:7]
    first = run.model.linears[0]
    manual = np.maximum(0, ((X - run.mean) / run.scale) @ first.weight.data + first.bias.data)
    np.testing.assert_allclose(run.hidden_outputs(X, layer=1), manual)
    n = sum(p.data.size for p in run.model.parameters())
    assert db.count_parameters(run.model.sizes) == n == (2 * 5 + 5) + (5 * 3 + 3) + (3 + 1)


def test_linear_regions_match_a_direct_count():
    run = db.TrainingRun(n_samples=60, hidden=[4]).train(3)
    g = np.linspace(-2, 2, 101)
    G = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    W, b = run.model.linears[0].weight.data, run.model.linears[0].bias.data
    patterns = {tuple(row) for row in (((G - run.mean) / run.scale) @ W + b > 0)}
    assert db.linear_regions(run, G) == len(patterns) <= 1 + 4 + 6  # ≤ 1 + k + C(k, 2)
    assert db.linear_regions(db.TrainingRun(n_samples=60, hidden=[]), G) == 1


def test_layout_is_reused_only_while_nothing_it_depends_on_changes():
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    def draw(fig, panels, label, scale):
        for ax in np.atleast_1d(fig.subplots(1, panels)):
            ax.plot([0, 1], [0, scale])
            ax.set_ylabel(label)

    explorer = Explorer(draw, {"panels": slider(1, 1, 2), "label": dropdown(["y", "y\n[GeV]"]),
                               "scale": slider(1.0, 0.5, 2.0, 0.5)})
    laid_out = lambda: isinstance(explorer.figure.get_layout_engine(), ConstrainedLayoutEngine)
    assert laid_out()  # the first drawing computes the layout
    explorer.update(scale=1.5)  # same panels, labels and tick widths: the layout is reused
    assert not laid_out()
    reused = explorer.figure.axes[0].get_position().bounds
    explorer.update(label="y\n[GeV]")  # a two-line label needs a wider margin
    assert laid_out()
    assert explorer.figure.axes[0].get_position().x0 > reused[0]
    explorer.update(panels=2)
    assert laid_out() and len(explorer.figure.axes) == 2
    assert explorer.last_error is None
