"""MLPClassifier / MLPRegressor: scikit-learn's own checks, its tools, and agreement
with scikit-learn's MLP step for step."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, make_moons, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_score,
    learning_curve,
    train_test_split,
    validation_curve,
)
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from trisep_nn.estimators import MLPClassifier, MLPRegressor
from trisep_nn.nn import MLP

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks([MLPClassifier(max_iter=50, random_state=0),
                                    MLPRegressor(max_iter=50, random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def moons_split():
    X, y = make_moons(300, noise=0.25, random_state=0)
    return train_test_split(X, y, test_size=0.3, random_state=0)


@pytest.mark.parametrize("params", [
    dict(),
    dict(solver="sgd", learning_rate_init=0.1),
    dict(solver="sgd", learning_rate_init=0.05, momentum=0.5, nesterovs_momentum=False),
    dict(activation="tanh", alpha=0.1, batch_size=32),
    dict(activation="logistic", early_stopping=True, validation_fraction=0.2),
])
def test_classifier_takes_exactly_sklearns_steps(moons_split, params):
    """Same init, same batches, same updates: the loss curves agree to rounding error."""
    X_tr, X_te, y_tr, _ = moons_split
    kw = dict(hidden_layer_sizes=(16, 8), max_iter=30, random_state=3, **params)
    ours, theirs = MLPClassifier(**kw).fit(X_tr, y_tr), SkMLPClassifier(**kw).fit(X_tr, y_tr)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X_te), theirs.predict_proba(X_te),
                               rtol=1e-7, atol=1e-10)
    assert ours.n_iter_ == theirs.n_iter_
    if params.get("early_stopping"):
        np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)


def test_multiclass_and_regressor_take_sklearns_steps():
    X, y = load_digits(return_X_y=True)
    X = X[:300] / 16
    y = y[:300]
    kw = dict(hidden_layer_sizes=(20,), max_iter=15, random_state=0)
    ours, theirs = MLPClassifier(**kw).fit(X, y), SkMLPClassifier(**kw).fit(X, y)
    # Adam divides by √v: for weights whose gradients are almost zero (pixels that are
    # blank in these 300 images) it magnifies rounding differences, hence 1e-6 here.
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-6)
    Xr, yr = make_regression(200, 5, noise=1.0, random_state=0)
    yr = yr / yr.std()
    ours, theirs = MLPRegressor(**kw).fit(Xr, yr), SkMLPRegressor(**kw).fit(Xr, yr)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(ours.predict(Xr), theirs.predict(Xr), rtol=1e-7, atol=1e-9)
    kw_es = dict(kw, early_stopping=True, solver="sgd", learning_rate_init=0.01)
    ours, theirs = MLPRegressor(**kw_es).fit(Xr, yr), SkMLPRegressor(**kw_es).fit(Xr, yr)
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-9)
    # Two outputs: scikit-learn's gradient is that of the *sum* over outputs while its
    # loss_curve_ is the mean; ours is the mean for both, so the steps differ slightly.
    Y = np.column_stack([yr, yr**2])
    ours, theirs = MLPRegressor(**kw).fit(Xr, Y), SkMLPRegressor(**kw).fit(Xr, Y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-3)


def test_tol_stopping_like_sklearn(moons_split):
    X_tr, _, y_tr, _ = moons_split
    kw = dict(hidden_layer_sizes=(8,), max_iter=300, tol=1e-2, n_iter_no_change=3,
              random_state=0)
    ours, theirs = MLPClassifier(**kw).fit(X_tr, y_tr), SkMLPClassifier(**kw).fit(X_tr, y_tr)
    assert ours.n_iter_ == theirs.n_iter_ < 300
    assert ours.best_loss_ == pytest.approx(theirs.best_loss_)


def test_moons_accuracy_and_fitted_attributes(moons_split):
    X_tr, X_te, y_tr, y_te = moons_split
    clf = MLPClassifier(hidden_layer_sizes=(32, 32), learning_rate_init=0.01, max_iter=200,
                        random_state=0).fit(X_tr, y_tr)
    assert clf.score(X_te, y_te) > 0.9
    assert clf.n_features_in_ == 2 and list(clf.classes_) == [0, 1]
    assert len(clf.loss_curve_) == clf.n_iter_ and clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert [W.shape for W in clf.coefs_] == [(2, 32), (32, 32), (32, 1)]
    assert isinstance(clf.model_, MLP)
    proba = clf.predict_proba(X_te)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X_te)), proba, rtol=1e-10)
    np.testing.assert_array_equal(clf.predict(X_te), clf.classes_[proba.argmax(axis=1)])


def test_string_labels_and_multiclass_probabilities():
    X, y = load_digits(n_class=3, return_X_y=True)
    names = np.array(["zero", "one", "two"])[y]
    clf = MLPClassifier(hidden_layer_sizes=(16,), max_iter=30, random_state=0).fit(X / 16, names)
    assert set(clf.predict(X / 16)) <= set(names)
    assert list(clf.classes_) == ["one", "two", "zero"]
    assert clf.predict_proba(X[:5] / 16).shape == (5, 3)
    assert clf.score(X / 16, names) > 0.9


def test_same_random_state_repeats_exactly(moons_split):
    X_tr, _, y_tr, _ = moons_split
    a, b = (MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=5).fit(X_tr, y_tr)
            for _ in range(2))
    assert a.loss_curve_ == b.loss_curve_
    for wa, wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(wa, wb)
    c = MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=6).fit(X_tr, y_tr)
    assert a.loss_curve_ != c.loss_curve_


def test_early_stopping_keeps_the_best_validation_epoch():
    X, y = make_moons(400, noise=0.35, random_state=1)
    clf = MLPClassifier(hidden_layer_sizes=(64, 64), learning_rate_init=0.05, max_iter=200,
                        early_stopping=True, n_iter_no_change=5, random_state=0).fit(X, y)
    scores = clf.validation_scores_
    assert clf.n_iter_ < 200 and clf.best_validation_score_ == max(scores)
    assert scores.index(max(scores)) < len(scores) - 1  # rewound to an earlier epoch
    # the kept weights are those scikit-learn keeps
    sk = SkMLPClassifier(hidden_layer_sizes=(64, 64), learning_rate_init=0.05, max_iter=200,
                         early_stopping=True, n_iter_no_change=5, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.coefs_[0], sk.coefs_[0], rtol=1e-6, atol=1e-9)


def test_works_in_sklearn_tools():
    X, y = make_moons(120, noise=0.2, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    pipe = make_pipeline(StandardScaler(), clf)
    assert cross_val_score(pipe, X, y, cv=3).shape == (3,)
    grid = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-1]}, cv=2).fit(X, y)
    assert grid.best_params_["mlpclassifier__alpha"] in (1e-4, 1e-1)
    train_s, test_s = validation_curve(clf, X, y, param_name="hidden_layer_sizes",
                                       param_range=[(2,), (8,)], cv=2)
    assert train_s.shape == (2, 2)
    sizes, tr, te = learning_curve(clf, X, y, train_sizes=[0.5, 1.0], cv=2)
    assert tr.shape == (2, 2)
    cloned = clone(clf)
    assert cloned.get_params() == clf.get_params() and not hasattr(cloned, "coefs_")
    reg = make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(8,), max_iter=20,
                                                       random_state=0))
    assert cross_val_score(reg, X, X[:, 0] * 2, cv=2).shape == (2,)


def test_pickle_round_trip(moons_split):
    X_tr, X_te, y_tr, _ = moons_split
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X_tr, y_tr)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X_te), clf.predict_proba(X_te))


def test_regressor_shapes():
    X, y = make_regression(100, 3, noise=0.1, random_state=0)
    reg = MLPRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=200,
                       random_state=0).fit(X, y / y.std())
    assert reg.predict(X).shape == (100,) and reg.score(X, y / y.std()) > 0.9
    Y = np.column_stack([y, -y]) / y.std()
    assert MLPRegressor(max_iter=5, random_state=0).fit(X, Y).predict(X).shape == (100, 2)


def test_bad_input_messages(moons_split):
    X_tr, X_te, y_tr, _ = moons_split
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X_te)
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X_tr, y_tr)
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 2"):
        clf.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier().fit(np.where(X_tr > 1, np.nan, X_tr), y_tr)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        MLPClassifier().fit(X_tr, y_tr[:-1])
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit(X_tr, y_tr + 0.5)
    with pytest.raises(ValueError, match="at least 2 classes"):
        MLPClassifier().fit(X_tr, np.zeros(len(X_tr)))
    for bad, match in [(dict(learning_rate_init=0), "learning_rate_init"),
                       (dict(learning_rate_init=-1.0), "learning_rate_init"),
                       (dict(max_iter=0), "max_iter"),
                       (dict(solver="lbfgs"), "lbfgs"),
                       (dict(activation="softplus"), "activation"),
                       (dict(hidden_layer_sizes=(4, 0)), "hidden_layer_sizes"),
                       (dict(batch_size=0), "batch_size"),
                       (dict(alpha=-1.0), "alpha"),
                       # each of these used to end in "TrainingDiverged: try a smaller
                       # learning rate", or run: checked up front now, by name
                       (dict(epsilon=0), "epsilon"), (dict(alpha=np.inf), "alpha"),
                       (dict(tol=np.inf), "tol"), (dict(early_stopping="yes"), "early_stopping"),
                       (dict(shuffle=1), "shuffle"), (dict(nesterovs_momentum=None),
                                                      "nesterovs_momentum"),
                       (dict(validation_fraction=0.0, early_stopping=True),
                        "validation_fraction"),
                       (dict(validation_fraction=1.0), "validation_fraction"),
                       (dict(verbose="a"), "verbose"), (dict(max_iter=True), "max_iter"),
                       (dict(learning_rate_init=np.inf), "learning_rate_init"),
                       (dict(momentum=1.0), "momentum")]:
        with pytest.raises(ValueError, match=match):
            MLPClassifier(**bad).fit(X_tr, y_tr)


def test_convergence_warning_when_max_iter_is_reached(moons_split):
    X_tr, _, y_tr, _ = moons_split
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning, match="Maximum iterations"):
            MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X_tr, y_tr)
