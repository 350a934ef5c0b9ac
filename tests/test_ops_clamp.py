"""clamp(x, lo, hi) with constant bounds (issue 9): values, gradients (torch's at the bounds,
which count as inside) and Hessians against torch autograd in float64, printing that reads
back, and the errors for bounds that are not constants or are crossed.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from ops_equations import matches_torch, printed_equations_give_the_gradients
from graphdraw.cli import cli
from graphdraw.errors import GraphdrawError
from graphdraw.language import parser
from graphdraw.language.printer import Printer
from graphdraw.numeric import evaluate

MODEL = "param x[6], W[2, 3]\nL = sum(clamp(x, -1, 1/2)^3) + sum(clip(W, 0, 2) * W)"
VALUES = {"x": np.array([-2.0, -1.0, -0.3, 0.5, 0.7, 0.2]),       # both bounds hit exactly
          "W": np.array([[-1.0, 0.0, 1.5], [2.0, 3.0, 0.4]])}


def torch_model(torch, x, W):
    return (torch.clamp(x, -1, 0.5) ** 3).sum() + (torch.clamp(W, 0, 2) * W).sum()


@pytest.mark.torch
def test_values_gradients_and_hessian_match_torch():
    matches_torch(parser.parse(MODEL), VALUES, ["x", "W"],
                  lambda torch, t: torch_model(torch, t["x"], t["W"]))


def test_printing_reads_back_and_the_equations_give_the_gradients():
    program = parser.parse(MODEL)
    plain = Printer(program, "plain").forward(program.nodes["L"])
    assert "clamp(x, -1, 1/2)" in plain and "clamp(W, 0, 2)" in plain
    again = parser.parse("param x[6], W[2, 3]\n" + plain)
    assert evaluate.forward(again, VALUES)["L"] == pytest.approx(
        evaluate.forward(program, VALUES)["L"])
    assert r"\operatorname{clamp}(x, -1, \frac{1}{2})" in \
        Printer(program, "latex").forward(program.nodes["L"])
    printed_equations_give_the_gradients(program, VALUES)


@pytest.mark.parametrize("text, col, words", [
    ("L = clamp(x, a, 1)", 14, "bounds of clamp.* are constant numbers"),
    ("L = clamp(x, 0, y + 1)", 17, "bounds of clamp.* are constant numbers"),
    ("L = clamp(x, 2, 1)", 14, "lower bound 2 is above its upper bound 1"),
    ("L = clamp(x, 1)", 10, "takes 3 arguments, not 2"),
])
def test_errors_point_at_the_bound(text, col, words):
    with pytest.raises(GraphdrawError, match=words) as info:
        parser.parse(text)
    assert f":1:{col}:" in str(info.value) and "^" in str(info.value)


def test_the_name_is_known_to_the_messages():
    from graphdraw import ops
    assert "clamp" in ops.function_names() and "clip" in ops.function_names()


@pytest.mark.torch
def test_graphdraw_check_passes():
    pytest.importorskip("torch")
    result = CliRunner().invoke(cli, ["check", "-e", "L = sum(clamp(x, -1, 1)^2 * x)",
                                      "--set", "x=[-2, -0.5, 0.3, 1.7]"])
    assert result.exit_code == 0, result.output
