"""Batched (3-D) matrix products, `A @ B` with a leading batch axis as torch.matmul computes
it, and the transpose of a batch (each matrix, torch's mT) (issue 9): values, gradients and
Hessians against torch autograd (float64), the combine rules, the printed equations, shape
inference, and the refusals (a vector times a batch, `grads --scalar`).
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from ops_equations import matches_torch, printed_equations_give_the_gradients
from graphdraw.cli import cli
from graphdraw.core import infer
from graphdraw.errors import GraphdrawError
from graphdraw.language import parser
from graphdraw.numeric import evaluate, hessian

ATTENTION = """param Q[2, 3, 4], K[2, 5, 4], V[2, 5, 3], W[3, 2], P[2, 3]
S = softmax(Q K^T / 2)
L = sum((S V W)^2) + sum(P @ S @ V) + sum(W^T @ V^T)
"""
RNG = np.random.default_rng(3)
VALUES = {"Q": RNG.normal(size=(2, 3, 4)), "K": RNG.normal(size=(2, 5, 4)),
          "V": RNG.normal(size=(2, 5, 3)), "W": RNG.normal(size=(3, 2)),
          "P": RNG.normal(size=(2, 3))}
LEAVES = ["Q", "K", "V", "W", "P"]


def torch_loss(torch, Q, K, V, W, P):
    S = torch.softmax(Q @ K.mT / 2, dim=-1)
    return ((S @ V @ W) ** 2).sum() + (P @ S @ V).sum() + (W.mT @ V.mT).sum()


@pytest.mark.torch
def test_values_gradients_and_hessian_match_torch():
    matches_torch(parser.parse(ATTENTION), VALUES, LEAVES,
                  lambda torch, t: torch_loss(torch, *[t[k] for k in LEAVES]))


@pytest.mark.parametrize("kind, d_shape, t_shape, out_shape", [
    ("matmul_left", (2, 4, 5), (2, 3, 5), (2, 3, 4)),     # A batch @ B batch, D = Bᵀ
    ("matmul_left", (4, 5), (2, 3, 5), (2, 3, 4)),        # A batch @ B shared
    ("matmul_left", (2, 4, 5), (3, 5), (2, 3, 4)),        # A shared @ B batch
    ("matmul_right", (2, 3, 5), (2, 5, 4), (2, 3, 4)),    # D = A
    ("matmul_right", (3, 5), (2, 5, 4), (2, 3, 4)),
    ("matmul_right", (2, 3, 5), (5, 4), (2, 3, 4)),
    ("transpose", (), (2, 3, 4), (2, 4, 3)),
])
def test_batched_combine_rules_are_each_others_transpose(kind, d_shape, t_shape, out_shape):
    d, t, g = (RNG.normal(size=s) for s in (d_shape, t_shape, out_shape))
    back = hessian.vjp_combine(kind, g, d, t_shape)
    assert back.shape == t_shape
    assert np.isclose(np.sum(g * hessian.jvp_combine(kind, d, t, out_shape)), np.sum(back * t))


def test_printed_backward_equations_evaluate_to_the_gradients():
    shown = printed_equations_give_the_gradients(parser.parse(ATTENTION), VALUES)
    assert shown["W"].startswith("sum(") and shown["W"].endswith(", 0)")   # shared by a batch


def test_inference_carries_the_batch_through_products_and_transposes():
    program = parser.parse("param Q[2, 3, 4], K[2, 5, 4]\nS = softmax(Q @ K^T)\nL = sum(S @ V)")
    found = infer.infer(program).shapes
    assert found["S"] == (2, 3, 5)
    assert found["V"][0] == 5          # a capital name left free: a matrix shared by the batch
    alone = infer.infer(parser.parse("param Q[2, 3, 4]\nL = sum(Q @ K^T)")).shapes
    assert alone["K"][1] == 4


@pytest.mark.parametrize("text, words", [
    ("param A[2, 3, 4], B[3, 4, 5]\nL = sum(A @ B)", "batches have different sizes"),
    ("param A[1, 3, 4], B[3, 4, 5]\nL = sum(A @ B)", "batches have different sizes"),
    ("param A[2, 3, 4], B[2, 3, 5]\nL = sum(A @ B)", "inner sizes differ"),
    ("param A[2, 3, 4], v[4]\nL = sum(A @ v)", "not a vector"),
    ("param A[2, 3, 4, 5], B[5, 2]\nL = sum(A @ B)", "batches of matrices"),
])
def test_refusals_say_why_at_the_op(text, words):
    with pytest.raises(GraphdrawError, match=words) as info:
        evaluate.forward(parser.parse(text), {})
    assert "^" in str(info.value)


def test_juxtaposition_of_batches_is_a_matrix_product():
    program = parser.parse("param A[2, 3, 4], B[2, 4, 5]\nL = sum(A B)")
    assert "matmul" in {n.op for n in program.nodes.values()}


def test_grads_scalar_refuses_clearly():
    result = CliRunner().invoke(cli, ["grads", "--scalar", "-e",
                                      "param A[2, 2, 2], B[2, 2, 2]\nL = sum(A @ B)"])
    assert result.exit_code != 0 and "cannot expand the batched" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


@pytest.mark.torch
def test_graphdraw_check_passes_on_a_batched_product():
    pytest.importorskip("torch")
    result = CliRunner().invoke(cli, ["check", "-e", "L = sum((Q @ K^T)^2) + sum(Q @ W)",
                                      "--set", "Q=[[[1, 2], [3, 4]], [[0, 1], [2, 1]]]",
                                      "--set", "K=[[[1, 0], [3, -4]], [[0, 1], [2, 5]]]",
                                      "--set", "W=[[1, 2, 0], [0, 1, 1]]"])
    assert result.exit_code == 0, result.output
