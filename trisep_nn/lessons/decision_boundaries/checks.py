"""Exercise checks for notebook 09 (decision boundaries)."""

import numpy as np

from trisep_nn.feedback import OK, WRONG, call_student, not_answered, say
from trisep_nn.lessons.decision_boundaries import (
    DEFAULT_CONFIG,
    DEFAULT_NOISE,
    TrainingRun,
    as_config,
    check_config,
    linear_regions,
)

__all__ = ["check_l2_penalty", "check_region_count", "check_xor_config"]


def _test_models():
    """Two small networks with non-zero biases (so forgetting to skip them shows)."""
    from trisep_nn.nn import MLP

    models = [MLP([2, 5, 3], random_state=1), MLP([2, 4, 4, 1], activation="tanh",
                                                    random_state=2)]
    rng = np.random.default_rng(3)
    for model in models:
        for layer in model.linears:
            layer.bias.data[...] = rng.normal(0.0, 0.5, size=layer.bias.data.shape)
    return models


def check_l2_penalty(fn):
    """Exercise 9.1: ``fn(model)`` should return ``Ω(w) = Σ w²`` over the weight
    matrices of every layer (``layer.weight.data`` for ``layer in model.linears``),
    biases excluded, as a number."""
    if not_answered(fn, "l2_penalty"):
        return False
    for model in _test_models():
        W = [layer.weight.data for layer in model.linears]
        b = [layer.bias.data for layer in model.linears]
        expected = sum(float((w**2).sum()) for w in W)
        values = call_student(fn, f"l2_penalty({model!r})", model)  # a Tensor is fine too
        if values is None:
            return False
        if values.size != 1:
            say(WRONG, f"l2_penalty returned {values.size} numbers; Ω(w) is ONE number: "
                        "sum the squares of all the weights.")
            return False
        got = float(values.item())
        if np.isclose(got, expected, rtol=1e-6):  # float32 arithmetic is fine too
            continue
        diagnoses = [
            (expected + sum(float((v**2).sum()) for v in b),
             "the biases are included; the lecture's Ω(w) (and scikit-learn's alpha) "
             "penalises the weights only (layer.weight, not layer.bias)"),
            (sum(float(np.abs(w).sum()) for w in W),
             "that is Σ|w|, the L1 penalty; L2 squares each weight"),
            (sum(float(w.sum()) for w in W), "square each weight before summing"),
            (np.sqrt(expected), "that is the norm ‖w‖; Ω(w) is its square, Σ w²"),
            (0.5 * expected, "off by ½: the notebook's Ω(w) has no factor ½"),
            (float((W[0]**2).sum()), "only the first layer is counted; sum over every "
                                     "layer in model.linears"),
            (float((W[-1]**2).sum()), "only the last layer is counted; sum over every "
                                      "layer in model.linears"),
            (float(np.mean(np.concatenate([(w**2).ravel() for w in W]))),
             "that is the mean of w²; Ω(w) is the sum"),
        ]
        for value, message in diagnoses:
            if np.isclose(got, value, rtol=1e-6):
                say(WRONG, f"l2_penalty({model!r}) = {got:.6g}: {message}.")
                return False
        say(WRONG, f"l2_penalty({model!r}) = {got:.6g}, expected {expected:.6g}.")
        return False
    say(OK, "l2_penalty: correct on two networks (weights only, squared, summed over all "
             "layers).")
    return True


def _test_run():
    """A 7-5 ReLU network, chosen so that every slip below gives a different count."""
    return TrainingRun(dataset="spirals", n_samples=200, noise=0.05, hidden=[7, 5],
                       batch_size=64, lr=0.02).train(20)


def region_count_slips(run, G):
    """(count, what it means) for the typical slips of exercise 9.2 on ``run`` and ``G``."""
    hidden = [run.hidden_outputs(G, k) for k in range(1, len(run.config["hidden"]) + 1)]
    on = np.concatenate([h > 0 for h in hidden], axis=1)
    with_output = np.concatenate([on, run.predict_logits(G) > 0], axis=1)
    return [
        (2, "np.unique without axis flattens the patterns and finds only the two values "
            "False and True; np.unique(patterns, axis=0) keeps each row (one point's "
            "pattern) whole"),
        (1, "every point has the same pattern: h >= 0 is always true for ReLU outputs; a "
            "unit is on where h > 0"),
        (len(G), "that is the number of grid points: every point looks different. Either "
                 "the outputs themselves were compared instead of on/off (h > 0), or "
                 "np.unique ran along axis=1 (columns), so len counted the points; use "
                 "np.unique(patterns, axis=0)"),
        (len(np.unique(on.sum(axis=1))), "that counts how MANY units are on at each point, "
                                         "not WHICH: two different patterns with the same "
                                         "number of units on were merged"),
        (len(np.unique(hidden[0] > 0, axis=0)), "that counts the first hidden layer's "
                                                "patterns only; a region is fixed by the "
                                                "on/off state of EVERY hidden unit (stack "
                                                "the layers' patterns side by side)"),
        (len(np.unique(hidden[-1] > 0, axis=0)), "that counts the last hidden layer's "
                                                 "patterns only; stack the patterns of every "
                                                 "hidden layer side by side"),
        (len(np.unique(with_output, axis=0)), "the output unit is included: only the HIDDEN "
                                              "units' on/off pattern fixes the linear piece "
                                              "(the output is linear in it)"),
        (sum(run.config["hidden"]), "that is the number of hidden units; count the distinct "
                                    "on/off PATTERNS (rows) instead"),
    ]


