"""graphdraw verify on a teaching assistant's own models: domains of the random points, the
diagnoses of wrong claims, answers files that are incomplete or carry prose."""

from __future__ import annotations

import json

import pytest

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


def answers(tmp_path, text: str):
    path = tmp_path / "answers.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_incomplete_answers_file_lists_what_is_not_answered(tmp_path):
    path = answers(tmp_path, "∂L/∂b2 = ŷ − y\n")
    result = run(MLP, "--answers", path)
    assert result.exit_code == EXIT_CLAIM, result.output
    assert "score: 1/21; not answered: W1[1,1], W1[1,2]" in result.output
    only = run(MLP, "--answers", path, "--only-answered")
    assert only.exit_code == 0, only.output
    assert "score: 1/1: every claim holds" in only.output


def test_undeclared_parameters_count_as_not_answered(tmp_path):
    # Leaves the model does not declare are parameters (as grads and exercise treat them).
    model = tmp_path / "logreg.gd"
    model.write_text("p = σ(wᵀ x + b)\nL = −(y log(p) + (1 − y) log(1 − p))\n", "utf-8")
    path = answers(tmp_path, "∂L/∂w[1] = (p − y) x[1]\n")
    result = CliRunner().invoke(cli, ["verify", str(model), "--answers", path])
    assert result.exit_code == EXIT_CLAIM, result.output
    assert "score: 1/7; not answered: w[2], w[3], x[1], x[2], x[3], b" in result.output


def test_prose_lines_are_skipped_and_a_twice_answered_entry_counts_once(tmp_path):
    path = answers(tmp_path, "Student: Alice, group 3\n(b)\n∂L/∂b2 = y − ŷ\n∂L/∂b2 = ŷ − y\n"
                             "∂L/∂w2 = (ŷ − y) h\n")
    result = run(MLP, "--answers", path, "--only-answered")
    assert result.exit_code == 0, result.output
    assert "skipped 2 lines that are not a claim (lines 1, 2)" in result.output
    assert "answered twice, the last line graded: ∂L/∂b2 (line 3, again on line 4)" in \
        result.output
    # the whole-array claim on w2 answers its 4 entries: the score counts entries
    assert "score: 5/5: every claim holds" in result.output


def test_the_score_counts_parameter_entries_and_cannot_be_padded(tmp_path):
    # right claims about values that are not parameters (∂L/∂ŷ) do not raise the score, and
    # a wrong whole-array claim costs each of its entries
    padded = answers(tmp_path, "∂L/∂ŷ = ŷ − y\n∂L/∂b2 = y − ŷ\n")
    result = run(MLP, "--answers", padded)
    assert "score: 0/21" in result.output, result.output
    whole = answers(tmp_path, "∂L/∂w2 = (y − ŷ) h\n")
    result = run(MLP, "--answers", whole, "--only-answered")
    assert "score: 0/4" in result.output, result.output


def test_an_empty_answers_file_scores_zero(tmp_path):
    result = run(MLP, "--answers", answers(tmp_path, "# nothing yet\n"))
    assert result.exit_code == EXIT_CLAIM, result.output
    assert "holds no claims" in result.output
    assert "score: 0/21" in result.output


