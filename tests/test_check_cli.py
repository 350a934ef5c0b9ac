"""graphdraw check through the command line: exit codes, JSON, the side-by-side diagram."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw import ops
from graphdraw.cli import cli
from graphdraw.errors import EXIT_CHECK, EXIT_INPUT

pytestmark = pytest.mark.torch
pytest.importorskip("torch")


def check(*args: str):
    return CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)


def test_default_model_agrees():
    result = check()
    assert result.exit_code == 0, result.output
    assert "matched 11/11 op nodes, 4/4 leaves, 18/18 edges" in result.stdout
    assert "ok: graphdraw's gradients and graph agree with torch" in result.stdout


@pytest.mark.parametrize("example", ["linear", "logistic", "tanh2", "micrograd"])
def test_every_example_agrees_as_json(example):
    result = check("--example", example, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert all(leaf["ok"] for leaf in data["leaves"])


def test_wrong_gradient_rule_fails_with_exit_6(monkeypatch):
    row = ops.OPS["sigmoid"]
    wrong = dataclasses.replace(row, vjp=lambda g, out, a: (g * out,))   # forgot (1 - out)
    monkeypatch.setitem(ops.OPS, "sigmoid", wrong)
    result = check()
    assert result.exit_code == EXIT_CHECK
    assert "✗" in result.stdout and "FAILED" in result.stdout
    data = json.loads(check("--json").stdout)
    assert data["ok"] is False
    failing = {leaf["leaf"] for leaf in data["leaves"] if not leaf["ok"]}
    assert {"W_i", "b_a", "W_o", "b_o"} & failing


def test_wrong_autograd_name_fails(monkeypatch):
    row = ops.OPS["sigmoid"]
    monkeypatch.setitem(ops.OPS, "sigmoid", dataclasses.replace(row, torch=("TanhBackward0",)))
    result = check()
    assert result.exit_code == EXIT_CHECK
    assert "SigmoidBackward0" in result.stdout


def test_diagram_is_written(tmp_path):
    path = tmp_path / "compare.svg"
    result = check("--diagram", str(path))
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert f"wrote {path}" in result.stderr


def test_diagram_into_missing_directory_is_refused_before_work(tmp_path):
    result = check("--diagram", str(tmp_path / "no" / "x.svg"))
    assert result.exit_code == 5
    assert not (tmp_path / "no").exists()


def test_bad_values_give_a_clear_message():
    result = check("-e", "L = sum(W x)", "--set", "W=[[1,2],[3,4]]", "--set", "x=[1,2,3]")
    assert result.exit_code == EXIT_INPUT
    assert "cannot combine shapes 2×2 and 3" in result.stderr


def test_tolerances_are_options():
    # an absurdly strict tolerance makes the finite differences disagree
    result = check("--fd-rtol", "0", "--fd-atol", "0")
    assert result.exit_code == EXIT_CHECK
    assert "finite differences" in result.stdout


def test_micrograd_numbers():
    data = json.loads(check("--example", "micrograd", "--json").stdout)
    assert data["ok"]
    assert np.isfinite([leaf["torch"]["max_abs"] for leaf in data["leaves"]]).all()
