"""graphdraw verify: claims checked against the truth, diagnosed, graded (issue: teach and learn)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.errors import EXIT_CLAIM, EXIT_INPUT

RIGHT_W_O = "∂L/∂W_o = (ŷ − y) ŷ (1 − ŷ) z"


def run(*args):
    return CliRunner().invoke(cli, ["verify", *args])


def test_the_sheets_claim_holds():
    result = run("--claim", RIGHT_W_O)
    assert result.exit_code == 0, result.output
    assert "✓ ∂L/∂W_o" in result.output
    assert "holds at all 101 points" in result.output


def test_without_the_sigmoid_factor_names_it():
    result = run("--claim", "∂L/∂W_o = (ŷ − y) z")
    assert result.exit_code == EXIT_CLAIM, result.output
    assert "missing the factor ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)" in result.output


def test_wrong_sign():
    result = run("--claim", "∂L/∂W_o = (y − ŷ) ŷ (1 − ŷ) z")
    assert result.exit_code == EXIT_CLAIM
    assert "the sign is wrong" in result.output


def test_constant_factor():
    result = run("--claim", "∂L/∂b_o = 2 (ŷ − y) ŷ (1 − ŷ)")
    assert result.exit_code == EXIT_CLAIM
    assert "off by a constant factor: the derivative is 1/2 × yours" in result.output


@pytest.mark.parametrize("claim", [
    "dL/db_o = (y_hat - y) y_hat (1 - y_hat)",
    r"\frac{\partial L}{\partial b_o} = (\hat{y} - y) \hat{y} (1 - \hat{y})",
    r"\partial L / \partial b_o = (\hat{y} - y) \cdot \hat{y} (1 - \hat{y})",
    "∂L/∂W_i[1,2] = (ŷ − y) · ŷ (1 − ŷ) · W_o[2] · z[2] (1 − z[2]) · x[1]",
    "∂L/∂z = (ŷ − y) ŷ (1 − ŷ) W_o",
    "∂ŷ/∂b_o = ŷ (1 − ŷ)",
])
def test_ways_to_write_a_right_claim(claim):
    result = run("--claim", claim)
    assert result.exit_code == 0, result.output


def test_a_missing_factor_of_an_entry_is_named_by_its_entry():
    result = run("--claim", "∂L/∂W_i[1,2] = (ŷ − y) · ŷ (1 − ŷ) · W_o[2] · x[1]")
    assert result.exit_code == EXIT_CLAIM
    assert "missing the factor z[2] (1 − z[2]) = ∂z[2]/∂a[2]" in result.output


def test_a_vector_for_a_matrix_is_an_error_not_a_broadcast():
    result = run("--claim", "∂L/∂W_i = x")
    assert result.exit_code == EXIT_CLAIM
    assert "the shapes differ: yours is a vector of 2, ∂L/∂W_i is a matrix 2×2" in result.output


def test_transposed():
    model = "param W[2, 3]\ninput v[2]\nL = sum(tanh(Wᵀ v))"
    right = run("-e", model, "--claim", "∂L/∂W = outer(v, 1 - tanh(Wᵀ v)^2)")
    assert right.exit_code == 0, right.output
    wrong = run("-e", model, "--claim", "∂L/∂W = outer(1 - tanh(Wᵀ v)^2, v)")
    assert wrong.exit_code == EXIT_CLAIM
    assert "transposed" in wrong.output


def test_a_number_that_matches_only_at_the_given_values():
    right = run("--claim", "∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ)", "--json")
    value = json.loads(right.output)
    assert value["ok"]
    import numpy as np
    from graphdraw.language import examples, parser
    from graphdraw.numeric import backprop, evaluate, values
    program = parser.parse(examples.text("xor"), syntax="plain")
    vals = values.leaf_values(program, {}, 0)
    number = float(backprop.backward(program, evaluate.forward(program, vals))["b_o"])
    result = run("--claim", f"∂L/∂b_o = {number!r}")
    assert result.exit_code == EXIT_CLAIM
    assert "right at the given values but wrong at 100 of 100 random points" in result.output
    assert np.isfinite(number)


MASKED = "param w[2]\nconst m[2] = [1, 0]\nL = sum(w * w * m) / 2 + sum(w * (1 - m))"


def test_wrong_at_some_entries():
    assert run("-e", MASKED, "--claim", "∂L/∂w = w m + 1 - m").exit_code == 0
    result = run("-e", MASKED, "--claim", "∂L/∂w = w")
    assert result.exit_code == EXIT_CLAIM
    assert "wrong only at the entry w[2]; right at the other 1" in result.output
    assert "missing the factor" not in result.output          # m is 0 where w[2] is wrong
    assert "note:" not in result.output                       # no numpy warning escapes


@pytest.mark.parametrize("claim, diagnosis", [
    ("∂L/∂b_o = ŷ (1 − ŷ)", "missing the factor ŷ − y = ∂L/∂ŷ"),
    ("∂L/∂a = ∂L/∂z · z", "missing the factor 1 − z, part of z (1 − z) = ∂z/∂a"),
    ("∂L/∂b_o = (ŷ − y) ŷ", "missing the factor 1 − ŷ, part of ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)"),
    ("∂L/∂W_o = (ŷ − y) ŷ (1 − ŷ) ŷ (1 − ŷ) z",
     "an extra factor ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)"),
    ("∂L/∂b_a = (ŷ − y) ŷ (1 − ŷ) W_o[1] z[1] (1 − z[1])",
     "the chain rule sums over the 2 paths from b_a to L; yours has 1 of them: missing the "
     "one through a[2], z[2]"),
    ("∂L/∂W_o = −2 (ŷ − y) z", "missing the factor ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o), and off "
                               "by the constant factor −1/2"),
])
def test_what_a_teacher_would_say(claim, diagnosis):
    result = run("--claim", claim)
    assert result.exit_code == EXIT_CLAIM
    assert diagnosis in result.output


def test_a_swapped_entry_is_named():
    result = run("--claim", "∂L/∂W_i[1,2] = (ŷ − y) ŷ (1 − ŷ) W_o[1] z[2] (1 − z[2]) x[1]")
    assert result.exit_code == EXIT_CLAIM
    assert "yours has W_o[1] where the derivative has W_o[2]" in result.output


@pytest.mark.parametrize("claim, message, col", [
    ("∂L/∂W_o = (ŷ − y) ŷ (1 − ŷ) zz", "'zz' is not a name of the model", 29),
    ("∂L/∂W_o = (ŷ − y ŷ (1 − ŷ) z", "this '(' is never closed", 11),
    ("L/W_o = 1", "the left side is not a derivative", 1),
    ("∂L/∂W_o (ŷ − y)", "has no '='", 1),
    ("∂L/∂V_o = 1", "'V_o' is not a name of the model", 5),
    ("∂L/∂W_o[3] = 1", "W_o[3] is not an entry of W_o", 8),
    ("∂L/∂W_o = W_i @ ŷ @ W_i", "cannot combine shapes", 15),
    ("∂L/∂b_o = (ŷ − y) +", "an operand is missing", 19),
    ("∂L/∂b_o = lambda: 1", "'lambda' is Python", 11),
    ("∂L/∂b_o = __import__('os').system('ls')", "unexpected character", 22),
    ("∂L/∂b_o = ŷ.real", "attribute access", 12),
    ("∂L/∂b_o = sigma(ŷ)", "unknown function 'sigma'", 11),
    ("∂L/∂b_o = 3**3**3**50", "not a finite 64-bit number", 15),
    ("∂L/∂b_o = ŷ'", "ŷ has no such version", 12),
    ("∂/∂b_o = 1", "a name of the model is missing", 2),
    ("∂x/∂b_o = 0", "is a Jacobian: x is a vector of 2", 1),
    (r"∂L/∂b_o = \frac{1}{", "this '{' is never closed", 19),
    (r"\frac{\partial L}{\partial q} = 1", "'q' is not a name of the model", 28),
    ("", "has no '='", 1),
    ("∂L/∂b_o &= &(ŷ − y)", "unexpected character", 12),
])
def test_claims_that_cannot_be_read(claim, message, col):
    result = run("--claim", claim)
    assert result.exit_code == EXIT_INPUT, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    if col is not None:
        assert f"<claim>:1:{col}: error:" in result.output
        caret_line = result.output.split("\n")[2]
        assert caret_line.index("^") == col + 1


def test_json_fields():
    result = run("--claim", RIGHT_W_O, "--claim", "∂L/∂b_o = (ŷ − y)", "--json")
    assert result.exit_code == EXIT_CLAIM
    data = json.loads(result.output)
    assert data["ok"] is False
    first, second = data["claims"]
    assert set(first) >= {"claim", "of", "wrt", "ok", "max_rel_error", "points", "diagnosis"}
    assert first["ok"] and first["of"] == "L" and first["wrt"] == "W_o"
    assert first["points"] == 101 and first["max_rel_error"] < 1e-12
    assert not second["ok"] and "missing the factor ŷ (1 − ŷ) = ∂ŷ/∂b_o" in second["diagnosis"]


def test_show_answer_only_when_asked():
    wrong = "∂L/∂b_o = (ŷ − y)"
    assert "the derivative: " not in run("--claim", wrong).output
    shown = run("--claim", wrong, "--show-answer").output
    assert "the derivative: ∂L/∂b_o = (ŷ − y) · ŷ (1 − ŷ)" in shown


def test_no_claim_is_a_usage_error():
    assert run().exit_code == 2


SHEET_ANSWERS = """\
# Exercise 6.2(b): ∂L/∂ each parameter
∂L/∂W_i[1,1] = (ŷ − y) ŷ (1 − ŷ) W_o[1] z[1] (1 − z[1]) x[1]
∂L/∂W_i[1,2] = (ŷ − y) ŷ (1 − ŷ) W_o[2] z[2] (1 − z[2]) x[1]
∂L/∂W_i[2,1] = (ŷ − y) ŷ (1 − ŷ) W_o[1] z[1] (1 − z[1]) x[1]     % x[1]: should be x[2]
∂L/∂W_i[2,2] = (ŷ − y) ŷ (1 − ŷ) W_o[2] z[2] (1 − z[2]) x[2]

