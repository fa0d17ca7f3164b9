"""Inductive bias: build a known symmetry into the model (notebook 13).

An event with ``N`` particles is a *set*: numbering the particles differently
does not change the physics. A quantity such as the scalar sum of transverse
momenta ``H_T = Σ_i |p_T,i|`` is invariant under every permutation of the
particles. A plain MLP fed the flattened list ``(px_1, py_1, ..., px_N, py_N)``
does not know that: it has to learn the same thing N times (once per input
slot) and learn that the order does not matter, from data. A **Deep Sets**
network (Zaheer et al. 2017) has the symmetry built in::

    h(x_1, ..., x_N) = ρ( Σ_i φ(x_i) )

with one small network ``φ`` applied to every particle (weight sharing) and a
sum, which does not care about the order. Every function of this form is
permutation invariant, whatever the weights.

    >>> X, y = particle_data(5, random_state=0)        # X: (5, 2 N), flattened
    >>> model = DeepSets(random_state=0)
    >>> perm = permute_particles(X, random_state=1)
    >>> bool(np.allclose(predict_array(model, X), predict_array(model, perm)))
    True
"""

import numpy as np

from trisep_nn.nn import MLP, Module
from trisep_nn.tensor import Tensor, no_grad

__all__ = [
    "N_PARTICLES", "particle_data", "scalar_sum_pt", "permute_particles", "DeepSets",
    "plain_mlp", "sum_pool", "predict_array", "sample_efficiency",
]

#: Particles per event in :func:`particle_data`.
N_PARTICLES = 6


def scalar_sum_pt(X, n_particles=N_PARTICLES):
    """``H_T = Σ_i sqrt(px_i² + py_i²)`` for flattened events ``X`` of shape (n, 2 N)."""
    P = np.asarray(X, dtype=float).reshape(len(X), n_particles, 2)
    return np.sqrt((P ** 2).sum(axis=2)).sum(axis=1)


def particle_data(n_events, n_particles=N_PARTICLES, random_state=None):
    """Events of ``n_particles`` particles in the transverse plane, and their H_T.

    Each particle has ``p_T`` drawn from a falling spectrum (Gamma(2), mean 2 in
    arbitrary units, as for jets above a threshold) and a uniform azimuth φ.
    Returns ``X`` of shape (n_events, 2 N), ``(px_1, py_1, px_2, py_2, ...)``, and
    ``y = H_T`` of shape (n_events,).
    """
    if int(n_events) != n_events or n_events < 1:
        raise ValueError(f"n_events must be a positive integer, got {n_events!r}")
    rng = np.random.default_rng(random_state)
    pt = rng.gamma(2.0, 1.0, size=(int(n_events), n_particles))
    phi = rng.uniform(0, 2 * np.pi, size=pt.shape)
    X = np.stack([pt * np.cos(phi), pt * np.sin(phi)], axis=2).reshape(int(n_events), -1)
    return X, scalar_sum_pt(X, n_particles)


def permute_particles(X, n_particles=N_PARTICLES, random_state=None):
    """The same events with the particles of each event in a random new order."""
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(random_state)
    P = X.reshape(len(X), n_particles, -1)
    order = np.argsort(rng.random((len(X), n_particles)), axis=1)
    return np.take_along_axis(P, order[:, :, None], axis=1).reshape(X.shape)


def sum_pool(features):
    """Sum per-particle features of shape (n_events, n_particles, k) over the particles."""
    return np.asarray(features).sum(axis=1)


class DeepSets(Module):
    """``h(x_1..x_N) = ρ(Σ_i φ(x_i))``: permutation invariant by construction.

    Takes flattened events of shape (n, N * n_features), like the plain MLP, and
    reshapes them to one row per particle inside.

    Parameters
    ----------
    n_particles, n_features : int
        Particles per event and numbers per particle (2: px, py).
    hidden : int
        Width of the hidden layers of φ and ρ.
    latent : int
        Size of the per-particle summary φ(x_i) that is summed.
    random_state : None or int
    """

    def __init__(self, n_particles=N_PARTICLES, n_features=2, hidden=16, latent=8,
                 random_state=None):
        rng = np.random.default_rng(random_state)
        self.n_particles, self.n_features = int(n_particles), int(n_features)
        self.phi = MLP([self.n_features, hidden, latent], random_state=rng)
        self.rho = MLP([latent, hidden, 1], random_state=rng)

    def forward(self, x):
        n = x.shape[0]
        per_particle = x.reshape(n * self.n_particles, self.n_features)
        summaries = self.phi(per_particle).relu()  # φ(x_i) >= 0, one row per particle
        pooled = summaries.reshape(n, self.n_particles, -1).sum(axis=1)  # Σ_i: order-blind
        return self.rho(pooled)

    def __repr__(self):
        return (f"DeepSets(φ={self.phi.sizes}, ρ={self.rho.sizes}, "
                f"n_particles={self.n_particles})")


def plain_mlp(n_particles=N_PARTICLES, n_features=2, hidden=32, random_state=None):
    """The symmetry-blind baseline: ``MLP([2N, hidden, hidden, 1])`` on the flattened list."""
    return MLP([n_particles * n_features, hidden, hidden, 1], random_state=random_state)


def predict_array(model, X):
    """The model's outputs on ``X`` as a 1-D array (no graph)."""
    with no_grad():
        return model(Tensor(np.asarray(X, dtype=float))).data.ravel()


def _count_parameters(model):
    return int(sum(p.data.size for p in model.parameters()))


def sample_efficiency(train_sizes, n_test=2000, epochs=300, lr=0.01, random_state=0):
    """Test error of Deep Sets and of a plain MLP against the training-set size.

    Both are trained with Adam (full batch, ``epochs`` steps) on the first ``n``
    events of one training pool, and evaluated on ``n_test`` fresh events.
    Inputs and targets are scaled by the training pool's standard deviation.

    Returns a dict with ``"train_sizes"``, and for ``"deep_sets"`` and ``"mlp"``
    arrays of the test mean squared error (in units of Var(H_T), so 1 means
    "no better than predicting the mean"), plus ``"n_params"``.
    """
    from trisep_nn.train import fit

    train_sizes = [int(n) for n in train_sizes]
    rng = np.random.default_rng(random_state)
    X_pool, y_pool = particle_data(max(train_sizes), random_state=rng)
    X_test, y_test = particle_data(n_test, random_state=rng)
    x_scale, y_mean, y_scale = X_pool.std(), y_pool.mean(), y_pool.std()
    builders = {"deep_sets": DeepSets, "mlp": plain_mlp}
    out = {"train_sizes": np.array(train_sizes)}
    for name, build in builders.items():
        errors = []
        for n in train_sizes:
            model = build(random_state=random_state)
            fit(model, X_pool[:n] / x_scale, (y_pool[:n] - y_mean) / y_scale, loss="mse",
                lr=lr, epochs=epochs, batch_size=n, random_state=random_state, progress=False)
            pred = predict_array(model, X_test / x_scale) * y_scale + y_mean
            errors.append(float(np.mean((pred - y_test) ** 2) / y_test.var()))
        out[name] = np.array(errors)
        out[f"{name}_params"] = _count_parameters(build(random_state=0))
    return out
