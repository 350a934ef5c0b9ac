"""softmax and log_softmax over the last axis of a matrix (row by row, as torch's dim=-1):
values, gradients and Hessians against torch autograd written by hand (float64), the combine
rules' printed equations, and shape inference (issue 9, the attention head of the zoo).
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from ops_equations import matches_torch, printed_equations_give_the_gradients
from graphdraw.cli import cli
from graphdraw.errors import GraphdrawError
from graphdraw.language import parser
from graphdraw.numeric import evaluate, hessian

ATTENTION = """param Q[3, 2], K[4, 2], V[4, 2], Y[3, 2], Z[3, 4]
A = softmax(Q K^T / sqrt(2))
L = sum((A V - Y)^2) + sum(log_softmax(Z) * Z) + sum(softmax(Z^T)^2)
"""
RNG = np.random.default_rng(9)
VALUES = {"Q": RNG.normal(size=(3, 2)), "K": RNG.normal(size=(4, 2)),
          "V": RNG.normal(size=(4, 2)), "Y": RNG.normal(size=(3, 2)),
          "Z": RNG.normal(size=(3, 4))}
LEAVES = ["Q", "K", "V", "Z"]


def torch_loss(torch, Q, K, V, Z, Y):
    A = torch.softmax(Q @ K.T / 2 ** 0.5, dim=-1)
    return (((A @ V - Y) ** 2).sum() + (torch.log_softmax(Z, dim=-1) * Z).sum()
            + (torch.softmax(Z.T, dim=-1) ** 2).sum())


@pytest.mark.torch
def test_matrix_softmax_values_gradients_and_hessian_match_torch():
    """The Hessian goes through softmax's combine rule and its tangent (vjp_combine_tangent)
    row by row."""
    program = parser.parse(ATTENTION)
    vals = matches_torch(program, VALUES, LEAVES,
                         lambda torch, t: torch_loss(torch, t["Q"], t["K"], t["V"], t["Z"],
                                                     t["Y"]))
    rows = vals[[n for n in program.nodes if program.nodes[n].name == "A"][0]]
    np.testing.assert_allclose(rows.sum(axis=1), np.ones(3), rtol=1e-12)   # row by row


@pytest.mark.parametrize("kind", ["softmax", "log_softmax"])
def test_combine_rules_are_each_others_transpose_row_by_row(kind):
    """⟨ḡ, jvp(D, ṫ)⟩ = ⟨vjp(ḡ, D), ṫ⟩ for a matrix D whose rows are softmaxes, and each row
    of the result depends on that row only."""
    d = np.exp(RNG.normal(size=(3, 4)))
    d /= d.sum(axis=1, keepdims=True)
    g, t = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    back = hessian.vjp_combine(kind, g, d, (3, 4))
    assert np.isclose(np.sum(g * hessian.jvp_combine(kind, d, t, (3, 4))), np.sum(back * t))
    for i in range(3):
        alone = hessian.vjp_combine(kind, g[i], d[i], (4,))
        np.testing.assert_allclose(back[i], alone, rtol=1e-12)


def test_printed_backward_equations_of_matrix_softmax_evaluate_to_the_gradients():
    shown = printed_equations_give_the_gradients(parser.parse(ATTENTION), VALUES)
    # each row's sum, sum(X, -1), lined up with the rows of a transpose: no ones(ḡᵀ ḡ)
    assert any("sum(" in rhs and "-1)" in rhs.replace("−", "-") for rhs in shown.values())
    assert not any("ones(" in rhs for rhs in shown.values())


@pytest.mark.parametrize("text, leaf, shape", [
    ("L = sum(softmax(Z) * Y)", "Z", (3, 3)),          # a capital name reads as a matrix
    ("L = sum(softmax(z) * y)", "z", (3,)),            # a small one as a vector
    ("L = sum(log_softmax(X W) * Y)", "X", (3, 3)),
])
def test_inference_gives_softmax_an_operand_of_the_rank_its_name_suggests(text, leaf, shape):
    from graphdraw.core import infer
    program = parser.parse(text)
    assert infer.infer(program).shapes[leaf] == shape


def test_softmax_takes_the_shape_of_given_values():
    result = CliRunner().invoke(cli, ["grads", "-e", "L = sum(softmax(z) * y)",
                                      "--set", "z=[[1, 2, 3], [0, 0, 1]]",
                                      "--set", "y=[[1, 0, 0], [0, 1, 0]]"])
    assert result.exit_code == 0, result.output


def test_softmax_of_a_scalar_is_refused_at_the_op():
    with pytest.raises(GraphdrawError, match="softmax cannot .*scalar.*last axis") as info:
        program = parser.parse("L = softmax(2 * 3)")
        evaluate.forward(program, {})
    assert "1:" in str(info.value) and "^" in str(info.value)


@pytest.mark.torch
def test_check_passes_on_matrix_softmax():
    pytest.importorskip("torch")
    result = CliRunner().invoke(cli, ["check", "-e", "L = sum(softmax(Z)^2) + sum(log_softmax(Z))",
                                      "--set", "Z=[[1, 2, 3], [0, 0.5, 1]]"])
    assert result.exit_code == 0, result.output
