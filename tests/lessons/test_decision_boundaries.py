"""Lesson decision_boundaries (notebook 09).

Its concepts against independent computations, its explorers and the Playground
redraw what they drive, and its exercise checks accept the solution and name the
typical slips."""

import asyncio
import json

import numpy as np
import pytest

from trisep_nn import data
from trisep_nn.checks import check_l2_penalty, check_region_count, check_xor_config
from trisep_nn.lessons import decision_boundaries as db
from trisep_nn.lessons.decision_boundaries import checks as db_checks
from trisep_nn.lessons.decision_boundaries.datasets import physics_posterior
from trisep_nn.lessons.decision_boundaries.playground import Playground
from trisep_nn.widgets import (
    Explorer,
    depth_boundary_explorer,
    dropdown,
    l2_boundary_explorer,
    playground,
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


def _pictures(pg):
    """Units per column of the network diagram: inputs, hidden layers, outputs."""
    diagram = pg._parts["diagram"]
    units = diagram.image.pictures[:len(diagram.image.pictures) - len(diagram.labels)]
    return [len(column) for column in diagram.boxes], units


def _buttons(pg):
    return {b.description: b for b in (pg._train_button, pg._step_button, pg._reset_button,
                                       pg._new_data_button)}


# --------------------------------------------------------------------------- #
# The Playground: what it shows
# --------------------------------------------------------------------------- #
def test_playground_defaults_draw_every_unit_and_say_what_they_are():
    pg = playground()
    assert isinstance(pg, Explorer) and pg.last_error is None
    assert pg.config == {**db.DEFAULT_CONFIG, "epochs": 0}
    assert pg.png.startswith(PNG_MAGIC)
    columns, pictures = _pictures(pg)
    assert columns == [2, 8, 8, 1]  # x₁, x₂; every unit of both hidden layers; the output
    assert len(pictures) == sum(columns)
    assert len(pg._parts["diagram"].lines.get_segments()) == 2 * 8 + 8 * 8 + 8  # one per weight
    assert "epoch 0" in pg._status.value and "test accuracy" in pg._status.value
    assert set(_buttons(pg)) == {"▶ Train", "Step", "Reset", "New data"}


def test_the_playground_fits_a_laptop_screen_and_its_legend_leaves_the_data_alone():
    pg = playground()
    width, height = (pg.figure.get_size_inches() * pg.figure.dpi).round()
    assert width <= 1050 and height <= 470  # with five rows of controls: < 1200 x 800 px
    renderer = pg.figure.canvas.get_renderer()
    ax = pg._parts["output"].ax
    legend = ax.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(ax.get_window_extent(renderer))  # below the axes, not on them
    for text in pg.figure.findobj(lambda a: hasattr(a, "get_fontsize")):
        if text.get_text():
            assert text.get_fontsize() >= 7.5, text.get_text()


@pytest.mark.parametrize("right", [100, 400, 1600, 6400])
def test_every_tick_label_of_the_curves_is_inside_the_picture(right):
    pg = playground()
    curves = pg._parts["curves"]
    for ax in (curves.loss_ax, curves.grad_ax):
        ax.set_xlim(0, right)  # the epoch axis grows 100, 400, 1600, 6400 as training goes on
    pg.figure.canvas.draw()
    renderer, picture = pg.figure.canvas.get_renderer(), pg.figure.bbox
    shown = 0
    for ax in (curves.loss_ax, curves.grad_ax):
        for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            for tick in axis.get_major_ticks():
                if low <= tick.get_loc() <= high and tick.label1.get_text():  # drawn
                    box = tick.label1.get_window_extent(renderer)
                    assert picture.x0 <= box.x0 and box.x1 <= picture.x1, tick.label1.get_text()
                    shown += 1
    assert shown >= 8


def test_step_trains_and_redraws_the_weights_live():
    pg = _small()
    w0, png0, n_draws = _weights(pg.model), pg.png, len(pg.timings)
    widths0 = pg._parts["diagram"].lines.get_linewidths().copy()
    pg.step()
    assert pg.run.epoch == 1 and pg.config["epochs"] == 1
    assert len(pg.history["loss"]) == len(pg.history["test_loss"]) == 1
    assert not np.allclose(_weights(pg.model), w0)
    assert not np.allclose(pg._parts["diagram"].lines.get_linewidths(), widths0)
    assert pg.png != png0 and len(pg.timings) == n_draws + 1
    assert "epoch 1 " in pg._status.value
    pg.step(4)
    assert pg.run.epoch == 5 and pg.history["epoch"] == [1, 2, 3, 4, 5]


def test_weight_lines_show_sign_by_colour_and_size_by_width():
    pg = _small(hidden=[3])
    W = pg.model.linears[0].weight.data
    W[...] = [[2.0, -2.0, 0.1], [0.0, 1.0, -1.0]]
    pg.redraw()
    lines = pg._parts["diagram"].lines
    colors, widths = lines.get_colors()[:6], lines.get_linewidths()[:6]
    red, blue = colors[0], colors[1]
    assert red[0] > red[2] and blue[2] > blue[0]  # vermillion positive, blue negative
    assert widths[0] == widths[1] > widths[4] > widths[2]  # |2| > |1| > |0.1|
    assert colors[3][3] == 0  # an exactly-zero weight draws no line


def test_clicking_the_buttons_does_what_they_say():
    pg = _small()
    buttons = _buttons(pg)
    buttons["Step"].click()
    buttons["Step"].click()
    assert pg.run.epoch == 2
    trained = pg.run.predict_logits(pg.run.X_test)
    buttons["Reset"].click()
    assert pg.run.epoch == 0 and pg.history["epoch"] == []
    pg.step(2)  # same seed: the same start, so the same two epochs
    np.testing.assert_allclose(pg.run.predict_logits(pg.run.X_test), trained)
    X, w = pg.run.X_train.copy(), _weights(pg.model)
    buttons["New data"].click()  # the data's own seed: new points, the same start
    assert pg.config["data_seed"] == 1 and pg.run.epoch == 0
    assert not np.allclose(pg.run.X_train, X)
    np.testing.assert_array_equal(_weights(pg.model), _weights(db.TrainingRun(
        {**pg.config, "data_seed": 0}).model))
    assert w.shape == _weights(pg.model).shape


def test_the_data_seed_and_the_weight_seed_are_independent():
    pg = _small()
    X, w = pg.run.X_train.copy(), _weights(pg.model)
    pg.update(seed=5)
    np.testing.assert_array_equal(pg.run.X_train, X)  # the same data
    assert not np.allclose(_weights(pg.model), w)     # other weights
    pg.update(seed=0, data_seed=7)
    np.testing.assert_array_equal(_weights(pg.model), w)  # the same weights
    assert not np.allclose(pg.run.X_train, X)             # other data


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
    assert _pictures(pg)[0] == [2, 5, 4, 3, 1]
    pg.update(dataset="spirals")
    assert pg.model.sizes[-1] == 4 and _pictures(pg)[0][-1] == 4  # four classes, four outputs
    pg.update(layers=0)
    assert pg.config["hidden"] == [] and pg.model.sizes == [2, 4]
    assert _pictures(pg)[0] == [2, 4]
    assert pg.last_error is None


def test_a_new_dataset_from_the_dropdown_brings_its_own_noise():
    pg = _small()
    pg.controls["dataset"].value = "spirals"  # as a student would
    assert pg.config["noise"] == db.DEFAULT_NOISE["spirals"]
    assert pg.config["dataset"] == "spirals" and pg.run.n_classes == 4
    pg.controls["dataset"].value = "physics"
    assert pg.run.feature_names == ("m [GeV]", "Δη")
    assert pg.last_error is None


# --------------------------------------------------------------------------- #
# The Playground: input features, regularisation, regression
# --------------------------------------------------------------------------- #
def test_squared_inputs_let_a_network_without_hidden_layer_separate_circles():
    pg = playground("circles", hidden=[], lr=0.1, batch_size=32, chunk_seconds=0.02)
    pg.step(30)
    straight = pg.run.scores()["test_accuracy"]
    pg.update(x1=False, x2=False, x1sq=True, x2sq=True)  # φ(x) = (x₁², x₂²): a circle is a line
    assert pg.config["features"] == ["x1sq", "x2sq"] and pg.model.sizes == [2, 1]
    assert _pictures(pg)[0] == [2, 1]
    pg.step(30)
    assert straight < 0.75 < 0.95 < pg.run.scores()["test_accuracy"]


@pytest.mark.parametrize("name", ["x1sq", "x2sq", "x1x2", "sinx1", "sinx2"])
def test_every_feature_toggle_adds_its_input_and_its_picture(name):
    pg = _small()
    columns, units = _pictures(pg)
    pg.update(**{name: True})
    assert pg.config["features"] == ["x1", "x2", name] and pg.model.sizes[0] == 3
    assert _pictures(pg)[0][0] == columns[0] + 1
    third = _pictures(pg)[1][2][2]  # the new input's picture: the feature over the plane
    assert third.shape[2] == 4 and len(np.unique(third.reshape(-1, 4), axis=0)) > 10
    pg.update(**{name: False})
    assert pg.config["features"] == ["x1", "x2"] and pg.last_error is None


def test_the_regularisation_and_dataset_controls_reach_the_run():
    pg = _small(hidden=[8, 8])
    pg.update(l1=0.01)
    assert pg.config["l1"] == 0.01
    pg.step(20)
    assert (np.concatenate([la.weight.data.ravel() for la in pg.model.linears]) == 0).any()
    pg.update(l1=0.0, l2=0.03)
    assert pg.config["l2"] == 0.03 and pg.run.epoch == 0
    pg.update(dataset="plane", noise=0.05)
    assert pg.run.task == "regression" and len(pg._parts["output"].extras) == 1  # colour bar
    pg.update(dataset="clusters", noise=0.1)
    assert pg.run.task == "classification" and pg._parts["output"].extras == []
    assert pg.last_error is None


def test_every_feature_is_its_function_of_the_standardised_inputs():
    run = db.TrainingRun(features=list(db.FEATURES), hidden=[3])
    Z = (run.X_test - run.mean) / run.scale
    z1, z2 = Z.T
    expected = np.column_stack([z1, z2, z1**2, z2**2, z1 * z2, np.sin(z1), np.sin(z2)])
    np.testing.assert_allclose(run.inputs(run.X_test), expected)
    np.testing.assert_allclose(run.layer_outputs(run.X_test)[0], expected)


def test_switching_every_feature_off_is_explained_not_raised():
    pg = _small()
    pg.update(x1=False, x2=False)
    assert "at least one input feature" in str(pg.last_error)
    pg.update(x2=True)
    assert pg.last_error is None and pg.config["features"] == ["x2"]


def test_l1_drives_weights_to_exactly_zero_and_l2_only_shrinks_them():
    def zeros(run):
        w = np.concatenate([layer.weight.data.ravel() for layer in run.model.linears])
        return int((w == 0).sum()), w.size

    plain = db.TrainingRun(n_samples=120, hidden=[8, 8]).train(30)
    lasso = db.TrainingRun(n_samples=120, hidden=[8, 8], l1=0.01).train(30)
    ridge = db.TrainingRun(n_samples=120, hidden=[8, 8], l2=0.01).train(30)
    assert zeros(plain)[0] == zeros(ridge)[0] == 0
    n_zero, n = zeros(lasso)
    assert n_zero > n / 4
    assert db.weight_norm(ridge.model) < 0.5 * db.weight_norm(plain.model)
    pg = _small(hidden=[8, 8], l1=0.01)
    pg.step(30)
    alphas = pg._parts["diagram"].lines.get_colors()[:, 3]
    assert (alphas == 0).sum() >= n_zero // 2  # the zero weights' lines have vanished


def test_l2_keeps_the_weights_small():
    free = db.TrainingRun(n_samples=120, hidden=[16], l2=0.0).train(40)
    tied = db.TrainingRun(n_samples=120, hidden=[16], l2=0.03).train(40)
    assert db.weight_norm(tied.model) < 0.5 * db.weight_norm(free.model)


def test_regression_reaches_the_noise_floor_on_a_plane_and_fits_the_gaussian_mixture():
    pg = playground("plane", noise=0.05, hidden=[], chunk_seconds=0.02)
    assert pg.run.task == "regression" and "MSE" in pg._parts["output"].title.get_text()
    pg.step(40)
    assert pg.run.scores()["test_loss"] < 1.5 * 0.05**2  # MSE at the noise level σ² = 0.0025
    assert "test accuracy" not in pg._status.value
    mixture = db.TrainingRun(dataset="mixture", noise=0.05, hidden=[8, 8],
                             activation="tanh").train(150)
    mse = mixture.scores()["test_loss"]
    assert mse < 0.04 and mse < 0.25 * np.var(mixture.y_test)  # a stated MSE: below 0.04


def test_regression_output_is_a_continuous_colour_map_and_discretize_makes_bands():
    pg = playground("mixture", noise=0.05, hidden=[8], activation="tanh", chunk_seconds=0.02)
    pg.step(20)
    picture = pg._parts["output"].image.pictures[0][2]
    assert len(np.unique(picture.reshape(-1, 4), axis=0)) > 50  # many shades
    pg.update(discretize=True)
    picture = pg._parts["output"].image.pictures[0][2]
    assert len(np.unique(picture.reshape(-1, 4), axis=0)) <= 11  # at most 11 bands
    assert len(pg._parts["output"].extras) == 1  # the colour bar


def test_discretize_and_show_test_data_toggles():
    pg = _small()
    pg.step(5)
    picture = pg._parts["output"].image.pictures[0][2]
    assert len(np.unique(picture.reshape(-1, 4), axis=0)) > 10
    pg.update(discretize=True)
    picture = pg._parts["output"].image.pictures[0][2]
    assert len(np.unique(picture.reshape(-1, 4), axis=0)) == 2  # two classes, two colours
    assert pg._parts["output"].test.get_visible()
    pg.update(show_test=False)
    assert not pg._parts["output"].test.get_visible() and pg.last_error is None


def test_gaussian_clusters_are_two_balanced_gaussian_classes():
    X, y, *_ = db.make_dataset("clusters", 400, 0.1, 0)
    assert X.shape == (400, 2) and (y == 1).sum() == 200
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.3)
    np.testing.assert_allclose(X[y == 0].std(axis=0), np.sqrt(0.5 + 7 * 0.1), rtol=0.2)


