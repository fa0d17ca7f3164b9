"""Lesson decision_boundaries (notebook 09).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import asyncio  # noqa: E402
import json  # noqa: E402

import numpy as np
import pytest

from trisep_nn.checks import check_l2_penalty, check_region_count, check_xor_config
from trisep_nn.lessons import decision_boundaries as db  # noqa: E402
from trisep_nn.lessons.decision_boundaries.widgets import Playground  # noqa: E402
from trisep_nn.widgets import (  # noqa: E402
    Explorer,
    depth_boundary_explorer,
    dropdown,
    l2_boundary_explorer,
    playground,  # noqa: E402
    slider,
    width_boundary_explorer,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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


def l2_solution(model):
    return sum(float((layer.weight.data ** 2).sum()) for layer in model.linears)


@pytest.mark.parametrize("wrong, words", [
    (lambda m: sum(float((p.data ** 2).sum()) for p in m.parameters()), "biases are included"),
    (lambda m: sum(float(np.abs(layer.weight.data).sum()) for layer in m.linears), "L1"),
    (lambda m: sum(float(layer.weight.data.sum()) for layer in m.linears), "square each"),
    (lambda m: np.sqrt(l2_solution(m)), "norm ‖w‖"),
    (lambda m: 0.5 * l2_solution(m), "off by ½"),
    (lambda m: float((m.linears[0].weight.data ** 2).sum()), "only the first layer"),
    (lambda m: [float((la.weight.data ** 2).sum()) for la in m.linears], "ONE number"),
    (lambda m: 1 / 0, "ZeroDivisionError"),
])
def test_l2_penalty_check_names_the_slip(verdict, wrong, words):
    ok, out = verdict(check_l2_penalty, wrong)
    assert ok is False and "❌" in out and words in out


def test_l2_penalty_check_accepts_the_solution_and_waits_for_an_answer(verdict):
    assert verdict(check_l2_penalty, l2_solution)[0] is True
    ok, out = verdict(check_l2_penalty, lambda m: None)
    assert ok is False and "returned None" in out
    ok, out = verdict(check_l2_penalty, None)
    assert ok is False and "not answered" in out


def test_l2_penalty_solution_is_the_toolkit_penalty():
    run = db.TrainingRun(n_samples=60, hidden=[5, 3]).train(2)
    assert np.isclose(l2_solution(run.model), db.weight_norm(run.model))


def regions_solution(run, G):
    n_layers = len(run.config["hidden"])
    on = np.concatenate([run.hidden_outputs(G, k) > 0 for k in range(1, n_layers + 1)], axis=1)
    return len(np.unique(on, axis=0))


@pytest.mark.parametrize("wrong, words", [
    (lambda run, G: len(np.unique(run.hidden_outputs(G, 1) > 0, axis=0)), "first hidden layer"),
    (lambda run, G: len(np.unique(run.hidden_outputs(G, 2) > 0, axis=0)), "last hidden layer"),
    (lambda run, G: sum(run.config["hidden"]), "number of hidden units"),
    (lambda run, G: len(G), "number of grid points"),
])
def test_region_check_names_the_slip(verdict, wrong, words):
    ok, out = verdict(check_region_count, wrong)
    assert ok is False and words in out


def test_region_check_accepts_the_solution(verdict):
    ok, out = verdict(check_region_count, regions_solution)
    assert ok is True and "✅" in out
    assert verdict(check_region_count, lambda run, G: None)[0] is False


SOLVED = {"dataset": "xor", "noise": 0.1, "hidden": [3], "activation": "relu", "seed": 0,
          "epochs": 150}


def test_xor_check_accepts_the_solution(verdict):
    ok, out = verdict(check_xor_config, SOLVED)
    assert ok is True and "XOR solved with 3 hidden units" in out


@pytest.mark.parametrize("change, words", [
    ({"dataset": "moons"}, "the task is XOR"),
    ({"hidden": [3, 3]}, "exactly one"),
    ({"hidden": [8]}, "at most 4"),
    ({"epochs": 0}, "untrained"),
    ({"epochs": 1000}, "at most 300"),
    ({"hidden": [2], "seed": 0}, "below 90%"),
    ({"widths": [3]}, "not a valid config"),
])
def test_xor_check_names_the_problem(verdict, change, words):
    ok, out = verdict(check_xor_config, {**SOLVED, **change})
    assert ok is False and words in out


def test_xor_check_waits_for_an_answer(verdict):
    ok, out = verdict(check_xor_config, None)
    assert ok is False and "not answered" in out
    ok, out = verdict(check_xor_config, "xor please")
    assert ok is False and "should be a dict" in out
