"""fit(): learning, validation, early stopping, divergence, repeatability, bad input."""

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

from trisep_nn import train
from trisep_nn.losses import cross_entropy, l2_penalty
from trisep_nn.nn import MLP
from trisep_nn.optim import SGD
from trisep_nn.train import History, TrainingDiverged, evaluate, fit, predict


def moons(n=300, noise=0.2, seed=0):
    try:
        from trisep_nn.data import moons as make
    except ImportError:  # pragma: no cover - data.py belongs to another developer
        return make_moons(n, noise=noise, random_state=seed)
    return make(n, noise=noise, random_state=seed)


def xor(n=400, seed=0):
    try:
        from trisep_nn.data import xor as make
        return make(n, noise=0.05, random_state=seed)
    except ImportError:  # pragma: no cover
        rng = np.random.default_rng(seed)
        X = rng.uniform(-1, 1, size=(n, 2))
        return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def test_moons_reaches_known_test_accuracy():
    X, y = moons(400)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0)
    model = MLP([2, 32, 32, 1], random_state=0)
    h = fit(model, X_tr, y_tr, loss="bce", lr=0.01, epochs=60, batch_size=32, random_state=0)
    assert h["accuracy"][-1] > 0.95
    acc = ((predict(model, X_te)[:, 0] > 0) == y_te).mean()
    assert acc > 0.93  # moons with noise 0.2: the best possible is about 0.97


def test_xor_is_learned_with_a_hidden_layer():
    X, y = xor()
    model = MLP([2, 16, 2], activation="tanh", random_state=1)
    h = fit(model, X, y, loss="cross_entropy", lr=0.03, epochs=80, batch_size=32, random_state=0)
    assert h["accuracy"][-1] > 0.95
    assert evaluate(model, X, y)["accuracy"] > 0.95


def test_history_contents():
    X, y = moons(120)
    h = fit(MLP([2, 8, 1], random_state=0), X, y, epochs=5, validation_fraction=0.25,
            random_state=0)
    assert isinstance(h, History) and isinstance(h, dict)
    assert h["epoch"] == [1, 2, 3, 4, 5]
    for key in ("loss", "val_loss", "accuracy", "val_accuracy", "time"):
        assert len(h[key]) == 5, key
    assert h.loss is h["loss"] and h.best_epoch == h["best_epoch"]
    assert h.best_epoch == 1 + int(np.argmin(h["val_loss"]))
    assert all(0 <= a <= 1 for a in h["accuracy"] + h["val_accuracy"])
    assert not h["stopped_early"]
    assert "5 epochs" in repr(h)


def test_regression_history_has_no_accuracy_and_auto_loss_is_mse():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(64, 1))
    y = np.sin(3 * X[:, 0])
    model = MLP([1, 16, 1], activation="tanh", random_state=0)
    h = fit(model, X, y, epochs=30, lr=0.01, X_val=X[:16], y_val=y[:16])
    assert h["accuracy"] == [] and h["val_accuracy"] == []
    assert h["loss"][-1] < h["loss"][0]
    assert evaluate(model, X, y)["loss"] == pytest.approx(np.mean((predict(model, X)[:, 0] - y)**2))


def test_validation_loss_equals_evaluate_after_training():
    X, y = moons(200)
    X_tr, X_val, y_tr, y_val = X[:150], X[150:], y[:150], y[150:]
    model = MLP([2, 8, 1], random_state=0)
    h = fit(model, X_tr, y_tr, epochs=3, X_val=X_val, y_val=y_val, random_state=0)
    result = evaluate(model, X_val, y_val)
    assert h["val_loss"][-1] == pytest.approx(result["loss"], rel=1e-12)
    assert h["val_accuracy"][-1] == pytest.approx(result["accuracy"])


def test_early_stopping_restores_the_best_epoch():
    # A wide network, few noisy points and a large learning rate: the validation
    # loss soon rises again, so training stops early and rewinds.
    X, y = moons(80, noise=0.45, seed=3)
    X_val, y_val = moons(400, noise=0.45, seed=4)
    states = {}

    def remember(epoch, model, history):
        states[epoch] = model.state_dict()

    model = MLP([2, 128, 128, 1], random_state=0)
    h = fit(model, X, y, lr=0.02, epochs=300, batch_size=16, X_val=X_val, y_val=y_val,
            early_stopping=True, patience=5, callbacks=[remember], random_state=0)
    best, last = h["best_epoch"], h["epoch"][-1]
    assert h["stopped_early"] and last == best + 5 < 300
    assert h["val_loss"][best - 1] == min(h["val_loss"])
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, states[best][name])
    assert evaluate(model, X_val, y_val)["loss"] == pytest.approx(h["val_loss"][best - 1],
                                                                  rel=1e-12)