def check_region_count(fn):
    """Exercise 9.2: ``fn(run, G)`` should count the distinct on/off patterns of
    ALL the hidden ReLU units over the points G (one linear piece each)."""
    if not_answered(fn, "count_regions"):
        return False
    run = _test_run()
    G = run.grid(120)
    expected = linear_regions(run, G)
    got = call_student(fn, "count_regions", run, G)
    if got is None:
        return False
    if got.size != 1:
        say(WRONG, f"count_regions should return one whole number (a len(...)), got "
                    f"{got.size} numbers.")
        return False
    got = int(got.item())
    if got == expected:
        say(OK, f"count_regions: correct ({expected} linear pieces for a 7-5 ReLU network "
                 "in this window).")
        return True
    for value, meaning in region_count_slips(run, G):
        if got == value:
            say(WRONG, f"count_regions = {got}, expected {expected}: {meaning}.")
            return False
    say(WRONG, f"count_regions = {got}, expected {expected}: build one row per point with "
                "the h > 0 of every hidden layer (np.concatenate(..., axis=1)), then count "
                "the distinct rows.")
    return False


#: What exercise 9.3 fixes: XOR as the Playground makes it, fed with x₁ and x₂ only.
XOR_TASK = {"dataset": "xor", "noise": DEFAULT_NOISE["xor"], "features": ["x1", "x2"],
            "n_samples": DEFAULT_CONFIG["n_samples"],
            "train_fraction": DEFAULT_CONFIG["train_fraction"]}


def _xor_task_problem(cfg):
    """Why ``cfg`` is not the task's XOR problem, or None."""
    if cfg["dataset"] != "xor":
        return f"the dataset is {cfg['dataset']!r}; the task is XOR (dataset 'xor')"
    if cfg["features"] != XOR_TASK["features"]:
        return (f"the inputs are {cfg['features']}; the task feeds x₁ and x₂ only (x1, x2). "
                "With x₁x₂ as an input XOR needs no hidden layer at all (section 5), so "
                "it would not test what one hidden layer learns")
    if cfg["noise"] != XOR_TASK["noise"]:
        return (f"noise is {cfg['noise']:g}; the task uses XOR's default noise "
                f"{XOR_TASK['noise']:g} (with less noise the classes are easier to separate)")
    if (cfg["n_samples"], cfg["train_fraction"]) != (XOR_TASK["n_samples"],
                                                     XOR_TASK["train_fraction"]):
        return (f"the data are {cfg['n_samples']} points with train fraction "
                f"{cfg['train_fraction']:g}; the task uses the Playground's "
                f"{XOR_TASK['n_samples']} points, half for training (with fewer test points "
                "90% is a matter of luck)")
    return None


def check_xor_config(config, min_accuracy=0.9, max_units=4, max_epochs=300):
    """Exercise 9.3: a Playground config that solves XOR (the Playground's default XOR
    data, inputs x₁ and x₂: see ``XOR_TASK``) with test accuracy at least
    ``min_accuracy``, ONE hidden layer of at most ``max_units`` units, trained for at
    most ``max_epochs`` epochs. The check rebuilds the run from the config."""
    if not_answered(config, "config"):
        return False
    if not isinstance(config, (dict, str)):
        say(WRONG, f"config should be a dict (pg.config) or a share string (pg.share), got "
                    f"{type(config).__name__}.")
        return False
    try:
        cfg = check_config(as_config(config))
    except ValueError as error:
        say(WRONG, f"this is not a valid config: {error}")
        return False
    problem = _xor_task_problem(cfg)
    if problem:
        say(WRONG, problem + ".")
        return False
    if len(cfg["hidden"]) != 1:
        say(WRONG, f"the network has {len(cfg['hidden'])} hidden layers; the task asks for "
                    "exactly one.")
        return False
    if cfg["hidden"][0] > max_units:
        say(WRONG, f"{cfg['hidden'][0]} hidden units: use at most {max_units}.")
        return False
    if cfg["epochs"] == 0:
        say(WRONG, "epochs is 0: the config describes an untrained network. Train it "
                    "(Train or Step) and take pg.config afterwards.")
        return False
    if cfg["epochs"] > max_epochs:
        say(WRONG, f"{cfg['epochs']} epochs: the task allows at most {max_epochs}.")
        return False
    run = TrainingRun.from_config(cfg)
    accuracy = run.scores()["test_accuracy"]
    if run.diverged:
        say(WRONG, "training diverged with this config: lower the learning rate.")
        return False
    if accuracy < min_accuracy:
        say(WRONG, f"test accuracy {accuracy:.1%}, below {min_accuracy:.0%}. With so few "
                    "units the start matters: try other seeds, another activation or "
                    "learning rate.")
        return False
    say(OK, f"XOR solved with {cfg['hidden'][0]} hidden units in {cfg['epochs']} epochs: "
             f"test accuracy {accuracy:.1%}.")
    return True
