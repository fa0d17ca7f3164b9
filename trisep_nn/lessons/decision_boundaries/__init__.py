"""Decision boundaries of neural networks (notebook 09): reproducible training runs.

A :class:`TrainingRun` is one experiment of the lecture's "Neural Network
Decision Boundaries" slide, written down as a plain dict (its *config*): which
dataset, how noisy, how much of it to train on and the data's seed; the input
features; the hidden layers and their activation; the optimiser, its learning
rate, the L1 and L2 strengths and the batch size; and the seed of the weights and
mini-batches. The same config always gives the same data, the same initial
weights, the same mini-batches and therefore the same trained network, so a config
is a complete, shareable record of a run (also as one line of text, its *share
string*)::

    >>> run = TrainingRun(dataset="xor", hidden=[4], epochs=0)
    >>> run.train(50).epoch
    50
    >>> again = TrainingRun.from_config(run.share)        # trains 50 epochs too
    >>> bool(np.array_equal(again.predict_logits(run.X_test), run.predict_logits(run.X_test)))
    True

The Playground (``trisep_nn.widgets.playground``) is a TrainingRun with
controls; notebook 09's width, depth and L2 explorers take their runs from
:func:`fitted_run`, which keeps the runs the explorers can reach ready-trained
in ``fitted_runs.npz`` (rebuilt by ``python -m trisep_nn.lessons.decision_boundaries``).

Training minimises the lecture's ``L(w) = data loss + α Ω(w) + λ Σ|w|`` with
``Ω(w) = Σ w²`` over the weights (not the biases); the data loss is the
cross-entropy (classification) or the mean squared error (regression); one Adam
(or SGD) step per mini-batch, the training set reshuffled every epoch.
"""

import functools
import hashlib
import json
import math
from pathlib import Path

import numpy as np
from scipy.special import expit, softmax  # σ(z) = 1 / (1 + e^-z), never overflows

from trisep_nn import Tensor, losses, no_grad
from trisep_nn.nn import MLP
from trisep_nn.optim import SGD, Adam

from .datasets import (
    DATASETS,
    DEFAULT_NOISE,
    FEATURES,
    REGRESSION,
    feature_map,
    make_dataset,
    physics_posterior,
)