# --------------------------------------------------------------------------- #
# The Playground: the physics toy's Bayes-optimal classifier, gradients
# --------------------------------------------------------------------------- #
def test_the_physics_posterior_is_calibrated():
    X, y = data.physics_toy(20000, random_state=1)
    p = physics_posterior(X[:, [0, 2]])
    for low in (0.1, 0.3, 0.5, 0.7):
        inside = (p >= low) & (p < low + 0.2)
        assert inside.sum() > 1000
        assert abs(y[inside].mean() - p[inside].mean()) < 0.03  # P(signal | x) means that


def test_the_smeared_physics_densities_are_normalised():
    from trisep_nn.lessons.decision_boundaries.datasets import _class_density

    m, eta = np.linspace(20, 230, 211), np.linspace(-9, 9, 181)
    G = np.column_stack([a.ravel() for a in np.meshgrid(m, eta)])
    for signal in (True, False):
        density = _class_density(G, signal, 6.0, 0.3)
        assert abs(density.sum() * (m[1] - m[0]) * (eta[1] - eta[0]) - 1) < 0.01


def test_no_network_beats_the_bayes_optimal_test_loss_beyond_chance():
    run = db.TrainingRun(dataset="physics", n_samples=2000, noise=0.2, hidden=[16, 16],
                         batch_size=64).train(20)
    bayes = run.bayes_test_loss
    assert 0.3 < bayes < run.scores()["test_loss"] + 0.02  # 1000 test events: ±0.02 is 3σ


