"""Lesson backpropagation_and_training (notebook 07).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from trisep_nn import data  # noqa: E402
from trisep_nn import widgets as wt  # noqa: E402
from trisep_nn.lessons import backpropagation_and_training as bp
from trisep_nn.lessons.backpropagation_and_training import checks as ct
from trisep_nn.tensor import Tensor


def _grad_w(X, y, U, w):
    c = bp.forward(X, U, w)
    return c["Phi"].T @ (c["p"] - y)


def _grad_U(X, y, U, w):
    c = bp.forward(X, U, w)
    return ((c["p"] - y)[:, None] * w * c["Phi"] * (1 - c["Phi"])).T @ X


def _with_forward(rule):
    def answer(X, y, U, w):
        return rule(bp.forward(X, U, w), y, w, X)
    return answer


def test_grad_w_accepts_the_solution_and_a_list(verdict):
    assert verdict(ct.check_grad_w, _grad_w)[0]
    assert verdict(ct.check_grad_w, lambda *a: _grad_w(*a).tolist())[0]


@pytest.mark.parametrize("answer, named", [
    (bp.slide_gradient_w, "printed on the slide"),
    (lambda *a: -_grad_w(*a), "sign is flipped"),
    (lambda X, y, U, w: _grad_w(X, y, U, w) / len(y), "MEAN"),
    (_with_forward(lambda c, y, w, X: (c["p"] - y)[:, None] * c["Phi"]), "sums these rows"),
    (_with_forward(lambda c, y, w, X: c["Phi"].T @ ((c["p"] - y) * c["p"] * (1 - c["p"]))),
     "p(1 − p)"),
    (_with_forward(lambda c, y, w, X: c["Phi"].T @ (c["h"] - y)), "logit"),
])
def test_grad_w_names_the_slip(verdict, answer, named):
    ok, out = verdict(ct.check_grad_w, answer)
    assert not ok and named in out, out


def test_grad_U_accepts_the_solution(verdict):
    assert verdict(ct.check_grad_U, _grad_U)[0]


@pytest.mark.parametrize("answer, named", [
    (lambda *a: _grad_U(*a).T, "transposed"),
    (_with_forward(lambda c, y, w, X: ((c["p"] - y)[:, None] * w).T @ X), "σ'"),
    (_with_forward(lambda c, y, w, X: ((c["p"] - y)[:, None] * w * c["Phi"]).T @ X),
     "the unit's output"),
    (_with_forward(lambda c, y, w, X: ((c["p"] - y)[:, None] * c["Phi"] * (1 - c["Phi"])).T
                   @ X), "w_j is missing"),
    (lambda X, y, U, w: _grad_U(X, y, U, w) / len(y), "MEAN"),
    (lambda *a: -_grad_U(*a), "sign is flipped"),
])
def test_grad_U_names_the_slip(verdict, answer, named):
    ok, out = verdict(ct.check_grad_U, answer)
    assert not ok and named in out, out


def test_early_stopping(verdict):
    ok, out = verdict(ct.check_early_stopping, 5, 8)
    assert ok and out.count("✅") == 2
    ok, out = verdict(ct.check_early_stopping, 3, 5)
    assert not ok and "one worse epoch does not stop" in out
    ok, out = verdict(ct.check_early_stopping, 4, 5)
    assert not ok and "off by one" in out and "cannot know" in out


@pytest.mark.parametrize("patience, best, stop", [(1, 3, 4), (3, 5, 8), (20, 5, 10)])
def test_early_stopping_reference(patience, best, stop):
    assert ct._early_stopping(ct.EARLY_STOPPING_VAL_LOSS, patience) == (best, stop)


def _problem(n=7, m=3, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, m))
    y = rng.integers(0, 2, size=n).astype(float)
    U, w = bp.init_params(m, d, scale=1.0, random_state=seed)
    return X, y, U, w


def test_hand_gradients_match_finite_differences():
    X, y, U, w = _problem()
    _, g = bp.loss_and_gradients(X, y, U, w)
    num = bp.numerical_gradients(X, y, U, w)
    assert bp.relative_error(g["U"], num["U"]) < 1e-7
    assert bp.relative_error(g["w"], num["w"]) < 1e-7


def test_hand_gradients_match_the_engine():
    X, y, U, w = _problem(seed=3)
    Ut, wt = Tensor(U.copy(), requires_grad=True), Tensor(w.copy(), requires_grad=True)
    h = (X @ Ut.T).sigmoid() @ wt
    p = h.sigmoid()
    L = -(y * p.log() + (1 - y) * (1 - p).log()).sum()
    L.backward()
    value, g = bp.loss_and_gradients(X, y, U, w)
    assert value == pytest.approx(float(L.data), rel=1e-12)
    np.testing.assert_allclose(g["U"], Ut.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g["w"], wt.grad, rtol=1e-10, atol=1e-12)


def test_mean_reduction_divides_by_n_and_slide_formula_is_not_the_gradient():
    X, y, U, w = _problem()
    _, gs = bp.loss_and_gradients(X, y, U, w, "sum")
    _, gm = bp.loss_and_gradients(X, y, U, w, "mean")
    np.testing.assert_allclose(gm["w"], gs["w"] / len(y))
    assert bp.relative_error(bp.slide_gradient_w(X, y, U, w), gs["w"]) > 0.1


def test_cross_entropy_is_stable_at_extreme_logits():
    value = bp.cross_entropy(np.array([1000.0, -1000.0]), np.array([0.0, 1.0]))
    assert value == pytest.approx(2000.0)
    assert bp.sigmoid(-1000.0) == 0.0 and bp.sigmoid(1000.0) == 1.0


def test_train_reduces_loss_and_batches_count_steps():
    rng = np.random.default_rng(0)
    X = bp.add_bias_column(rng.normal(size=(60, 2)))
    y = (X[:, 1] * X[:, 2] > 0).astype(float)  # XOR: needs the hidden layer
    full = bp.train(X, y, n_hidden=8, lr=5.0, num_epochs=300, random_state=0)
    assert full["steps"] == 300
    assert full["train_loss"][-1] < 0.5 * full["train_loss"][0]
    mini = bp.train(X, y, n_hidden=8, lr=0.5, num_epochs=3, batch_size=16, random_state=0,
                    X_val=X[:10], y_val=y[:10])
    assert mini["steps"] == 3 * 4 and len(mini["val_loss"]) == 4


def test_train_marks_divergence_and_rejects_bad_lr():
    X, y, _, _ = _problem(n=20)
    hist = bp.train(X, y, n_hidden=4, lr=1e3, num_epochs=50, random_state=0, max_loss=0.8)
    assert hist["diverged_at"] is not None and len(hist["train_loss"]) == hist["diverged_at"] + 1
    with pytest.raises(ValueError, match="lr"):
        bp.train(X, y, lr=0.0)


def test_learning_rate_explorer_refits():
    X, y = data.moons(120, noise=0.2, random_state=0)
    e = wt.learning_rate_explorer(X, y, num_epochs=60)
    assert e.last_error is None
    small = e.update(lr=0.01).state["history"]["train_loss"].copy()
    big = e.update(lr=30.0).state["history"]["train_loss"].copy()
    assert e.last_error is None
    assert small[-1] > 0.6 and big[-1] < small[-1]
    lines = e.figure.axes[0].get_lines()
    assert any(np.allclose(line.get_ydata(), big) for line in lines)
    image = e.figure.axes[1].images[0].get_array().copy()
    e.update(lr=0.01)  # back to a remembered run: the boundary image changes back
    assert not np.allclose(image, e.figure.axes[1].images[0].get_array())
    assert e.state["history"]["train_loss"] is not None and "0.01" in e.figure.axes[0].get_title()


def test_learning_rate_explorer_repaints_what_a_full_render_draws():
    X, y = data.moons(120, noise=0.2, random_state=0)
    e = wt.learning_rate_explorer(X, y, num_epochs=60)
    e.update(lr=3.0)
    e.update(lr=30.0)  # the axes are not rendered again: only what changed is repainted
    blitted = np.asarray(e.figure.canvas.buffer_rgba()).copy()
    e.figure.canvas.draw()  # everything, the animated artists included, as a fresh render
    for artist in sorted(e.figure.findobj(lambda a: a.get_animated()), key=lambda a: a.zorder):
        e.figure.draw_artist(artist)
    full = np.asarray(e.figure.canvas.buffer_rgba())
    assert np.mean(np.any(blitted != full, axis=-1)) < 1e-3
    # the black line is where the network's probability is one half
    ax_map = e.figure.axes[1]
    boundary = ax_map.get_lines()[0]
    points = np.column_stack([boundary.get_xdata(), boundary.get_ydata()])
    points = points[np.isfinite(points).all(axis=1)]
    history = e.state["history"]
    p = bp.predict_proba(bp.add_bias_column(points), history["U"], history["w"])
    assert len(points) > 10 and np.max(np.abs(p - 0.5)) < 0.05
    # no rate's loss curve runs under the (still) legend
    ax_loss = e.figure.axes[0]
    box = ax_loss.get_legend().get_window_extent().transformed(ax_loss.transData.inverted())
    for lr in 10 ** np.linspace(-2, 3, 11):
        loss = e.update(lr=lr).state["history"]["train_loss"]
        epochs = np.arange(len(loss))
        assert not np.any((epochs >= box.x0) & (epochs <= box.x1)
                          & (loss >= box.y0) & (loss <= box.y1)), lr


def test_batch_size_explorer_refits():
    X, y = data.moons(120, noise=0.2, random_state=0)
    e = wt.batch_size_explorer(X[:80], y[:80], X[80:], y[80:], num_epochs=5)
    assert e.last_error is None
    assert e.update(batch_size=80).state["history"]["steps"] == 5
    assert e.update(batch_size=8).state["history"]["steps"] == 50
    assert e.last_error is None and len(e.state["history"]["val_loss"]) == 6
    per_update = e.figure.axes[1].get_lines()[1]  # training curve against the number of updates
    np.testing.assert_allclose(per_update.get_xdata(), np.arange(1, 6) * 10)
    np.testing.assert_allclose(per_update.get_ydata(), e.state["history"]["train_loss"][1:])


def _loop_with(**slip):
    def train_loop(X, y, U, w, lr, num_epochs, batch_size, seed):
        return ct.reference_losses(X, y, U, w, lr, num_epochs, batch_size, seed, **slip)
    return train_loop


def test_training_loop_accepts_the_reference_and_a_list(verdict):
    ok, out = verdict(ct.check_training_loop, _loop_with())
    assert ok and "1e-10" in out
    ok, _ = verdict(ct.check_training_loop, lambda *a: list(_loop_with()(*a)))
    assert ok


@pytest.mark.parametrize("slip, named", [
    ({"shuffle": "none"}, "never shuffled"),
    ({"shuffle": "once"}, "shuffled once"),
    ({"zero_grad": False}, "never zeroed"),
    ({"sign": -1.0}, "uphill"),
    ({"reduction": "sum"}, "summed"),
    ({"drop_last": True}, "smaller mini-batch"),
])
def test_training_loop_names_the_slip(verdict, slip, named):
    ok, out = verdict(ct.check_training_loop, _loop_with(**slip))
    assert not ok and named in out, out


def test_training_loop_other_wrong_answers(verdict):
    ok, out = verdict(ct.check_training_loop, lambda *a: _loop_with()(*a)[::4])
    assert not ok and "one per epoch" in out
    ok, out = verdict(ct.check_training_loop, lambda *a: _loop_with()(*a) * 1.01)
    assert not ok and "first loss is already different" in out
    ok, out = verdict(ct.check_training_loop, lambda X, y, U, w, lr, *rest: _loop_with()(
        X, y, U, w, 2 * lr, *rest))
    assert not ok and "look at the update" in out
    ok, out = verdict(ct.check_training_loop, lambda *a: None)
    assert not ok and "returned None" in out


def test_training_loop_written_with_tensors_passes(verdict):
    from trisep_nn import no_grad

    def train_loop(X, y, U, w, lr, num_epochs, batch_size, seed):
        rng = np.random.default_rng(seed)
        U, w = Tensor(U.copy(), requires_grad=True), Tensor(w.copy(), requires_grad=True)
        losses = []
        for _ in range(num_epochs):
            order = rng.permutation(len(y))
            for start in range(0, len(y), batch_size):
                rows = order[start:start + batch_size]
                p = ((X[rows] @ U.T).sigmoid() @ w).sigmoid()
                loss = -(y[rows] * p.log() + (1 - y[rows]) * (1 - p).log()).mean()
                loss.backward()
                with no_grad():
                    U -= lr * U.grad
                    w -= lr * w.grad
                U.grad = w.grad = None
                losses.append(loss.item())
        return losses

    assert verdict(ct.check_training_loop, train_loop)[0]