__all__ = [
    "DATASETS", "REGRESSION", "DEFAULT_NOISE", "FEATURES", "ACTIVATIONS", "DEFAULT_CONFIG",
    "FOUR_CLASS", "TrainingRun", "check_config", "make_dataset", "to_share", "from_share",
    "fitted_run", "count_parameters", "weight_norm", "linear_regions",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity")
OPTIMIZERS = ("adam", "sgd")
MAX_HIDDEN_LAYERS = 4

#: Every key of a config, with its default. ``epochs`` is how many epochs the run
#: has trained (``from_config`` trains that many). ``data_seed`` draws the data and
#: the train/test split; ``seed`` the initial weights and the mini-batches.
DEFAULT_CONFIG = {
    "dataset": "moons",
    "n_samples": 300,
    "noise": 0.2,
    "train_fraction": 0.5,
    "data_seed": 0,
    "features": ["x1", "x2"],
    "hidden": [8, 8],
    "activation": "relu",
    "optimizer": "adam",
    "lr": 0.03,
    "l1": 0.0,
    "l2": 0.0,
    "batch_size": 16,
    "seed": 0,
    "epochs": 0,
}


#: The lecture's slide: the 4-class problem, a 2-hidden-layer ReLU network, L2.
#: Full-batch Adam for 300 epochs.
FOUR_CLASS = {
    "dataset": "spirals", "n_samples": 600, "noise": 0.08, "train_fraction": 0.5,
    "hidden": [32, 32], "activation": "relu", "optimizer": "adam", "lr": 0.02,
    "l2": 1e-3, "batch_size": 300, "seed": 0, "epochs": 300,
}


def check_config(config):
    """A complete, validated copy of ``config``: missing keys take their defaults
    (``noise``: the dataset's usual noise, :data:`DEFAULT_NOISE`)."""
    unknown = set(config) - set(DEFAULT_CONFIG)
    if unknown:
        raise ValueError(f"unknown config key(s) {sorted(unknown)}; the keys are "
                         f"{sorted(DEFAULT_CONFIG)}")
    cfg = {**DEFAULT_CONFIG, **config}
    if "noise" not in config and cfg["dataset"] in DEFAULT_NOISE:
        cfg["noise"] = DEFAULT_NOISE[cfg["dataset"]]  # each dataset's usual noise
    for key, allowed in (("dataset", DATASETS), ("activation", ACTIVATIONS),
                         ("optimizer", OPTIMIZERS)):
        if cfg[key] not in allowed:
            raise ValueError(f"{key} must be one of {sorted(allowed)}, got {cfg[key]!r}")
    hidden = cfg["hidden"]
    hidden = [int(h) for h in ([hidden] if isinstance(hidden, (int, np.integer)) else hidden)]
    if len(hidden) > MAX_HIDDEN_LAYERS or any(h < 1 for h in hidden):
        raise ValueError(f"hidden must list 0 to {MAX_HIDDEN_LAYERS} layer widths >= 1, "
                         f"got {cfg['hidden']!r}")
    cfg["hidden"] = hidden
    features = [cfg["features"]] if isinstance(cfg["features"], str) else list(cfg["features"])
    if not features or set(features) - set(FEATURES) or len(set(features)) < len(features):
        raise ValueError(f"features must list one or more of {list(FEATURES)}, each once, "
                         f"got {cfg['features']!r}")
    cfg["features"] = [name for name in FEATURES if name in features]  # one order
    for key, low in (("n_samples", 8), ("batch_size", 1), ("epochs", 0), ("seed", 0),
                     ("data_seed", 0)):
        value = cfg[key]
        if isinstance(value, bool) or int(value) != value or value < low:
            raise ValueError(f"{key} must be an integer >= {low}, got {value!r}")
        cfg[key] = int(value)
    for key in ("noise", "lr", "l1", "l2", "train_fraction"):
        value = float(cfg[key])
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{key} must be a finite number >= 0, got {cfg[key]!r}")
        cfg[key] = value
    if cfg["lr"] <= 0:
        raise ValueError(f"lr must be > 0, got {cfg['lr']!r}")
    if not 0.05 <= cfg["train_fraction"] <= 0.95:
        raise ValueError(f"train_fraction must be in [0.05, 0.95], got {cfg['train_fraction']}")
    return cfg


# --------------------------------------------------------------------------- #
# Share strings: a config as one line of text
# --------------------------------------------------------------------------- #
def to_share(config):
    """A config as one line, ``key=value&...`` (lists comma-separated, numbers exact).

    >>> to_share({"dataset": "xor", "hidden": [3], "epochs": 20})[:40]
    'dataset=xor&n_samples=300&noise=0.1&trai'
    """
    cfg = check_config(config)
    parts = []
    for key in DEFAULT_CONFIG:
        value = cfg[key]
        text = ",".join(str(v) for v in value) if isinstance(value, list) else repr(value)
        parts.append(f"{key}={text.strip(chr(39))}")
    return "&".join(parts)


def from_share(text):
    """The config written in a share string (see :func:`to_share`)."""
    config = {}
    for part in filter(None, text.strip().split("&")):
        key, sep, value = part.partition("=")
        if not sep or key not in DEFAULT_CONFIG:
            raise ValueError(f"not a Playground share string: {part!r} is not key=value with "
                             f"a key among {list(DEFAULT_CONFIG)}")
        default = DEFAULT_CONFIG[key]
        if isinstance(default, list):
            items = [v for v in value.split(",") if v]
            config[key] = [int(v) for v in items] if key == "hidden" else items
        else:
            config[key] = type(default)(value)
    return check_config(config)


def as_config(config):
    """A config given as a dict, a JSON string or a share string."""
    if isinstance(config, str):
        return json.loads(config) if config.lstrip().startswith("{") else from_share(config)
    return dict(config)


# --------------------------------------------------------------------------- #
# A training run
# --------------------------------------------------------------------------- #
class TrainingRun:
    """One reproducible training run of a small network on a 2-D dataset.

    Parameters
    ----------
    config : dict, optional
        Any keys of :data:`DEFAULT_CONFIG`; the others take their defaults.
    **overrides
        Config keys as keyword arguments (they win over ``config``).

    The run is built untrained (``epoch == 0``); :meth:`from_config` also trains
    the config's ``epochs``.

    Attributes
    ----------
    X_train, y_train, X_test, y_test : arrays (original units)
    task : "classification" or "regression"
    model : trisep_nn.nn.MLP  (sees the features of standardised inputs; use
        :meth:`predict` or :meth:`predict_logits` on points in original units)
    history : dict of per-epoch lists: epoch, loss, test_loss, accuracy, test_accuracy
        (data losses on the whole training / test set after each epoch; accuracy is
        NaN for regression), grad (per weight layer, the RMS of ∂L/∂W over the epoch)
    epoch : int, epochs trained so far
    """

    def __init__(self, config=None, **overrides):
        cfg = check_config({**(config or {}), **overrides})
        self._cfg = cfg
        dataset = make_dataset(cfg["dataset"], cfg["n_samples"], cfg["noise"], cfg["data_seed"])
        self.feature_names, self.class_names = dataset.feature_names, dataset.class_names
        self.smearing = dataset.smearing
        self.task = "regression" if cfg["dataset"] in REGRESSION else "classification"
        self.n_classes = len(self.class_names)
        X, y = dataset.X, dataset.y
        order = np.random.default_rng([cfg["data_seed"], 1]).permutation(len(y))
        n_train = min(max(int(round(cfg["train_fraction"] * len(y))), 2), len(y) - 2)
        train, test = order[:n_train], order[n_train:]
        self.X_train, self.y_train = X[train], y[train]
        self.X_test, self.y_test = X[test], y[test]
        # the network sees standardised inputs (the physics features are in GeV)
        self.mean, self.scale = self.X_train.mean(axis=0), self.X_train.std(axis=0) + 1e-12
        self._phi = feature_map(cfg["features"])
        n_out = self.n_classes if self.n_classes > 2 else 1
        self.model = MLP([len(cfg["features"]), *cfg["hidden"], n_out],
                         activation=cfg["activation"], random_state=cfg["seed"])
        self._weights = [layer.weight for layer in self.model.linears]
        params = self.model.parameters()
        self.optimizer = (Adam(params, lr=cfg["lr"]) if cfg["optimizer"] == "adam"
                          else SGD(params, lr=cfg["lr"]))
        self._rng = np.random.default_rng([cfg["seed"], 2])  # the mini-batch shuffling
        self._Z_train, self._Z_test = self.inputs(self.X_train), self.inputs(self.X_test)
        self._t_train, self._t_test = self._targets(self.y_train), self._targets(self.y_test)
        self.epoch = 0
        self.diverged = False
        self.history = {k: [] for k in ("epoch", "loss", "test_loss", "accuracy",
                                        "test_accuracy", "grad")}

    # -- the record ---------------------------------------------------------
    @property
    def config(self):
        """The dict that reproduces this run: ``TrainingRun.from_config(run.config)``."""
        cfg = {**self._cfg, "epochs": self.epoch}
        cfg["hidden"], cfg["features"] = list(cfg["hidden"]), list(cfg["features"])
        return cfg

    @property
    def share(self):
        """The config as one line of text: ``TrainingRun.from_config(run.share)``."""
        return to_share(self.config)

    @classmethod
    def from_config(cls, config):
        """Build the run described by ``config`` (a dict, its JSON, or a share string)
        and train its ``epochs``."""
        config = as_config(config)
        epochs = config.pop("epochs", 0)
        return cls(config).train(epochs)

    # -- training -----------------------------------------------------------
    def train(self, epochs=1):
        """Train ``epochs`` more epochs; returns the run. Stops early (and sets
        ``diverged``) if the loss becomes NaN or infinite."""
        for _ in range(int(epochs)):
            if self.diverged:
                break
            self._one_epoch()
        return self

    def _one_epoch(self):
        cfg, model = self._cfg, self.model
        n = len(self._Z_train)
        order = self._rng.permutation(n)
        Z, t = self._Z_train[order], self._t_train[order]
        batch = min(cfg["batch_size"], n)
        grad_sq, n_batches = np.zeros(len(self._weights)), 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, n, batch):
                L = self._data_loss(model(Tensor(Z[start:start + batch])),
                                    t[start:start + batch])
                if cfg["l2"] > 0:
                    L = L + cfg["l2"] * losses.l2_penalty(self._weights)
                self.optimizer.zero_grad()
                L.backward()
                grad_sq += [np.mean(w.grad ** 2) for w in self._weights]
                n_batches += 1
                self._step()
            self.epoch += 1
            loss, acc = self._evaluate(self._Z_train, self._t_train)
            test_loss, test_acc = self._evaluate(self._Z_test, self._t_test)
        for key, value in (("epoch", self.epoch), ("loss", loss), ("test_loss", test_loss),
                           ("accuracy", acc), ("test_accuracy", test_acc),
                           ("grad", np.sqrt(grad_sq / n_batches).tolist())):
            self.history[key].append(value)
        if not (math.isfinite(loss) and all(np.isfinite(p.data).all()
                                            for p in model.parameters())):
            self.diverged = True

    def _step(self):
        """One optimiser step, with the L1 term ``λ Σ|w|`` if there is one.

        L1's gradient ``λ sign(w)`` is a constant pull towards zero, but a step of
        fixed size would jump over zero and back forever. So, as TensorFlow
        Playground does, a weight that the step carries across zero stops at zero,
        and a weight at zero stays there while the data pull on it, |∂L/∂w|, is
        weaker than λ (where the lasso's optimum has it at zero). That is how L1
        gives exactly-zero weights, which L2 never does."""
        lam = self._cfg["l1"]
        if lam == 0:
            self.optimizer.step()
            return
        before, stuck = [], []
        for w in self._weights:
            g, at_zero = w.grad, w.data == 0
            stuck.append(at_zero & (np.abs(g) <= lam))
            # the smallest subgradient of λ|w|: λ sign(w), and at w = 0 whatever
            # part of -g it can cancel (so the step moves only if |g| > λ)
            w.grad = g + lam * np.where(at_zero, -np.sign(g), np.sign(w.data))
            before.append(w.data.copy())
        self.optimizer.step()
        for w, old, keep in zip(self._weights, before, stuck):
            w.data[keep | (old * w.data < 0)] = 0.0

    def _data_loss(self, out, t):
        if self.task == "regression":
            return losses.mse(out, t)
        if self.n_classes == 2:
            return losses.bce_with_logits(out, t)
        return losses.cross_entropy(out, t)

    def _targets(self, y):
        return y if self.n_classes > 2 else y.reshape(-1, 1).astype(np.float64)

    def _evaluate(self, Z, t):
        with no_grad():
            out = self.model(Tensor(Z))
            loss = float(self._data_loss(out, t).item())
        if self.task == "regression":
            return loss, math.nan
        if self.n_classes == 2:
            correct = (out.data > 0) == (t > 0.5)
        else:
            correct = out.data.argmax(axis=1) == t
        return loss, float(np.mean(correct))

    # -- predictions --------------------------------------------------------
    def inputs(self, X):
        """What the network's first layer sees at points X (original units): the
        config's features of the standardised points, shape (n, n_features)."""
        Z = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        return self._phi(Z)

    def predict_logits(self, X):
        """The network's outputs on points X in the original units: shape (n, 1)
        (binary: the logit of class 1; regression: the prediction) or (n, K)."""
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            return self.model(Tensor(self.inputs(X))).data

    def predict_proba(self, X):
        """Class probabilities: shape (n,) for binary problems (p of class 1), (n, K) else."""
        if self.task == "regression":
            raise ValueError("a regression run has no class probabilities; use predict")
        return self.from_logits(self.predict_logits(X))

    def predict(self, X):
        """What the output picture shows: class probabilities (as :meth:`predict_proba`),
        or for regression the predicted values, shape (n,)."""
        return self.from_logits(self.predict_logits(X))

    def from_logits(self, z):
        """:meth:`predict` from the network's raw outputs ``z`` (n, n_outputs)."""
        if self.task == "regression":
            return z[:, 0]
        if self.n_classes == 2:
            return expit(z[:, 0])
        return softmax(z, axis=1)

    def layer_outputs(self, X):
        """Every unit's value at points X, in one pass: ``[inputs, hidden layer 1, ...,
        hidden layer L, output]``, each of shape (n, units). The hidden layers'
        columns are the learned basis functions φ(x; U) of notebook 05."""
        outputs = []
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            h = Tensor(self.inputs(X))
            outputs.append(h.data)
            layers = self.model.layers
            for i, module in enumerate(layers):  # Linear, activation, ..., Linear
                h = module(h)
                if i % 2 == 1 or i == len(layers) - 1:
                    outputs.append(h.data)
        return outputs

    def hidden_outputs(self, X, layer=1):
        """Outputs of the units of hidden layer ``layer`` (1 = first) on points X:
        shape (n, width). These are the learned basis functions φ(x; U)."""
        n_hidden = len(self._cfg["hidden"])
        if not 1 <= layer <= n_hidden:
            raise ValueError(f"this network has {n_hidden} hidden layer(s); got layer={layer}")
        return self.layer_outputs(X)[layer]

    def grid(self, n=200, margin=0.1):
        """``n * n`` points covering the data (training and test) with a margin,
        shape (n², 2): the window the decision-boundary plots show."""
        X = np.concatenate([self.X_train, self.X_test])
        low, high = X.min(axis=0), X.max(axis=0)
        pad = margin * np.where(high > low, high - low, 1.0)
        axes = [np.linspace(low[k] - pad[k], high[k] + pad[k], n) for k in range(2)]
        xx, yy = np.meshgrid(*axes)
        return np.column_stack([xx.ravel(), yy.ravel()])

    def scores(self):
        """Latest ``{"loss", "test_loss", "accuracy", "test_accuracy"}`` (computed now if
        no epoch was recorded; accuracy is NaN for regression)."""
        h = self.history
        if not h["epoch"]:
            loss, acc = self._evaluate(self._Z_train, self._t_train)
            test_loss, test_acc = self._evaluate(self._Z_test, self._t_test)
            return {"loss": loss, "test_loss": test_loss, "accuracy": acc,
                    "test_accuracy": test_acc}
        return {k: h[k][-1] for k in ("loss", "test_loss", "accuracy", "test_accuracy")}

    # -- the physics toy's best possible classifier --------------------------
    def bayes_proba(self, X):
        """``P(signal | m, Δη)`` at points X, the Bayes-optimal classifier of the
        "physics" data (smeared as this run's data are)."""
        if self._cfg["dataset"] != "physics":
            raise ValueError("the Bayes-optimal classifier is known for the 'physics' data only")
        return physics_posterior(X, self.smearing)

    @functools.cached_property
    def bayes_test_loss(self):
        """The cross-entropy of the Bayes-optimal classifier on this run's test set:
        the floor under the test loss (a network can only dip below it by chance)."""
        p = np.clip(self.bayes_proba(self.X_test), 1e-12, 1 - 1e-12)
        y = self.y_test
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))

    def __repr__(self):
        return f"TrainingRun({self.config!r})"