def test_the_bayes_toggle_draws_the_boundary_and_the_reference_loss():
    pg = playground("physics", hidden=[4], n_samples=200, chunk_seconds=0.02)
    assert pg.controls["bayes"].disabled is False
    pg.step(3)
    pg.update(bayes=True)
    output, curves = pg._parts["output"], pg._parts["curves"]
    assert output.bayes.get_visible() and len(output.bayes.get_segments()) > 0
    assert curves.bayes.get_visible()
    assert curves.bayes.get_ydata()[0] == pytest.approx(pg.run.bayes_test_loss)
    pg.update(bayes=False)
    assert not output.bayes.get_visible() and not curves.bayes.get_visible()
    pg.update(dataset="moons", noise=0.2)
    assert pg.controls["bayes"].disabled is True


def test_the_gradient_view_shows_vanishing_gradients_in_a_deep_sigmoid_network():
    pg = _small(hidden=[8, 8, 8, 8], activation="sigmoid")
    pg.update(layers=4, width2=8, width3=8, width4=8)
    pg.step(3)
    lines = pg._parts["curves"].grads
    assert len(lines) == 5 and all(len(line.get_xdata()) == 3 for line in lines)
    first, last = np.array(pg.history["grad"])[:, [0, -1]].T
    assert np.all(first < last / 10)  # layer 1 learns ten times slower, at least
    pg.update(activation="relu")
    pg.step(3)
    first, last = np.array(pg.history["grad"])[:, [0, -1]].T
    assert np.all(first > last / 10)


