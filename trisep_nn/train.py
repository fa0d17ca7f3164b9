"""Training: epochs of mini-batch gradient descent, validation and early stopping.

:func:`fit` is the loop of the lecture's "Training" slide written once, so the
notebooks can call it::

    >>> from sklearn.datasets import make_moons
    >>> from trisep_nn.nn import MLP
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> model = MLP([2, 16, 16, 1], random_state=0)
    >>> history = fit(model, X, y, loss="bce", lr=0.01, epochs=50,
    ...               validation_fraction=0.25, early_stopping=True, random_state=0)
    >>> history["val_accuracy"][history.best_epoch - 1] > 0.8
    True

Each epoch shuffles the training set (seeded by ``random_state``), takes one
optimizer step per mini-batch, and then evaluates the validation set once.
The returned :class:`History` holds one number per epoch for each quantity.

In a Jupyter notebook a one-line progress display shows the epoch and the
current losses (and, with ``live_plot=True``, a loss plot updated in place).
Outside a notebook, or when the environment variable ``CI`` is set, ``fit`` is
silent unless ``verbose=True``.

A loss that becomes NaN or infinite stops training with :class:`TrainingDiverged`,
which names the epoch and batch and suggests a smaller learning rate.
"""

import math
import os
import sys
import time

import numpy as np

from . import losses
from .nn import Module
from .ops import describe
from .optim import SGD, Adam, Optimizer
from .tensor import Tensor, no_grad
from .validation import (
    InvalidArgumentError,
    check_bool,
    check_count,
    check_number,
    check_random_state,
)

__all__ = ["fit", "run_epoch", "evaluate", "predict", "History", "TrainingDiverged",
           "Callback", "EarlyStopping"]


class TrainingDiverged(ValueError):
    """The loss became NaN or infinite during training.

    Attributes ``epoch`` and ``batch`` (1-based) say where, ``loss`` holds the
    value and ``history`` the epochs completed before it.
    """

    def __init__(self, message, epoch=None, batch=None, loss=None, history=None):
        super().__init__(message)
        self.epoch, self.batch, self.loss, self.history = epoch, batch, loss, history


class History(dict):
    """What happened during :func:`fit`, one entry per epoch.

    Keys (also readable as attributes, ``history.loss``):

    ``"epoch"``         epoch numbers 1, 2, ...
    ``"loss"``          mean training loss over the epoch's mini-batches
    ``"val_loss"``      loss on the validation set after the epoch ([] if none)
    ``"accuracy"``      training accuracy over the epoch's mini-batches
                        (classification losses only, else [])
    ``"val_accuracy"``  validation accuracy after the epoch ([] if none)
    ``"time"``          seconds spent in each epoch
    ``"best_epoch"``    the epoch (1-based) with the best monitored value
                        (validation loss if there is a validation set, else
                        training loss); with ``early_stopping`` the model ends
                        with that epoch's weights
    ``"stopped_early"`` True if early stopping or a callback ended training

    >>> h = History()
    >>> h["loss"], h.best_epoch
    ([], None)
    """

    _LISTS = ("epoch", "loss", "val_loss", "accuracy", "val_accuracy", "time")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in self._LISTS:
            self.setdefault(key, [])
        self.setdefault("best_epoch", None)
        self.setdefault("stopped_early", False)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self):
        n = len(self["epoch"])
        if not n:
            return "History(no epochs)"
        parts = [f"{key}={self[key][-1]:.4g}" for key in ("loss", "val_loss", "accuracy",
                                                          "val_accuracy") if self[key]]
        return f"History({n} epochs, best_epoch={self['best_epoch']}, last: {', '.join(parts)})"


class Callback:
    """Base class for objects passed in ``fit(..., callbacks=[...])``.

    Override any of the three methods. ``on_epoch_end`` may return True to stop
    training. A plain function ``f(epoch, model, history)`` also works as a
    callback; it is called at the end of every epoch.
    """

    def on_train_begin(self, model, history):
        pass

    def on_epoch_end(self, epoch, model, history):
        pass

    def on_train_end(self, model, history):
        pass


