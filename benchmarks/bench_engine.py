"""How fast is the engine? One SGD step of an MLP, against hand-written NumPy.

    python benchmarks/bench_engine.py            # about a minute
    python benchmarks/bench_engine.py --quick    # a few seconds, rougher

One step = forward pass, loss, backward pass, parameter update, in float64,
ReLU hidden layers. The same step is written three ways:

- NumPy: backpropagation by hand, written as tightly as we know how (the
  forward ReLU overwrites its input, the backward ReLU masks in place, the
  softmax works in place); no graph, no Python objects per operation.
- engine: trisep_nn's Tensor, `linear`, `relu`, the fused losses, `backward()`.
- torch (only if it is installed): the same with torch on one thread.

All three start from the same weights; the script first checks that one
engine step and one NumPy step give the same loss and updated weights.

BLAS runs on ONE thread for everyone (OPENBLAS_NUM_THREADS etc. are set before
NumPy is imported, and torch.set_num_threads(1)), so the comparison measures
the work done, not how many cores happened to be free.

Timing: the implementations take turns (interleaved rounds), so a burst of
load from other programs hits all of them; each round times several steps, and
the table shows the median over rounds.

Memory: with glibc's default malloc, arrays above ~128 KB-1 MB are handed
back to the operating system when freed and fetched again (zeroed, page by
page) on the next step. For the mid-sized cases this page-fault cost is a
large share of a step, and it grows with how much memory a step holds at once,
which is more for the engine (its graph keeps every layer's pre-activation until
backward) than for hand-written code that overwrites them. `--malloc tuned`
tells glibc to keep freed memory (mallopt, for both sides alike), which shows
the cost of the computation itself; the default run shows what a user gets.

The second table: forward-mode `jvp` through an MLP versus a plain forward
pass with the engine (the issue's target: at most 3x).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # must happen before NumPy loads its BLAS

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from trisep_nn.autodiff import jvp  # noqa: E402
from trisep_nn.engine import (  # noqa: E402
    Tensor,
    bce_with_logits,
    linear,
    no_grad,
    softmax_cross_entropy,
)

CASES = [  # (batch, layer sizes); one output unit means BCE-with-logits, else softmax CE
    (100, [2, 16, 16, 1]),
    (1000, [2, 64, 64, 4]),
    (64, [784, 128, 128, 10]),
    (512, [64, 256, 256, 10]),
]
LR = 1e-3


def make_problem(batch, sizes, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, sizes[0]))
    if sizes[-1] == 1:
        y = (rng.random((batch, 1)) < 0.5).astype(np.float64)
    else:
        y = rng.integers(0, sizes[-1], size=batch)
    Ws = [rng.normal(0, np.sqrt(2 / a), size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(0, 0.1, size=b) for b in sizes[1:]]
    return X, y, Ws, bs


# --------------------------------------------------------------------------- #
# Hand-written NumPy backpropagation                                           #
# --------------------------------------------------------------------------- #
def numpy_step(Ws, bs, X, y, lr):
    n = len(X)
    hs = [X]  # the input of each layer, kept for dW = h^T dz
    h = X
    for W, b in zip(Ws[:-1], bs[:-1]):
        z = h @ W
        z += b
        h = np.maximum(z, 0, out=z)  # ReLU in place: z is not needed again
        hs.append(h)
    z = h @ Ws[-1]
    z += bs[-1]
    if z.shape[1] == 1:  # BCE with logits, stable form; dz = (sigmoid(z) - y) / n
        e = np.exp(-np.abs(z))
        loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(e))
        dz = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        dz -= y
        dz /= n
    else:  # softmax cross-entropy; dz = (softmax(z) - onehot(y)) / n
        rows = np.arange(n)
        z -= z.max(axis=1, keepdims=True)
        dz = np.exp(z)
        s = dz.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(s[:, 0]) - z[rows, y])
        dz /= s
        dz[rows, y] -= 1
        dz /= n
    for i in range(len(Ws) - 1, -1, -1):
        dW = hs[i].T @ dz
        db = dz.sum(axis=0)
        if i > 0:
            dz = dz @ Ws[i].T
            dz *= hs[i] > 0  # ReLU's derivative, from its output
        Ws[i] -= lr * dW
        bs[i] -= lr * db
    return loss


# --------------------------------------------------------------------------- #
# The engine                                                                   #
# --------------------------------------------------------------------------- #
def engine_mlp(params, x):
    *hidden, last = [params[i:i + 2] for i in range(0, len(params), 2)]
    h = x
    for W, b in hidden:
        h = linear(h, W, b).relu()
    return linear(h, *last)


def engine_step(params, X, y, lr):
    out = engine_mlp(params, X)
    loss = bce_with_logits(out, y) if out.shape[1] == 1 else softmax_cross_entropy(out, y)
    for p in params:
        p.zero_grad()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.item()


# --------------------------------------------------------------------------- #
# torch (optional)                                                             #
# --------------------------------------------------------------------------- #
def torch_setup(Ws, bs, X, y):
    import torch
    torch.set_num_threads(1)
    params = []
    for W, b in zip(Ws, bs):
        params += [torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)]
    Xt = torch.tensor(X)
    yt = torch.tensor(y)
    return params, Xt, yt


def torch_step(params, X, y, lr):
    import torch
    import torch.nn.functional as F
    h = X
    for i in range(0, len(params) - 2, 2):
        h = torch.relu(torch.addmm(params[i + 1], h, params[i]))
    out = torch.addmm(params[-1], h, params[-2])
    if out.shape[1] == 1:
        loss = F.binary_cross_entropy_with_logits(out, y)
    else:
        loss = F.cross_entropy(out, y)
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    return loss.item()


# --------------------------------------------------------------------------- #
# Timing                                                                       #
# --------------------------------------------------------------------------- #
def interleaved(functions, rounds, min_round_time=0.01):
    """Median seconds per call of each function; they take turns every round."""
    per_round = {}
    for name, f in functions.items():  # warm up, and pick calls per round
        f()
        start = time.perf_counter()
        f()
        once = max(time.perf_counter() - start, 1e-7)
        per_round[name] = max(1, int(min_round_time / once))
    times = {name: [] for name in functions}
    for _ in range(rounds):
        for name, f in functions.items():
            k = per_round[name]
            start = time.perf_counter()
            for _ in range(k):
                f()
            times[name].append((time.perf_counter() - start) / k)
    return {name: statistics.median(t) for name, t in times.items()}


def check_same_step(batch, sizes):
    """One engine step and one NumPy step from the same start agree."""
    X, y, Ws, bs = make_problem(batch, sizes)
    params = [Tensor(a.copy(), requires_grad=True) for pair in zip(Ws, bs) for a in pair]
    loss_np = numpy_step(Ws, bs, X, y, LR)
    loss_engine = engine_step(params, X, y, LR)
    assert abs(loss_np - loss_engine) <= 1e-10 * max(1.0, abs(loss_np)), (loss_np, loss_engine)
    for a, p in zip([a for pair in zip(Ws, bs) for a in pair], params):
        np.testing.assert_allclose(p.data, a, rtol=1e-10, atol=1e-12)


def fmt(seconds):
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def sgd_row(batch, sizes, rounds, have_torch):
    check_same_step(batch, sizes)
    X, y, Ws, bs = make_problem(batch, sizes)
    params = [Tensor(a.copy(), requires_grad=True) for pair in zip(Ws, bs) for a in pair]
    Ws_np, bs_np = [W.copy() for W in Ws], [b.copy() for b in bs]
    functions = {
        "numpy": lambda: numpy_step(Ws_np, bs_np, X, y, LR),
        "engine": lambda: engine_step(params, X, y, LR),
    }
    if have_torch:
        tparams, Xt, yt = torch_setup(Ws, bs, X, y)
        functions["torch"] = lambda: torch_step(tparams, Xt, yt, LR)
    t = interleaved(functions, rounds)
    loss = "BCE" if sizes[-1] == 1 else "softmax CE"
    row = (f"| {batch} | {sizes} | {loss} | {fmt(t['numpy'])} | {fmt(t['engine'])} "
           f"| **{t['engine'] / t['numpy']:.2f}×** |")
    if have_torch:
        row += f" {fmt(t['torch'])} | {t['engine'] / t['torch']:.2f}× |"
    return row


def jvp_row(batch, sizes, rounds):
    X, _, Ws, bs = make_problem(batch, sizes)
    weights = [a for pair in zip(Ws, bs) for a in pair]
    consts = [Tensor(a) for a in weights]
    rng = np.random.default_rng(1)
    V = rng.normal(size=X.shape)
    dW = [rng.normal(size=a.shape) for a in weights]

    def forward():
        with no_grad():
            return engine_mlp(consts, Tensor(X))

    def jvp_x():  # tangent on the input only
        return jvp(lambda x: engine_mlp(consts, x), (X,), (V,))

    def jvp_weights():  # tangents on every weight and bias
        return jvp(lambda *ps: engine_mlp(ps, Tensor(X)), weights, dW)

    t = interleaved({"fwd": forward, "x": jvp_x, "w": jvp_weights}, rounds)
    return (f"| {batch} | {sizes} | {fmt(t['fwd'])} | {fmt(t['x'])} "
            f"| **{t['x'] / t['fwd']:.2f}×** | {fmt(t['w'])} | **{t['w'] / t['fwd']:.2f}×** |")


def tables(rounds, have_torch):
    sgd = ["| batch | layer sizes | loss | NumPy by hand | engine | engine / NumPy |"
           + (" torch (1 thread) | engine / torch |" if have_torch else ""),
           "|---|---|---|---|---|---|" + ("---|---|" if have_torch else "")]
    fwd = ["| batch | layer sizes | forward pass | jvp along x | ratio "
           "| jvp along all weights | ratio |", "|---|---|---|---|---|---|---|"]
    for batch, sizes in CASES:
        sgd.append(sgd_row(batch, sizes, rounds, have_torch))
        print(sgd[-1], file=sys.stderr, flush=True)
    for batch, sizes in CASES:
        fwd.append(jvp_row(batch, sizes, rounds))
        print(fwd[-1], file=sys.stderr, flush=True)
    return "\n".join(sgd), "\n".join(fwd)


def keep_freed_memory():
    """Ask glibc not to return freed memory to the OS (Linux only)."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6")
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    ok = libc.mallopt(M_TRIM_THRESHOLD, 1 << 30) and libc.mallopt(M_MMAP_THRESHOLD, 1 << 25)
    if not ok:
        raise RuntimeError("mallopt failed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41, help="interleaved timing rounds")
    parser.add_argument("--quick", action="store_true", help="7 rounds: rough numbers")
    parser.add_argument("--malloc", choices=["default", "tuned"], default="default",
                        help="tuned: glibc keeps freed memory (both sides alike)")
    args = parser.parse_args()
    rounds = 7 if args.quick else args.rounds
    if args.malloc == "tuned":
        keep_freed_memory()
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    load_before = os.getloadavg()
    sgd, fwd = tables(rounds, have_torch)
    load_after = os.getloadavg()
    print("### One SGD step (forward, loss, backward, update), float64, median over "
          f"{rounds} interleaved rounds\n")
    print(sgd)
    print("\n### Forward mode: jvp through the MLP vs a forward pass (engine, no_grad)\n")
    print(fwd)
    print(f"\nmalloc: {args.malloc}; NumPy {np.__version__}, BLAS on 1 thread, "
          f"{os.cpu_count()} CPUs, "
          f"load average {load_before[0]:.1f} before / {load_after[0]:.1f} after"
          + ("" if have_torch else "; torch not installed (optional column omitted)"))


if __name__ == "__main__":
    main()