# --------------------------------------------------------------------------- #
# The Playground: share strings and reproducibility
# --------------------------------------------------------------------------- #
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


def test_a_share_string_restores_data_features_architecture_seeds_and_epoch():
    pg = _small(dataset="xor", features=["x1", "x2", "x1x2"], hidden=[5, 3], l1=1e-3,
                data_seed=4, seed=7, activation="tanh")
    pg.step(7)
    share = pg.share
    assert "features=x1,x2,x1x2" in share and "hidden=5,3" in share and "epochs=7" in share
    assert db.from_share(share) == pg.config
    other = playground()
    other._share.value = share  # pasted into the Playground's share box
    assert other.config == pg.config and other.last_error is None
    np.testing.assert_array_equal(_weights(other.model), _weights(pg.model))
    np.testing.assert_array_equal(other.run.X_test, pg.run.X_test)
    assert other.controls["x1x2"].value is True and other.controls["layers"].value == 2
    assert other._share.value == share
    other._share.value = "dataset=mnist"
    assert "Not a share string" in other._message.value and other.config == pg.config


def test_share_strings_name_what_is_wrong():
    with pytest.raises(ValueError, match="not a Playground share string"):
        db.from_share("hello=1")
    with pytest.raises(ValueError, match="dataset must be one of"):
        db.from_share("dataset=mnist")
    with pytest.raises(ValueError, match="features must list"):
        db.from_share("features=x3")


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

    monkeypatch.setattr(type(pg._parts["output"]), "update", broken)
    pg.step()
    assert isinstance(pg.last_error, RuntimeError)
    assert "no canvas today" in pg._message.value


