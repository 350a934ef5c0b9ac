"""The rows added for the models after XOR (issue 9): activations, whole-tensor reductions and
losses. The parametrised tests over the whole table (test_labels_vs_torch, test_hessian,
test_graph, test_printing, test_taylor) cover them at random points; here: their kinks and
ties against torch, finite differences, large operands, the names users type, and a model
that uses them all against torch autograd and torch's Hessian (float64, rtol 1e-9).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from ops_equations import printed_equations_give_the_gradients
from graphdraw import ops
from graphdraw.cli import cli
from graphdraw.errors import GraphdrawError
from graphdraw.language import parser
from graphdraw.language.printer import Printer
from graphdraw.numeric import backprop, evaluate

ELEMENTWISE = ("leaky_relu", "elu", "erf", "gelu", "silu", "sin", "cos", "log1p", "expm1")
REDUCTIONS = ("amax", "amin", "logsumexp", "norm")
SOFTMAX = ("softmax", "log_softmax")
LOSSES = ("cross_entropy", "nll_loss", "mse", "bce", "bce_with_logits")
NEW = ELEMENTWISE + REDUCTIONS + SOFTMAX + LOSSES

MODEL = """param z[4], w[4], y[4]
h = leaky_relu(z) + elu(w) + gelu(z) * silu(w) + sin(z) cos(w) + log1p(z^2) + expm1(tanh(w))
L = max(h) + min(h) + logsumexp(h) + norm(h) + cross_entropy(h, y) + mse(h, w)
L2 = L + bce(sigmoid(z), sigmoid(w)) + bce_with_logits(z, sigmoid(y)) + erf(sum(w))
p = softmax(h)
L3 = L2 + sum(p * y) + sum(log_softmax(z * w) * y) + nll_loss(log_softmax(w), y)
"""
VALUES = {"z": np.array([0.3, -1.2, 0.8, 2.1]), "w": np.array([-0.4, 0.9, 1.7, -2.2]),
          "y": np.array([0.1, 0.2, 0.3, 0.4])}


def expression(program, node_id: str, mode: str) -> str:
    return Printer(program, mode).expression(program.nodes[node_id])[0]


def grads_of(text: str, values: dict) -> tuple[dict, dict]:
    program = parser.parse(text)
    vals = evaluate.forward(program, values)
    return vals[program.output], backprop.backward(program, vals)


def test_every_new_row_is_in_the_table_and_listed_by_graphdraw_ops():
    result = CliRunner().invoke(cli, ["ops", "--json"])
    listed = {r["name"]: r for r in json.loads(result.stdout)}
    for name in NEW:
        row = ops.OPS[name]
        assert name in listed and row.torch and row.latex, name
        assert len(listed[name]["local_grads"]) == row.arity
    text = CliRunner().invoke(cli, ["ops"]).stdout
    assert "max(a)         amax" in text and "∂out/∂a = cos(a)" in text


@pytest.mark.parametrize("text, op", [
    ("L = max(z)", "amax"), ("L = min(z)", "amin"), ("L = max(z, w)", "max"),
    ("L = min(z, w)", "min"), ("L = amax(z)", "amax"), ("L = swish(z)", "silu"),
    ("L = SiLU(z)", "silu"), ("L = LeakyReLU(z)", "leaky_relu"), ("L = GELU(z)", "gelu"),
    ("L = l2_norm(z)", "norm"), ("L = lse(z)", "logsumexp"), ("L = mse_loss(z, w)", "mse"),
    ("L = binary_cross_entropy(z, w)", "bce"), ("L = CrossEntropy(z, w)", "cross_entropy"),
])
def test_names_users_type_reach_the_row(text, op):
    program = parser.parse(text)
    assert program.nodes[program.output].op == op


def test_max_with_three_arguments_says_how_many_it_takes():
    with pytest.raises(GraphdrawError, match="takes 2 arguments, not 3"):
        parser.parse("L = max(a, b, c)")


@pytest.mark.parametrize("text, plain, latex", [
    ("L = max(z)", "amax(z)", r"\max(z)"),
    ("L = sin(x) + cos(x)", "sin(x) + cos(x)", r"\sin(x) + \cos(x)"),
    ("L = log1p(x)", "log1p(x)", r"\log\left(1 + x\right)"),
    ("L = 2 expm1(x)", "2 * expm1(x)", r"2 \, \left(e^{x} - 1\right)"),
    ("L = norm(w)^2", "norm(w)^2", r"\left\lVert w\right\rVert^{2}"),
    ("L = gelu(x)", "gelu(x)", r"\operatorname{GELU}(x)"),
])
def test_printing(text, plain, latex):
    program = parser.parse(text)
    assert expression(program, program.output, "plain") == plain
    assert expression(program, program.output, "latex") == latex
    again = parser.parse("L = " + plain)        # plain text parses back to the same op
    assert again.nodes[again.output].op == program.nodes[program.output].op


# -- kinks and ties: torch's conventions -----------------------------------------------------

torch_cases = [
    ("leaky_relu", [0.0, -1.0, 2.0]), ("elu", [0.0, -1.0, 2.0]),
    ("amax", [1.0, 3.0, 3.0, -2.0]), ("amin", [-2.0, 3.0, -2.0, -2.0]),
    ("amax", [[1.0, 5.0], [5.0, 0.0]]), ("norm", [0.0, 0.0, 0.0]),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, point", torch_cases)
def test_kinks_and_ties_follow_torch(name, point):
    torch = pytest.importorskip("torch")
    row = ops.OPS[name]
    a = np.array(point, dtype=float)
    t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    out_t = row.torch_forward(t)
    g = np.ones(np.shape(out_t.detach().numpy()))
    (expected,) = torch.autograd.grad(out_t, t, grad_outputs=torch.tensor(g))
    out = np.asarray(row.forward(a))
    (vjp,) = row.vjp(g, out, a)
    np.testing.assert_allclose(vjp, expected.numpy(), rtol=1e-12, atol=0)
    if name != "norm":        # the label a/out is the derivative where it exists (not at 0)
        d = backprop.local_derivative(row.derivs[0], {"a": a, "out": out})
        np.testing.assert_allclose(g * d, expected.numpy(), rtol=1e-12, atol=0)


# -- finite differences and large operands ---------------------------------------------------

def central_differences(text: str, values: dict, leaf: str, step: float = 1e-6):
    program = parser.parse(text)
    base = np.asarray(values[leaf], dtype=float)
    out = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        diffs = []
        for sign in (1, -1):
            moved = base.copy()
            moved[index] += sign * step
            vals = evaluate.forward(program, {**values, leaf: moved})
            diffs.append(float(np.sum(vals[program.output])))
        out[index] = (diffs[0] - diffs[1]) / (2 * step)
    return out


@pytest.mark.parametrize("name", NEW)
def test_gradients_match_central_differences(name):
    row = ops.OPS[name]
    if row.arity == 1:
        text = f"L = sum({name}(a) * c)" if row.combine else f"L = {name}(a)"
        values = {"a": np.array([0.7, -0.6, 0.4])}
        if row.combine:
            values["c"] = np.array([0.2, -1.1, 0.5])
    else:
        # declared: an undeclared target operand (a loss's b) gets no gradient
        text = f"param a[3], b[3]\nL = {name}(a, b)"
        values = {"a": np.array([0.3, 0.6, 0.2]), "b": np.array([0.1, 0.5, 0.4])}
    _, grads = grads_of(text, values)
    for leaf in values:
        numeric = central_differences(text, values, leaf)
        np.testing.assert_allclose(grads[leaf], numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", ("leaky_relu", "elu", "erf", "gelu", "silu", "sin", "cos",
                                  "log1p") + REDUCTIONS)
def test_large_operands_give_finite_values_and_gradients(name):
    a = np.array([800.0, -800.0, 3.0]) if name != "log1p" else np.array([1e300, 0.5, 3.0])
    out, grads = grads_of(f"L = sum({name}(a))", {"a": a})
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(grads["a"]))


def test_losses_are_stable_for_large_logits():
    z = np.array([900.0, -900.0, 0.0])
    for text in ("L = cross_entropy(z, y)", "L = bce_with_logits(z, y)"):
        out, grads = grads_of(text, {"z": z, "y": np.array([1.0, 0.0, 0.0])})
        assert np.isfinite(out) and np.all(np.isfinite(grads["z"]))


# -- a model with all of them, against torch --------------------------------------------------

@pytest.mark.torch
def test_model_with_every_new_row_matches_torch_autograd_and_hessian():
    torch = pytest.importorskip("torch")
    from graphdraw.analyses import check
    from graphdraw.analyses.check import torch_hessian
    from graphdraw.numeric import hessian
    program = parser.parse(MODEL)
    assert {n.op for n in program.nodes.values()} >= set(NEW)
    vals = evaluate.forward(program, VALUES)
    grads = backprop.backward(program, vals)
    tensors = check.build_torch(program, VALUES)
    out = tensors[program.output]
    np.testing.assert_allclose(vals[program.output], out.detach().numpy(), rtol=1e-12)
    leaves = backprop.gradient_leaves(program)
    theirs = torch.autograd.grad(out, [tensors[n] for n in leaves])
    for leaf, t in zip(leaves, theirs):
        np.testing.assert_allclose(grads[leaf], t.numpy(), rtol=1e-9, atol=1e-14)
    H, _ = hessian.hessian(program, VALUES, leaves)
    reference = torch_hessian(program, VALUES, leaves)
    assert np.abs(H - reference).max() <= 1e-9 * np.abs(reference).max()
    report = check.run_check(program, VALUES)
    assert report.structure.ok and all(r.ok for r in report.leaves), report.format()


@pytest.mark.parametrize("text", ["L = mse(a, b)", "L = logsumexp(a)", "L = max(a)"])
def test_grads_scalar_refuses_rows_it_cannot_expand(text):
    given = ["--set", "a=[1,2]"] + (["--set", "b=[0,1]"] if "b" in text else [])
    result = CliRunner().invoke(cli, ["grads", "--scalar", "-e", text, *given])
    assert result.exit_code != 0 and "cannot expand" in result.output
    assert "internal error" not in result.output


def test_backward_equations_of_softmax_evaluate_to_the_gradients():
    """The printed equations (plain) parse back and give graphdraw's gradients: softmax's
    and log_softmax's combine rules as formulas."""
    shown = printed_equations_give_the_gradients(parser.parse(MODEL), VALUES)
    assert "sum(" in shown["p"] or "sum(" in shown["h"]