$\\frac{\\partial L}{\\partial b_a} = (\\hat{y} - y) \\hat{y} (1 - \\hat{y}) (W_o[1] z[1] (1 - z[1]) + W_o[2] z[2] (1 - z[2]))$
∂L/∂W_o[1] = (ŷ − y) ŷ (1 − ŷ) z[1]
∂L/∂W_o[2] = (ŷ − y) z[2]
\\[ \\frac{\\partial L}{\\partial b_o} = (\\hat{y} - y) \\hat{y} (1 - \\hat{y}) \\]
"""


def test_the_sheets_answers_get_6_of_8(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text(SHEET_ANSWERS, encoding="utf-8")
    result = run("--answers", str(path))
    assert result.exit_code == EXIT_CLAIM, result.output
    assert "score: 6/8; wrong: ∂L/∂W_i[2,1] (line 4), ∂L/∂W_o[2] (line 9)" in result.output
    assert "missing the factor ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)" in result.output
    assert "yours has x[1] where the derivative has x[2]" in result.output
    data = json.loads(run("--answers", str(path), "--json").output)
    assert data["score"] == "6/8"
    assert [c["wrt"] for c in data["claims"] if not c["ok"]] == ["W_i[2,1]", "W_o[2]"]
    assert [c["line"] for c in data["claims"]] == [2, 3, 4, 5, 7, 8, 9, 10]


def test_an_unreadable_answer_is_graded_wrong_with_its_error(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text("∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ)\n∂L/∂b_a = (ŷ − yy)\n", encoding="utf-8")
    result = run("--answers", str(path), "--only-answered")
    assert result.exit_code == EXIT_CLAIM
    assert "score: 1/2" in result.output
    assert f"{path}:2:16: error: 'yy' is not a name of the model" in result.output


def test_an_empty_or_missing_answers_file(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text("# nothing yet\n\n", encoding="utf-8")
    empty = run("--answers", str(path))
    assert empty.exit_code == EXIT_CLAIM                   # a score of 0, not a broken model
    assert "holds no claims" in empty.output and "score: 0/8" in empty.output
    assert run("--answers", str(tmp_path / "none.txt")).exit_code == 2     # a bad option


@pytest.mark.parametrize("claim", [
    "∂L/∂W_o = ∂L/∂ŷ · ŷ (1 − ŷ) · z",
    "∂L/∂W_i = outer(∂L/∂a, x)ᵀ",
    "∂L/∂b_a = sum(∂L/∂a)",
    "∂L/∂W_i[1,2] = ∂L/∂a[2] x[1]",
])
def test_a_backprop_step_may_use_other_derivatives(claim):
    result = run("--claim", claim)
    assert result.exit_code == 0, result.output


def test_a_claim_cannot_use_its_own_derivative():
    result = run("--claim", "∂L/∂W_o = 2 ∂L/∂W_o")
    assert result.exit_code == EXIT_INPUT
    assert "<claim>:1:13: error: a claim cannot use the derivative it claims" in result.output
    wrong = run("--claim", "∂L/∂W_o = ∂L/∂ŷ · z")
    assert "missing the factor ŷ (1 − ŷ)" in wrong.output


def test_the_python_api():
    import graphdraw
    graph = graphdraw.Graph.example("xor")
    result = graph.verify(RIGHT_W_O, "∂L/∂b_o = (ŷ − y) ŷ", x=[1, 0], y=1)
    assert result.score == "1/2" and not result.ok
    assert result.verdicts[0].ok and result.verdicts[0].points == 101
    assert result.verdicts[1].diagnosis.startswith("missing the factor 1 − ŷ, part of")


def test_points_where_the_model_has_no_value_are_made_positive_or_set_aside():
    model = "param w = 2\nL = log(w) + sqrt(w)"
    result = run("-e", model, "--claim", "∂L/∂w = 1/w + 1/(2 sqrt(w))", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["claims"][0]["points"] == 101
    only_given = json.loads(run("-e", model, "--claim", "∂L/∂w = 1/w", "--points", "0",
                                "--json").output)
    assert only_given["claims"][0]["points"] == 1 and not only_given["ok"]


def test_an_answers_file_in_latex_align_rows(tmp_path):
    path = tmp_path / "answers.tex"
    path.write_text("\\begin{align*}\n"
                    "  \\frac{\\partial L}{\\partial b_{o}} &= \\left(\\hat{y} - y\\right) \\, "
                    "\\hat{y} \\, \\left(1 - \\hat{y}\\right) \\\\\n"
                    "  \\frac{\\partial L}{\\partial W_{o}[2]} &= \\left(\\hat{y} - y\\right) "
                    "\\, z[2] \\\\   % forgot the sigmoid\n"
                    "\\end{align*}\n", encoding="utf-8")
    result = run("--answers", str(path), "--only-answered")
    assert result.exit_code == EXIT_CLAIM, result.output
    assert "score: 1/2; wrong: ∂L/∂W_o[2] (line 3)" in result.output
    assert "cannot be read" not in result.output


def test_exit_codes_through_a_real_process():
    import subprocess
    import sys
    command = [sys.executable, "-m", "graphdraw", "verify"]
    ok = subprocess.run(command + ["--claim", RIGHT_W_O], capture_output=True, text=True)
    assert ok.returncode == 0 and "ok: the claim holds" in ok.stdout
    wrong = subprocess.run(command + ["--claim", "∂L/∂W_o = (ŷ − y) z"], capture_output=True,
                           text=True)
    assert wrong.returncode == 8 and "missing the factor ŷ (1 − ŷ)" in wrong.stdout
    bad = subprocess.run(command + ["--claim", "∂L/∂W_o = zz"], capture_output=True, text=True)
    assert bad.returncode == 3 and "'zz' is not a name" in bad.stderr and not bad.stdout
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("example", ["xor", "tanh2", "micrograd"])
def test_grads_markdown_formulas_are_an_answers_file(tmp_path, example):
    markdown = CliRunner().invoke(cli, ["grads", "--scalar", "--format", "markdown",
                                        "--example", example]).output
    lines = [line for line in markdown.splitlines() if line.startswith("$$")]
    path = tmp_path / "answers.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("--example", example, "--answers", str(path))
    assert result.exit_code == 0, result.output
    assert f"score: {len(lines)}/{len(lines)}: every claim holds" in result.output


@pytest.mark.parametrize("claim, holds", [
    ("∂L/∂b_o = Σ_n (ŷ_n − y_n) ŷ_n (1 − ŷ_n)", True),
    (r"\frac{\partial L}{\partial b_o} = \sum_{n=1}^{N} (\hat{y}_n - y_n) \hat{y}_n "
     r"(1 - \hat{y}_n)", True),
    ("∂L/∂z_n = (ŷ_n − y_n) ŷ_n (1 − ŷ_n) W_o", True),
    ("∂L/∂W_i[1,2] = Σ_n (ŷ_n − y_n) ŷ_n (1 − ŷ_n) W_o[2] z_n[2] (1 − z_n[2]) x_n[1]", True),
    ("∂L/∂b_o = Σ_n (ŷ_n − y_n) ŷ_n", False),
])
def test_a_sum_over_samples(claim, holds):
    result = run("--example", "xor-sum", "--claim", claim)
    assert result.exit_code == (0 if holds else EXIT_CLAIM), result.output


def test_a_per_sample_claim_for_a_summed_derivative():
    result = run("--example", "xor-sum", "--claim", "∂L/∂b_o = (ŷ_n − y_n) ŷ_n (1 − ŷ_n)")
    assert result.exit_code == EXIT_CLAIM
    assert "yours has a value per sample n, and ∂L/∂b_o sums over the samples: write Σ_n" \
        in result.output


README_RUNS = [
    ["--claim", RIGHT_W_O],
    ["--claim", "∂L/∂W_o = (ŷ − y) z", "--claim", "∂L/∂b_o = (y − ŷ) ŷ (1 − ŷ)",
     "--claim", "∂L/∂W_i = x"],
    ["--claim", "∂L/∂b_a = (ŷ − y) ŷ (1 − ŷ) W_o[1] z[1] (1 − z[1])",
     "--claim", "∂L/∂a = ∂L/∂z · z", "--claim", "∂L/∂b_o = ŷ (1 − ŷ)"],
]


@pytest.mark.parametrize("args", README_RUNS)
def test_the_readme_shows_real_output(args):
    from pathlib import Path
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert run(*args).output in readme


def test_the_readmes_answers_file_grades_as_shown(tmp_path, monkeypatch):
    from pathlib import Path
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("# Exercise 6.2(b): ∂L/∂ each parameter\n")
    answers = readme[start:readme.index("```", start)]
    (tmp_path / "answers.txt").write_text(answers, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("--answers", "answers.txt").output in readme


def test_an_answers_file_with_a_bom_crlf_and_tabs(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_bytes("\ufeff# answers\r\n\t∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ)\r\n∂L/∂b_a = (ŷ − yy)\r\n"
                     .encode("utf-8"))
    result = run("--answers", str(path), "--only-answered")
    assert result.exit_code == EXIT_CLAIM
    assert "score: 1/2; wrong: ∂L/∂b_a (line 3)" in result.output
    assert f"{path}:3:16: error: 'yy' is not a name of the model" in result.output
