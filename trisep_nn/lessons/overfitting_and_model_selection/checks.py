"""Exercise checks for notebook 02 (overfitting and model selection)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, check_scalar, not_answered, say

__all__ = ["check_split", "check_best_degree", "check_chi2_ndf"]


def _row_index(X):
    return {np.asarray(row, dtype=float).tobytes(): i for i, row in enumerate(X)}


def _split_indices(parts, X, y):
    """Where each part's rows sit in X (a dict of index arrays), or None after saying
    what is wrong: not arrays, rows not from X, or y not following its X."""
    where = _row_index(X)
    indices = {}
    for name, (Xp, yp) in parts.items():
        try:
            Xp = np.asarray(Xp, dtype=float).reshape(len(Xp), -1)
            yp = np.asarray(yp)
        except (TypeError, ValueError):
            say(WRONG, f"X_{name} / y_{name}: expected arrays.")
            return None
        if len(Xp) != len(yp):
            say(WRONG, f"X_{name} has {len(Xp)} rows but y_{name} has {len(yp)}.")
            return None
        try:
            idx = np.array([where[row.tobytes()] for row in Xp], dtype=int)
        except KeyError:
            say(WRONG, f"X_{name} contains rows that are not in X: split X itself "
                        "(and split the rest again for the second cut).")
            return None
        if not np.array_equal(y[idx], yp):
            say(WRONG, f"y_{name} does not line up with X_{name}: pass X and y together "
                        "to the same train_test_split call, so they are shuffled alike.")
            return None
        indices[name] = idx
    return indices


def _overlap_slip(indices):
    """A message if two parts share points, else None."""
    names = list(indices)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = np.intersect1d(indices[a], indices[b]).size
            if shared:
                return (f"the {a} and {b} sets share {shared} point(s): the second split must "
                        "cut the data left over by the first one, not X again.")
    return None


def _size_slip(sizes, n, fractions):
    """A message if the parts do not hold every point in the given fractions, else None."""
    if sum(sizes) != n:
        return (f"the three sets hold {sum(sizes)} of the {n} points: every point should "
                "land in exactly one of them.")
    if all(abs(s - f * n) <= 1 for s, f in zip(sizes, fractions)):
        return None
    got = " / ".join(f"{100 * s / n:.0f}" for s in sizes)
    want = " / ".join(f"{100 * f:.0f}" for f in fractions)
    hint = ""
    rest = 1 - fractions[2]  # what is left after the test set is split off
    if abs(sizes[2] - fractions[2] * n) <= 1 and abs(sizes[1] - fractions[1] * rest * n) <= 1:
        hint = (f" The second call splits only the remaining {100 * rest:.0f} %, so to get "
                f"{100 * fractions[1]:.0f} % of the whole from it, its test_size must be "
                f"{fractions[1] / rest:.2g}.")
    return f"sizes are {got} % (train / validation / test), expected {want} %.{hint}"


def check_split(X_train, X_val, X_test, y_train, y_val, y_test, X, y,
                fractions=(0.6, 0.2, 0.2)):
    """Exercise 2.2: a train / validation / test split of ``X, y`` in the given fractions.

    Any split is accepted (the random seed does not matter) as long as the
    three parts have the right sizes (±1 point for rounding), do not share a
    point, together hold every point, and each ``y`` part still belongs to
    its ``X`` part.
    """
    parts = {"train": (X_train, y_train), "validation": (X_val, y_val),
             "test": (X_test, y_test)}
    for name, (Xp, yp) in parts.items():
        if not_answered(Xp, f"X_{name}") or not_answered(yp, f"y_{name}"):
            return False
    y = np.asarray(y)
    indices = _split_indices(parts, np.asarray(X, dtype=float).reshape(len(y), -1), y)
    if indices is None:
        return False
    sizes = [len(idx) for idx in indices.values()]
    slip = _overlap_slip(indices) or _size_slip(sizes, len(y), fractions)
    if slip:
        say(WRONG, slip)
        return False
    say(OK, f"split correct: {sizes[0]} / {sizes[1]} / {sizes[2]} points, no overlap, "
             "and every y still sits with its x.")
    return True


def check_best_degree(answer, degrees, val_error, train_error=None):
    """Exercise 2.3: the degree whose validation error is smallest."""
    what = "best_degree"
    if not_answered(answer, what):
        return False
    degrees = np.asarray(degrees)
    val_error = np.asarray(val_error, dtype=float)
    best = int(degrees[np.argmin(val_error)])
    try:
        number = float(np.asarray(answer).item())
    except (TypeError, ValueError):
        say(WRONG, f"{what}: expected one integer degree, got {type(answer).__name__}.")
        return False
    if number != round(number):
        say(WRONG, f"{what} = {number:g}: a degree is a whole number (one of "
                    f"{degrees.tolist()}).")
        return False
    answer = int(number)
    if answer == best:
        say(OK, f"{what} = {best}: correct, validation error "
                 f"{val_error[np.argmin(val_error)]:.4g} there.")
        return True
    if answer == int(np.argmin(val_error)):
        say(WRONG, f"{what} = {answer} is the position in the array (argmin), not the "
                    f"degree: the degrees start at {degrees[0]}; use degrees[argmin].")
    elif train_error is not None and answer == int(degrees[np.argmin(train_error)]):
        say(WRONG, f"{what} = {answer} minimises the training error, which always prefers "
                    "the most flexible model; choose on the validation error.")
    elif answer == int(degrees[np.argmax(val_error)]):
        say(WRONG, f"{what} = {answer} is where the validation error is largest (argmax); "
                    "we want its minimum.")
    elif answer not in degrees:
        say(WRONG, f"{what} = {answer} is not one of the degrees tried ({degrees.tolist()}).")
    else:
        say(WRONG, f"{what} = {answer}: its validation error is "
                    f"{val_error[list(degrees).index(answer)]:.4g}, but another degree "
                    "does better.")
    return False


def check_chi2_ndf(chi2_ndf):
    """Exercise 2.1: ``chi2_ndf(y, y_pred, sigma, n_params)`` = Σ((y − ŷ)/σ)² / (n − n_params)."""
    what = "chi2_ndf(y, y_pred, sigma, n_params)"
    if not_answered(chi2_ndf, "chi2_ndf"):
        return False
    rng = np.random.default_rng(2)
    n, n_params, sigma = 30, 5, 0.1
    y_pred = rng.normal(size=n)
    y = y_pred + sigma * rng.normal(size=n)
    answer = call_student(chi2_ndf, what, y.copy(), y_pred.copy(), sigma, n_params)
    if answer is None:
        return False
    ndf = n - n_params
    chi2 = float(np.sum(((y - y_pred) / sigma) ** 2))
    expected = chi2 / ndf
    if answer.size != 1:
        say(WRONG, f"{what}: expected one number, got shape {answer.shape}: sum the "
                    "squared residuals over the points.")
        return False
    value = float(answer.reshape(()))
    where = f"(test case: n = {n} points, n_params = {n_params}, σ = {sigma})"
    slips = [
        (chi2, f"that is χ² itself; divide it by ndf = n − n_params = {ndf}."),
        (chi2 / n, f"you divided by n = {n}; the number of degrees of freedom is "
                   f"n − n_params = {ndf} (each fitted parameter uses one up)."),
        (chi2 * sigma**2 / ndf, f"you forgot to divide the squared residuals by σ² "
                                f"(= {sigma**2:.3g} here)."),
        (chi2 * sigma / ndf, "you divided the squared residuals by σ; χ² divides them by σ²."),
        (chi2 * sigma**2 / n, "that is the mean squared error; χ²/ndf divides the squared "
                              "residuals by σ² and their sum by ndf = n − n_params."),
        (chi2 / (ndf - 1), f"ndf is off by one: you divided by n − n_params − 1 = {ndf - 1}. "
                           f"ndf = n − n_params = {ndf}: n_params already counts every fitted "
                           "parameter (for a polynomial of degree d, the d + 1 coefficients, "
                           "the constant included)."),
        (chi2 / (ndf + 1), f"ndf is off by one: you divided by n − n_params + 1 = {ndf + 1}. "
                           f"ndf = n − n_params = {ndf}: each fitted parameter uses up one "
                           "degree of freedom."),
        (chi2 / n_params, f"you divided by n_params = {n_params}; ndf is what is left after "
                          f"the fit: n − n_params = {ndf}."),
        (np.sqrt(chi2 / ndf), "that is the square root of χ²/ndf; do not take the root."),
        (-chi2 / ndf, "the sign is flipped: χ² is a sum of squares, never negative."),
    ]
    if np.isclose(value, expected, rtol=1e-6):
        say(OK, f"{what}: correct {where}.")
        return True
    for slip, message in slips:
        if np.isclose(value, slip, rtol=1e-6):
            say(WRONG, f"{what}: {message} {where}")
            return False
    return check_scalar(value, expected, f"{what} {where}")
