"""Juxtaposition and a vector's orientation: a row (xᵀ, also times a scalar or negated) times
a column is the inner product, a column times a row the outer product, and what has no
meaning is an error; printing reads back to the same mathematics."""

from __future__ import annotations

import json
from unittest import mock

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.cli.group import cli
from graphdraw.errors import SourceError
from graphdraw.language import parser, printer
from graphdraw.language.program import Program

W_HALF = "param w[2]\nL = 1/2 wᵀ w"
CROSS_ENTROPY = "target y[4]; param s[4]; L = -yᵀ log(s)"
CE_LATEX = r"L = -\mathbf{y}^\top \log(\hat{\mathbf{y}})"
OUTER = "input x[3]; param w2[4], h[4], yh; target y\nL = sum(x ((yh - y) w2 (1 - h²))ᵀ)"
XXT = "param x[3]\nL = sum(x xᵀ)"
B_A = "∂L/∂b_a = (ŷ − y) ŷ (1 − ŷ) W_oᵀ (z (1 − z))"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def output_json(*args: str) -> dict:
    result = run("render", *args, "-f", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line.strip().rstrip(",")) for line in result.stdout.splitlines()
            if line.strip().startswith('{"id": "L"')]
    return rows[0]


def tree(program: Program, node_id: str | None = None):
    """A node as nested tuples of ops and leaf names (constants by value)."""
    node = program.nodes[node_id or program.output]
    if node.is_leaf:
        return node.id
    if node.op is None:
        return node.value
    return (node.op, *(tree(program, a) for a in node.args))


def value_of_l(*args: str) -> float:
    result = run("grads", *args)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("At these values L = "))
    return float(line.split(" = ")[1].replace("−", "-"))


# -- the reproducers -----------------------------------------------------------------------
@pytest.mark.parametrize("text", [W_HALF, "param w[2]\nL = wᵀ w / 2", "param w[2]\nL = ½ (wᵀ w)"])
def test_half_w_transpose_w_is_a_scalar(text):
    node = output_json("-e", text)
    assert node["shape"] == [] and node["op"] in ("matmul", "div", "mul")
    assert value_of_l("-e", text, "--set", "w=[1, 2]") == pytest.approx(2.5)


@pytest.mark.parametrize("text", [CROSS_ENTROPY, "target y[4]; param s[4]; L = -(yᵀ log(s))",
                                  "target y[4]; param s[4]; L = yᵀ (-log(s))"])
def test_negated_row_times_a_column_is_the_inner_product(text):
    assert output_json("-e", text)["shape"] == []
    given = ["--set", "y=[0, 1, 0, 0]", "--set", "s=[0.1, 0.5, 0.2, 0.2]"]
    assert value_of_l("-e", text, *given) == pytest.approx(-np.log(0.5))


@pytest.mark.parametrize("declared", ["", "target y[3]\nparam y_hat[3]\n"])
def test_latex_cross_entropy_is_a_scalar(declared):
    text = declared + CE_LATEX
    node = output_json("--syntax", "latex", "-e", text)
    assert node["op"] == "matmul"
    given = ["--set", "y=[0, 0, 1]", "--set", "y_hat=[0.2, 0.3, 0.5]"]
    assert value_of_l("--syntax", "latex", "-e", text, *given) == pytest.approx(-np.log(0.5))


def test_verify_reads_the_students_bias_gradient_as_an_inner_product():
    result = run("verify", "--claim", B_A)
    assert result.exit_code == 0, result.output
    # with an explicit elementwise product the same factors are ∂L/∂a, a vector
    result = run("verify", "--claim", "∂L/∂a = (ŷ − y) ŷ (1 − ŷ) W_oᵀ · z (1 − z)")
    assert result.exit_code == 0, result.output
    result = run("verify", "--claim", B_A.replace("b_a", "a"))
    assert result.exit_code == 8


def test_a_column_times_a_row_is_the_outer_product():
    program = parser.parse(OUTER)
    assert tree(program)[1][0] == "outer"
    given = {"x": [1.0, 2.0, 3.0], "w2": [1.0, -1.0, 2.0, 0.5], "h": [0.1, 0.2, 0.3, 0.4],
             "yh": 0.7, "y": 1.0}
    args = [a for k, v in given.items() for a in ("--set", f"{k}={v}")]
    g = (0.7 - 1.0) * np.array(given["w2"]) * (1 - np.array(given["h"]) ** 2)
    assert value_of_l("-e", OUTER, *args) == pytest.approx(np.outer(given["x"], g).sum())


def test_x_x_transpose_of_a_declared_vector_is_the_outer_product():
    assert value_of_l("-e", XXT, "--set", "x=[1, 2, 3]") == pytest.approx(36.0)
    # written elementwise on purpose, it stays elementwise
    assert value_of_l("-e", "param x[3]\nL = sum(x * xᵀ)", "--set", "x=[1, 2, 3]") == 14.0
    assert value_of_l("-e", "param x[3]\nL = sum(outer(x, x))", "--set", "x=[1, 2, 3]") == 36.0


def test_x_x_transpose_with_x_of_unknown_shape_given_a_vector_is_refused():
    result = run("grads", "-e", "L = sum(x xᵀ)", "--set", "x=[1, 2, 3]")
    assert result.exit_code == 3
    assert "an outer product or an elementwise one?" in result.stderr
    assert "outer(x, y)" in result.stderr and "Traceback" not in result.stderr
    # a scalar x is a scaling, as before
    assert value_of_l("-e", "L = sum(x xᵀ)", "--set", "x=3") == 9.0


