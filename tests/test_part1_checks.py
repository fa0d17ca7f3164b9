"""Exercise checks of notebooks 01-04: each accepts the solution, rejects the
typical wrong answers, and says specifically what is wrong."""

import numpy as np
import pytest
from sklearn.model_selection import KFold, train_test_split

from trisep_nn import checks, data


def verdict(capsys, check, *args, **kwargs):
    """(returned value, printed message) of one check."""
    result = check(*args, **kwargs)
    return result, capsys.readouterr().out


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ------------------------------------------------------------------------ 01
def ce(w, X, y):
    p = sigmoid(X @ w)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


@pytest.mark.parametrize("wrong, words", [
    (lambda w, X, y: len(y) * ce(w, X, y), "summed"),
    (lambda w, X, y: -ce(w, X, y), "sign"),
    (lambda w, X, y: ce(w, X, y) / np.log(10), "np.log10"),
    (lambda w, X, y: ce(w, X, 1 - y), "labels are swapped"),
    (lambda w, X, y: sigmoid(X @ w), "one number"),
    (lambda w, X, y: None, "returned None"),
    (lambda w, X, y: 1 / 0, "ZeroDivisionError"),
])
def test_check_cross_entropy(capsys, wrong, words):
    ok, out = verdict(capsys, checks.check_cross_entropy, ce)
    assert ok is True and "correct" in out
    ok, out = verdict(capsys, checks.check_cross_entropy, wrong)
    assert ok is False and words in out


def test_unanswered_exercises_do_not_raise(capsys):
    for check in (checks.check_cross_entropy, checks.check_gradient, checks.check_logit,
                  checks.check_soft_threshold):
        ok, out = verdict(capsys, check, None)
        assert ok is False and "not answered" in out


def grad(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) / len(y)


@pytest.mark.parametrize("wrong, words", [
    (lambda w, X, y: len(y) * grad(w, X, y), "divided by n"),
    (lambda w, X, y: -grad(w, X, y), "sign is flipped"),
    (lambda w, X, y: X.T @ (X @ w - y) / len(y), "Xw where σ(Xw)"),
    (lambda w, X, y: (sigmoid(X @ w) - y) / len(y), "one value per example"),
])
def test_check_gradient(capsys, wrong, words):
    ok, out = verdict(capsys, checks.check_gradient, grad)
    assert ok is True
    ok, out = verdict(capsys, checks.check_gradient, wrong)
    assert ok is False and words in out


@pytest.mark.parametrize("wrong, words", [
    (lambda p: p / (1 - p), "odds"),
    (lambda p: np.log((1 - p) / p), "sign is flipped"),
    (lambda p: np.log10(p / (1 - p)), "natural log"),
    (lambda p: np.log(p), "log p is not enough"),
])
def test_check_logit(capsys, wrong, words):
    ok, out = verdict(capsys, checks.check_logit, lambda p: np.log(p / (1 - p)))
    assert ok is True and "2.1972" in out
    ok, out = verdict(capsys, checks.check_logit, wrong)
    assert ok is False and words in out


# ------------------------------------------------------------------------ 02
@pytest.fixture
def xy():
    return data.noisy_function(50, random_state=0)


def split(X, y, second):
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.4, random_state=0)
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, test_size=second, random_state=0)
    return X_train, X_val, X_test, y_train, y_val, y_test


def test_check_split_accepts_a_correct_split(capsys, xy):
    X, y = xy
    ok, out = verdict(capsys, checks.check_split, *split(X, y, 0.5), X, y)
    assert ok is True and "30 / 10 / 10" in out


def test_check_split_explains_the_usual_slips(capsys, xy):
    X, y = xy
    # 80/20 then 80/20 of the rest: 64 / 16 / 20
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, test_size=0.2, random_state=0)
    X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train, test_size=0.2,
                                                random_state=0)
    ok, out = verdict(capsys, checks.check_split, X_tr, X_val, X_rest, y_tr, y_val, y_rest,
                      X, y)
    assert ok is False and "test_size must be 0.25" in out
    # validation cut from X again: overlaps the training set
    parts = list(split(X, y, 0.5))
    _, parts[1], _, parts[4] = train_test_split(X, y, test_size=10, random_state=1)
    ok, out = verdict(capsys, checks.check_split, *parts, X, y)
    assert ok is False and "share" in out
    # y shuffled separately from X
    parts = list(split(X, y, 0.5))
    parts[3] = parts[3][::-1]
    ok, out = verdict(capsys, checks.check_split, *parts, X, y)
    assert ok is False and "does not line up" in out
    ok, out = verdict(capsys, checks.check_split, None, None, None, None, None, None, X, y)
    assert ok is False and "not answered" in out


def test_check_best_degree(capsys):
    degrees = np.arange(1, 11)
    train = np.linspace(1, 0.1, 10)
    val = np.array([9, 5, 2, 1.5, 1.2, 1.4, 2, 3, 5, 8.0])
    assert verdict(capsys, checks.check_best_degree, 5, degrees, val, train)[0] is True
    for wrong, words in [(4, "position in the array"), (10, "training error"),
                         (1, "largest"), (12, "not one of the degrees"), (6, "another degree")]:
        ok, out = verdict(capsys, checks.check_best_degree, wrong, degrees, val, train)
        assert ok is False and words in out, (wrong, out)


