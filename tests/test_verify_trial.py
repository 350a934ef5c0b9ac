"""graphdraw verify on a teaching assistant's own models: domains of the random points, the
diagnoses of wrong claims, answers files that are incomplete or carry prose."""

from __future__ import annotations

import json

from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.errors import EXIT_CLAIM

SOFTMAX = """input x[3]
target y[4]
param W[4, 3], b[4]
z = W x + b
L = cross_entropy(z, y)
"""
SCALAR = """input x
target y
param w, b
L = (w x + b - y)^2
"""
RELU = """input x[2]
target y
param W[2, 3], c[3], v[3]
a = Wᵀ x + c
h = relu(a)
ŷ = vᵀ h
L = (ŷ - y)^2
"""
MLP = """input x[3]
target y
param W1[3, 4], b1[4], w2[4], b2
h = tanh(W1ᵀ x + b1)
ŷ = w2ᵀ h + b2
L = 1/2 (ŷ − y)²
"""


def run(model: str, *args):
    return CliRunner().invoke(cli, ["verify", "-e", model, *args])


def test_softmax_minus_target_holds_for_a_cross_entropy_target():
    """cross_entropy's target is drawn as a probability vector (its row's `simplex` domain),
    so the textbook softmax(z) − y holds everywhere it should."""
    for extra in ((), ("--set", "y=[0,1,0,0]")):
        result = run(SOFTMAX, "--claim", "∂L/∂b = softmax(z) − y", *extra)
        assert result.exit_code == 0, result.output
        assert "happens to match" not in result.output


def test_simplex_draws_sum_to_one():
    from graphdraw.language import parser
    from graphdraw.analyses.verify.compare import points
    program = parser.parse(SOFTMAX)
    pts, _ = points(program, {}, 5, 0)
    for point in pts:
        assert abs(float(point.leaves["y"].sum()) - 1) < 1e-12
        assert (point.leaves["y"] >= 0).all()


def test_a_value_that_does_not_depend_on_v():
    result = run(SCALAR, "--claim", "∂y/∂w = 1")
    assert result.exit_code == EXIT_CLAIM
    assert "y does not depend on w: the derivative is 0" in result.output
    assert "constant factor" not in result.output


def test_a_reversed_derivative_asks_for_the_other_way_round():
    result = run(SCALAR, "--claim", "∂w/∂L = 1")
    assert result.exit_code == EXIT_CLAIM
    assert "did you mean ∂L/∂w?" in result.output
    assert "constant factor" not in result.output


def test_a_constant_claim_does_not_give_the_answer_away():
    result = run(SCALAR, "--claim", "∂L/∂x = 1")
    assert result.exit_code == EXIT_CLAIM
    assert "it is not the derivative: yours is a constant" in result.output
    assert "x → (w · x) → (w · x + b) → (w · x + b − y) → L" in result.output
    assert "missing the factor" not in result.output
    assert "2 (w" not in result.output


def test_a_missing_factor_is_the_named_nodes_derivative_with_constants_folded():
    model = "input x[2]\ntarget y\nparam W_o[2], b_o\nŷ = σ(W_oᵀ x + b_o)\nL = 1/2 (ŷ − y)²\n"
    result = run(model, "--claim", "∂L/∂b_o = ŷ (1 − ŷ)")
    assert "missing the factor ŷ − y = ∂L/∂ŷ" in result.output
    assert "constant factor" not in result.output