# --------------------------------------------------------------------------- #
# The Playground: live training
# --------------------------------------------------------------------------- #
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
    assert len(pg.frames) >= 3


def test_stop_takes_effect_within_one_frame():
    pg = _small(hidden=[8, 8])
    pg.max_epochs = 100_000

    async def scenario():
        task = pg.start()
        while len(pg.frames) < 3:
            await asyncio.sleep(0.01)
        frames, epoch = len(pg.frames), pg.run.epoch
        pg.stop()  # as a click handled by the kernel between two frames
        await asyncio.wait_for(task, 30)
        return len(pg.frames) - frames, pg.run.epoch - epoch

    extra_frames, extra_epochs = asyncio.run(scenario())
    assert extra_frames == 0 and extra_epochs == 0  # no frame starts after Stop
    # (bench_widgets.py clicks at random moments from another thread, as a browser does:
    # then the frame under way finishes, and nothing after it)


def test_redraws_make_no_new_widgets():
    """Redraws update the picture in place: no new widgets per redraw (they would pile up
    in the kernel and the browser while training, and their views arrive late)."""
    import ipywidgets

    pg = _small()
    pg.step()
    count = len(ipywidgets.widgets.widget._instances)
    for _ in range(5):
        pg.step()
    pg.update(width1=3)
    pg.step()
    assert len(ipywidgets.widgets.widget._instances) == count

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