class EarlyStopping(Callback):
    """Stop when the monitored value has not improved for ``patience`` epochs, and
    keep the weights of its best epoch.

    monitor : "val_loss", "loss" (a key of the History) or a function model -> float
    mode : "min" (lower is better, a loss) or "max" (higher is better, a score)
    patience : epochs in a row without an improvement of more than ``min_delta``
        before training stops; None: never stop, only keep track of the best
    min_delta : how much better a value must be to count as an improvement
    restore_best_weights : at the end, load the weights of the best epoch

    Attributes: ``values`` (one per epoch), ``best`` and ``best_epoch`` (the best
    value and its epoch), ``wait`` (epochs since the last improvement).

    >>> stopper = EarlyStopping("val_loss", patience=2, restore_best_weights=False)
    >>> stopper.on_train_begin(None, None)
    >>> val_losses = [3.0, 2.0, 2.5, 2.2]
    >>> [stopper.on_epoch_end(e, None, {"val_loss": [v]}) for e, v in enumerate(val_losses, 1)]
    [False, False, False, True]
    >>> stopper.best, stopper.best_epoch
    (2.0, 2)
    """

    def __init__(self, monitor="val_loss", mode="min", patience=10, min_delta=0.0,
                 restore_best_weights=True):
        if not (callable(monitor) or monitor in History._LISTS):
            raise ValueError(f"monitor must be a key of the History such as 'val_loss', or "
                             f"a function of the model; got {monitor!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.monitor, self.mode = monitor, mode
        self.patience = None if patience is None else check_count(patience, "patience")
        self.min_delta = check_number(min_delta, "min_delta", low=0.0)
        self.restore_best_weights = check_bool(restore_best_weights, "restore_best_weights")

    def on_train_begin(self, model, history):
        self.values, self.best, self.best_epoch, self.wait, self._state = [], None, None, 0, None

    def on_epoch_end(self, epoch, model, history):
        value = self.monitor(model) if callable(self.monitor) else history[self.monitor][-1]
        self.values.append(value)
        sign = 1 if self.mode == "min" else -1  # compare as "lower is better"
        if self.best_epoch is None or sign * value < sign * self.best - self.min_delta:
            self.wait = 0  # a real improvement
        else:
            self.wait += 1
        if self.best_epoch is None or sign * value < sign * self.best:
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self._state = model.state_dict()
        return self.patience is not None and self.wait >= self.patience

    def on_train_end(self, model, history):
        if self.restore_best_weights and self._state is not None:
            model.load_state_dict(self._state)


LOSSES = {
    "mse": losses.mse,
    "bce": losses.bce_with_logits,
    "bce_with_logits": losses.bce_with_logits,
    "cross_entropy": losses.cross_entropy,
}


def fit(model, X, y, *, loss="auto", optimizer="adam", lr=None, epochs=100, batch_size=32,
        X_val=None, y_val=None, validation_fraction=None, early_stopping=False, patience=10,
        min_delta=0.0, callbacks=(), random_state=None, shuffle=True, verbose=False,
        progress="auto", live_plot=False):
    """Train ``model`` on ``(X, y)`` with mini-batch gradient descent; return a :class:`History`.

    model       a Module mapping a batch (n, n_features) to outputs (n, n_outputs)
    X, y        X of shape (n_samples, n_features); y of shape (n_samples,) or
                (n_samples, n_outputs): class labels 0 .. K-1, 0/1 labels or
                regression targets (a 1-D y fits a model with one output)
    loss        "auto", "mse", "bce", "cross_entropy", or a function loss(outputs,
                y_batch) -> one-element Tensor. "auto": cross_entropy for several
                outputs and one label per row, bce for one output and 0/1 labels, else mse
    optimizer   "adam", "sgd", or an Optimizer; ``lr`` is the learning rate of one
                given by name (default 1e-3 for Adam, 0.01 for SGD)
    epochs      passes over the training set (at most, with early stopping)
    batch_size  samples per gradient step (an epoch's last batch may be smaller)
    X_val, y_val, validation_fraction   a validation set, evaluated after each
                epoch; or hold out this fraction of (X, y), chosen at random
    early_stopping, patience, min_delta   stop when the validation loss (else the
                training loss) has not improved by more than ``min_delta`` for
                ``patience`` epochs, and restore the best epoch's weights
    callbacks   Callback objects (see EarlyStopping) or functions f(epoch, model, history)
    random_state, shuffle  seed of the shuffling (every epoch, unless shuffle=False)
                and of the validation split (the model's weights have their own)
    verbose     print one line every epoch (or every ``verbose`` epochs)
    progress, live_plot   in a Jupyter notebook ("auto": unless CI is set), a
                one-line progress display, and a loss plot updated in place
    """
    X, y, X_val, y_val, rng = _fit_data(model, X, y, X_val, y_val, validation_fraction,
                                        random_state)
    _check_settings(epochs, batch_size, patience, early_stopping, shuffle, verbose, live_plot)
    loss_name, loss_fn, y = resolve_loss(loss, model, X, y)
    y_val = None if X_val is None else _prepare_targets(loss_name, model, X_val, y_val, "y_val")
    opt = _make_optimizer(optimizer, model, lr)
    stopper = EarlyStopping("val_loss" if X_val is not None else "loss", min_delta=min_delta,
                            patience=patience if early_stopping else None,
                            restore_best_weights=early_stopping)
    callbacks = [stopper, *_as_callbacks(callbacks)]
    history, display = History(), _make_display(progress, verbose, live_plot, epochs)
    _call_all(callbacks, "on_train_begin", model, history)
    model.train()
    order = np.arange(len(X))
    try:  # overflow in a diverging network is reported by run_epoch, with a remedy
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(1, epochs + 1):
                start = time.perf_counter()
                if shuffle:
                    order = order[rng.permutation(len(X))]  # (as scikit-learn shuffles)
                result = run_epoch(model, X, y, loss_fn, opt, batch_size, order, epoch,
                                   keep_outputs=loss_name in _ACCURACY, history=history)
                _record(history, epoch, result, model, loss_name, loss_fn, X_val, y_val, start)
                stop = _end_of_epoch(epoch, model, history, callbacks)
                display.update(history, final=stop or epoch == epochs)
                if stop:
                    break
    finally:
        display.close(history)
    _call_all(callbacks, "on_train_end", model, history)
    return history


def run_epoch(model, X, y, loss_fn, optimizer, batch_size=32, order=None, epoch=None,
              keep_outputs=False, history=None):
    """One epoch: one optimizer step per mini-batch of (X, y), in the given
    ``order`` of the samples (default: as they are).

    Returns (mean loss over the samples, outputs, targets): the model's outputs
    and the targets in the order used (outputs only with ``keep_outputs``, for an
    accuracy). A NaN or infinite loss raises :class:`TrainingDiverged` before its
    step is taken.
    """
    Xs, ys = (X, y) if order is None else (X.take(order, axis=0), y.take(order, axis=0))
    total, outputs = 0.0, []
    for b, start in enumerate(range(0, len(Xs), batch_size), start=1):
        xb, yb = Xs[start:start + batch_size], ys[start:start + batch_size]
        out = model(Tensor(xb))
        L = loss_fn(out, yb)
        value = _loss_value(L)
        if not math.isfinite(value):
            raise TrainingDiverged(
                f"training diverged: the loss became {value} at epoch {epoch}, batch {b} "
                f"(learning rate {optimizer.lr:g}). Try a smaller learning rate, e.g. "
                f"lr={optimizer.lr / 10:g}.", epoch=epoch, batch=b, loss=value, history=history)
        optimizer.zero_grad()
        L.backward()
        optimizer.step()
        total += value * len(xb)
        if keep_outputs:
            outputs.append(out.data)  # scored once per epoch, not per batch
    return total / len(Xs), np.concatenate(outputs) if outputs else None, ys


def _loss_value(L):
    if not isinstance(L, Tensor) or L.size != 1:
        raise TypeError(f"the loss must return a one-element Tensor (built from the model's "
                        f"outputs, so that it can be differentiated); it returned {describe(L)}")
    return L.item()


def _record(history, epoch, result, model, loss_name, loss_fn, X_val, y_val, start):
    """One epoch's numbers into the history."""
    loss, outputs, ys = result
    accuracy_fn = _ACCURACY.get(loss_name)
    history["epoch"].append(epoch)
    history["loss"].append(loss)
    if accuracy_fn is not None:
        history["accuracy"].append(accuracy_fn(outputs, ys) / len(ys))
    if X_val is not None:
        val_loss, val_acc = _evaluate(model, X_val, y_val, loss_fn, accuracy_fn)
        history["val_loss"].append(val_loss)
        if val_acc is not None:
            history["val_accuracy"].append(val_acc)
    history["time"].append(time.perf_counter() - start)


def _end_of_epoch(epoch, model, history, callbacks):
    """Tell the callbacks (fit's own EarlyStopping first); True if one says stop."""
    stopper, *others = callbacks
    stop = stopper.on_epoch_end(epoch, model, history)
    history["best_epoch"] = stopper.best_epoch
    for cb in others:
        stop = bool(cb.on_epoch_end(epoch, model, history)) or stop
    history["stopped_early"] = stop
    return stop


def _call_all(callbacks, method, *args):
    for cb in callbacks:
        getattr(cb, method, lambda *_: None)(*args)


def evaluate(model, X, y, loss="auto"):
    """Loss (and accuracy, for classification) of ``model`` on ``(X, y)``, no gradients.

    Returns a dict ``{"loss": float, "accuracy": float}`` (accuracy only for
    classification losses).
    """
    _check_model(model, "evaluate")
    X, y = check_Xy(X, y)
    loss_name, loss_fn, y = resolve_loss(loss, model, X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        value, acc = _evaluate(model, X, y, loss_fn, _ACCURACY.get(loss_name))
    return {"loss": value} if acc is None else {"loss": value, "accuracy": acc}


def predict(model, X):
    """The model's outputs on ``X`` as a NumPy array (no graph is built).

    For a classifier these are logits: ``predict(model, X).argmax(1)`` gives the
    classes, ``> 0`` the binary decisions.
    """
    _check_model(model, "predict")
    X = check_X(X)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            return model(Tensor(X)).data
    finally:
        model.train(was_training)


# ----------------------------------------------------------------------------
# Validation of inputs
# ----------------------------------------------------------------------------

def check_X(X, name="X"):
    """X as a 2-D float array without NaN or infinity."""
    try:
        X = np.asarray(X)
        if X.dtype.kind not in "biuf":
            raise TypeError
        X = X.astype(np.float32 if X.dtype == np.float32 else np.float64, copy=False)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a numeric array, got {describe(X)}") from None
    if X.ndim == 1:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}; "
                         f"for one feature use {name}.reshape(-1, 1)")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} has no samples or no features: shape {X.shape}")
    if not np.isfinite(X).all():
        row, col = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(f"{name} contains NaN or infinity (first at row {row}, column {col}); "
                         "remove or impute those values before training")
    return X


