"""A printed derivative reads back as the same maths: the adjoint sent through −yᵀ log ŷ is the
vector −y ⊙ 1/ŷ, never `−yᵀ (1 / ŷ)` (an inner product, a scalar, when read back)."""

from __future__ import annotations

from click.testing import CliRunner

from graphdraw.cli import cli


def test_the_other_vector_of_a_dot_product_prints_without_its_transpose():
    result = CliRunner().invoke(cli, ["grads", "--syntax", "plain", "-e", "L = -yᵀ log(p)",
                                      "--set", "y=[0.2, 0.8]", "--set", "p=[0.5, 0.5]"])
    assert result.exit_code == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.strip().startswith("∂L/∂p ="))
    assert line.split("=", 1)[1].strip() == "−y / p"
    assert "∂L/∂p = [-0.4, -1.6]" in result.stdout


def _grads(*args: str) -> str:
    result = CliRunner().invoke(cli, ["grads", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_ridge_penalty_differentiates_to_an_inner_product():
    """∂E/∂λ of λ/2 wᵀ w prints 0.5 (wᵀ w), never sum(w · wᵀ) (w times wᵀ reads as an outer
    product), in text and in LaTeX, and verify reads it back as the gradient."""
    model = "E = 1/2 (wᵀ x − y)² + λ/2 wᵀ w"
    text = _grads("-e", model, "--set", "x=[1, 2]", "--set", "w=[0.5, -1]")
    assert "∂E/∂λ = 0.5 (wᵀ w)" in text and "sum(w · wᵀ)" not in text
    latex = _grads("-e", model, "--set", "x=[1, 2]", "-f", "latex")
    assert r"\frac{\partial E}{\partial \lambda} &= 0.5 \, \left(w^\top \, w\right)" in latex
    verified = CliRunner().invoke(cli, ["verify", "-e", model, "--set", "x=[1, 2]",
                                        "--claim", "∂E/∂λ = 0.5 (wᵀ w)"])
    assert verified.exit_code == 0, verified.output


def test_an_inner_product_of_two_vectors_prints_with_its_transpose():
    """x @ y of two vectors prints xᵀ y in text, HTML and LaTeX: `x y` reads back as an
    elementwise product (a vector, not the number)."""
    from graphdraw.language import parser, printer
    program = parser.parse("param x[3], y[3]\nL = x @ y")
    shown = {mode: printer.Printer(program, mode).forward(program.nodes["L"])
             for mode in ("plain", "pretty", "html", "latex")}
    assert shown == {"plain": "L = x @ y", "pretty": "L = xᵀ y",
                     "html": "<i>L</i> = <i>x</i><sup>T</sup> <i>y</i>", "latex": r"L = x^\top \, y"}, shown
    again = parser.parse("param x[3], y[3]\n" + shown["pretty"])
    assert again.nodes["L"].op == "matmul"
    diagram = CliRunner().invoke(cli, ["render", "-f", "json", "-o", "-", "-e", "L = x @ y",
                                       "--set", "x=[1, 2]"])
    assert '"forward_pretty": "L = xᵀ y"' in diagram.stdout
    assert "∂L/∂u = 2 (uᵀ x) · x" in _grads("-e", "L = (u @ x)²", "--set", "x=[1, 2]")


def test_a_named_transposed_vector_used_again_reads_back():
    """v = 2 wᵀ, then v (x + 1): printed and read back, the same value (an inner product)."""
    import numpy as np
    from graphdraw.language import parser, printer
    from graphdraw.numeric import evaluate
    text = "param w[3], x[3]\nv = 2 wᵀ\nL = v (x + 1)"
    first = parser.parse(text)
    pretty = printer.Printer(first, "pretty")
    shown = "param w[3], x[3]\n" + "\n".join(pretty.forward(first.nodes[n]) for n in ("v", "L"))
    assert shown.endswith("v = 2 wᵀ\nL = v (x + 1)")
    given = {"w": np.array([1.0, -2.0, 0.5]), "x": np.array([0.5, 1.0, 2.0])}
    again = parser.parse(shown)
    assert evaluate.forward(again, given)["L"] == evaluate.forward(first, given)["L"] == -2.0


def test_latex_writes_elementwise_products_with_odot():
    """∂L/∂a = ∂L/∂z ⊙ z ⊙ (1 − z) of the XOR network: LaTeX juxtaposition would read as
    matrix products of the vectors; a number still scales by a thin space."""
    latex = _grads("-f", "latex")
    assert (r"\frac{\partial L}{\partial a} &= \frac{\partial L}{\partial z} \odot z \odot "
            r"\left(1 - z\right)") in latex
    assert r"0.5 \, w" in _grads("-f", "latex", "-e", "L = (wᵀ x)² + λ/2 wᵀ w",
                                 "--set", "x=[1, 2]")