def test_training_frames_only_repaint_what_changed():
    pg = _small(hidden=[8, 8])
    pg.step(2)
    background = pg._background
    pg.step(1)
    assert pg._background is background  # axes, ticks and labels were not rendered again
    animated = {type(a).__name__ for a in pg._animated}
    assert {"PixelPictures", "LineCollection", "PathCollection", "Text"} <= animated


# --------------------------------------------------------------------------- #
# Notebook 09's explorers
# --------------------------------------------------------------------------- #
def _title(explorer):
    return explorer.state["title"]


def test_width_explorer_redraws_and_caches():
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


@pytest.mark.parametrize("make, name, values", [
    (width_boundary_explorer, "width", (1, 64, 8)),
    (depth_boundary_explorer, "depth", (0, 4, 2)),
    (l2_boundary_explorer, "alpha", (0.0, 0.1, 1e-3)),
])
def test_explorers_draw_once_and_then_repaint_only_the_regions_and_titles(make, name, values):
    explorer = make()
    background, pictures = explorer._background, {explorer.png}
    assert background is not None  # the axes, ticks and labels, rendered once
    for value in values:
        explorer.update(**{name: value})
        assert explorer._background is background and explorer.last_error is None
        pictures.add(explorer.png)
    assert len(pictures) == 3  # the picture follows the slider (the last value is the first)


def test_every_default_explorer_position_is_stored_and_needs_no_training(monkeypatch):
    def no_training(self, epochs=1):
        raise AssertionError("an explorer position was trained instead of loaded")

    db._cached.cache_clear()
    monkeypatch.setattr(db.TrainingRun, "train", no_training)
    for make, name, values in ((width_boundary_explorer, "width", db.WIDTHS),
                               (depth_boundary_explorer, "depth", db.DEPTHS),
                               (l2_boundary_explorer, "alpha", db.L2_STRENGTHS)):
        explorer = make()
        for value in values:
            explorer.update(**{name: value})
            assert explorer.last_error is None, explorer.last_error
    db._cached.cache_clear()


@pytest.mark.parametrize("change", [{"hidden": [2, 2]}, {"hidden": [8]}, {"l2": 0.1}])
def test_the_stored_runs_are_what_training_gives(change):
    config = {**db.FOUR_CLASS, **change}
    stored = db._restore(db.check_config(config))
    trained = db.TrainingRun.from_config(config)
    assert stored is not None and stored.epoch == trained.epoch == 300
    G = trained.grid(60)
    np.testing.assert_allclose(stored.predict_logits(G), trained.predict_logits(G),
                               rtol=1e-6, atol=1e-6)
    assert stored.scores()["test_accuracy"] == trained.scores()["test_accuracy"]


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

    def omega():
        return float(explorer.figure.axes[1].title.get_text().split("=")[-1])

    big, counts = omega(), explorer.figure.axes[1].patches[0].get_data().values.copy()
    explorer.update(alpha=0.1)
    assert explorer.last_error is None and omega() < big / 10
    assert not np.array_equal(explorer.figure.axes[1].patches[0].get_data().values, counts)


