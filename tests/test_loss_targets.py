"""An undeclared y that multiplies the log of a value (a cross-entropy written out) is a target:
no gradient, values drawn as probabilities, a note; a declared y keeps its role."""

from __future__ import annotations

import numpy as np
import pytest

from graphdraw.language import parser
from graphdraw.numeric.values import leaf_values


@pytest.mark.parametrize("text, syntax", [
    ("z = W x + b\nŷ = softmax(z)\nL = -Σ_k y_k log(ŷ_k)", "plain"),
    ("z = W x + b\nŷ = softmax(z)\nL = -Σ_k y_k log ŷ_k", "plain"),
    (r"\hat{\mathbf{y}} = \operatorname{softmax}(W \mathbf{x}) \\ L = -\mathbf{y}^T \log \hat{\mathbf{y}}",
     "latex"),
])
def test_a_written_cross_entropy_reads_y_as_a_probability_target(text, syntax):
    program = parser.parse(text, syntax=syntax)
    assert program.nodes["y"].role == "target"
    assert any("read y as a target" in n for n in program.notes)
    values = leaf_values(program, {}, seed=0)
    assert np.all(values["y"] >= 0) and np.isclose(values["y"].sum(), 1.0)


def test_ngs_logistic_loss_reads_y_i_as_a_target_in_0_1_and_the_loss_is_positive():
    program = parser.parse(r"J = -\frac{1}{m} \sum_{i=1}^{m} \left[ y^{(i)} \log(\sigma(\theta^T "
                           r"x^{(i)})) + (1 - y^{(i)}) \log(1 - \sigma(\theta^T x^{(i)})) \right]",
                           syntax="latex")
    assert program.nodes["y_i"].role == "target"
    values = leaf_values(program, {}, seed=0)
    assert np.all((values["y_i"] >= 0) & (values["y_i"] <= 1))


@pytest.mark.parametrize("text", [
    "param y[3]\nŷ = softmax(z)\nL = -Σ_k y_k log(ŷ_k)",
    "L = 1/2 (ŷ − y)^2",
    "L = y · exp(a)",
])
def test_declared_or_other_uses_keep_their_role(text):
    program = parser.parse(text, syntax="plain")
    assert program.nodes["y"].role != "target"


def test_derivative_templates_never_print_a_target_note():
    from click.testing import CliRunner

    from graphdraw.cli import cli
    result = CliRunner().invoke(cli, ["render", "--example", "micrograd", "--show",
                                      "values,grads", "-f", "dot", "-o", "-"])
    assert result.exit_code == 0 and "target" not in result.stderr
