"""Exercise checks for notebook 07 (backpropagation and training)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_array, not_answered, say
from trisep_nn.lessons.backpropagation_and_training import (
    forward,
    init_params,
    loss_and_gradients,
    slide_gradient_w,
)

__all__ = ["check_grad_w", "check_grad_U", "check_early_stopping", "EARLY_STOPPING_VAL_LOSS"]


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


#: The validation losses of Exercise 7.3, epochs 1, 2, ...
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
    """Exercise 7.3: with early stopping (``patience`` epochs without a new best
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

