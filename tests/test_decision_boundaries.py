"""Notebook 09's exercise checks: each accepts its solution and names the typical slips."""

import numpy as np
import pytest

from trisep_nn import decision_boundaries as db
from trisep_nn.checks import check_l2_penalty, check_region_count, check_xor_config


def _verdict(capsys, check, answer):
    ok = check(answer)
    return ok, capsys.readouterr().out


# --- Exercise 9.1 -------------------------------------------------------------
def l2_solution(model):
    return sum(float((layer.weight.data ** 2).sum()) for layer in model.linears)


@pytest.mark.parametrize("wrong, words", [
    (lambda m: sum(float((p.data ** 2).sum()) for p in m.parameters()), "biases are included"),
    (lambda m: sum(float(np.abs(layer.weight.data).sum()) for layer in m.linears), "L1"),
    (lambda m: sum(float(layer.weight.data.sum()) for layer in m.linears), "square each"),
    (lambda m: np.sqrt(l2_solution(m)), "norm ‖w‖"),
    (lambda m: 0.5 * l2_solution(m), "off by ½"),
    (lambda m: float((m.linears[0].weight.data ** 2).sum()), "only the first layer"),
    (lambda m: [float((la.weight.data ** 2).sum()) for la in m.linears], "ONE number"),
    (lambda m: 1 / 0, "ZeroDivisionError"),
])
def test_l2_penalty_check_names_the_slip(capsys, wrong, words):
    ok, out = _verdict(capsys, check_l2_penalty, wrong)
    assert ok is False and "❌" in out and words in out


def test_l2_penalty_check_accepts_the_solution_and_waits_for_an_answer(capsys):
    assert _verdict(capsys, check_l2_penalty, l2_solution)[0] is True
    ok, out = _verdict(capsys, check_l2_penalty, lambda m: None)
    assert ok is False and "returned None" in out
    ok, out = _verdict(capsys, check_l2_penalty, None)
    assert ok is False and "not answered" in out


def test_l2_penalty_solution_is_the_toolkit_penalty():
    run = db.TrainingRun(n_samples=60, hidden=[5, 3]).train(2)
    assert np.isclose(l2_solution(run.model), db.weight_norm(run.model))


# --- Exercise 9.2 -------------------------------------------------------------
def regions_solution(run, G):
    n_layers = len(run.config["hidden"])
    on = np.concatenate([run.hidden_outputs(G, k) > 0 for k in range(1, n_layers + 1)], axis=1)
    return len(np.unique(on, axis=0))


@pytest.mark.parametrize("wrong, words", [
    (lambda run, G: len(np.unique(run.hidden_outputs(G, 1) > 0, axis=0)), "first hidden layer"),
    (lambda run, G: len(np.unique(run.hidden_outputs(G, 2) > 0, axis=0)), "last hidden layer"),
    (lambda run, G: sum(run.config["hidden"]), "number of hidden units"),
    (lambda run, G: len(G), "number of grid points"),
])
def test_region_check_names_the_slip(capsys, wrong, words):
    ok, out = _verdict(capsys, check_region_count, wrong)
    assert ok is False and words in out


def test_region_check_accepts_the_solution(capsys):
    ok, out = _verdict(capsys, check_region_count, regions_solution)
    assert ok is True and "✅" in out
    assert _verdict(capsys, check_region_count, lambda run, G: None)[0] is False


# --- Exercise 9.3 -------------------------------------------------------------
SOLVED = {"dataset": "xor", "noise": 0.1, "hidden": [3], "activation": "relu", "seed": 0,
          "epochs": 150}


def test_xor_check_accepts_the_solution(capsys):
    ok, out = _verdict(capsys, check_xor_config, SOLVED)
    assert ok is True and "XOR solved with 3 hidden units" in out


@pytest.mark.parametrize("change, words", [
    ({"dataset": "moons"}, "the task is XOR"),
    ({"hidden": [3, 3]}, "exactly one"),
    ({"hidden": [8]}, "at most 4"),
    ({"epochs": 0}, "untrained"),
    ({"epochs": 1000}, "at most 300"),
    ({"hidden": [2], "seed": 0}, "below 90%"),
    ({"widths": [3]}, "not a valid config"),
])
def test_xor_check_names_the_problem(capsys, change, words):
    ok, out = _verdict(capsys, check_xor_config, {**SOLVED, **change})
    assert ok is False and words in out


def test_xor_check_waits_for_an_answer(capsys):
    ok, out = _verdict(capsys, check_xor_config, None)
    assert ok is False and "not answered" in out
    ok, out = _verdict(capsys, check_xor_config, "xor please")
    assert ok is False and "should be a dict" in out