def check_Xy(X, y, xname="X", yname="y"):
    X = check_X(X, xname)
    try:
        y = np.asarray(y)
    except (TypeError, ValueError):
        raise TypeError(f"{yname} must be an array, got {describe(y)}") from None
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(f"{xname} and {yname} have different lengths: {len(X)} samples in "
                         f"{xname} but {y.size if y.ndim == 0 else len(y)} in {yname}")
    if y.dtype.kind not in "biuf":
        raise ValueError(f"{yname} must be numeric (class labels 0 .. K-1 or numbers), got "
                         f"dtype {y.dtype}")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(f"{yname} contains NaN or infinity")
    return X, y


def _check_model(model, where):
    if not isinstance(model, Module):
        raise InvalidArgumentError(f"{where}: model must be a trisep_nn Module (e.g. nn.MLP), "
                                   f"got {describe(model)}")


def _fit_data(model, X, y, X_val, y_val, validation_fraction, random_state):
    """The checked training and validation sets, and the random generator."""
    _check_model(model, "fit")
    X, y = check_Xy(X, y)
    if (X_val is None) != (y_val is None):
        raise ValueError("give both X_val and y_val, or neither")
    rng = check_random_state(random_state)  # a RandomState is used as is (the estimators')
    if validation_fraction is not None:
        if X_val is not None:
            raise ValueError("give either X_val/y_val or validation_fraction, not both")
        X, y, X_val, y_val = _split(X, y, validation_fraction, rng)
    elif X_val is not None:
        X_val, y_val = check_Xy(X_val, y_val, "X_val", "y_val")
    return X, y, X_val, y_val, rng