def test_a_missing_answers_file_is_a_usage_error(tmp_path):
    result = run(MLP, "--answers", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "no such answers file" in result.output


def test_grads_markdown_is_an_answers_file(tmp_path):
    md = CliRunner().invoke(cli, ["grads", "-e", MLP, "--scalar", "--format", "markdown"])
    assert md.exit_code == 0, md.output
    result = run(MLP, "--answers", answers(tmp_path, md.output))
    assert result.exit_code == 0, result.output
    assert "score: 21/21: every claim holds" in result.output


def test_an_unreadable_latex_answer_shows_its_left_side_plainly(tmp_path):
    path = answers(tmp_path, r"\frac{\partial L}{\partial b2} &= \hat{y} - y + \nope" + "\n")
    result = run(MLP, "--answers", path, "--only-answered", "--json")
    data = json.loads(result.output)
    claim = data["claims"][0]
    assert claim["of"] == "L" and claim["wrt"] == "b2"
    assert "&" not in claim["claim"]
    text = run(MLP, "--answers", path, "--only-answered").output
    assert "∂L/∂b2 (line 1)" in text


def test_json_with_a_malformed_claim_is_json():
    result = run(MLP, "--claim", "∂L/∂b2 = (", "--json")
    assert result.exit_code == 3
    data = json.loads(result.output)
    assert data["ok"] is False and "operand is missing" in data["error"]


def test_one_point_is_said_in_the_singular():
    result = run(MLP, "--claim", "∂L/∂b2 = ŷ − y", "--points", "0")
    assert "holds at the one point" in result.output


def test_the_readme_shows_an_incomplete_answers_file(tmp_path, monkeypatch):
    from pathlib import Path
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    (tmp_path / "alice.txt").write_text(
        "Student: Alice, group 3\n(b)\n"
        "∂L/∂W_i[1,1] = (ŷ − y) ŷ (1 − ŷ) W_o[1] z[1] (1 − z[1]) x[1]\n"
        "∂L/∂b_o = (y − ŷ) ŷ (1 − ŷ)\n∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["verify", "--answers", "alice.txt"])
    assert result.exit_code == EXIT_CLAIM
    assert result.output in readme


def test_the_answers_template_records_the_sheets_values_and_verify_uses_them(tmp_path):
    """A number copied from the key is judged at the sheet's values (--set x=[1,0] y=1),
    not at seed 0's: right there, and then told it is a number, not a formula."""
    template = tmp_path / "answers.txt"
    made = CliRunner().invoke(cli, ["exercise", "--set", "x=[1,0]", "--set", "y=1",
                                    "-o", str(tmp_path / "sheet.md"),
                                    "--answers-template", str(template)])
    assert made.exit_code == 0, made.output
    text = template.read_text(encoding="utf-8")
    assert "# values: " in text and " x=[1,0] " in text
    graded = CliRunner().invoke(cli, ["verify", "--answers", str(template)])
    assert graded.exit_code == 0, graded.output
    assert "the values in" in graded.output
    student = tmp_path / "student.txt"
    values_line = next(line for line in text.splitlines() if line.startswith("# values:"))
    student.write_text(values_line + "\n∂L/∂b_o = -0.0798568\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", "--answers", str(student), "--only-answered"])
    assert "right at the given values but wrong at" in result.output, result.output


def test_a_forgotten_relu_derivative_is_named():
    result = run(RELU, "--claim", "∂L/∂c = 2 (ŷ − y) v")
    assert result.exit_code == EXIT_CLAIM
    assert "missing the factor step(a) = ∂h/∂a" in result.output
    entry = run(RELU, "--claim", "∂L/∂c[1] = 2 (ŷ − y) v[1]")
    assert "missing the factor step(a[1]) = ∂h[1]/∂a[1]" in entry.output


def test_swapped_entry_indices():
    result = run(MLP, "--claim", "∂L/∂W1[1,3] = (ŷ − y) w2[1] (1 − h[1]²) x[3]")
    assert result.exit_code == EXIT_CLAIM
    assert ("yours is the derivative for W1[3,1], not W1[1,3]: the indices are swapped"
            in result.output)


def test_an_unsummed_broadcast_bias_is_told_to_sum():
    model = "input X[4,3]\nparam W[3,2], b[2]\nY = X W + b\nL = sum(Y^2)\n"
    result = run(model, "--claim", "∂L/∂b = 2 Y")
    assert result.exit_code == EXIT_CLAIM
    assert "b is broadcast over the rows" in result.output
    assert "sum(yours, 0) is right" in result.output
    assert run(model, "--claim", "∂L/∂b = sum(2 Y, 0)").exit_code == 0


@pytest.mark.parametrize("claim, hint", [
    (r"\frac{\partial L}{\partial b1[1]} = (\hat{y} - y) w2[1] (1 - \tanh^{-1}(b1[1]))",
     "for a power of the value write tanh(x)^(-1)"),
    ("∂L/∂W1_{2,3} = 1", "W1[2,3] (not W1_{2,3})"),
    ("∂L/∂b1[1] = x_2", "x[2] (not x_2)"),
    ("∂L/∂b2 = tanh(b1)[2]", "an entry of a call's value is not read"),
    ("∂L/∂b2 = σ′(ŷ)", "σ′(u) is σ(u) (1 − σ(u))"),
    ("∂L/∂b2 = (h[1] > 0)", "written step(a)"),
])
def test_habits_of_hand_written_derivatives_get_a_hint(claim, hint):
    result = run(MLP, "--claim", claim)
    assert result.exit_code == 3
    assert "hint: " + hint.split(" (")[0] in result.output or hint in result.output, \
        result.output


def test_a_power_written_before_a_calls_argument_is_the_power_of_its_value():
    """\\tanh^2(a) in a claim is (tanh(a))², as textbooks write it, not tanh times a."""
    model = "h = tanh(a)\nL = h"
    assert run(model, "--claim", r"\frac{\partial L}{\partial a} = 1 - \tanh^2(a)").exit_code == 0
    assert run(model, "--claim", "∂L/∂a = 1 − tanh²(a)").exit_code == 0
    assert run(model, "--claim", "∂L/∂a = 1 − tanh(a)").exit_code == EXIT_CLAIM


def test_an_unknown_name_keeps_its_own_hint():
    result = run(MLP, "--claim", "∂L/∂b2 = zz")
    assert "hint: the claim may use the model's names" in result.output


def test_the_readme_shows_the_prime_hint():
    from pathlib import Path
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", "--claim",
                                      "∂L/∂b_a = (ŷ − y) σ′(W_oᵀ z + b_o) W_o[1] z[1] (1 − z[1])"])
    assert result.exit_code == 3
    assert result.output in readme


