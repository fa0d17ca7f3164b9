"""How fast is the engine? One SGD step of an MLP, against hand-written NumPy.

    python benchmarks/bench_engine.py            # about 4 minutes
    python benchmarks/bench_engine.py --quick    # a few seconds, rougher

One step = forward pass, loss, backward pass, parameter update, in float64,
ReLU hidden layers. The same step is written three ways:

- NumPy: backpropagation by hand, written as tightly as we know how (the
  forward ReLU overwrites its input, the backward ReLU masks in place, the
  softmax works in place); no graph, no Python objects per operation.
- engine: trisep_nn's Tensor, `linear(h, W, b, "relu")` (one node per hidden
  layer, as nn.MLP runs it), the losses (trisep_nn.losses: checked inputs, then
  one fused node), `backward()`; and once more
  with two nodes per hidden layer, `linear(h, W, b).relu()`, to show what
  the fused node saves.
- torch (only if it is installed): the same with torch on one thread.

All three start from the same weights; the script first checks that one
engine step and one NumPy step give the same loss and updated weights.

BLAS runs on ONE thread for everyone (OPENBLAS_NUM_THREADS etc. are set before
NumPy is imported, and torch.set_num_threads(1)), so the comparison measures
the work done, not how many cores happened to be free.

Timing: CPU time of the timing thread (time.thread_time), not wall-clock time,
so other programs competing for the cores do not count; with BLAS on one
thread that is all the work a step does (page faults included). Each
implementation and case is timed in fresh processes (see below), taking turns
so that a change in load hits all of them; each process times rounds of
several steps; the table shows the median.

Memory: with glibc's default malloc, large arrays can be handed back to the
operating system when freed and fetched again (zeroed, page by page) on the
next step. How often that happens depends on everything the process has
allocated before, so each measurement gets its own process. `--malloc tuned`
tells glibc to keep freed memory (mallopt, for every implementation alike),
to see the cost of the computation without those page faults.

The second table: forward-mode `jvp` through an MLP versus a plain forward
pass with the engine (the issue's target: at most 3x).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # must happen before NumPy loads its BLAS

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from trisep_nn.autodiff import jvp  # noqa: E402
from trisep_nn.losses import bce_with_logits, cross_entropy  # noqa: E402
from trisep_nn.ops import linear  # noqa: E402
from trisep_nn.tensor import Tensor, no_grad  # noqa: E402

CASES = [  # (batch, layer sizes); one output unit means BCE-with-logits, else softmax CE
    (100, [2, 16, 16, 1]),
    (1000, [2, 64, 64, 4]),
    (64, [784, 128, 128, 10]),
    (512, [64, 256, 256, 10]),
]
LR = 1e-3
SGD_KINDS = ("numpy", "engine", "engine_two_nodes", "torch")
SGD_NAMES = {"numpy": "NumPy by hand", "engine": "engine", "torch": "torch",
             "engine_two_nodes": "engine, two nodes per layer"}


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
def engine_mlp(params, x, fused=True):
    """The MLP as nn.MLP runs it: one node per hidden layer, linear(h, W, b, "relu").
    fused=False: two nodes per hidden layer, linear(h, W, b).relu()."""
    *hidden, last = [params[i:i + 2] for i in range(0, len(params), 2)]
    h = x
    for W, b in hidden:
        h = linear(h, W, b, "relu") if fused else linear(h, W, b).relu()
    return linear(h, *last)


def engine_step(params, X, y, lr, fused=True):
    out = engine_mlp(params, X, fused)
    loss = bce_with_logits(out, y) if out.shape[1] == 1 else cross_entropy(out, y)
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
def workload(kind, batch, sizes):
    """The function to time, for one implementation and one case."""
    X, y, Ws, bs = make_problem(batch, sizes)
    if kind == "numpy":
        return lambda: numpy_step(Ws, bs, X, y, LR)
    if kind in ("engine", "engine_two_nodes"):
        params = [Tensor(a, requires_grad=True) for pair in zip(Ws, bs) for a in pair]
        fused = kind == "engine"
        return lambda: engine_step(params, X, y, LR, fused)
    if kind == "torch":
        tparams, Xt, yt = torch_setup(Ws, bs, X, y)
        return lambda: torch_step(tparams, Xt, yt, LR)
    weights = [a for pair in zip(Ws, bs) for a in pair]
    rng = np.random.default_rng(1)
    if kind == "forward":  # a plain forward pass, no graph
        consts = [Tensor(a) for a in weights]

        def forward():
            with no_grad():
                return engine_mlp(consts, Tensor(X))
        return forward
    if kind == "jvp_x":  # forward mode, tangent on the input only
        consts, V = [Tensor(a) for a in weights], rng.normal(size=X.shape)
        return lambda: jvp(lambda x: engine_mlp(consts, x), (X,), (V,))
    if kind == "jvp_weights":  # forward mode, tangents on every weight and bias
        dW = [rng.normal(size=a.shape) for a in weights]
        return lambda: jvp(lambda *ps: engine_mlp(ps, Tensor(X)), weights, dW)
    raise ValueError(kind)


def page_faults():
    """Minor page faults of this process so far (NaN where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(f, rounds, min_round_time=0.02):
    """Median CPU seconds per call of f, over rounds of at least min_round_time,
    and the minor page faults per call (memory the OS had to hand over afresh)."""
    clock = time.thread_time
    f()  # warm up
    start = clock()
    for _ in range(3):
        f()
    calls = max(1, int(min_round_time / max((clock() - start) / 3, 1e-7)))
    times = []
    faults_before = page_faults()
    for _ in range(rounds):
        start = clock()
        for _ in range(calls):
            f()
        times.append((clock() - start) / calls)
    faults = page_faults() - faults_before
    return statistics.median(times), faults / (rounds * calls)


def time_in_fresh_process(kind, case, rounds, malloc):
    """Each measurement runs in its own Python process, so one implementation's
    memory use does not change the allocator's behaviour for another."""
    command = [sys.executable, os.path.abspath(__file__), "--child", kind, str(case),
               "--rounds", str(rounds), "--malloc", malloc]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds, faults = out.stdout.split()
    return float(seconds), float(faults)


def check_same_step(batch, sizes):
    """One engine step (either form) and one NumPy step from the same start agree."""
    for fused in (True, False):
        X, y, Ws, bs = make_problem(batch, sizes)
        params = [Tensor(a.copy(), requires_grad=True) for pair in zip(Ws, bs) for a in pair]
        loss_np = numpy_step(Ws, bs, X, y, LR)
        loss_engine = engine_step(params, X, y, LR, fused)
        assert abs(loss_np - loss_engine) <= 1e-10 * max(1.0, abs(loss_np)), (loss_np,
                                                                             loss_engine)
        for a, p in zip([a for pair in zip(Ws, bs) for a in pair], params):
            np.testing.assert_allclose(p.data, a, rtol=1e-10, atol=1e-12)


def fmt(seconds):
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def timings(kinds, case, rounds, malloc, repeats):
    """Median seconds per call for each kind: `repeats` fresh processes each, taking
    turns (numpy, engine, torch, numpy, ...) so a change in load hits all alike.
    Also the median page faults per call, under the key (kind, "faults")."""
    runs = {kind: [] for kind in kinds}
    for _ in range(repeats):
        for kind in kinds:
            runs[kind].append(time_in_fresh_process(kind, case, rounds, malloc))
    result = {kind: statistics.median(t for t, _ in r) for kind, r in runs.items()}
    result.update({(kind, "faults"): statistics.median(f for _, f in r)
                   for kind, r in runs.items()})
    return result


def tables(rounds, malloc, have_torch, repeats):
    sgd = ["| batch | layer sizes | loss | NumPy by hand | engine | engine / NumPy "
           "| engine, two nodes per layer | ratio |"
           + (" torch (1 thread) | engine / torch |" if have_torch else ""),
           "|---|---|---|---|---|---|---|---|" + ("---|---|" if have_torch else "")]
    memory = ["| batch | layer sizes | " + " | ".join(SGD_NAMES[k] for k in SGD_KINDS
                                                 if k != "torch" or have_torch) + " |",
              "|---|---|" + "---|" * (len(SGD_KINDS) - (0 if have_torch else 1))]
    fwd = ["| batch | layer sizes | forward pass | jvp along x | ratio "
           "| jvp along all weights | ratio |", "|---|---|---|---|---|---|---|"]
    for case, (batch, sizes) in enumerate(CASES):
        check_same_step(batch, sizes)
        kinds = [k for k in SGD_KINDS if k != "torch" or have_torch]
        t = timings(kinds, case, rounds, malloc, repeats)
        loss = "BCE" if sizes[-1] == 1 else "softmax CE"
        row = (f"| {batch} | {sizes} | {loss} | {fmt(t['numpy'])} | {fmt(t['engine'])} "
               f"| **{t['engine'] / t['numpy']:.2f}×** | {fmt(t['engine_two_nodes'])} "
               f"| {t['engine_two_nodes'] / t['numpy']:.2f}× |")
        if have_torch:
            row += f" {fmt(t['torch'])} | {t['engine'] / t['torch']:.2f}× |"
        sgd.append(row)
        print(row, file=sys.stderr, flush=True)
        memory.append(f"| {batch} | {sizes} | "
                      + " | ".join(f"{t[k, 'faults']:.0f}" for k in kinds) + " |")
    for case, (batch, sizes) in enumerate(CASES):
        t = timings(("forward", "jvp_x", "jvp_weights"), case, rounds, malloc, repeats)
        fwd.append(f"| {batch} | {sizes} | {fmt(t['forward'])} | {fmt(t['jvp_x'])} "
                   f"| **{t['jvp_x'] / t['forward']:.2f}×** | {fmt(t['jvp_weights'])} "
                   f"| **{t['jvp_weights'] / t['forward']:.2f}×** |")
        print(fwd[-1], file=sys.stderr, flush=True)
    return "\n".join(sgd), "\n".join(memory), "\n".join(fwd)


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
    parser.add_argument("--rounds", type=int, default=15, help="timing rounds per process")
    parser.add_argument("--repeats", type=int, default=3, help="processes per measurement")
    parser.add_argument("--quick", action="store_true", help="5 rounds, 1 process: rough")
    parser.add_argument("--malloc", choices=["default", "tuned"], default="default",
                        help="tuned: glibc keeps freed memory (for every implementation)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    rounds, repeats = (5, 1) if args.quick else (args.rounds, args.repeats)
    if args.malloc == "tuned":
        keep_freed_memory()
    if args.child:  # time one workload and print seconds per call
        kind, case = args.child[0], int(args.child[1])
        print(*measure(workload(kind, *CASES[case]), rounds))
        return
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    load_before = os.getloadavg()
    sgd, memory, fwd = tables(rounds, args.malloc, have_torch, repeats)
    load_after = os.getloadavg()
    print("### One SGD step (forward, loss, backward, update), float64, CPU time "
          f"(median of {repeats} processes x {rounds} rounds)\n")
    print(sgd)
    print("\n### Minor page faults per step (fresh memory the OS had to hand over)\n")
    print(memory)
    print("\n### Forward mode: jvp through the MLP vs a forward pass (engine, no_grad)\n")
    print(fwd)
    print(f"\nmalloc: {args.malloc}; NumPy {np.__version__}, BLAS on 1 thread, "
          f"{os.cpu_count()} CPUs, "
          f"load average {load_before[0]:.1f} before / {load_after[0]:.1f} after"
          + ("" if have_torch else "; torch not installed (optional column omitted)"))


if __name__ == "__main__":
    main()