def _check_settings(epochs, batch_size, patience, early_stopping, shuffle, verbose, live_plot):
    check_count(epochs, "epochs")
    check_count(batch_size, "batch_size")
    check_count(patience, "patience")
    check_bool(early_stopping, "early_stopping")
    check_bool(shuffle, "shuffle")
    check_bool(live_plot, "live_plot")
    if not isinstance(verbose, (bool, int, np.integer)) or verbose < 0:
        raise InvalidArgumentError(f"verbose must be True, False or a number of epochs, got "
                                   f"{verbose!r}")


def _as_callbacks(callbacks):
    """Callback objects, functions wrapped as callbacks; None means none."""
    if callbacks is None:
        return []
    if isinstance(callbacks, (Callback, str)) or not hasattr(callbacks, "__iter__"):
        raise InvalidArgumentError(f"callbacks must be a list of Callbacks or functions, got "
                                   f"{describe(callbacks)}")
    out = []
    for cb in callbacks:
        if hasattr(cb, "on_epoch_end"):
            out.append(cb)
        elif callable(cb):
            out.append(_FunctionCallback(cb))
        else:
            raise InvalidArgumentError(f"callbacks: {describe(cb)} is neither a Callback nor a "
                                       f"function f(epoch, model, history)")
    return out


def _split(X, y, fraction, rng):
    check_number(fraction, "validation_fraction", low=0.0, high=1.0, low_open=True,
                 high_open=True)
    n_val = int(round(fraction * len(X)))
    if n_val < 1 or n_val >= len(X):
        raise ValueError(f"validation_fraction={fraction} of {len(X)} samples leaves an empty "
                         "training or validation set")
    perm = rng.permutation(len(X))
    val, tr = perm[:n_val], perm[n_val:]
    return X[tr], y[tr], X[val], y[val]


