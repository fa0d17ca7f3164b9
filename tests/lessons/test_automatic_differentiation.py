"""Lesson automatic_differentiation (notebook 06).

Its concepts against independent computations, its explorers redraw what they
drive, and its exercise checks accept the solution and name the typical slips."""

import matplotlib

matplotlib.use("Agg")
import math

import numpy as np
import pytest

from trisep_nn import checks as ca
from trisep_nn import widgets as wa  # noqa: E402
from trisep_nn.lessons.automatic_differentiation import differentiation as dff
from trisep_nn.lessons.automatic_differentiation import forward_reverse_mode as frm
from trisep_nn.tensor import Tensor


def test_central_difference(verdict):
    ok, out = verdict(ca.check_central_difference,
                   lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h))
    assert ok and "✅" in out
    ok, out = verdict(ca.check_central_difference, lambda f, x, h: (f(x + h) - f(x)) / h)
    assert not ok and "forward difference" in out
    ok, out = verdict(ca.check_central_difference,
                   lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h)
    assert not ok and "(2 * h)" in out
    ok, out = verdict(ca.check_central_difference, lambda f, x, h: None)
    assert not ok and "returned None" in out
    ok, out = verdict(ca.check_central_difference,
                      lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h))
    assert not ok and "the sign is flipped; subtract" in out and "is the sign" not in out


def test_adjoints(verdict):
    a, b = 2.0, 5.0
    ok, out = verdict(ca.check_adjoints, 1 / a + b, a - math.cos(b))
    assert ok and out.count("✅") == 2
    ok, out = verdict(ca.check_adjoints, b, a + math.cos(b))
    assert not ok and "SUM of both" in out and "minus sign" in out
    ok, out = verdict(ca.check_adjoints, None, None)
    assert not ok and "not answered" in out


class _Value:
    """A minimal engine like the notebook's, to test the exp check."""

    def __init__(self, data, parents=()):
        self.data, self.grad, self._parents = float(data), 0.0, parents
        self._backward = lambda: None

    def __add__(self, other):
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p in v._parents:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def _with_exp(rule, parents=True, value=math.exp):
    class V(_Value):
        def exp(self):
            out = V(value(self.data), (self,) if parents else ())

            def _backward():
                rule(self, out)
            out._backward = _backward
            return out
    return V


def test_value_exp_accepts_the_solution(verdict):
    ok, out = verdict(ca.check_value_exp, _with_exp(lambda x, o: setattr(
        x, "grad", x.grad + o.data * o.grad)))
    assert ok and "accumulat" in out


@pytest.mark.parametrize("rule, kwargs, named", [
    # the chain rule's upstream factor forgotten: invisible when out.grad is 1
    (lambda x, o: setattr(x, "grad", x.grad + o.data), {}, "upstream gradient is missing"),
    # the output does not remember its parent: invisible for x.exp() alone
    (lambda x, o: setattr(x, "grad", x.grad + o.data * o.grad), {"parents": False},
     "remember its parent"),
    (lambda x, o: setattr(x, "grad", o.data * o.grad), {}, "(+=)"),
    (lambda x, o: setattr(x, "grad", x.grad + x.data * o.grad), {}, "exp(x) itself"),
    (lambda x, o: setattr(x, "grad", x.grad + o.grad), {}, "local derivative exp(x) is missing"),
    (lambda x, o: None, {}, "still 0"),
    (lambda x, o: setattr(x, "grad", x.grad + o.data * o.grad), {"value": math.log},
     "expected e^0.5"),
])
def test_value_exp_names_the_slip(verdict, rule, kwargs, named):
    ok, out = verdict(ca.check_value_exp, _with_exp(rule, **kwargs))
    assert not ok and named in out, out


def test_value_exp_unfinished_or_raising(verdict):
    class Unfinished(_Value):
        def exp(self):
            return None
    ok, out = verdict(ca.check_value_exp, Unfinished)
    assert not ok and "returned None" in out

    class Raising(_Value):
        def exp(self):
            raise NameError("mth")
    ok, out = verdict(ca.check_value_exp, Raising)
    assert not ok and "NameError" in out


@pytest.mark.parametrize("scheme, order", [("forward", 1), ("central", 2)])
def test_truncation_slope_matches_the_order_of_the_scheme(scheme, order):
    h = np.logspace(-5 if scheme == "forward" else -3, -1, 30)
    err = dff.finite_difference_error(np.exp, np.exp, 0.3, h, scheme)
    assert abs(dff.loglog_slope(h, err) - order) < 0.05


@pytest.mark.parametrize("scheme", ["forward", "central"])
def test_roundoff_grows_as_one_over_h_and_optimum_is_near_the_prediction(scheme):
    h = np.logspace(-16, 0, 161)
    err = dff.finite_difference_error(np.sin, np.cos, 1.0, h, scheme)
    assert -1.3 < dff.loglog_slope(h, err, 1e-15, 1e-10) < -0.7
    best = h[np.argmin(err)]
    assert 0.03 < best / dff.optimal_step(scheme) < 30


def test_error_model_balances_at_the_optimal_step():
    h = dff.optimal_step("central")
    trunc, rnd = dff.error_model(h, "central")
    assert 0.01 < trunc / rnd < 100
    with pytest.raises(ValueError, match="scheme"):
        dff.finite_difference(np.sin, 1.0, 1e-3, "backward")
    with pytest.raises(ValueError, match="positive"):
        dff.finite_difference(np.sin, 1.0, 0.0)