@pytest.mark.parametrize("text, what", [
    ("param x[3], y[3]\nL = xᵀ yᵀ", "a row vector (a transpose) times a row vector"),
    ("param x[3], y[3]\nL = ½ xᵀ (-yᵀ)", "a row vector (a transpose) times a row vector"),
    ("param W[3, 3], y[3]\nL = sum(W yᵀ)", "a matrix times a row vector"),
    ("param x[3], y[3]\nL = σ(xᵀ) y", "graphdraw does not follow whether it is a row"),
    ("param x[3], y[3]\nL = sum(y (xᵀ)²)", "graphdraw does not follow whether it is a row"),
])
def test_products_without_a_meaning_are_errors_with_a_hint(text, what):
    result = run("render", "-e", text, "-f", "json", "-o", "-")
    assert result.exit_code == 3 and what in result.stderr and not result.stdout
    assert ("hint: transpose after the function" if "follow" in what else
            "hint: write xᵀ y for the inner product") in result.stderr


@pytest.mark.parametrize("text, shape", [
    ("param x[2], W[2, 3], y[3]\nL = xᵀ W y", []),      # a row times a matrix is a row
    ("param x[2], W[2, 3]\nL = xᵀ W", [3]),
    ("param w[2], c\nL = c wᵀ w", []),                    # c · (wᵀ w)
    ("param w[2]\nv = 2 wᵀ\nL = v w", []),                # a row keeps its orientation by name
    ("param w[2]\nL = σ(w)ᵀ w", []),
    ("param w[2]\nL = (wᵀ)ᵀ w", [2]),                     # a column again: elementwise
    ("param z[2]\nL = z (1 - z)", [2]),
])
def test_orientation_through_operations(text, shape):
    assert output_json("-e", text)["shape"] == shape


def test_products_of_scalars_keep_their_precedence():
    program = parser.parse("param a, b, c, d, e, f\nL = a b - c d + e f")
    assert tree(program) == ("add", ("sub", ("mul", "a", "b"), ("mul", "c", "d")),
                             ("mul", "e", "f"))


# -- printing reads back to the same mathematics -------------------------------------------
def _declarations(text: str) -> str:
    return "".join(line + "\n" for line in text.replace("; ", "\n").splitlines()
                   if line.split(" ")[0] in ("param", "input", "target"))


@pytest.mark.parametrize("text", [
    W_HALF, CROSS_ENTROPY, OUTER, XXT, "param x[3]\nL = sum(x * xᵀ)",
    "param x[3], y[3]\nL = xᵀ * (y + 1)", "param x[3], y[3]\nL = (½ xᵀ) * (y + 1)",
    "param x[3]\nL = 2 xᵀ", "param w[2], z[2]\nL = (w · 2) (z + 1)",
])
@pytest.mark.parametrize("mode", ["pretty", "latex"])
def test_printed_forward_reads_back_the_same(text, mode):
    first = parser.parse(text)
    with mock.patch.object(printer, "INLINE_LIMIT", 10**9):
        shown = printer.Printer(first, mode).forward(first.nodes[first.output])
    head = _declarations(text)
    again = parser.parse(head + shown, syntax="latex" if mode == "latex" else "plain")
    assert tree(again) == tree(first), shown


@pytest.mark.parametrize("text, shown", [
    ("param x[3]\nL = x * xᵀ", "L = x · xᵀ"),
    ("param x[3], y[3]\nL = xᵀ * (y + 1)", "L = xᵀ · (y + 1)"),
    ("param z[3]\nL = z * (1 - z)", "L = z (1 − z)"),
    ("param x[3]\nL = 2 xᵀ", "L = 2 xᵀ"),
])
def test_pretty_juxtaposes_a_product_only_where_it_reads_back(text, shown):
    program = parser.parse(text)
    assert printer.Printer(program, "pretty").forward(program.nodes["L"]) == shown


def test_latex_uses_odot_next_to_a_transpose():
    program = parser.parse("param x[3]\nL = x * xᵀ")
    assert printer.Printer(program, "latex").forward(program.nodes["L"]) == \
        r"L = x \odot x^\top"


def test_grads_equations_of_the_xor_network_verify(tmp_path):
    """grads prints ∂L/∂z with the other vector of the dot product W_oᵀ z as it is, W_o (no
    transpose, which would read as a row): its equations, read back by verify, all hold."""
    result = run("grads", "--format", "markdown")
    lines = [x for x in result.output.splitlines() if x.startswith("$$")]
    dz = next(x for x in lines if x.startswith(r"$$\frac{\partial L}{\partial z}"))
    assert dz.endswith(r"\odot W_{o}$$") and r"\top" not in dz
    plain = run("grads").output.split("Backward equations, from the output down:")[1]
    answers = tmp_path / "answers.txt"           # the plain equations, one claim a line
    answers.write_text(plain.split("\n\n")[0], encoding="utf-8")
    graded = run("verify", "--answers", str(answers), "--only-answered")
    assert graded.exit_code == 0, graded.output


def test_a_bad_product_never_reaches_python():
    with pytest.raises(SourceError, match="row vector"):
        parser.parse("param x[3], y[3]\nL = xᵀ yᵀ")


@pytest.mark.torch
@pytest.mark.parametrize("text, given", [
    (W_HALF, ["--set", "w=[1, 2]"]),
    (CROSS_ENTROPY, ["--set", "y=[0, 1, 0, 0]", "--set", "s=[0.1, 0.5, 0.2, 0.2]"]),
    (OUTER, ["--set", "yh=0.7", "--set", "y=1"]),
    (XXT, ["--set", "x=[1, 2, 3]"]),
    ("param x[2], W[2, 3], y[3]\nL = xᵀ W y", []),
])
def test_gradients_agree_with_torch(text, given):
    result = run("check", "-e", text, *given)
    assert result.exit_code == 0, result.output
