"""Exercise checks for notebook 08 (vanishing gradients)."""

import numpy as np

from trisep_nn.feedback import (
    OK,
    WRONG,
    call_student,
    check_array,
    check_function,
    not_answered,
    say,
)
from trisep_nn.lessons.vanishing_gradients import (
    predicted_factor,
    sigmoid,
    sigmoid_derivative,
)

__all__ = ["check_sigmoid_derivative", "check_backward_deltas", "check_layer_factor",
           "check_he_std"]

_X_TESTS = [np.array(0.0), np.linspace(-8.0, 8.0, 33), np.array([-1000.0, -30.0, 30.0, 1000.0])]


def check_sigmoid_derivative(fn):
    """Exercise 8.1: ``fn(x)`` should return ``σ'(x) = σ(x)(1 - σ(x))`` element-wise,
    including at x = ±1000, where ``e^{-x}`` overflows."""
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
            (1 - np.tanh(x) ** 2, "1 - tanh²(x) is the derivative of tanh, not of the "
                                  "sigmoid"),
            (np.full_like(x, 0.25), "1/4 is only the largest value, at x = 0"),
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
        say(WRONG, "sigmoid_derivative gives NaN or inf at x = ±1000: there e^-x overflows "
                    "to inf, and a formula like e^-x / (1 + e^-x)² becomes inf/inf = NaN. "
                    "Compute σ first (1 / (1 + e^-x) is then 1/inf = 0, the right limit) and "
                    "return σ(1 - σ).")
        return False
    return check_function(fn, _X_TESTS, sigmoid_derivative, "sigmoid_derivative",
                          rtol=1e-6, atol=1e-12)


def _delta_problem():
    """A small sigmoid network (widths 6, 5, 4: a missing transpose cannot pass)
    and one batch through it: weights, hidden pre-activations, δ at the output,
    and the δ of every hidden layer as the engine computes them."""
    from trisep_nn.instrument import layer_statistics
    from trisep_nn.nn import MLP

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7)
    model = MLP([3, 6, 5, 4, 1], activation="sigmoid", init="xavier", random_state=3)
    snapshot = layer_statistics(model, X, y, loss="bce")
    return (snapshot.weights, snapshot.preactivations[:-1], snapshot.gradients[-1],
            snapshot.gradients[:-1])


def _recursion(weights, zs, delta_out, step):
    deltas = [delta_out]
    for layer in range(len(zs) - 1, -1, -1):
        deltas.insert(0, step(deltas[0], weights, zs, layer))
    return deltas[:-1]


_SHAPE_HINTS = {
    "matmul": "a shape mismatch in a matrix product: δ_{l+1} has shape (batch, units of "
              "layer l+1) and W_{l+1} (units of layer l, units of layer l+1), so the product "
              "needs W_{l+1}ᵀ",
    "broadcast": "two arrays of different layers met: δ_l and σ'(z_l) both have the shape "
                 "(batch, units of layer l); check that σ' is taken at z_l and the product "
                 "with W_{l+1}ᵀ comes first",
}


_DELTA_SLIPS = (
    (lambda d, W, z, l: d @ W[l + 1].T,
     "the factor σ'(z_l) is missing: every layer multiplies by the sigmoid's slope, which "
     "is what makes the gradient vanish"),
    (lambda d, W, z, l: (d @ W[l + 1].T) * sigmoid(z[l]),
     "this multiplies by σ(z_l), the activation; the chain rule needs its slope "
     "σ'(z_l) = σ(z_l)(1 - σ(z_l))"),
    (lambda d, W, z, l: (d @ W[l + 1].T) * z[l] * (1 - z[l]),
     "σ'(z) = σ(z)(1 − σ(z)) needs σ(z) first; z(1 − z) uses the pre-activation itself"),
)


