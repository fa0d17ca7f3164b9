"""Decision boundaries of neural networks (notebook 09): reproducible training runs.

A :class:`TrainingRun` is one experiment of the lecture's "Neural Network
Decision Boundaries" slide, written down as a plain dict (its *config*): which
dataset, how noisy, how much of it to train on, the hidden layers, the
activation, the optimiser's learning rate, the L2 strength α and the batch
size, and one seed for everything random. The same config always gives the
same data, the same initial weights, the same mini-batches and therefore the
same trained network, so a config is a complete, shareable record of a run::

    >>> run = TrainingRun(dataset="xor", hidden=[4], epochs=0)
    >>> run.train(50).epoch
    50
    >>> again = TrainingRun.from_config(run.config)       # trains 50 epochs too
    >>> bool(np.array_equal(again.predict_logits(run.X_test), run.predict_logits(run.X_test)))
    True

The Playground (``trisep_nn.widgets.playground``) is a TrainingRun with
controls; notebook 09's width, depth and L2 explorers look up runs in
:func:`fitted_run`'s cache, so moving a slider back and forth does not refit.

Training minimises the lecture's ``L(w) = data loss + α Ω(w)`` with
``Ω(w) = Σ w²`` over the weights (not the biases), one Adam step per
mini-batch, the training set reshuffled every epoch.
"""

import functools
import json
import math

import numpy as np
from scipy.special import expit, softmax  # σ(z) = 1 / (1 + e^-z), never overflows

from trisep_nn import data, losses
from trisep_nn.nn import MLP
from trisep_nn.optim import SGD, Adam
from trisep_nn.tensor import Tensor, no_grad

__all__ = [
    "DATASETS", "DEFAULT_NOISE", "ACTIVATIONS", "DEFAULT_CONFIG", "FOUR_CLASS", "TrainingRun",
    "check_config", "make_dataset", "fitted_run", "count_parameters", "weight_norm",
    "linear_regions",
]

#: Datasets of the Playground: name -> (generator, description).
DATASETS = {
    "moons": "two interleaving half moons",
    "circles": "a small circle inside a large one",
    "xor": "XOR: the class is the sign of x₁ x₂",
    "spirals": "four interleaved spiral arms (the lecture's 4-class problem)",
    "physics": "signal vs background in (m, Δη) of the particle-physics toy",
}
# ``noise`` is each generator's own parameter: the standard deviation of Gaussian
# noise added to the points (moons, circles, xor, spirals); for "physics", an
# extra smearing in units of each feature's spread (a worse detector resolution).
#: Each generator's own noise parameter at its usual value (the datasets have
#: different scales: noise 0.2 blurs the moons a little but the spirals entirely).
DEFAULT_NOISE = {"moons": 0.2, "circles": 0.1, "xor": 0.1, "spirals": 0.05, "physics": 0.0}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity")
OPTIMIZERS = ("adam", "sgd")
MAX_HIDDEN_LAYERS = 4

#: Every key of a config, with its default. ``epochs`` is how many epochs the run
#: has trained (``from_config`` trains that many).
DEFAULT_CONFIG = {
    "dataset": "moons",
    "n_samples": 300,
    "noise": 0.2,
    "train_fraction": 0.5,
    "hidden": [8, 8],
    "activation": "relu",
    "optimizer": "adam",
    "lr": 0.03,
    "l2": 0.0,
    "batch_size": 16,
    "seed": 0,
    "epochs": 0,
}


#: The lecture's slide: the 4-class problem, a 2-hidden-layer ReLU network, L2.
#: Full-batch Adam for 300 epochs: about a quarter of a second per fit.
FOUR_CLASS = {
    "dataset": "spirals", "n_samples": 600, "noise": 0.08, "train_fraction": 0.5,
    "hidden": [32, 32], "activation": "relu", "optimizer": "adam", "lr": 0.02,
    "l2": 1e-3, "batch_size": 300, "seed": 0, "epochs": 300,
}


def check_config(config):
    """A complete, validated copy of ``config`` (missing keys take their defaults)."""
    unknown = set(config) - set(DEFAULT_CONFIG)
    if unknown:
        raise ValueError(f"unknown config key(s) {sorted(unknown)}; the keys are "
                         f"{sorted(DEFAULT_CONFIG)}")
    cfg = {**DEFAULT_CONFIG, **config}
    if cfg["dataset"] not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {cfg['dataset']!r}")
    if cfg["activation"] not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {cfg['activation']!r}")
    if cfg["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {cfg['optimizer']!r}")
    hidden = cfg["hidden"]
    if isinstance(hidden, (int, np.integer)):
        hidden = [hidden]
    hidden = [int(h) for h in hidden]
    if len(hidden) > MAX_HIDDEN_LAYERS or any(h < 1 for h in hidden):
        raise ValueError(f"hidden must list 0 to {MAX_HIDDEN_LAYERS} layer widths >= 1, "
                         f"got {cfg['hidden']!r}")
    cfg["hidden"] = hidden
    for key, low in (("n_samples", 8), ("batch_size", 1), ("epochs", 0), ("seed", 0)):
        value = cfg[key]
        if isinstance(value, bool) or int(value) != value or value < low:
            raise ValueError(f"{key} must be an integer >= {low}, got {value!r}")
        cfg[key] = int(value)
    for key in ("noise", "lr", "l2", "train_fraction"):
        value = float(cfg[key])
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{key} must be a finite number >= 0, got {cfg[key]!r}")
        cfg[key] = value
    if cfg["lr"] <= 0:
        raise ValueError(f"lr must be > 0, got {cfg['lr']!r}")
    if not 0.05 <= cfg["train_fraction"] <= 0.95:
        raise ValueError(f"train_fraction must be in [0.05, 0.95], got {cfg['train_fraction']}")
    return cfg


