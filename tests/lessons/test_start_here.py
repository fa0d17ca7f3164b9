"""Lesson start_here (notebook 00).

Exercise 0.1's check accepts the boundary x = −b/w in every form and names the
typical slips."""

import numpy as np
import pytest

from trisep_nn.checks import check_decision_boundary


@pytest.mark.parametrize("answer", [1.5, 3 / 2, np.float64(1.5), np.array(1.5), "1.5"])
def test_the_boundary_is_accepted_in_every_form(verdict, answer):
    assert verdict(check_decision_boundary, answer)[0]


@pytest.mark.parametrize("answer, slip", [
    (-1.5, "sign is flipped"),
    (2 / 3, "upside down"),
    (-2 / 3, "upside down and the sign flipped"),
    (3.0, "not divided by w"),
    (0.0, "not where x is 0"),
    (1.4, "Set w x + b = 0"),
])
def test_typical_slips_are_named(verdict, answer, slip):
    ok, printed = verdict(check_decision_boundary, answer)
    assert not ok and slip in printed


def test_other_coefficients_move_the_boundary(verdict):
    assert verdict(check_decision_boundary, 0.25, w=-4.0, b=1.0)[0]
    assert not verdict(check_decision_boundary, 1.5, w=-4.0, b=1.0)[0]


def test_no_answer_and_a_non_number_do_not_raise(verdict):
    ok, printed = verdict(check_decision_boundary, None)
    assert not ok and "not answered" in printed
    ok, printed = verdict(check_decision_boundary, [1, 2])
    assert not ok and "expected a number" in printed