def test_early_stopping_without_validation_watches_training_loss():
    # A tiny learning rate: the loss falls, but never by min_delta, so training
    # stops after `patience` epochs; the best epoch is the one of the lowest loss.
    X, y = moons(60)
    h = fit(MLP([2, 4, 1], random_state=0), X, y, lr=1e-6, epochs=50, early_stopping=True,
            patience=2, min_delta=1.0, random_state=0)
    assert h["stopped_early"] and h["epoch"][-1] == 3
    assert h["loss"][2] < h["loss"][1] < h["loss"][0] and h["best_epoch"] == 3


def test_divergence_is_caught_and_named():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = X @ np.array([1.0, -2.0, 3.0]) * 100
    model = MLP([3, 32, 1], random_state=0)
    with pytest.raises(TrainingDiverged, match=r"epoch \d+, batch \d+.*smaller learning rate") as e:
        fit(model, X, y, optimizer=SGD(model.parameters(), lr=10.0), epochs=20, batch_size=16)
    assert isinstance(e.value, ValueError)
    assert e.value.epoch >= 1 and e.value.batch >= 1 and not np.isfinite(e.value.loss)
    assert "lr=1" in str(e.value)  # suggests a tenth of the learning rate
    # the step that produced the NaN was not taken: the weights are still finite
    assert all(np.isfinite(p.data).all() for p in model.parameters())


def test_same_seeds_repeat_exactly_and_another_seed_does_not():
    X, y = moons(150)

    def run(model_seed, fit_seed):
        model = MLP([2, 16, 1], random_state=model_seed)
        h = fit(model, X, y, epochs=5, validation_fraction=0.2, random_state=fit_seed)
        return h, model.state_dict()

    (h1, s1), (h2, s2), (h3, _) = run(0, 0), run(0, 0), run(0, 1)
    assert h1["loss"] == h2["loss"] and h1["val_loss"] == h2["val_loss"]
    for name in s1:
        np.testing.assert_array_equal(s1[name], s2[name])
    assert h1["loss"] != h3["loss"]


def test_custom_loss_callable_with_penalty_and_multiclass():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = np.argmax(X @ rng.normal(size=(2, 3)), axis=1)
    model = MLP([2, 16, 3], random_state=0)

    def loss(out, yb):
        return cross_entropy(out, yb) + 1e-3 * l2_penalty(model)

    h = fit(model, X, y, loss=loss, epochs=40, lr=0.01, random_state=0)
    assert h["loss"][-1] < 0.5 * h["loss"][0]
    assert h["accuracy"] == []  # a custom loss: fit does not guess what accuracy means


def test_callbacks_objects_and_functions_and_stopping():
    calls = []

    class Recorder(train.Callback):
        def on_train_begin(self, model, history):
            calls.append("begin")

        def on_epoch_end(self, epoch, model, history):
            calls.append(epoch)

        def on_train_end(self, model, history):
            calls.append("end")

    X, y = moons(50)
    h = fit(MLP([2, 4, 1], random_state=0), X, y, epochs=10,
            callbacks=[Recorder(), lambda epoch, model, history: epoch == 3])
    assert calls == ["begin", 1, 2, 3, "end"]
    assert h["stopped_early"] and len(h["loss"]) == 3