def make_dataset(name, n_samples=300, noise=0.2, random_state=0):
    """``(X, y, feature_names, class_names)`` of a Playground dataset.

    "physics" takes the mass ``m`` and ``Δη`` of :func:`trisep_nn.data.physics_toy`
    (two of its three features, so it can be drawn in the plane); its ``noise``
    adds a Gaussian smearing of ``noise`` times each feature's spread, like a
    worse detector resolution.
    """
    if name == "moons":
        X, y = data.moons(n_samples, noise=noise, random_state=random_state)
    elif name == "circles":
        X, y = data.circles(n_samples, noise=noise, random_state=random_state)
    elif name == "xor":
        X, y = data.xor(n_samples, noise=noise, random_state=random_state)
    elif name == "spirals":
        X, y = data.spirals(n_samples, n_classes=4, noise=noise, random_state=random_state)
        return X, y, ("x₁", "x₂"), ("arm 0", "arm 1", "arm 2", "arm 3")
    elif name == "physics":
        X, y = data.physics_toy(n_samples, random_state=random_state)
        X = X[:, [0, 2]]
        smear = np.random.default_rng([random_state, 7]).standard_normal(X.shape)
        X = X + noise * X.std(axis=0) * smear
        return X, y, ("m [GeV]", "Δη"), ("background", "signal")
    else:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {name!r}")
    return X, y, ("x₁", "x₂"), ("class 0", "class 1")


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
    model : trisep_nn.nn.MLP  (sees standardised inputs; use :meth:`predict_logits`)
    history : dict of per-epoch lists: epoch, loss, test_loss, accuracy, test_accuracy
        (data losses on the whole training / test set after each epoch)
    epoch : int, epochs trained so far
    """

    def __init__(self, config=None, **overrides):
        cfg = check_config({**(config or {}), **overrides})
        self._cfg = cfg
        seed = cfg["seed"]
        X, y, self.feature_names, self.class_names = make_dataset(
            cfg["dataset"], cfg["n_samples"], cfg["noise"], seed)
        self.n_classes = len(self.class_names)
        order = np.random.default_rng([seed, 1]).permutation(len(y))
        n_train = min(max(int(round(cfg["train_fraction"] * len(y))), 2), len(y) - 2)
        train, test = order[:n_train], order[n_train:]
        self.X_train, self.y_train = X[train], y[train]
        self.X_test, self.y_test = X[test], y[test]
        # the network sees standardised inputs (the physics features are in GeV)
        self.mean, self.scale = self.X_train.mean(axis=0), self.X_train.std(axis=0) + 1e-12
        n_out = 1 if self.n_classes == 2 else self.n_classes
        self.model = MLP([2, *cfg["hidden"], n_out], activation=cfg["activation"],
                         random_state=seed)
        params = self.model.parameters()
        self.optimizer = (Adam(params, lr=cfg["lr"]) if cfg["optimizer"] == "adam"
                          else SGD(params, lr=cfg["lr"]))
        self._rng = np.random.default_rng([seed, 2])  # the mini-batch shuffling
        self._Z_train, self._Z_test = self._standardise(self.X_train), self._standardise(
            self.X_test)
        self._t_train, self._t_test = self._targets(self.y_train), self._targets(self.y_test)
        self.epoch = 0
        self.diverged = False
        self.history = {k: [] for k in ("epoch", "loss", "test_loss", "accuracy",
                                        "test_accuracy")}

    # -- the record ---------------------------------------------------------
    @property
    def config(self):
        """The dict that reproduces this run: ``TrainingRun.from_config(run.config)``."""
        cfg = {**self._cfg, "epochs": self.epoch}
        cfg["hidden"] = list(cfg["hidden"])
        return cfg

    @classmethod
    def from_config(cls, config):
        """Build the run described by ``config`` and train its ``epochs``."""
        if isinstance(config, str):
            config = json.loads(config)
        config = dict(config)
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
        cfg, model, opt = self._cfg, self.model, self.optimizer
        n = len(self._Z_train)
        order = self._rng.permutation(n)
        Z, t = self._Z_train[order], self._t_train[order]
        batch = min(cfg["batch_size"], n)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, n, batch):
                out = model(Tensor(Z[start:start + batch]))
                L = self._data_loss(out, t[start:start + batch])
                if cfg["l2"] > 0:
                    L = L + cfg["l2"] * losses.l2_penalty(model)
                opt.zero_grad()
                L.backward()
                opt.step()
            self.epoch += 1
            loss, acc = self._evaluate(self._Z_train, self._t_train)
            test_loss, test_acc = self._evaluate(self._Z_test, self._t_test)
        h = self.history
        h["epoch"].append(self.epoch)
        h["loss"].append(loss)
        h["test_loss"].append(test_loss)
        h["accuracy"].append(acc)
        h["test_accuracy"].append(test_acc)
        if not (math.isfinite(loss) and all(np.isfinite(p.data).all()
                                            for p in model.parameters())):
            self.diverged = True

    def _data_loss(self, out, t):
        if self.n_classes == 2:
            return losses.bce_with_logits(out, t)
        return losses.cross_entropy(out, t)

    def _targets(self, y):
        return y.reshape(-1, 1).astype(np.float64) if self.n_classes == 2 else y

    def _evaluate(self, Z, t):
        with no_grad():
            out = self.model(Tensor(Z))
            loss = float(self._data_loss(out, t).item())
        if self.n_classes == 2:
            correct = (out.data > 0) == (t > 0.5)
        else:
            correct = out.data.argmax(axis=1) == t
        return loss, float(np.mean(correct))

    # -- predictions --------------------------------------------------------
    def _standardise(self, X):
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.scale

    def predict_logits(self, X):
        """The network's outputs on points X in the original units: shape (n, 1)
        (binary: the logit of class 1) or (n, K)."""
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            return self.model(Tensor(self._standardise(X))).data

    def predict_proba(self, X):
        """Class probabilities: shape (n,) for binary problems (p of class 1), (n, K) else."""
        z = self.predict_logits(X)
        if self.n_classes == 2:
            return expit(z[:, 0])
        return softmax(z, axis=1)

    def hidden_outputs(self, X, layer=1):
        """Outputs of the units of hidden layer ``layer`` (1 = first) on points X:
        shape (n, width). These are the learned basis functions φ(x; U)."""
        n_hidden = len(self._cfg["hidden"])
        if not 1 <= layer <= n_hidden:
            raise ValueError(f"this network has {n_hidden} hidden layer(s); got layer={layer}")
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            h = Tensor(self._standardise(X))
            for module in self.model.layers[: 2 * layer]:  # Linear, activation, ...
                h = module(h)
            return h.data

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
        """Latest ``{"loss", "test_loss", "accuracy", "test_accuracy"}`` (NaN before training)."""
        h = self.history
        if not h["epoch"]:
            loss, acc = self._evaluate(self._Z_train, self._t_train)
            test_loss, test_acc = self._evaluate(self._Z_test, self._t_test)
            return {"loss": loss, "test_loss": test_loss, "accuracy": acc,
                    "test_accuracy": test_acc}
        return {k: h[k][-1] for k in ("loss", "test_loss", "accuracy", "test_accuracy")}

    def __repr__(self):
        return f"TrainingRun({self.config!r})"


def count_parameters(sizes):
    """Weights and biases of an MLP with layer sizes ``[n_in, h_1, ..., n_out]``."""
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def weight_norm(model):
    """``Ω(w) = Σ w²`` over the weights (not the biases) of a model, as a float."""
    return float(losses.l2_penalty(model).item())


@functools.lru_cache(maxsize=256)
def _cached(items):
    config = dict(items)
    config["hidden"] = list(config["hidden"])
    return TrainingRun.from_config(config)


def fitted_run(**config):
    """A trained :class:`TrainingRun`, computed once per config and then cached.

    The explorers of notebook 09 call this for every slider position, so moving a
    slider back to a value already seen costs nothing. Treat the result as
    read-only (train a copy with ``TrainingRun.from_config(run.config)``).
    """
    cfg = check_config(config)
    cfg["hidden"] = tuple(cfg["hidden"])
    return _cached(tuple(sorted(cfg.items())))


def linear_regions(run, X):
    """Number of distinct ReLU on/off patterns of all hidden units over the points X.

    A ReLU network is linear wherever no unit switches on or off, so each
    pattern is one linear piece of the network (and of its decision boundary).
    Counted on a fine grid, this is (a lower bound on) the number of linear
    regions in that window.
    """
    if run.config["activation"] != "relu":
        raise ValueError("linear regions are defined here for ReLU networks only")
    with no_grad():
        h = Tensor(run._standardise(X))
        patterns = []
        for module in run.model.layers[:-1]:
            h = module(h)
            if type(module).__name__ == "ReLU":
                patterns.append(h.data > 0)
    if not patterns:
        return 1  # no hidden layer: the network is one linear function
    bits = np.packbits(np.concatenate(patterns, axis=1), axis=1)
    return len(np.unique(bits, axis=0))
