"""Toolkit benchmark: trisep_nn's MLPClassifier against scikit-learn's, and the
cost of the fit() loop over bare training steps.

    python benchmarks/bench_toolkit.py            # 5 seeds, about a minute
    python benchmarks/bench_toolkit.py --seeds 2  # quicker
    python benchmarks/bench_toolkit.py --threads 0  # leave BLAS threads alone

1. Accuracy and fit time, several seeds (mean ± standard deviation):
   - digits: load_digits, 30 % test split, StandardScaler, one hidden layer of 128;
   - moons: make_moons(600, noise=0.25), 30 % test split, StandardScaler, two
     hidden layers of 32;
   both estimators with max_iter=200 and otherwise default parameters. The two
   fits of a seed run back to back, in alternating order.
2. Overhead of trisep_nn.train.fit over a hand-written loop doing the same steps
   (same model, optimizer, batches and fused loss, nothing else): best of several
   repeats. fit() also reads each batch loss back (to catch NaN), accumulates the
   epoch loss and accuracy, and keeps the history.

BLAS is limited to one thread by default: the matrices here are small, and on a
shared 2-core machine two BLAS threads spin against each other and make every
timing (ours and scikit-learn's) noisy and several times slower.
"""

import argparse
import platform
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from trisep_nn import losses
from trisep_nn.estimators import MLPClassifier
from trisep_nn.nn import MLP
from trisep_nn.optim import Adam
from trisep_nn.tensor import Tensor
from trisep_nn.train import fit


def datasets(seed):
    X, y = load_digits(return_X_y=True)
    yield "digits", (128,), X, y
    X, y = make_moons(600, noise=0.25, random_state=seed)
    yield "moons", (32, 32), X, y


def compare(seeds):
    rows = {}
    for seed in range(seeds):
        for name, hidden, X, y in datasets(seed):
            X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=seed)
            scaler = StandardScaler().fit(X_tr)
            X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
            order = [("trisep_nn", MLPClassifier), ("sklearn", SkMLPClassifier)]
            if seed % 2:
                order.reverse()
            for label, cls in order:
                clf = cls(hidden_layer_sizes=hidden, max_iter=200, random_state=seed)
                t0, c0 = time.perf_counter(), time.process_time()
                clf.fit(X_tr, y_tr)
                seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
                rows.setdefault((name, label), []).append(
                    (clf.score(X_te, y_te), seconds, cpu, clf.n_iter_, cpu / clf.n_iter_))
    print(f"\n1. MLPClassifier vs scikit-learn ({seeds} seeds, mean ± std)")
    print(f"{'dataset':8} {'estimator':10} {'test accuracy':>16} {'fit wall time (s)':>18} "
          f"{'fit CPU time (s)':>17} {'epochs':>7} {'CPU ms/epoch':>12}")
    for (name, label), values in rows.items():
        v = np.array(values)
        m, s = v.mean(axis=0), v.std(axis=0)
        print(f"{name:8} {label:10} {m[0]:>9.4f} ± {s[0]:.4f} {m[1]:>10.3f} ± {s[1]:.3f} "
              f"{m[2]:>9.3f} ± {s[2]:.3f} {m[3]:>7.1f} {1000 * m[4]:>12.2f}")
    for name in ("digits", "moons"):
        ours = np.array(rows[(name, "trisep_nn")])
        theirs = np.array(rows[(name, "sklearn")])
        print(f"{name}: accuracy difference (ours - sklearn) per seed "
              f"{np.round(ours[:, 0] - theirs[:, 0], 4).tolist()}; time ratio ours / sklearn: "
              f"wall {ours[:, 1].mean() / theirs[:, 1].mean():.2f}, "
              f"CPU {ours[:, 2].mean() / theirs[:, 2].mean():.2f}")


def bare_loop(model, X, y, loss_fn, epochs, batch_size, seed):
    """The training steps and nothing else (the public loss, no loss value read back,
    no metrics): what fit() must not slow down."""
    opt = Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(seed)
    order = np.arange(len(X))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # as fit() does
        _epochs(model, X, y, loss_fn, epochs, batch_size, opt, rng, order)


def _epochs(model, X, y, loss_fn, epochs, batch_size, opt, rng, order):
    for _ in range(epochs):
        order = order[rng.permutation(len(X))]
        Xs, ys = X.take(order, axis=0), y.take(order, axis=0)
        for start in range(0, len(X), batch_size):
            loss = loss_fn(model(Tensor(Xs[start:start + batch_size])),
                           ys[start:start + batch_size])
            opt.zero_grad()
            loss.backward()
            opt.step()


def interleaved_best(functions, repeats):
    """Best (minimum) time of each function, running them in turn `repeats` times,
    so that a change in the machine's load affects all of them alike."""
    best = [np.inf] * len(functions)
    for r in range(repeats):
        for i in (range(len(functions)) if r % 2 == 0 else reversed(range(len(functions)))):
            t0 = time.process_time()  # CPU time: less disturbed by other processes
            functions[i]()
            best[i] = min(best[i], time.process_time() - t0)
    return best


def overhead(repeats):
    print(f"\n2. fit() loop overhead over bare steps (CPU time, best of {repeats}, "
          "interleaved)")
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Xm, ym = make_moons(1000, noise=0.25, random_state=0)
    cases = [
        ("digits, 64-128-10, batch 200", X, y, [64, 128, 10], "cross_entropy",
         losses.cross_entropy, y, 200, 20),
        ("moons, 2-32-32-1, batch 32", Xm, ym, [2, 32, 32, 1], "bce", losses.bce_with_logits,
         ym.reshape(-1, 1).astype(float), 32, 20),
    ]
    for label, X, y, sizes, loss_name, loss_fn, y_bare, batch, epochs in cases:
        def run_bare(X=X, sizes=sizes, y_bare=y_bare, loss_fn=loss_fn, epochs=epochs,
                     batch=batch):
            bare_loop(MLP(sizes, random_state=0), X, y_bare, loss_fn, epochs, batch, 0)

        def run_fit(X=X, y=y, sizes=sizes, loss_name=loss_name, epochs=epochs, batch=batch,
                    **extra):
            fit(MLP(sizes, random_state=0), X, y, loss=loss_name, epochs=epochs,
                batch_size=batch, random_state=0, **extra)

        t_bare, t_fit, t_val = interleaved_best(
            [run_bare, run_fit, lambda run_fit=run_fit: run_fit(validation_fraction=0.1)],
            repeats)
        print(f"{label:30} bare {t_bare:.3f} s   fit {t_fit:.3f} s "
              f"({100 * (t_fit / t_bare - 1):+.1f} %)   fit holding out 10 % for "
              f"validation {t_val:.3f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads (0: do not limit)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, "
          f"BLAS threads: {args.threads or 'default'}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.threads:
        with threadpool_limits(args.threads):
            compare(args.seeds)
            overhead(args.repeats)
    else:
        compare(args.seeds)
        overhead(args.repeats)


if __name__ == "__main__":
    main()
