"""graphdraw check at kinks: entries whose finite-difference step crosses a kink (relu at 0,
abs at 0) are skipped in the finite-difference leg only, named in the report and the JSON; torch
autograd still compares them. The Deep Learning book's XOR solution (relu units, exactly at
kinks) passes."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw import ops
from graphdraw.analyses import check
from graphdraw.analyses.check import kinks
from graphdraw.cli import cli
from graphdraw.errors import EXIT_CHECK
from graphdraw.language import examples, parser
from graphdraw.numeric import evaluate, values

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

# Goodfellow, Bengio and Courville, Deep Learning (2016), section 6.1: the XOR network with
# relu hidden units and its published exact solution; the mean squared error is 0 there.
DL_BOOK_XOR = """\
input x_n[2] = [[0, 0], [0, 1], [1, 0], [1, 1]]
target y_n = [0, 1, 1, 0]
param W[2, 2] = [[1, 1], [1, 1]], c[2] = [0, -1], w[2] = [1, -2], b = 0

h_n = relu(Wᵀ x_n + c)
ŷ_n = wᵀ h_n + b
L = 1/4 Σ_n (ŷ_n − y_n)²
"""


def run(text: str, given: dict | None = None, **options) -> check.CheckReport:
    program = parser.parse(text)
    leaf_values = values.leaf_values(program, {k: np.asarray(v, dtype=float)
                                               for k, v in (given or {}).items()})
    return check.run_check(program, leaf_values, **options)


def cli_check(*args: str):
    return CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)


def skipped(report: check.CheckReport) -> dict:
    return {r.leaf: sorted(tuple(s["index"]) for s in r.fd_skipped) for r in report.leaves}


def test_relu_at_zero_passes_and_names_the_entry():
    result = cli_check("-e", "y = relu(x)", "--set", "x=[-1,0,1]")
    assert result.exit_code == 0, result.output
    assert "1 entry at a kink, skipped by finite differences" in result.stdout
    assert "x[2]: relu at 0 in y (line 1)" in result.stdout
    assert "(2 of 3 entries)" in result.stdout
    data = json.loads(cli_check("-e", "y = relu(x)", "--set", "x=[-1,0,1]", "--json").stdout)
    fd = data["leaves"][0]["finite_differences"]
    assert fd["entries"] == 2 and fd["ok"] is True
    assert fd["skipped_at_kinks"] == [{"index": [1], "op": "relu", "node": "y",
                                       "node_index": [1], "operands": [0.0],
                                       "reason": "kink"}]


def test_without_the_skip_finite_differences_would_fail():
    """The skip is what makes relu at 0 pass: the central difference there is 0.5."""
    program = parser.parse("y = relu(x)")
    vals = {"x": np.array([0.0])}
    ahead, behind = {"x": np.array([1e-6])}, {"x": np.array([-1e-6])}
    for side in (ahead, behind):
        side["y"] = kinks.node_value(program, "y", [side["x"]])
    vals["y"] = np.array([0.0])
    central = (ahead["y"].sum() - behind["y"].sum()) / 2e-6
    assert central == pytest.approx(0.5)
    assert kinks.kinks_crossed(program, vals, ahead, behind, ["y"]) == [("y", (0,))]


@pytest.mark.parametrize("text, given, leaf, entries", [
    ("L = sum(relu(x))", {"x": [-1, 0, 2]}, "x", [(1,)]),
    ("L = sum(abs(x))", {"x": [0, 3]}, "x", [(0,)]),
    ("L = sum(relu(x)^2)", {"x": [0, 1]}, "x", [(0,)]),         # smooth to first order
    ("L = relu(a b)", {"a": 0.0, "b": 2.0}, "a", [()]),
    ("L = relu(x - 1e-7)", {"x": 0.0}, "x", [()]),              # the kink inside the step
])
def test_kinks_are_found_and_gradients_still_agree_with_torch(text, given, leaf, entries):
    report = run(text, given, structure=False)
    assert report.ok, report.format()
    assert skipped(report)[leaf] == entries
    assert all(r.torch_ok for r in report.leaves)


@pytest.mark.parametrize("text, given", [
    ("L = sum(exp(10 x))", {"x": [0.9, 1.0, -2.0]}),            # steep but smooth
    ("L = sum(1 / x)", {"x": [0.01, -0.02, 3.0]}),                # near a pole
    ("L = sum(x^2)", {"x": [0.0, 1e-9]}),                          # flat at 0
    ("L = sum(relu(x))", {"x": [-1e-3, 1e-3]}),                    # near a kink, not at it
    ("L = sqrt(x^2 + 1e-8)", {"x": 0.0}),                          # a smoothed abs
])
def test_smooth_points_are_never_skipped(text, given):
    report = run(text, given, structure=False)
    assert report.ok, report.format()
    assert not any(r.fd_skipped for r in report.leaves)


@pytest.mark.parametrize("name", examples.names())
def test_no_builtin_example_skips_an_entry(name):
    report = run(examples.text(name), structure=False)
    assert report.ok and not any(r.fd_skipped for r in report.leaves)


def test_a_wrong_rule_at_the_kink_is_still_caught_by_torch(monkeypatch):
    """relu'(0) = 1 is a valid subgradient but not torch's convention: the torch leg fails."""
    row = ops.OPS["relu"]
    wrong = dataclasses.replace(row, vjp=lambda g, out, a: (g * (a >= 0),))
    monkeypatch.setitem(ops.OPS, "relu", wrong)
    result = cli_check("-e", "y = relu(x)", "--set", "x=[-1,0,1]", "--no-structure")
    assert result.exit_code == EXIT_CHECK
    assert "graphdraw and torch autograd differ by 1 at [2]" in result.stdout


def test_a_wrong_rule_away_from_the_kink_still_fails_finite_differences(monkeypatch):
    row = ops.OPS["relu"]
    wrong = dataclasses.replace(row, vjp=lambda g, out, a: (g * (a > 0) * 2,))
    monkeypatch.setitem(ops.OPS, "relu", wrong)
    report = run("L = sum(relu(x))", {"x": [-1, 0, 2]}, structure=False)
    leaf = report.leaves[0]
    assert leaf.fd_ok is False and leaf.torch_ok is False
    assert [s["index"] for s in leaf.fd_skipped] == [[1]]


def test_deep_learning_book_xor_solution_passes(tmp_path):
    program = parser.parse(DL_BOOK_XOR)
    leaf_values = values.leaf_values(program, {})
    vals = evaluate.forward(program, leaf_values)
    assert vals["y_hat_n"].tolist() == [0.0, 1.0, 1.0, 0.0]         # XOR, exactly
    assert float(vals[program.output]) == 0.0
    report = check.run_check(program, leaf_values)
    assert report.ok, report.format()
    assert report.structure.ok
    # pre-activations at 0: unit 1 of sample (0,0) (moved by c₁ only), unit 2 of samples
    # (0,1) and (1,0) (moved by c₂, W₂₂ and W₁₂); w and b cross no kink.
    assert skipped(report) == {"W": [(0, 1), (1, 1)], "c": [(0,), (1,)], "w": [], "b": []}
    path = tmp_path / "xor.gd"
    path.write_text(DL_BOOK_XOR, encoding="utf-8")
    result = cli_check(str(path))
    assert result.exit_code == 0, result.output
    assert "W[1,2]: relu at 0 in h₃ (line 5)" in result.stdout
    assert "c[1]: relu at 0 in h₁ (line 5)" in result.stdout
    assert "ok: graphdraw's gradients and graph agree with torch" in result.stdout