@pytest.mark.parametrize("expr", [
    dff.logistic_map(4),
    dff.network_expression(3, 2),
    ("div", ("exp", ("mul", "x", "x")), ("add", ("log", "x"), 3)),
])
def test_symbolic_derivative_agrees_with_finite_differences(expr):
    rng = np.random.default_rng(1)
    names = {n for n in _variables(expr)}
    env = {n: rng.uniform(0.3, 0.9) for n in names}
    d = dff.diff(expr, "x")

    def f(x):
        return dff.evaluate(expr, {**env, "x": x})

    numeric = float(dff.finite_difference(f, env["x"], 1e-6))
    assert dff.evaluate(d, env) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def _variables(e):
    if isinstance(e, str):
        yield e
    elif isinstance(e, tuple):
        for a in e[1:]:
            yield from _variables(a)


def test_expression_swell_tree_grows_much_faster_than_the_shared_graph():
    t = dff.swell_table(dff.logistic_map, [1, 2, 3, 4, 5, 6])
    # the printed derivative more than doubles per step, the graph of distinct pieces linearly
    assert np.all(t["df_tree"][2:] / t["df_tree"][1:-1] > 2)
    assert np.all(np.diff(t["df_dag"][1:]) <= 10)
    assert t["df_tree"][-1] > 20 * t["df_dag"][-1]


def test_to_string_and_simplify():
    e = dff.diff(("sigmoid", ("mul", "w", "x")), "x")
    assert dff.to_string(e) == "σ(w*x)*(1 - σ(w*x))*w"
    assert dff.simplify(("add", ("mul", 0, "x"), ("mul", 1, "y"))) == "y"
    assert dff.to_string(("sub", "a", ("sub", "b", "c"))) == "a - (b - c)"
    assert dff.tree_size(("mul", "x", "x")) == 3 and dff.dag_size(("mul", "x", "x")) == 2


@pytest.mark.parametrize("program", [frm.LOG_AB, frm.BAYDIN])
def test_trace_modes_agree_with_the_engine(program):
    a, b = Tensor(2.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    if program is frm.LOG_AB:
        f = (a * b).log()
    else:
        f = a.log() + a * b - Tensor(np.sin(5.0))  # sin is not an engine op: constant in b
    f.backward()
    inputs = {"a": 2.0, "b": 5.0}
    rev = {s["node"]: s["adjoint"] for s in frm.reverse_mode(program, inputs)}
    fwd = frm.forward_mode(program, inputs, {"a": 1.0})
    assert rev["a"] == pytest.approx(float(a.grad))
    assert fwd[-1]["tangent"] == pytest.approx(float(a.grad))
    assert fwd[-1]["value"] == pytest.approx(float(f.data))
    expected_b = 1 / 5 if program is frm.LOG_AB else 2.0 - np.cos(5.0)
    assert rev["b"] == pytest.approx(expected_b)
    assert frm.forward_mode(program, inputs, {"b": 1.0})[-1]["tangent"] == pytest.approx(
        expected_b)


def test_trace_rules_and_layout():
    rev = frm.reverse_mode(frm.BAYDIN, {"a": 2.0, "b": 5.0})
    a_step = [s for s in rev if s["node"] == "a"][0]
    assert "v1̄" in a_step["rule"] and "v2̄" in a_step["rule"]  # two users: two terms
    pos = frm.layout(frm.LOG_AB)
    assert pos["a"][0] == 0 and pos["v"][0] == 1 and pos["f"][0] == 2
    with pytest.raises(ValueError, match="before"):
        frm.evaluate_trace([("v", "mul", ("a", "b"))], {})


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_ad_modes_explorer_steps_forward_then_backward():
    e = wa.ad_modes_explorer()
    assert e.last_error is None and e.state["phase"] == "forward" and e.state["node"] == "a"
    e.update(step=3)
    assert e.state["node"] == "f" and e.state["step"]["tangent"] == 0.5  # ∂/∂a of log(ab) at a=2
    before = _texts(e.figure)
    e.update(step=7)
    assert e.last_error is None and e.state["phase"] == "reverse" and e.state["node"] == "a"
    assert abs(e.state["step"]["adjoint"] - 0.5) < 1e-12
    assert _texts(e.figure) != before
    e.update(function="log(a) + a·b − sin(b)")
    assert e.controls["step"].max == 13
    e.update(step=13, a=2.0, b=5.0)
    assert e.last_error is None and e.state["node"] == "a"
    assert abs(e.state["step"]["adjoint"] - 5.5) < 1e-12
    e.update(wrt="b", step=6)
    assert abs(e.state["step"]["tangent"] - (2 - np.cos(5.0))) < 1e-12


def _arrow_directions(fig):
    """+1 for an arrow pointing right (towards the output), -1 for one pointing left."""
    return {int(np.sign(b[0] - a[0])) for ax in fig.axes for p in ax.patches
            if hasattr(p, "_posA_posB") for a, b in [p._posA_posB]}


def test_ad_modes_explorer_arrows_point_the_way_the_derivatives_travel():
    e = wa.ad_modes_explorer()
    e.update(step=2)
    assert _arrow_directions(e.figure) == {1}   # forward: inputs → output
    e.update(step=5)
    assert _arrow_directions(e.figure) == {-1}  # reverse: output → inputs