def test_softmax_of_a_matrix_works_row_by_row():
    """(It was refused before; tests/test_ops_softmax_rows.py checks it against torch.)"""
    program = parser.parse("param Z[2, 3]\nL = sum(softmax(Z))")
    assert evaluate.forward(program, {"Z": np.ones((2, 3))})[program.output] == pytest.approx(2)


@pytest.mark.parametrize("latex, op", [
    (r"$L = \sin(x)$", "sin"), (r"$L = \cos(x)$", "cos"), (r"$L = \max(z)$", "amax"),
    (r"$L = \left\lVert z \right\rVert$", "norm"), (r"$L = \lVert z\rVert$", "norm"),
    (r"$L = \operatorname{GELU}(x)$", "gelu"), (r"$L = \operatorname{softmax}(z)$", "softmax"),
    (r"$L = \operatorname{CE}(z, y)$", "cross_entropy"),
])
def test_latex_input_reaches_the_rows(latex, op):
    program = parser.parse(latex)
    assert program.nodes[program.output].op == op


@pytest.mark.parametrize("name", [n for n in NEW if "{0}" in ops.OPS[n].latex
                                  or ops.OPS[n].latex.startswith(("\\operatorname", "\\sin",
                                                                  "\\cos", "\\max", "\\min"))])
