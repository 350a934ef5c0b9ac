"""Reductions along an axis: sum(z, 1), mean(z, 0), max(z, 1), min(z, 0), logsumexp(z, 1)
(issue 9): values, gradients and Hessians against torch autograd (float64), printing that
reads back, shape inference, and the errors for an axis that is not a constant or is out of
range, at the axis or the op with a caret.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from ops_equations import matches_torch, printed_equations_give_the_gradients
from graphdraw import ops
from graphdraw.cli import cli
from graphdraw.errors import GraphdrawError
from graphdraw.language import parser
from graphdraw.language.printer import Printer
from graphdraw.numeric import evaluate, hessian

MODEL = """param Z[3, 4], X[2, 3, 4]
a = sum(sum(Z, 1)^2) + sum(mean(Z, 0)^3) + sum(logsumexp(Z, 1)) + sum(logsumexp(Z, 0)^2)
b = sum(max(Z, 1)^2) + sum(min(Z, 0)^2) + sum(amax(Z, -1)) * sum(amin(Z, -2))
c = sum(sum(X, 0)^2) + sum(mean(X, -3) * sum(X, 0)^3) + sum(logsumexp(X, 0)^2) + sum(max(X, 0)^2)
L = a + b + c
"""
RNG = np.random.default_rng(7)
VALUES = {"Z": RNG.normal(size=(3, 4)), "X": RNG.normal(size=(2, 3, 4))}


def torch_model(torch, Z, X):
    a = ((Z.sum(1) ** 2).sum() + (Z.mean(0) ** 3).sum() + torch.logsumexp(Z, 1).sum()
         + (torch.logsumexp(Z, 0) ** 2).sum())
    b = ((torch.amax(Z, 1) ** 2).sum() + (torch.amin(Z, 0) ** 2).sum()
         + torch.amax(Z, -1).sum() * torch.amin(Z, -2).sum())
    c = ((X.sum(0) ** 2).sum() + (X.mean(-3) * X.sum(0) ** 3).sum()
         + (torch.logsumexp(X, 0) ** 2).sum() + (torch.amax(X, 0) ** 2).sum())
    return a + b + c


@pytest.mark.torch
def test_values_gradients_and_hessian_match_torch():
    matches_torch(parser.parse(MODEL), VALUES, ["Z", "X"],
                  lambda torch, t: torch_model(torch, t["Z"], t["X"]))


@pytest.mark.torch
def test_graphdraw_check_passes():
    pytest.importorskip("torch")
    result = CliRunner().invoke(cli, ["check", "-e", "L = sum(amax(Z, 1)^2) + sum(mean(Z, 0)^2)"
                                      " + sum(logsumexp(Z, -1))",
                                      "--set", "Z=[[1, 2, 3], [4, 5, 7]]"])
    assert result.exit_code == 0, result.output
    assert "amax(axis=1) AmaxBackward0" in result.output


@pytest.mark.parametrize("kind", ["along:0", "along:1", "along:-1"])
def test_combine_rule_along_is_the_transpose_of_its_tangent(kind):
    d, t = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    out_shape = np.sum(d, axis=int(kind[6:])).shape
    g = RNG.normal(size=out_shape)
    back = hessian.vjp_combine(kind, g, d, (3, 4))
    forward = hessian.jvp_combine(kind, d, t, out_shape)
    assert np.isclose(np.sum(back * t), np.sum(g * forward))


SHORT = """param Z[3, 4], X[2, 3, 4]
s = sum(Z, 1)
m = mean(Z, 0)
u = max(Z, 1)
v = min(Z, -2)
w = logsumexp(X, -3)
L = sum(s) + sum(m) + sum(u) + sum(v) + sum(w)
"""


def test_printing_reads_back_with_the_same_values():
    program = parser.parse(SHORT)
    vals = evaluate.forward(program, VALUES)
    printer = Printer(program, "plain")
    plain = "\n".join(printer.forward(n) for n in program.nodes.values() if n.op and n.name)
    assert "s = sum(Z, 1)" in plain and "u = amax(Z, 1)" in plain and "v = amin(Z, -2)" in plain
    again = parser.parse("param Z[3, 4], X[2, 3, 4]\n" + plain)
    assert evaluate.forward(again, VALUES)[again.output] == pytest.approx(vals[program.output])
    pretty = Printer(program, "pretty")
    assert pretty.forward(program.nodes["u"]) == "u = max(Z, 1)"
    assert pretty.forward(program.nodes["v"]) == "v = min(Z, −2)"
    latex = Printer(program, "latex").forward(program.nodes["s"])
    assert r"\operatorname{sum}(Z, 1)" in latex


def test_printed_backward_equations_evaluate_to_the_gradients():
    printed_equations_give_the_gradients(parser.parse(MODEL), VALUES)


@pytest.mark.parametrize("text, leaf, shape", [
    ("L = sum(sum(Z, 1)^2)", "Z", (3, 3)),            # a capital name: a matrix
    ("L = sum(mean(z, 0)^2)", "z", (3,)),             # a small one: a vector
    ("L = sum(sum(x, -3)^2)", "x", (3, 3, 3)),        # as many axes as axis -3 needs
    ("L = sum(logsumexp(W, -1))", "W", (3, 3)),
])
def test_inference_gives_the_operand_enough_axes(text, leaf, shape):
    from graphdraw.core import infer
    assert infer.infer(parser.parse(text)).shapes[leaf] == shape


def test_shape_from_given_values():
    result = CliRunner().invoke(cli, ["grads", "-e", "L = sum(sum(Z, 0) * w)",
                                      "--set", "Z=[[1, 2, 3], [4, 5, 6]]"])
    assert result.exit_code == 0, result.output
    assert "w is a vector of 3" not in result.output      # w's size comes from Z's


@pytest.mark.parametrize("text, col, words", [
    ("L = sum(sum(Z, k))", 16, r"axis of sum\(z, axis\) is a constant integer"),
    ("L = sum(mean(Z, 0.5))", 17, r"axis of mean\(z, axis\) is a constant integer"),
    ("param Z[2, 3]\nL = sum(sum(Z, 2))", 12, "axis 2 is out of range: a 2-D tensor has axes"),
    ("param X[2, 3, 4]\nL = sum(logsumexp(X, 1))", 18, "the first axis .the batch. of a 3-D"),
    ("param X[2, 3, 4]\nL = sum(sum(X, -2))", 12, "not axis -2 of a 3-D tensor"),
    ("param X[2, 3, 4]\nL = sum(sum(X, 2))", 12, "not axis 2 of a 3-D tensor"),
])
def test_errors_point_at_the_axis_or_the_op(text, col, words):
    with pytest.raises(GraphdrawError, match=words) as info:
        evaluate.forward(parser.parse(text), {})
    assert f":{col}:" in str(info.value) and "^" in str(info.value)


def test_out_of_range_found_by_inference_is_at_the_op():
    result = CliRunner().invoke(cli, ["grads", "-e", "L = sum(sum(z, 1))", "--set", "z=[1, 2]"])
    assert result.exit_code != 0
    assert ":1:12:" in result.output and "a vector has axes 0 (or -1 from the end)" in result.output
    assert "Traceback" not in result.output


def test_max_with_a_constant_stays_elementwise_unless_the_operand_is_a_tensor():
    program = parser.parse("L = max(x, 0)")
    assert program.nodes[program.output].op == "max"
    assert any("elementwise maximum with 0; for the largest entries along axis 0 write "
               "amax(…, 0)" in note for note in program.notes)
    declared = parser.parse("param Z[2, 3]\nL = sum(max(Z, 1))")
    assert {n.op for n in declared.nodes.values()} >= {"amax(axis=1)"}
    assert parser.parse("L = sum(amax(Z, 1))").nodes  # amax is always the reduction
    assert "amax(axis=1)" in {n.op for n in parser.parse("L = sum(amax(Z, 1))").nodes.values()}


def test_the_axis_is_no_node_of_the_graph():
    program = parser.parse("L = sum(sum(Z, 1))")
    assert [n.id for n in program.nodes.values() if n.is_const] == []


def test_grads_scalar_refuses_clearly():
    result = CliRunner().invoke(cli, ["grads", "--scalar", "-e", "L = sum(sum(Z, 1))",
                                      "--set", "Z=[[1, 2], [3, 4]]"])
    assert result.exit_code != 0 and "cannot expand" in result.output
    assert "internal error" not in result.output


def test_rows_are_made_once_per_axis_and_kept_in_the_table():
    assert ops.along("sum", 1) is ops.along("sum", 1)
    assert ops.OPS["sum(axis=1)"] is ops.along("sum", 1)
    assert ops.along("max", 0) is ops.along("amax", 0)