def count_parameters(sizes):
    """Weights and biases of an MLP with layer sizes ``[n_in, h_1, ..., n_out]``."""
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def weight_norm(model):
    """``Ω(w) = Σ w²`` over the weights (not the biases) of a model, as a float."""
    return float(losses.l2_penalty(model).item())


def linear_regions(run, X):
    """Number of distinct ReLU on/off patterns of all hidden units over the points X.

    A ReLU network is linear wherever no unit switches on or off, so each
    pattern is one linear piece of the network (and of its decision boundary).
    Counted on a fine grid, this is (a lower bound on) the number of linear
    regions in that window.
    """
    if run.config["activation"] != "relu":
        raise ValueError("linear regions are defined here for ReLU networks only")
    hidden = run.layer_outputs(X)[1:-1]
    if not hidden:
        return 1  # no hidden layer: the network is one linear function
    bits = np.packbits(np.concatenate([h > 0 for h in hidden], axis=1), axis=1)
    rows = np.ascontiguousarray(bits).view(f"V{bits.shape[1]}").ravel()  # one item per row
    return len(np.unique(rows))


# --------------------------------------------------------------------------- #
# Runs trained once: the explorers' slider positions, kept ready-trained
# --------------------------------------------------------------------------- #
#: The slider positions of notebook 09's explorers, all on the slide's problem.
WIDTHS = (1, 2, 3, 4, 6, 8, 16, 32, 64)
DEPTHS = tuple(range(MAX_HIDDEN_LAYERS + 1))
L2_STRENGTHS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
STORE = Path(__file__).with_name("fitted_runs.npz")