def test_latex_printing_reads_back(name):
    """What graphdraw prints for LaTeX, read by its LaTeX reader, computes the same."""
    row = ops.OPS[name]
    text = "L = " + ("f(a)" if row.arity == 1 else "f(a, b)").replace("f", name)
    program = parser.parse(text)
    printed = expression(program, program.output, "latex")
    again = parser.parse(f"$L = {printed}$")
    values = {"a": np.array([0.3, 0.6, 0.2]), "b": np.array([0.1, 0.5, 0.4])}
    given = {n.id: values[n.id] for n in again.nodes.values() if n.is_leaf}
    first = evaluate.forward(program, {k: values[k] for k in given})[program.output]
    second = evaluate.forward(again, given)[again.output]
    np.testing.assert_allclose(second, first, rtol=1e-12)


@pytest.mark.parametrize("text, expected", [
    ("L = ‖x‖", "norm(x)"), ("L = ||x||", "norm(x)"), ("L = ‖x‖²", "norm(x)^2"),
    ("L = ||x||^2 + 1", "norm(x)^2 + 1"), ("L = ‖a‖ ‖b‖", "norm(a) * norm(b)"),
    ("L = ‖x - ‖y‖ z‖", "norm(x - norm(y) * z)"), ("L = λ/2 ‖W‖²", "lambda / 2 * norm(W)^2"),
])
def test_norm_bars_read_as_the_norm(text, expected):
    program = parser.parse(text)
    assert expression(program, program.output, "plain") == expected


@pytest.mark.parametrize("text, col, words", [
    ("L = ‖x", 5, "never closed"), ("L = (‖x)‖", 6, "never closed"),
    ("L = ‖x, y‖", 5, "never closed"), ("L = |x|", 5, "abs(x)"),
])
def test_unclosed_norm_bars_point_at_the_bar(text, col, words):
    with pytest.raises(GraphdrawError) as info:
        parser.parse(text)
    shown = str(info.value)
    assert words in shown + (info.value.hint or "") and f":1:{col}:" in shown
