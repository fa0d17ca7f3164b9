"""Exercise checks for notebook 07 (backpropagation and training)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons.backpropagation_and_training import (
    add_bias_column,
    forward,
    init_params,
    loss_and_gradients,
    slide_gradient_w,
)

__all__ = ["check_grad_w", "check_grad_U", "check_training_loop", "check_early_stopping",
           "EARLY_STOPPING_VAL_LOSS", "reference_losses"]


def _problem():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 3))
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    U, w = init_params(3, 4, scale=1.0, random_state=7)
    return X, y, U, w


def _call(fn, name):
    if not_answered(fn, name):
        return None
    X, y, U, w = _problem()
    return call_student(fn, f"{name}(X, y, U, w)", X.copy(), y.copy(), U.copy(), w.copy())


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-7, atol=1e-10)


def _diagnose(got, slips, what):
    """Say which of the named slips ``got`` is, if any; True when one matched."""
    for wrong, message in slips:
        if _close(got, wrong):
            say(WRONG, f"{what}: {message}.")
            return True
    return False


def check_grad_w(fn):
    """Exercise 7.1: ``fn(X, y, U, w)`` should return ``∂L/∂w = Σ_i (p_i − y_i) σ(U x_i)``
    for the summed cross-entropy of the lecture (shape ``(d,)``)."""
    got = _call(fn, "grad_w")
    if got is None:
        return False
    X, y, U, w = _problem()
    expected = loss_and_gradients(X, y, U, w)[1]["w"]
    c = forward(X, U, w)
    per_sample = (c["p"] - y)[:, None] * c["Phi"]
    slips = (
        (per_sample, "one row per sample, shape (n, d): the gradient of L sums these rows "
                     "over the samples i"),
        (slide_gradient_w(X, y, U, w), "this is the formula as printed on the slide, whose "
                                       "y-term has the wrong sign: ∂L/∂h_i = −y_i(1 − p_i) "
                                       "+ (1 − y_i)p_i = p_i − y_i"),
        (expected / len(y), f"divided by n = {len(y)}: that is the gradient of the MEAN "
                            "cross-entropy; L here is the sum over the samples"),
        (c["Phi"].T @ ((c["p"] - y) * c["p"] * (1 - c["p"])),
         "an extra factor p(1 − p): the output sigmoid's slope has already cancelled "
         "against the log, ∂L/∂h_i = p_i − y_i"),
        (c["Phi"].T @ (c["h"] - y), "h_i − y_i uses the logit h; the error signal is "
                                    "p_i − y_i with p_i = σ(h_i)"),
    )
    if _diagnose(got, slips, "grad_w"):
        return False
    return check_array(got, expected, "grad_w (∂L/∂w)", rtol=1e-7, atol=1e-10)


def check_grad_U(fn):
    """Exercise 7.2: ``fn(X, y, U, w)`` should return ``∂L/∂U`` with row j equal to
    ``Σ_i (p_i − y_i) w_j φ_ij (1 − φ_ij) x_i`` (shape ``(d, m)``, like U)."""
    got = _call(fn, "grad_U")
    if got is None:
        return False
    X, y, U, w = _problem()
    expected = loss_and_gradients(X, y, U, w)[1]["U"]
    c = forward(X, U, w)
    delta, Phi = (c["p"] - y)[:, None], c["Phi"]
    slips = (
        ((delta * w).T @ X, "the factor σ'(u_jᵀx_i) = φ_ij(1 − φ_ij) is missing (the "
                            "derivative of the hidden unit's sigmoid)"),
        ((delta * w * Phi).T @ X, "this multiplies by φ_ij = σ(u_jᵀx_i), the unit's output; "
                                  "the chain rule needs its slope σ' = φ_ij(1 − φ_ij)"),
        ((delta * w * (1 - Phi)).T @ X, "only the factor (1 − φ_ij) of σ' = φ_ij(1 − φ_ij)"),
        ((delta * Phi * (1 - Phi)).T @ X, "the factor w_j is missing (∂h/∂φ_j = w_j)"),
        (expected / len(y), f"divided by n = {len(y)}: that is the gradient of the MEAN "
                            "cross-entropy; L here is the sum over the samples"),
        ((delta * w * c["A"] * (1 - c["A"])).T @ X,
         "σ'(a) = σ(a)(1 − σ(a)) needs σ(a) = φ; a(1 − a) uses the pre-activation itself"),
    )
    if _diagnose(got, slips, "grad_U"):
        return False
    return check_array(got, expected, "grad_U (∂L/∂U)", rtol=1e-7, atol=1e-10)


def reference_losses(X, y, U, w, lr, num_epochs, batch_size, seed, *, shuffle="every",
                     zero_grad=True, sign=1.0, reduction="mean", drop_last=False):
    """The mini-batch losses of Exercise 7.3's training loop, run with the
    lesson's NumPy backward pass: a new order ``rng.permutation(n)`` every
    epoch (``rng = np.random.default_rng(seed)``), one step per mini-batch of
    ``order[start:start + batch_size]`` (the last one smaller), the loss of
    each step recorded before its update.

    The keyword arguments give the usual slips instead (no shuffle or one
    shuffle only, gradients never zeroed, a step uphill, the summed loss, the
    last mini-batch dropped), so that a check can say which one it was.
    """
    rng = np.random.default_rng(seed)
    U, w = np.array(U, dtype=float), np.array(w, dtype=float)
    grad_U, grad_w = np.zeros_like(U), np.zeros_like(w)
    n, losses = len(y), []
    order = rng.permutation(n) if shuffle == "once" else np.arange(n)
    for _ in range(int(num_epochs)):
        if shuffle == "every":
            order = rng.permutation(n)
        stop = n - n % batch_size if drop_last else n
        for start in range(0, stop, batch_size):
            rows = order[start:start + batch_size]
            loss, g = loss_and_gradients(X[rows], y[rows], U, w, reduction)
            if zero_grad:
                grad_U, grad_w = g["U"], g["w"]
            else:  # gradients accumulate from step to step
                grad_U, grad_w = grad_U + g["U"], grad_w + g["w"]
            U -= sign * lr * grad_U
            w -= sign * lr * grad_w
            losses.append(loss)
    return np.array(losses)


_LOOP_SLIPS = (
    ({"shuffle": "none"}, "the data are never shuffled: draw order = rng.permutation(len(y)) "
                          "at the start of every epoch"),
    ({"shuffle": "once"}, "the data are shuffled once, before the first epoch; every epoch "
                          "needs its own new order (rng.permutation inside the epoch loop)"),
    ({"zero_grad": False}, "the gradients are never zeroed, so every step adds the new "
                           "gradient to all the old ones (backward ADDS into .grad): set "
                           "U.grad = None and w.grad = None after each update"),
    ({"sign": -1.0}, "the update goes uphill (+=): gradient DEScent subtracts, "
                     "U -= lr * U.grad"),
    ({"reduction": "sum"}, "the loss is summed over the mini-batch; take the mean, so that "
                           "the step size does not depend on the batch size"),
    ({"drop_last": True}, "the last, smaller mini-batch of each epoch is missing: "
                          "range(0, len(y), batch_size) reaches it"),
)


def _loop_problem():
    from trisep_nn.data import moons

    X, y = moons(30, noise=0.2, random_state=4)
    U, w = init_params(3, 4, random_state=1)
    # 30 samples in mini-batches of 8: the last one of each epoch has 6
    return {"X": add_bias_column(X), "y": y.astype(float), "U": U, "w": w, "lr": 0.5,
            "num_epochs": 3, "batch_size": 8, "seed": 5}


def _same_losses(got, expected):
    return got.shape == expected.shape and np.allclose(got, expected, rtol=0, atol=1e-10)


def check_training_loop(fn):
    """Exercise 7.3: ``fn(X, y, U, w, lr, num_epochs, batch_size, seed)`` trains
    ``h = wᵀσ(Ux)`` with mini-batch SGD on the mean cross-entropy, written with
    Tensors (forward, loss, backward, update under ``no_grad``, zero the
    gradients), and returns the loss of every mini-batch step. Compared with
    :func:`reference_losses` on the same data and seed: equal to 1e-10."""
    if not_answered(fn, "train_loop"):
        return False
    problem = _loop_problem()
    args = dict(problem, U=problem["U"].copy(), w=problem["w"].copy())
    got = call_student(fn, "train_loop(X, y, U, w, lr=0.5, "
                       "num_epochs=3, batch_size=8, seed=5)", *args.values())
    if got is None:
        return False
    expected = reference_losses(*problem.values())
    n_steps = len(expected)
    if got.ndim != 1 or got.size != n_steps:
        per_epoch = " (one per epoch? record every step)" if got.size == 3 else ""
        say(WRONG, f"train_loop returned {got.size} losses{per_epoch}; 30 samples in "
                    f"mini-batches of 8 for 3 epochs make {n_steps} steps (4 per epoch, the "
                    "last one smaller), one loss each.")
        for slip, message in _LOOP_SLIPS:
            if _same_losses(got, reference_losses(*problem.values(), **slip)):
                say(WRONG, f"train_loop: {message}.")
        return False
    if _same_losses(got, expected):
        say(OK, f"train_loop: all {n_steps} mini-batch losses agree with the reference run to "
                 f"1e-10 (from {expected[0]:.4f} to {expected[-1]:.4f}).")
        return True
    for slip, message in _LOOP_SLIPS:
        if _same_losses(got, reference_losses(*problem.values(), **slip)):
            say(WRONG, f"train_loop: {message}.")
            return False
    step = int(np.argmax(~np.isclose(got, expected, rtol=0, atol=1e-10)))
    hint = (" The first loss is already different: check the forward pass and the "
            "cross-entropy, and that the first mini-batch is order[0:batch_size] of the "
            "first permutation." if step == 0 else
            " The first step agrees, so the forward pass is right: look at the update.")
    say(WRONG, f"train_loop: the loss of step {step + 1} is {got[step]:.6f}, the reference "
                f"{expected[step]:.6f}.{hint}")
    return False


#: The validation losses of Exercise 7.4, epochs 1, 2, ...
EARLY_STOPPING_VAL_LOSS = [0.90, 0.70, 0.60, 0.62, 0.58, 0.59, 0.61, 0.60, 0.63, 0.65]


def _early_stopping(val_loss, patience):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_loss, start=1):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_loss)


def check_early_stopping(best_epoch, stop_epoch, val_loss=None, patience=3):
    """Exercise 7.4: with early stopping (``patience`` epochs without a new best
    validation loss), at which epoch does training stop, and which epoch's
    weights are restored? Epochs are counted from 1."""
    if not_answered(best_epoch, "best_epoch") or not_answered(stop_epoch, "stop_epoch"):
        return False
    val_loss = EARLY_STOPPING_VAL_LOSS if val_loss is None else list(val_loss)
    true_best, true_stop = _early_stopping(val_loss, patience)
    ok = True
    if best_epoch == true_best:
        say(OK, f"best_epoch = {true_best}: correct (validation loss {val_loss[true_best - 1]}).")
    else:
        ok = False
        if best_epoch == true_best - 1:
            say(WRONG, "best_epoch: off by one; epochs are counted from 1 here (index + 1).")
        elif best_epoch == int(np.argmin(val_loss[:3])) + 1 or (
                1 <= best_epoch <= len(val_loss) and val_loss[best_epoch - 1] > min(val_loss)):
            say(WRONG, f"best_epoch: epoch {best_epoch} is not the lowest validation loss "
                        f"seen before stopping; one worse epoch does not stop training when "
                        f"the patience is {patience}.")
        else:
            say(WRONG, f"best_epoch = {best_epoch!r}: look for the lowest validation loss.")
    if stop_epoch == true_stop:
        say(OK, f"stop_epoch = {true_stop}: correct ({patience} epochs without improvement "
                 f"after epoch {true_best}).")
    else:
        ok = False
        if stop_epoch == true_best:
            say(WRONG, "stop_epoch: training cannot know epoch "
                        f"{true_best} is the best until {patience} more epochs fail to beat it.")
        elif stop_epoch == true_stop - 1 or stop_epoch == true_stop + 1:
            say(WRONG, f"stop_epoch: off by one; count the {patience} epochs after the best one "
                        "(each one without a new best).")
        else:
            say(WRONG, f"stop_epoch = {stop_epoch!r}: it stops after {patience} epochs in a "
                        "row without a new best.")
    return ok