def explorer_configs():
    """Every config notebook 09's explorers (and its cells) can show, at their defaults."""
    changes = ([{"hidden": [w, w]} for w in WIDTHS]
               + [{"hidden": [8] * d} for d in DEPTHS]
               + [{"l2": a} for a in L2_STRENGTHS])
    configs = {}
    for change in changes:
        cfg = check_config({**FOUR_CLASS, **change})
        configs[_store_key(cfg)] = cfg
    return list(configs.values())


def _store_key(cfg):
    return hashlib.sha1(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:20]


@functools.cache
def _stored_parameters():
    if not STORE.exists():
        return {}
    with np.load(STORE) as stored:
        return {key: stored[key] for key in stored.files}


def _restore(cfg):
    """The stored run with config ``cfg`` (trained weights, no history), or None."""
    vector = _stored_parameters().get(_store_key(cfg))
    if vector is None:
        return None
    run = TrainingRun({k: v for k, v in cfg.items() if k != "epochs"})
    params = run.model.parameters()
    if vector.size != sum(p.data.size for p in params):
        return None  # stored for another architecture: train instead
    start = 0
    for p in params:
        p.data[...] = vector[start:start + p.data.size].reshape(p.data.shape)
        start += p.data.size
    run.epoch = cfg["epochs"]
    return run


@functools.lru_cache(maxsize=256)
def _cached(items):
    cfg = {k: list(v) if isinstance(v, tuple) else v for k, v in items}
    return _restore(cfg) or TrainingRun.from_config(cfg)


def fitted_run(**config):
    """A trained :class:`TrainingRun`, computed once per config and then cached.

    The explorers of notebook 09 call this for every slider position. The runs
    they can reach were trained once and stored (``fitted_runs.npz``: the same
    weights :meth:`TrainingRun.from_config` gives, which the tests check), so even a
    first visit costs no training; any other config is trained on first use.
    Treat the result as read-only (train a copy with ``TrainingRun.from_config``).
    """
    cfg = check_config(config)
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in cfg.items()))
    return _cached(items)


def store_fitted_runs(configs=None, path=STORE):
    """Train every config (default: :func:`explorer_configs`) and store the weights."""
    configs = explorer_configs() if configs is None else [check_config(c) for c in configs]
    vectors = {}
    for cfg in configs:
        run = TrainingRun.from_config(cfg)
        vectors[_store_key(cfg)] = np.concatenate([p.data.ravel()
                                                   for p in run.model.parameters()])
    np.savez_compressed(path, **vectors)
    _stored_parameters.cache_clear()
    return path