def test_check_chi2_ndf(capsys):
    def right(y, y_pred, sigma, n_params):
        return np.sum(((y - y_pred) / sigma) ** 2) / (len(y) - n_params)

    ok, out = verdict(capsys, checks.check_chi2_ndf, right)
    assert ok is True
    for wrong, words in [
        (lambda y, h, s, p: np.sum(((y - h) / s) ** 2), "divide it by ndf"),
        (lambda y, h, s, p: np.sum(((y - h) / s) ** 2) / len(y), "divided by n = 30"),
        (lambda y, h, s, p: np.sum((y - h) ** 2) / (len(y) - p), "forgot to divide"),
        (lambda y, h, s, p: np.sum((y - h) ** 2 / s) / (len(y) - p), "divided the squared"),
        (lambda y, h, s, p: ((y - h) / s) ** 2, "one number"),
        (lambda y, h, s, p: None, "returned None"),
    ]:
        ok, out = verdict(capsys, checks.check_chi2_ndf, wrong)
        assert ok is False and words in out, out


# ------------------------------------------------------------------------ 03
@pytest.fixture
def H_f():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 25)), rng.normal(size=25)


def test_check_bias_squared(capsys, H_f):
    H, f = H_f
    ok, _ = verdict(capsys, checks.check_bias_squared, (H.mean(axis=0) - f) ** 2, H, f)
    assert ok is True
    for wrong, words in [((H.mean(axis=1) - f.mean()) ** 2, "axis=0"),
                         (((H - f) ** 2).mean(axis=0), "bias² + variance"),
                         (H.mean(axis=0) - f, "square it"),
                         (np.mean((H.mean(axis=0) - f) ** 2), "one value per test point")]:
        ok, out = verdict(capsys, checks.check_bias_squared, wrong, H, f)
        assert ok is False and words in out


def test_check_variance(capsys, H_f):
    H, _ = H_f
    assert verdict(capsys, checks.check_variance, H.var(axis=0), H)[0] is True
    for wrong, words in [(H.var(axis=1), "axis=0"), (H.var(axis=0, ddof=1), "ddof=1"),
                         (H.std(axis=0), "standard deviation")]:
        ok, out = verdict(capsys, checks.check_variance, wrong, H)
        assert ok is False and words in out


def test_check_noise_floor(capsys):
    assert verdict(capsys, checks.check_noise_floor, 0.01, 0.1)[0] is True
    for wrong, words in [(0.1, "standard deviation"), (0.0, "not even the true function"),
                         (0.0135, "a perfect model"), (0.001, "below")]:
        ok, out = verdict(capsys, checks.check_noise_floor, wrong, 0.1)
        assert ok is False and words in out


# ------------------------------------------------------------------------ 04
def test_check_ridge_weights(capsys):
    rng = np.random.default_rng(0)
    X, y, alpha = rng.normal(size=(30, 4)), rng.normal(size=30), 2.0
    A, b = X.T @ X, X.T @ y
    right = np.linalg.solve(A + 2 * alpha * np.eye(4), b)
    assert verdict(capsys, checks.check_ridge_weights, right, X, y, alpha)[0] is True
    for wrong, words in [(np.linalg.solve(A + alpha * np.eye(4), b), "2αw"),
                         (np.linalg.solve(A, b), "unregularised"),
                         (np.linalg.solve(A + 2 * alpha * np.ones((4, 4)), b), "diagonal"),
                         (X @ right, "one value per feature")]:
        ok, out = verdict(capsys, checks.check_ridge_weights, wrong, X, y, alpha)
        assert ok is False and words in out


def test_check_soft_threshold(capsys):
    def right(z, alpha):
        return np.sign(z) * np.maximum(np.abs(z) - alpha, 0)

    assert verdict(capsys, checks.check_soft_threshold, right)[0] is True
    for wrong, words in [(lambda z, a: z / (1 + 2 * a), "ridge shrinkage"),
                         (lambda z, a: z - a * np.sign(z), "exactly 0"),
                         (lambda z, a: np.maximum(np.abs(z) - a, 0), "sign of z"),
                         (lambda z, a: right(z, 2 * a), "twice too wide")]:
        ok, out = verdict(capsys, checks.check_soft_threshold, wrong)
        assert ok is False and words in out


def test_check_cv_alpha(capsys):
    from sklearn.model_selection import GridSearchCV

    from trisep_nn.regularization import regularized_polynomial

    X, y = data.noisy_function(40, random_state=0)
    alphas = np.logspace(-4, 1, 6)
    cv = KFold(4, shuffle=True, random_state=0)
    search = GridSearchCV(regularized_polynomial(15, 1.0), {"ridge__alpha": 2 * alphas}, cv=cv,
                          scoring="neg_mean_squared_error").fit(X, y)
    best = search.best_params_["ridge__alpha"] / 2
    assert verdict(capsys, checks.check_cv_alpha, best, X, y, alphas, cv)[0] is True
    ok, out = verdict(capsys, checks.check_cv_alpha, 2 * best, X, y, alphas, cv)
    assert ok is False and "scikit-learn's alpha" in out
    other = [a for a in alphas[1:-1] if not np.isclose(a, best)][0]
    ok, out = verdict(capsys, checks.check_cv_alpha, other, X, y, alphas, cv)
    assert ok is False and "not the cross-validated best" in out