def _make_optimizer(optimizer, model, lr):
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError("lr was given to fit() but the optimizer already has one; "
                             "set it on the optimizer instead")
        return optimizer
    if optimizer == "adam":
        return Adam(model.parameters(), lr=1e-3 if lr is None else lr)
    if optimizer == "sgd":
        return SGD(model.parameters(), lr=0.01 if lr is None else lr)
    raise ValueError(f"optimizer must be 'adam', 'sgd' or an Optimizer, got {optimizer!r}")


def _output_dim(model, X):
    with no_grad():
        out = model(Tensor(X[:1]))
    return out.shape


def resolve_loss(loss, model, X, y):
    """(name, function, prepared y): check y once, for a clear message before training."""
    if callable(loss):
        return "custom", loss, y
    if loss == "auto":
        out_shape = _output_dim(model, X)
        width = out_shape[1] if len(out_shape) == 2 else 1
        binary = y.size > 0 and np.isin(y, (0, 1)).all()
        if width > 1 and y.ndim == 1:
            loss = "cross_entropy"
        elif width == 1 and binary:
            loss = "bce"
        else:
            loss = "mse"
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"loss must be 'auto', one of {sorted(LOSSES)}, or a callable, "
                         f"got {loss!r}")
    name = "bce" if loss == "bce_with_logits" else loss
    return name, LOSSES[name], _prepare_targets(name, model, X, y, "y")


def _prepare_targets(name, model, X, y, yname):
    out_shape = _output_dim(model, X)
    probe = Tensor(np.zeros((len(y),) + tuple(out_shape[1:])))
    if name == "custom":
        return y
    if name == "cross_entropy":
        return losses.check_labels(probe, y)
    if y.ndim == 1 and len(out_shape) == 2 and out_shape[1] == 1:
        y = y.reshape(-1, 1)  # a 1-D y for a model with one output column
    y = losses.check_target(probe, y.astype(np.float64, copy=False),
                            "bce" if name == "bce" else name)
    if name == "bce":
        losses.check_binary_targets(y)
    return y


def _binary_correct(logits, y):
    return int(np.count_nonzero((logits > 0) == (y > 0.5)))


def _multiclass_correct(logits, y):
    return int(np.count_nonzero(logits.argmax(axis=1) == y))


_ACCURACY = {"bce": _binary_correct, "cross_entropy": _multiclass_correct}