def check_backward_deltas(fn):
    """Exercise 8.2: ``fn(weights, zs, delta_out)`` should return the list
    ``[δ_1, …, δ_L]`` (input side first) of a sigmoid network, from
    ``δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ σ'(z_l)``, where ``weights = [W_1, …, W_{L+1}]``
    (``W_l`` of shape (inputs, units)), ``zs = [z_1, …, z_L]`` are the hidden
    pre-activations and ``delta_out = δ_{L+1}`` the gradient at the output.
    Compared with the engine on a network whose layers differ in width."""
    if not_answered(fn, "backward_deltas"):
        return False
    weights, zs, delta_out, expected = _delta_problem()
    copies = ([w.copy() for w in weights], [z.copy() for z in zs], delta_out.copy())
    try:
        with np.errstate(all="ignore"):
            got = fn(*copies)
    except Exception as error:  # the student's code: report, never raise
        hint = next((f" ({text})" for key, text in _SHAPE_HINTS.items()
                     if isinstance(error, ValueError) and key in str(error)), "")
        say(WRONG, f"backward_deltas raised {type(error).__name__}: {error}{hint}")
        return False
    if got is None:
        say(WRONG, "backward_deltas returned None: return the list [δ_1, …, δ_L].")
        return False
    got = list(got)
    if len(got) != len(expected):
        extra = (" (δ_{L+1}, the output's, is given, not part of the answer)"
                 if len(got) == len(expected) + 1 else "")
        say(WRONG, f"backward_deltas returned {len(got)} arrays; the network has "
                    f"{len(expected)} hidden layers, one δ each{extra}.")
        return False
    if _all_close(got[::-1], expected) and not _all_close(got, expected):
        say(WRONG, "backward_deltas: the layers are in reverse order; return δ_1 (next to "
                    "the input) first.")
        return False
    for step, message in _DELTA_SLIPS:
        if _all_close(got, _recursion(weights, zs, delta_out, step)):
            say(WRONG, f"backward_deltas: {message}.")
            return False
    for layer, (g, e) in enumerate(zip(got, expected), start=1):
        if not _all_close([g], [e]):  # says what is wrong with the first wrong layer
            return check_array(g, e, f"δ_{layer} (hidden layer {layer})", rtol=1e-7,
                               atol=1e-14)
    say(OK, f"backward_deltas: all {len(expected)} layers agree with the engine's backward "
             "pass.")
    return True


def _all_close(got, expected):
    try:
        return all(np.shape(g) == np.shape(e) and np.allclose(g, e, rtol=1e-7, atol=1e-14)
                   for g, e in zip(got, expected))
    except (TypeError, ValueError):
        return False


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
        (np.sqrt(1 / 16), "you used n · Var(W) = 1, the variance of U[-a, a] is a²/3, "
                          "not a²"),
        (np.sqrt(48), "that is the inverse: the gradient shrinks by this factor, the ratio "
                      "std(δ_l)/std(δ_{l+1}) is 1/√48"),
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
    """Exercise 8.4: ``fn(fan_in)`` should return He's standard deviation sqrt(2 / fan_in)."""
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
        (np.sqrt(2 / (fans + 1)), "√(2/(n + 1)) counts the bias as an input; the fan-in "
                                  "is the n inputs that are multiplied by a weight (the "
                                  "bias starts at 0 and adds no variance): √(2/n)"),
        (np.sqrt(2) / fans, "√2 / n: the square root belongs over the whole fraction, "
                            "√(2/n)"),
        (2 / np.sqrt(fans), "2 / √n: the square root belongs over the 2 as well, √(2/n)"),
        (np.sqrt(1 / (2 * fans)), "√(1/(2n)) is upside down in the factor 2: ReLU passes "
                                  "half of its inputs, so the variance doubles, 2/n"),
    ):
        if np.allclose(got, wrong, rtol=1e-6):
            say(WRONG, f"he_std: {message}.")
            return False
    return check_function(fn, [int(n) for n in fans], lambda n: np.sqrt(2.0 / n), "he_std")
