"""The shared exercise-check helpers say what is wrong, and never raise."""

import numpy as np
import pytest

from trisep_nn.checks import check_array, check_function, check_scalar, not_answered
from trisep_nn.feedback import call_student

EXPECTED = np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("answer, message", [
    (None, "not answered yet"),
    (EXPECTED, "correct"),
    (-EXPECTED, "sign is flipped"),
    (EXPECTED.T, "transposed"),
    (2 * EXPECTED, "constant factor of 2"),
    (EXPECTED.ravel(), "shape (4,), expected (2, 2)"),
    (EXPECTED + np.array([[0, 0], [0, 1]]), "values differ"),
    (np.array([[1.0, np.nan], [3.0, 4.0]]), "NaN or inf"),
    ("four", "expected numbers"),
])
def test_check_array_names_the_slip(answer, message, capsys):
    assert check_array(answer, EXPECTED, "W") is (message == "correct")
    assert message in capsys.readouterr().out


def test_check_scalar_and_not_answered(capsys):
    assert check_scalar(np.float64(1.5), 1.5, "x") and not check_scalar(3.0, 1.5, "x")
    assert "constant factor of 2" in capsys.readouterr().out
    assert not_answered(..., "x") and not not_answered(0.0, "x")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("student, message", [
    (sigmoid, "correct on 2 test input(s)"),
    (lambda z: None, "returned None"),
    (lambda z: 1 / 0, "raised ZeroDivisionError"),
    (lambda z: "σ", "returned str, not numbers"),
    (lambda z: 1 / (1 + np.exp(z)), "values differ"),
])
def test_check_function_runs_the_students_code_safely(student, message, capsys):
    inputs = [np.array([0.0, 1.0]), np.array([-2.0, 3.0])]
    assert check_function(student, inputs, sigmoid, "sigmoid") is (student is sigmoid)
    assert message in capsys.readouterr().out


def test_call_student_returns_floats_or_none():
    assert call_student(lambda: [1, 2], "f").dtype == float
    assert call_student(lambda: None, "f") is None
    assert call_student(lambda: {}["k"], "f") is None
