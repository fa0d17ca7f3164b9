"""scikit-learn estimators trained by trisep_nn: ``MLPClassifier`` and ``MLPRegressor``.

They take the parameter names of :mod:`sklearn.neural_network`, so a notebook
can swap one for the other, and they work wherever scikit-learn estimators do
(``Pipeline``, ``GridSearchCV``, ``cross_val_score``, ``validation_curve``,
``learning_curve``, ``clone``)::

    >>> from sklearn.datasets import make_moons
    >>> from trisep_nn.estimators import MLPClassifier
    >>> X, y = make_moons(300, noise=0.2, random_state=0)
    >>> clf = MLPClassifier(hidden_layer_sizes=(32, 32), learning_rate_init=0.01,
    ...                     random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.95
    True
    >>> clf.loss_curve_[0] > clf.loss_curve_[-1]
    True

Training is :func:`trisep_nn.train.fit` on a :class:`trisep_nn.nn.MLP`, with the
same objective and stopping rules as scikit-learn:

* loss: mean cross-entropy (classifier: one logistic output for two classes,
  softmax otherwise) or half the mean squared error (regressor), plus
  ``alpha / (2 n_batch) · Σ W²`` over the weight matrices (biases are not
  penalised). ``loss_curve_`` holds the epoch means of this objective.
* stopping: with ``early_stopping=False``, training stops once the training loss
  has not improved by at least ``tol`` for more than ``n_iter_no_change``
  consecutive epochs; with ``early_stopping=True``, a random
  ``validation_fraction`` of the data is held out (stratified for two classes),
  the same rule is applied to its accuracy (classifier) or R² (regressor), and
  the weights of the best epoch are kept. Reaching ``max_iter`` first gives a ConvergenceWarning.

The initial weights and the shuffling are drawn exactly as scikit-learn draws
them, and the updates are scikit-learn's (its form of Adam puts ε next to √v
rather than √v̂), so with the same ``random_state`` both estimators start from
the same network, see the same mini-batches and take the same steps: their
loss curves agree to rounding error. What differs is how the gradients are
computed: here by the trisep_nn engine. (One exception: for a regressor with
several outputs, scikit-learn's gradient is that of the sum of the per-output
losses while its ``loss_curve_`` reports their mean; here both use the mean.)
Not implemented: the "lbfgs" solver, learning-rate schedules,
``sample_weight``, ``warm_start`` and ``partial_fit``.

The trained network is kept as ``model_`` (a :class:`trisep_nn.nn.MLP`), its
weights also as NumPy arrays in ``coefs_`` and ``intercepts_`` (shape (in, out),
as in scikit-learn). Predictions are computed from those arrays in NumPy.
"""

import numbers
import warnings

import numpy as np
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from . import losses, nn
from .optim import SGD, Adam
from .train import EarlyStopping
from .train import fit as train_fit

__all__ = ["MLPClassifier", "MLPRegressor"]

_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0, out=z),
    "tanh": lambda z: np.tanh(z, out=z),
    "logistic": lambda z: expit(z, out=z),
    "identity": lambda z: z,
}


