"""verify in a model with a sum over samples (Σ_n, --example xor-sum): a missing or extra
factor of the chain rule is named sample by sample, and the exercise's key grades all right."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli


def _verify(*claims: str, example: str = "xor-sum") -> str:
    args = ["verify", "--example", example, "--points", "20"]
    for claim in claims:
        args += ["--claim", claim]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 8, result.output
    return result.stdout


@pytest.mark.parametrize("claim,diagnosis", [
    ("∂L/∂W_o = Σ_n (ŷ_n − y_n) z_n",
     "missing the factor ŷ_n (1 − ŷ_n) = ∂ŷ_n/∂(W_oᵀ z_n + b_o)"),
    ("∂L/∂b_o = Σ_n ŷ_n (1 − ŷ_n)", "missing the factor ŷ_n − y_n = ∂L/∂ŷ_n"),
    ("∂L/∂W_o[2] = Σ_n (ŷ_n − y_n) z_n[2]", "missing the factor ŷ_n (1 − ŷ_n)"),
    ("∂L/∂W_i[1,2] = Σ_n (ŷ_n − y_n) ŷ_n (1 − ŷ_n) W_o[2] x_n[1]",
     "missing the factor z_n[2] (1 − z_n[2]) = ∂z_n[2]/∂a_n[2]"),
    ("∂L/∂W_o = Σ_n (ŷ_n − y_n) ŷ_n (1 − ŷ_n) ŷ_n (1 − ŷ_n) z_n",
     "an extra factor ŷ_n (1 − ŷ_n)"),
    ("∂L/∂W_o = −Σ_n (ŷ_n − y_n) z_n",
     "missing the factor ŷ_n (1 − ŷ_n) = ∂ŷ_n/∂(W_oᵀ z_n + b_o), and the sign is wrong"),
    ("∂L/∂W_o = Σ_n (ŷ_n − y_n) ŷ_n z_n",
     "missing the factor 1 − ŷ_n, part of ŷ_n (1 − ŷ_n) = ∂ŷ_n/∂(W_oᵀ z_n + b_o)"),
    ("∂L/∂W_i[1,2] = Σ_n (ŷ_n − y_n) ŷ_n (1 − ŷ_n) W_o[2] z_n[2] x_n[1]",
     "missing the factor 1 − z_n[2], part of z_n[2] (1 − z_n[2]) = ∂z_n[2]/∂a_n[2]"),
    ("∂L/∂b_a = Σ_n (ŷ_n − y_n) ŷ_n (1 − ŷ_n) W_o[1] z_n[1] (1 − z_n[1])",
     "the chain rule sums over the 2 paths from b_a to L; yours has 1 of them: missing the "
     "one through a_n[2], z_n[2]"),
])
def test_a_factor_missing_in_a_sum_over_samples_is_named(claim, diagnosis):
    assert diagnosis in _verify(claim)


def test_a_factor_missing_in_linear_regression_over_samples():
    out = _verify("∂L/∂w = 1/N Σ_n 2 x_n", example="linear-regression")
    assert "missing the factor" in out and "∂L/∂" in out


def test_the_exercise_key_over_samples_grades_all_right_and_catches_a_wrong_answer(tmp_path):
    answers = tmp_path / "answers.txt"
    made = CliRunner().invoke(cli, ["exercise", "--example", "xor-sum", "--answers-template",
                                    str(answers), "-o", str(tmp_path / "sheet.md")])
    assert made.exit_code == 0, made.output
    graded = CliRunner().invoke(cli, ["verify", "--example", "xor-sum", "--answers",
                                      str(answers), "--points", "5", "--json"])
    assert graded.exit_code == 0 and json.loads(graded.stdout)["ok"], graded.output
    text = answers.read_text()
    wrong = text.replace("∂L/∂W_o[2] = Σ_n (ŷ_n − y_n) · ŷ_n (1 − ŷ_n) · z_n[2]",
                         "∂L/∂W_o[2] = Σ_n (ŷ_n − y_n) · z_n[2]")
    assert wrong != text
    answers.write_text(wrong)
    graded = CliRunner().invoke(cli, ["verify", "--example", "xor-sum", "--answers",
                                      str(answers), "--points", "5"])
    assert graded.exit_code == 8
    assert "score: 7/8" in graded.stdout
    assert "missing the factor ŷ_n (1 − ŷ_n)" in graded.stdout
