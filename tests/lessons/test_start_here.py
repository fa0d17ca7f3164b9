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


def test_the_first_network_explorer_shows_the_boundary_forming_as_training_goes_on():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.collections import LineCollection

    from trisep_nn.widgets import first_network_explorer

    e = first_network_explorer()
    ax_map, ax_loss = e.figure.axes[:2]

    def boundary():
        [lines] = [c for c in ax_map.collections if isinstance(c, LineCollection)]
        return [s.copy() for s in lines.get_segments()]

    start = boundary()
    assert "after 0 epochs" in ax_map.get_title() and e.state["test_accuracy"] < 0.7
    e.update(epoch=40)
    assert e.last_error is None and e.state["test_accuracy"] > 0.9
    assert "after 40 epochs" in ax_map.get_title() and "epoch 40" in ax_loss.get_title()
    end = boundary()
    assert len(start) != len(end) or not all(np.allclose(a, b) for a, b in zip(start, end))
    assert list(ax_loss.get_lines()[2].get_xdata()) == [40, 40]  # the marker moved
    losses = e.state["losses"]
    assert len(losses["loss"]) == 41 and losses["loss"][-1] < losses["loss"][0] / 2
    # the picture at an epoch is the network's: its test accuracy matches the logits
    accuracy = np.mean((e.state["test_logits"] > 0) == _moons_test_labels(), axis=1)
    assert accuracy[40] == e.state["test_accuracy"]


def _moons_test_labels():
    from sklearn.model_selection import train_test_split

    from trisep_nn.data import moons

    X, y = moons(400, noise=0.25, random_state=0)
    return train_test_split(X, y, test_size=0.3, random_state=0)[3]