class _BaseMLP(BaseEstimator):
    """Shared parameters, checks, training and forward pass of the two estimators."""

    # Every parameter's allowed values, checked up front by scikit-learn's
    # _validate_params (an error naming the parameter, not a failure mid-training).
    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"sgd", "adam"})],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"),
                             Options(numbers.Real, {np.inf})],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=1e-4, batch_size="auto", learning_rate_init=1e-3, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    def _check_params(self):
        """Validate every parameter; return the hidden layer sizes as a tuple."""
        self._validate_params()
        for name, rule in self._parameter_constraints.items():  # True is an Integral too
            if isinstance(getattr(self, name), (bool, np.bool_)) and not (
                    "boolean" in rule or "verbose" in rule):
                raise ValueError(f"The '{name}' parameter of {type(self).__name__} must be a "
                                 f"number, not {getattr(self, name)!r}")
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, numbers.Integral) else tuple(np.ravel(sizes))
        if any(isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s < 1
               for s in sizes):
            raise ValueError("hidden_layer_sizes must be positive integers, got "
                             f"{self.hidden_layer_sizes!r}")
        return sizes

    # -- training ----------------------------------------------------------------

    def _train(self, X, Y, loss_name, n_out, hidden):
        """Train an MLP on X and the prepared targets Y; set the fitted attributes."""
        sizes = [X.shape[1], *hidden, n_out]
        rs = check_random_state(self.random_state)
        model = nn.MLP(sizes, activation="sigmoid" if self.activation == "logistic"
                       else self.activation)
        self._init_like_sklearn(model, rs)
        X, Y, X_val, Y_val = self._validation_split(X, Y, loss_name, rs)
        # Live views of the parameters: the optimizers update them in place, so the
        # NumPy forward pass used for the validation score sees the current weights.
        self.coefs_ = [layer.weight.data for layer in model.linears]
        self.intercepts_ = [layer.bias.data for layer in model.linears]
        patience = None if self.n_iter_no_change == np.inf else (
            self.n_iter_no_change + 1)  # scikit-learn stops when the count *exceeds* it
        if X_val is None:  # its rule: tol and n_iter_no_change, on the training loss ...
            stopper = EarlyStopping("loss", patience=patience, min_delta=self.tol,
                                    restore_best_weights=False)
        else:  # ... or on the validation score, keeping the best epoch's weights
            stopper = EarlyStopping(lambda _: self._validation_score(X_val, Y_val), mode="max",
                                    patience=patience, min_delta=self.tol)
        history = train_fit(model, X, Y, loss=self._objective(model, loss_name),
                            optimizer=self._optimizer(model), epochs=self.max_iter,
                            batch_size=self._batch_size(len(X)), callbacks=[stopper],
                            random_state=rs, shuffle=self.shuffle, verbose=self.verbose,
                            progress=False)
        self._set_fitted(model, sizes, loss_name, history, stopper)
        return self

    def _validation_split(self, X, Y, loss_name, rs):
        """scikit-learn's split for the same random_state (stratified only when the
        network has one output, two classes, on a boolean column); or no split."""
        if not self.early_stopping:
            return X, Y, None, None
        stratify = Y.astype(bool) if loss_name == "bce" else None
        X, X_val, Y, Y_val = train_test_split(X, Y, test_size=self.validation_fraction,
                                              random_state=rs, stratify=stratify)
        if len(X_val) < 2:
            raise ValueError("The validation set is too small. Increase "
                             "'validation_fraction' or the size of your dataset.")
        return X, Y, X_val, Y_val

    def _batch_size(self, n):
        batch_size = min(200, n) if self.batch_size == "auto" else self.batch_size
        if not 1 <= batch_size <= n:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is "
                          "going to be clipped", stacklevel=4)
            batch_size = int(np.clip(batch_size, 1, n))
        return batch_size

    def _objective(self, model, loss_name):
        """Mean data loss + alpha / (2 n_batch) * sum of the squared weights."""
        data_loss = {"bce": losses.bce_with_logits, "cross_entropy": losses.cross_entropy,
                     "mse": lambda pred, target: losses.mse(pred, target) * 0.5}[loss_name]
        weights = [layer.weight for layer in model.linears]
        alpha = float(self.alpha)
        if alpha == 0:
            return data_loss
        return lambda out, yb: (data_loss(out, yb)
                                + losses.l2_penalty(weights) * (alpha / (2 * len(yb))))

    def _optimizer(self, model):
        params = model.parameters()
        if self.solver == "adam":
            return _SklearnAdam(params, lr=self.learning_rate_init,
                                betas=(self.beta_1, self.beta_2), eps=self.epsilon)
        return SGD(params, lr=self.learning_rate_init, momentum=self.momentum,
                   nesterov=self.nesterovs_momentum and self.momentum > 0)

    def _set_fitted(self, model, sizes, loss_name, history, stopper):
        model.zero_grad()  # the last batch's gradients are of no further use
        self.model_ = model
        self.coefs_ = [c.copy() for c in self.coefs_]
        self.intercepts_ = [b.copy() for b in self.intercepts_]
        self.loss_curve_ = list(history["loss"])
        self.loss_ = self.loss_curve_[-1]
        self.n_iter_ = len(self.loss_curve_)
        self.n_layers_ = len(sizes)
        self.n_outputs_ = sizes[-1]
        self.out_activation_ = {"bce": "logistic", "cross_entropy": "softmax",
                                "mse": "identity"}[loss_name]
        validating = self.early_stopping
        self.validation_scores_ = stopper.values if validating else None
        self.best_validation_score_ = stopper.best if validating else None
        self.best_loss_ = None if validating else stopper.best
        if not history["stopped_early"]:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                          "and the optimization hasn't converged yet.", ConvergenceWarning,
                          stacklevel=4)

    def _init_like_sklearn(self, model, rs):
        """scikit-learn's initialisation, drawn in its order from the same RandomState:
        weights and biases uniform on ±sqrt(6 / (fan_in + fan_out)) (2 instead of 6
        for the logistic activation). With the same ``random_state`` the network
        starts from exactly the weights scikit-learn's MLP would start from."""
        factor = 2.0 if self.activation == "logistic" else 6.0
        for layer in model.linears:
            fan_in, fan_out = layer.weight.shape
            bound = np.sqrt(factor / (fan_in + fan_out))
            layer.weight.data[...] = rs.uniform(-bound, bound, (fan_in, fan_out))
            layer.bias.data[...] = rs.uniform(-bound, bound, fan_out)

    def _forward(self, X):
        """Output-layer values (before the output activation), in NumPy."""
        act = _ACTIVATIONS[self.activation]
        h = X
        last = len(self.coefs_) - 1
        for i, (W, b) in enumerate(zip(self.coefs_, self.intercepts_)):
            h = h @ W
            h += b
            if i < last:
                h = act(h)
        return h

    def _check_X(self, X):
        check_is_fitted(self, "coefs_")
        return validate_data(self, X, dtype=np.float64, reset=False)