# --------------------------------------------------------------------------- #
# The concepts
# --------------------------------------------------------------------------- #
def test_check_config_names_the_problem():
    with pytest.raises(ValueError, match="unknown config key.*'widths'"):
        db.check_config({"widths": [3]})
    with pytest.raises(ValueError, match="dataset must be one of"):
        db.check_config({"dataset": "mnist"})
    with pytest.raises(ValueError, match="hidden must list 0 to 4"):
        db.check_config({"hidden": [8] * 5})
    with pytest.raises(ValueError, match="lr must be > 0"):
        db.check_config({"lr": 0})
    with pytest.raises(ValueError, match="features must list"):
        db.check_config({"features": ["x1", "x1"]})
    assert db.check_config({"hidden": 5})["hidden"] == [5]
    assert db.check_config({"features": ["x2", "x1"]})["features"] == ["x1", "x2"]


@pytest.mark.parametrize("name", sorted(db.DATASETS))
def test_every_dataset_is_two_dimensional_and_labelled(name):
    X, y, features, classes, _ = db.make_dataset(name, 80, db.DEFAULT_NOISE[name], 0)
    assert X.shape == (80, 2) and y.shape == (80,) and len(features) == 2
    if name in db.REGRESSION:
        assert classes == () and y.dtype == np.float64
    else:
        assert sorted(set(y.tolist())) == list(range(len(classes)))


def test_hidden_outputs_and_parameter_count_match_the_weights():
    run = db.TrainingRun(n_samples=60, hidden=[5, 3]).train(2)
    X = run.X_test[:7]
    first = run.model.linears[0]
    manual = np.maximum(0, ((X - run.mean) / run.scale) @ first.weight.data + first.bias.data)
    np.testing.assert_allclose(run.hidden_outputs(X, layer=1), manual)
    np.testing.assert_allclose(run.layer_outputs(X)[-1], run.predict_logits(X))
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
    deep = db.TrainingRun(n_samples=60, hidden=[6, 5]).train(3)
    on = np.concatenate([deep.hidden_outputs(G, k) > 0 for k in (1, 2)], axis=1)
    assert db.linear_regions(deep, G) == len({tuple(row) for row in on})


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


# --------------------------------------------------------------------------- #
# Exercise 9.1: Ω(w)
# --------------------------------------------------------------------------- #
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
    from trisep_nn import Tensor

    float32 = lambda m: sum(float((la.weight.data.astype(np.float32) ** 2).sum())
                            for la in m.linears)
    assert verdict(check_l2_penalty, float32)[0] is True   # other dtypes are fine
    assert verdict(check_l2_penalty, lambda m: Tensor(l2_solution(m)))[0] is True
    assert verdict(check_l2_penalty, lambda m: [l2_solution(m)])[0] is True  # a 1-list
    ok, out = verdict(check_l2_penalty, lambda m: None)
    assert ok is False and "returned None" in out
    ok, out = verdict(check_l2_penalty, None)
    assert ok is False and "not answered" in out


def test_l2_penalty_solution_is_the_toolkit_penalty():
    run = db.TrainingRun(n_samples=60, hidden=[5, 3]).train(2)
    assert np.isclose(l2_solution(run.model), db.weight_norm(run.model))


# --------------------------------------------------------------------------- #
# Exercise 9.2: counting linear pieces
# --------------------------------------------------------------------------- #
def _patterns(run, G):
    n_layers = len(run.config["hidden"])
    return np.concatenate([run.hidden_outputs(G, k) > 0 for k in range(1, n_layers + 1)],
                          axis=1)