def _evaluate(model, X, y, loss_fn, accuracy_fn):
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            out = model(Tensor(X))
            value = _loss_value(loss_fn(out, y))
    finally:
        model.train(was_training)
    acc = None if accuracy_fn is None else accuracy_fn(out.data, y) / len(X)
    return value, acc


class _FunctionCallback(Callback):
    def __init__(self, fn):
        self.fn = fn

    def on_epoch_end(self, epoch, model, history):
        return self.fn(epoch, model, history)


# ----------------------------------------------------------------------------
# Progress display: quiet in scripts and CI, one updating line in a notebook
# ----------------------------------------------------------------------------

def in_notebook():
    """True inside a Jupyter kernel, unless the environment variable CI is set."""
    if os.environ.get("CI"):
        return False
    ipython = sys.modules.get("IPython")  # a kernel has always imported it already
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:  # pragma: no cover
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _make_display(progress, verbose, live_plot, epochs):
    notebook = in_notebook() if progress == "auto" else bool(progress)
    if notebook and in_notebook():
        return _NotebookDisplay(epochs, live_plot)
    if verbose:
        return _PrintDisplay(epochs, int(verbose))
    return _NoDisplay()


class _NoDisplay:
    def update(self, history, final=False):
        pass

    def close(self, history):
        pass


def _summary(history):
    parts = []
    for key, label in (("loss", "loss"), ("val_loss", "val_loss"), ("accuracy", "acc"),
                       ("val_accuracy", "val_acc")):
        if history[key]:
            parts.append(f"{label} {history[key][-1]:.4f}")
    return "  ".join(parts)


class _PrintDisplay:
    def __init__(self, epochs, every):
        self.epochs, self.every = epochs, max(1, every)
        self.width = len(str(epochs))

    def update(self, history, final=False):
        epoch = history["epoch"][-1]
        if epoch % self.every == 0 or final:
            print(f"epoch {epoch:{self.width}d}/{self.epochs}  {_summary(history)}", flush=True)

    def close(self, history):
        pass


class _NotebookDisplay:
    """One HTML line (and optionally a PNG plot) updated in place via display handles."""

    MIN_INTERVAL = 0.2  # seconds between text updates
    PLOT_INTERVAL = 1.0  # seconds between plot redraws (rendering costs ~50 ms)

    def __init__(self, epochs, live_plot):
        from IPython.display import HTML, display

        self.HTML, self.epochs = HTML, epochs
        self.start = self.last = self.last_plot = time.perf_counter()
        self.handle = display(HTML(self._line(None)), display_id=True)
        self.plot_handle, self.finished = None, False
        if live_plot:
            from IPython.display import Image

            self.Image = Image
            self.plot_handle = display(Image(data=self._png(None)), display_id=True)

    def _line(self, history):
        done = len(history["epoch"]) if history else 0
        elapsed = time.perf_counter() - self.start
        text = _summary(history) if history else "starting"
        return (f"<code>epoch {done}/{self.epochs} <progress value='{done}' "
                f"max='{self.epochs}' style='width:12em'></progress> {text} "
                f"({elapsed:.1f} s)</code>")

    def _png(self, history):
        import io

        from matplotlib.figure import Figure

        fig = Figure(figsize=(5, 3), dpi=80, layout="constrained")
        ax = fig.add_subplot()
        if history and history["epoch"]:
            ax.plot(history["epoch"], history["loss"], label="training")
            if history["val_loss"]:
                ax.plot(history["epoch"], history["val_loss"], label="validation")
            if history["best_epoch"]:
                ax.axvline(history["best_epoch"], color="gray", linestyle=":",
                           label=f"best epoch ({history['best_epoch']})")
            ax.legend()
        ax.set_xlim(0, self.epochs)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def update(self, history, final=False):
        now = time.perf_counter()
        self.finished = final
        if final or now - self.last >= self.MIN_INTERVAL:
            self.handle.update(self.HTML(self._line(history)))
            self.last = now
        if self.plot_handle is not None and (final or now - self.last_plot >= self.PLOT_INTERVAL):
            self.plot_handle.update(self.Image(data=self._png(history)))
            self.last_plot = time.perf_counter()

    def close(self, history):
        if not self.finished:  # e.g. after an exception: show where training ended
            self.update(history, final=True)