def _validate(estimator, X, y, **kwargs):
    """scikit-learn's validate_data, with its bare conversion errors ("could not
    convert string to float") saying that X or y is the culprit."""
    try:
        return validate_data(estimator, X, y, **kwargs)
    except (TypeError, ValueError) as error:
        if "convert" in str(error) or "argument must be" in str(error):
            raise type(error)(f"X and y must be arrays of numbers: {error}") from None
        raise


class _SklearnAdam(Adam):
    """Adam in the form scikit-learn uses (the "more efficient" variant at the end of
    section 2 of Kingma & Ba): ``w ← w − η_t m / (√v + ε)`` with
    ``η_t = η √(1−β₂ᵗ) / (1−β₁ᵗ)``. It differs from :class:`~trisep_nn.optim.Adam` only
    in where ε enters, and makes the estimators take exactly scikit-learn's steps."""

    eps_after_bias_correction = False


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier trained with trisep_nn (scikit-learn API).

    Parameters are those of :class:`sklearn.neural_network.MLPClassifier`:
    ``hidden_layer_sizes=(100,)``, ``activation`` ("relu", "tanh", "logistic",
    "identity"), ``solver`` ("adam" or "sgd"), ``alpha`` (L2 strength),
    ``batch_size`` ("auto" = min(200, n_samples)), ``learning_rate_init``,
    ``max_iter`` (epochs), ``shuffle``, ``random_state``, ``tol``, ``verbose``,
    ``momentum`` and ``nesterovs_momentum`` (sgd), ``early_stopping``,
    ``validation_fraction``, ``beta_1``, ``beta_2``, ``epsilon`` (adam),
    ``n_iter_no_change``. See the module docstring for the objective.

    Attributes
    ----------
    classes_ : array of the class labels
    loss_curve_ : list, training objective per epoch
    n_iter_ : number of epochs run
    n_features_in_ : number of input features
    coefs_, intercepts_ : lists of arrays, the weights (in, out) and biases
    model_ : the trained :class:`trisep_nn.nn.MLP` (outputs logits)
    validation_scores_, best_validation_score_ : with ``early_stopping``
    best_loss_ : without ``early_stopping``
    """

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and labels y; returns self."""
        hidden = self._check_params()
        X, y = _validate(self, X, y, dtype=np.float64)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("MLPClassifier needs samples of at least 2 classes in y; got "
                             f"one class only: {self.classes_[0]!r}")
        if len(self.classes_) == 2:
            return self._train(X, y_idx.astype(np.float64).reshape(-1, 1), "bce", 1, hidden)
        return self._train(X, y_idx.astype(np.int64), "cross_entropy", len(self.classes_),
                           hidden)

    def _validation_score(self, X, y):
        z = self._forward(X)
        pred = (z[:, 0] > 0).astype(np.int64) if z.shape[1] == 1 else z.argmax(axis=1)
        return float(np.mean(pred == np.ravel(y)))

    def predict(self, X):
        """Predicted class labels for X."""
        z = self._forward(self._check_X(X))
        idx = (z[:, 0] > 0).astype(np.intp) if z.shape[1] == 1 else z.argmax(axis=1)
        return self.classes_[idx]

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        z = self._forward(self._check_X(X))
        if z.shape[1] == 1:
            p = expit(z[:, 0])
            return np.column_stack([1.0 - p, p])
        return softmax(z, axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed without overflow."""
        z = self._forward(self._check_X(X))
        if z.shape[1] == 1:
            return np.column_stack([log_expit(-z[:, 0]), log_expit(z[:, 0])])
        return log_softmax(z, axis=1)


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor trained with trisep_nn (scikit-learn API).

    Same parameters and attributes as :class:`MLPClassifier` (without ``classes_``);
    the loss is half the mean squared error, the output layer is linear, and ``y``
    may have several columns.
    """

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and targets y ((n,) or (n, k)); returns self."""
        hidden = self._check_params()
        X, y = _validate(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        y = np.asarray(y, dtype=np.float64)
        self._y_ndim = y.ndim
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return self._train(X, Y, "mse", Y.shape[1], hidden)

    def _validation_score(self, X, Y):
        return float(r2_score(Y, self._forward(X)))

    def predict(self, X):
        """Predicted targets, shape (n_samples,) or (n_samples, n_outputs) as y was."""
        out = self._forward(self._check_X(X))
        return out.ravel() if self._y_ndim == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