def regions_solution(run, G):
    return len(np.unique(_patterns(run, G), axis=0))


@pytest.mark.parametrize("answer", [
    regions_solution,
    lambda run, G: len({tuple(row) for row in _patterns(run, G)}),           # a set of tuples
    lambda run, G: np.unique(_patterns(run, G).astype(int), axis=0).shape[0],  # ints, shape
    lambda run, G: float(regions_solution(run, G)),                          # a float
])
def test_region_check_accepts_the_solution_and_its_equivalents(verdict, answer):
    ok, out = verdict(check_region_count, answer)
    assert ok is True and "✅" in out


@pytest.mark.parametrize("wrong, words", [
    (lambda run, G: len(np.unique(_patterns(run, G))), "np.unique without axis"),
    (lambda run, G: len(np.unique(_patterns(run, G), axis=1)), "axis=1"),
    (lambda run, G: len(np.unique(np.concatenate(
        [run.hidden_outputs(G, k) for k in (1, 2)], axis=1), axis=0)), "outputs themselves"),
    (lambda run, G: len(np.unique(np.concatenate(
        [run.hidden_outputs(G, k) >= 0 for k in (1, 2)], axis=1), axis=0)), "h >= 0"),
    (lambda run, G: len(np.unique(_patterns(run, G).sum(axis=1))), "how MANY units are on"),
    (lambda run, G: len(np.unique(run.hidden_outputs(G, 1) > 0, axis=0)), "first hidden layer"),
    (lambda run, G: len(np.unique(run.hidden_outputs(G, 2) > 0, axis=0)), "last hidden layer"),
    (lambda run, G: len(np.unique(np.concatenate(
        [_patterns(run, G), run.predict_logits(G) > 0], axis=1), axis=0)), "output unit"),
    (lambda run, G: sum(run.config["hidden"]), "number of hidden units"),
    (lambda run, G: np.unique(_patterns(run, G), axis=0), "one whole number"),
])
def test_region_check_names_the_slip(verdict, wrong, words):
    ok, out = verdict(check_region_count, wrong)
    assert ok is False and words in out


def test_the_region_slips_are_told_apart_on_the_checks_network():
    run = db_checks._test_run()
    G = run.grid(120)
    counts = [count for count, _ in db_checks.region_count_slips(run, G)]
    assert len(set(counts)) == len(counts)  # no two slips give the same number
    assert db.linear_regions(run, G) not in counts


def test_region_check_waits_for_an_answer(verdict):
    assert verdict(check_region_count, lambda run, G: None)[0] is False
    ok, out = verdict(check_region_count, None)
    assert ok is False and "not answered" in out


# --------------------------------------------------------------------------- #
# Exercise 9.3: XOR in the Playground
# --------------------------------------------------------------------------- #
SOLVED = {"dataset": "xor", "noise": 0.1, "hidden": [4], "activation": "relu", "seed": 2,
          "epochs": 50}


def test_xor_check_accepts_the_solution_as_a_config_or_a_share_string(verdict):
    ok, out = verdict(check_xor_config, SOLVED)
    assert ok is True and "XOR solved with 4 hidden units" in out
    assert verdict(check_xor_config, db.to_share(SOLVED))[0] is True


@pytest.mark.parametrize("change, words", [
    ({"dataset": "moons"}, "the task is XOR"),
    ({"noise": 0.0}, "default noise 0.1"),
    ({"features": ["x1", "x2", "x1x2"]}, "x₁ and x₂ only"),
    ({"features": ["x1x2"], "hidden": [1]}, "x₁ and x₂ only"),
    ({"n_samples": 40}, "300 points, half for training"),
    ({"train_fraction": 0.9}, "300 points, half for training"),
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
    assert ok is False and "not a valid config" in out
    ok, out = verdict(check_xor_config, 42)
    assert ok is False and "should be a dict" in out
