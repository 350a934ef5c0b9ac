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