def test_the_score_line_tells_two_claims_about_one_entry_apart():
    result = run(MLP, "--claim", "∂L/∂W1[2,3] = 1", "--claim", "∂L/∂W1[2,3] = x[2]")
    assert "wrong: ∂L/∂W1[2,3] = 1, ∂L/∂W1[2,3] = x[2]" in result.output


ATTENTION = (r"Q = X W^Q, \quad K = X W^K, \quad V = X W^V" "\n"
             r"A = \operatorname{softmax}(Q K^T / \sqrt{d}) V" "\n"
             r"L = \frac{1}{2} \|A - Y\|_F^2" "\n")


@pytest.mark.parametrize("claim", [
    "∂L/∂W^V = Xᵀ (softmax(Q Kᵀ / sqrt(d))ᵀ (A − Y))",
    r"\frac{\partial L}{\partial W^{V}} = X^T (softmax(Q K^T / \sqrt{d})^T (A - Y))",
    "∂L/∂W_V = Xᵀ (softmax(Q Kᵀ / sqrt(d))ᵀ (A − Y))",
    "∂L/∂Y = -(softmax(Q Kᵀ / sqrt(d)) X W^V - Y)",
])
def test_a_claim_may_write_the_models_labelled_names_as_the_model_does(claim):
    result = run(ATTENTION, "--claim", claim)
    assert result.exit_code == 0, result.output
    assert "not a name of the model" not in result.output


def test_a_braced_subscript_in_a_plain_claim_is_still_read_with_its_entry():
    """W_{o}[1] in an otherwise plain claim: the braces are translated before the entry."""
    result = CliRunner().invoke(cli, ["verify", "--claim",
                                      "∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ) + 0 W_{o}[1]"])
    assert result.exit_code == 0, result.output


def test_a_claim_without_the_step_of_a_hinge_fails():
    # max(0, 1 − y wᵀ x): at points drawn from [−1, 1] the kink is almost never crossed, so
    # −y x (the step left out) held at all 101 points; every third point is drawn wider
    result = CliRunner().invoke(cli, ["verify", "-e", "L = max(0, 1 − y wᵀx)", "--claim",
                                      "∂L/∂w = −y x"])
    assert result.exit_code == EXIT_CLAIM, result.output