def test_quiet_by_default_and_verbose_prints(capsys):
    X, y = moons(50)
    fit(MLP([2, 4, 1], random_state=0), X, y, epochs=3)
    assert capsys.readouterr().out == ""
    fit(MLP([2, 4, 1], random_state=0), X, y, epochs=4, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[-1].startswith("epoch 4/4") and "loss" in lines[-1]


def test_notebook_detection_is_false_here_and_with_ci(monkeypatch):
    assert not train.in_notebook()
    monkeypatch.setenv("CI", "true")
    assert not train.in_notebook()


def test_notebook_progress_updates_one_display_in_place(monkeypatch):
    pytest.importorskip("IPython")
    import IPython.display

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(obj)

    monkeypatch.setattr(IPython.display, "display", lambda obj, display_id=None: Handle())
    monkeypatch.setattr(train, "in_notebook", lambda: True)
    X, y = moons(60)
    fit(MLP([2, 4, 1], random_state=0), X, y, epochs=6, validation_fraction=0.2,
        live_plot=True, random_state=0)
    texts = [o.data for o in shown if isinstance(o, IPython.display.HTML)]
    images = [o for o in shown if isinstance(o, IPython.display.Image)]
    assert texts and "epoch 6/6" in texts[-1] and "val_loss" in texts[-1]
    assert images  # the live plot was redrawn at least once (at the end)


@pytest.mark.parametrize("kwargs, message", [
    (dict(y=np.zeros(7)), "different lengths: 10 samples in X but 7 in y"),
    (dict(X=np.where(np.eye(10, 2) == 1, np.nan, 0.0)), r"NaN or infinity \(first at row 0"),
    (dict(X=np.full((10, 2), np.inf)), "NaN or infinity"),
    (dict(X=np.zeros(10)), "reshape"),
    (dict(epochs=0), "epochs must be a positive integer"),
    (dict(epochs=2.5), "epochs must be a positive integer"),
    (dict(batch_size=0), "batch_size must be a positive integer"),
    (dict(lr=0.0), "learning rate"),
    (dict(lr=-1e-3, optimizer="sgd"), "learning rate"),
    (dict(validation_fraction=1.5), "validation_fraction"),
    (dict(X_val=np.zeros((3, 2))), "both X_val and y_val"),
    (dict(loss="hinge"), "loss must be"),
    (dict(optimizer="rmsprop"), "optimizer must be"),
    (dict(y=np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]), loss="bce"), r"\[0, 1\]"),
    (dict(y=np.linspace(0, 1, 10), loss="cross_entropy"), "integers"),
    (dict(patience=None), "patience"),
    (dict(patience=0), "patience"),
    (dict(patience=-2, early_stopping=True), "patience"),
    (dict(min_delta=-0.1), "min_delta"),
    (dict(validation_fraction="a"), "validation_fraction"),
    (dict(early_stopping="yes"), "early_stopping"),
    (dict(callbacks=3), "callbacks"),
    (dict(callbacks=[3]), "callbacks"),
    (dict(random_state="seed"), "random_state"),
])
def test_bad_input_is_a_value_error_naming_the_problem(kwargs, message):
    args = dict(X=np.zeros((10, 2)), y=np.array([0, 1] * 5), epochs=1)
    args.update(kwargs)
    model = MLP([2, 3, 1], random_state=0) if args.get("loss") != "cross_entropy" \
        else MLP([2, 3, 2], random_state=0)
    with pytest.raises(ValueError, match=message):
        fit(model, args.pop("X"), args.pop("y"), **args)


def test_one_dimensional_targets_fit_a_one_output_model():
    X, y = moons(40)
    model = MLP([2, 4, 1], random_state=0)
    fit(model, X, y.astype(float), loss="mse", epochs=2)
    with pytest.raises(ValueError, match="shape"):
        fit(model, X, np.zeros((40, 2)), loss="mse", epochs=1)


def test_toolkit_modules_import_no_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys, trisep_nn.nn, trisep_nn.losses, trisep_nn.optim, trisep_nn.train, "
            "trisep_nn.instrument; "
            "print([m for m in ('sklearn', 'matplotlib', 'ipywidgets', 'IPython') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_custom_loss_must_return_a_one_element_tensor():
    X, y = moons(40)
    for bad in (lambda out, yb: 0.5, lambda out, yb: out.sum(axis=1)):
        with pytest.raises(TypeError, match="loss must return a one-element Tensor"):
            fit(MLP([2, 4, 1], random_state=0), X, y, loss=bad, epochs=1)


def test_no_callbacks_may_be_written_as_none():
    X, y = moons(40)
    h = fit(MLP([2, 4, 1], random_state=0), X, y, epochs=2, callbacks=None)
    assert h["epoch"] == [1, 2]


@pytest.mark.parametrize("function", [predict, fit, evaluate])
def test_a_missing_model_is_named(function):
    X, y = moons(20)
    args = (None, X) if function is predict else (None, X, y)
    with pytest.raises(TypeError, match="model must be a trisep_nn Module"):
        function(*args)


def test_early_stopping_callback_alone():
    """EarlyStopping as fit and the estimators use it: a real improvement resets the
    wait; the best value (and its weights) is the lowest, even if below min_delta."""
    stopper = train.EarlyStopping("val_loss", patience=2, min_delta=0.5,
                                  restore_best_weights=False)
    stopper.on_train_begin(None, None)
    stops = [stopper.on_epoch_end(epoch, None, {"val_loss": [value]})
             for epoch, value in enumerate([3.0, 2.0, 1.8, 1.7], start=1)]
    assert stops == [False, False, False, True]  # 1.8 and 1.7: better, not by 0.5
    assert stopper.best == 1.7 and stopper.best_epoch == 4 and stopper.values[0] == 3.0
    scores = train.EarlyStopping(lambda model: model, mode="max", patience=1,
                                 restore_best_weights=False)
    scores.on_train_begin(None, None)
    assert [scores.on_epoch_end(e, v, None) for e, v in enumerate([0.6, 0.5], 1)] == [False,
                                                                                     True]
    assert scores.best == 0.6 and scores.best_epoch == 1  # higher is better
    for bad in (dict(monitor="accuracy_score"), dict(mode="up"), dict(patience=0),
                dict(min_delta=-1)):
        with pytest.raises(ValueError, match=next(iter(bad))):
            train.EarlyStopping(**bad)
