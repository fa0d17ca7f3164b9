"""Exercise checks for notebook 08 (vanishing gradients)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_function, not_answered, say
from trisep_nn.lessons.vanishing_gradients import predicted_factor, sigmoid, sigmoid_derivative

__all__ = ["check_sigmoid_derivative", "check_layer_factor", "check_he_std"]

_X_TESTS = [np.array(0.0), np.linspace(-8.0, 8.0, 33), np.array([-1000.0, -30.0, 30.0, 1000.0])]


def check_sigmoid_derivative(fn):
    """Exercise 8.1: ``fn(x)`` should return ``σ'(x) = σ(x)(1 - σ(x))`` element-wise."""
    if not_answered(fn, "sigmoid_derivative"):
        return False
    x = _X_TESTS[1]
    got = call_student(fn, "sigmoid_derivative(x)", x)
    if got is None:
        return False
    s = sigmoid(x)
    if got.shape == x.shape and np.all(np.isfinite(got)):
        for wrong, message in (
            (s, "this is σ(x) itself, not its derivative; use σ'(x) = σ(x)(1 - σ(x))"),
            (s * (1 + s), "σ(x)(1 + σ(x)): the sign inside the bracket should be minus"),
            (1 - s, "1 - σ(x) is only one factor: multiply by σ(x)"),
            (np.exp(-x) / (1 + np.exp(-x)), "e^-x / (1 + e^-x) is 1 - σ(x); the derivative "
                                            "has (1 + e^-x)² in the denominator"),
        ):
            if np.allclose(got, wrong, rtol=1e-6, atol=1e-9) and not np.allclose(
                    wrong, sigmoid_derivative(x)):
                say(WRONG, f"sigmoid_derivative: {message}.")
                return False
        if got.max() > 0.25 + 1e-9:
            say(WRONG, f"sigmoid_derivative reaches {got.max():.3g}, but σ'(x) never exceeds "
                        "1/4 (its value at x = 0). Check the formula.")
            return False
    big = _X_TESTS[2]
    got_big = call_student(fn, "sigmoid_derivative(x)", big)
    if got_big is None:
        return False
    if got_big.shape == big.shape and not np.all(np.isfinite(got_big)):
        say(WRONG, "sigmoid_derivative gives NaN or inf at x = ±1000: np.exp overflows. "
                    "Compute σ once with a stable formula (e.g. 0.5 * (1 + np.tanh(x / 2)) or "
                    "scipy.special.expit) and use σ(1 - σ).")
        return False
    return check_function(fn, _X_TESTS, sigmoid_derivative, "sigmoid_derivative",
                          rtol=1e-6, atol=1e-12)


def check_layer_factor(answer):
    """Exercise 8.3: the predicted per-layer factor std(δ_l)/std(δ_{l+1}) for a
    sigmoid network with weights U[-1/√n, 1/√n]: sqrt(n · 1/(3n) · (1/4)²) = 1/√48."""
    expected = predicted_factor("sigmoid", "naive", width=100)
    if not_answered(answer, "layer_factor"):
        return False
    try:
        value = float(np.asarray(answer, dtype=float).item())
    except (TypeError, ValueError):
        say(WRONG, f"layer_factor should be one number, got {type(answer).__name__}.")
        return False
    diagnoses = (
        (1 / 48, "that is the ratio of the variances; the spread (std) is its square root"),
        (0.25, "you left out the weights: n · Var(W) = n · 1/(3n) = 1/3 also enters"),
        (np.sqrt(1 / 3), "you left out the activation: σ'(0) = 1/4 multiplies every layer"),
        (np.sqrt(1 / 12), "σ' enters the variance squared: (1/4)², not 1/4"),
        (1 / 12, "σ' enters the variance squared, and the std is the square root of the "
                 "variance ratio"),
    )
    if np.isclose(value, expected, rtol=0.01):
        say(OK, f"layer_factor = {value:.4f}: correct, 1/√48 ≈ {expected:.4f}. Six layers "
                 f"shrink the gradient by {expected ** 6:.1e}.")
        return True
    for wrong, message in diagnoses:
        if np.isclose(value, wrong, rtol=0.01):
            say(WRONG, f"layer_factor = {value:.4g}: {message}.")
            return False
    if value > 1:
        say(WRONG, f"layer_factor = {value:.4g} is above 1, so gradients would grow; the "
                    "sigmoid's slope of at most 1/4 makes them shrink.")
        return False
    say(WRONG, f"layer_factor = {value:.4g} is not it. Put together n · Var(W) (the variance "
                "of U[-a, a] is a²/3), the square of σ'(0) = 1/4, and take the square root.")
    return False


def check_he_std(fn):
    """Exercise 8.2: ``fn(fan_in)`` should return He's standard deviation sqrt(2 / fan_in)."""
    if not_answered(fn, "he_std"):
        return False
    fans = [1, 3, 100, 512]
    got = []
    for n in fans:
        value = call_student(fn, f"he_std({n})", n)
        if value is None:
            return False
        got.append(float(np.ravel(value)[0]) if value.size else np.nan)
    got, fans = np.array(got), np.array(fans, dtype=float)
    for wrong, message in (
        (2 / fans, "that is the variance 2/n; the standard deviation is its square root"),
        (np.sqrt(1 / fans), "1/√n keeps the variance for an activation of slope 1 on every "
                            "input (LeCun / Xavier-like); ReLU passes only half of its "
                            "inputs, so He doubles the variance: √(2/n)"),
        (np.sqrt(6 / fans), "√(6/n) is the half-width of a uniform distribution with "
                            "variance 2/n; the std itself is √(2/n)"),
    ):
        if np.allclose(got, wrong, rtol=1e-6):
            say(WRONG, f"he_std: {message}.")
            return False
    return check_function(fn, [int(n) for n in fans], lambda n: np.sqrt(2.0 / n), "he_std")
