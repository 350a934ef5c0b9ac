"""grads' output is an answers file: grads --format latex > key.tex; verify --answers key.tex
grades every claim as holding (rows broken over lines joined, numbers skipped, ∂ read on the
right side); grads --scalar puts its values in one column."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("example", ["xor", "logistic", "xor-sum", "softmax-regression",
                                     "tanh2", "micrograd"])
@pytest.mark.parametrize("scalar", [False, True])
@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_grads_key_is_an_answers_file_that_verify_accepts(tmp_path, example, scalar, fmt):
    args = ["grads", "--example", example, "--format", fmt] + (["--scalar"] if scalar else [])
    made = _run(*args)
    if scalar and made.exit_code != 0:
        pytest.skip("grads --scalar does not expand this model")
    assert made.exit_code == 0, made.output
    key = tmp_path / "key.tex"
    key.write_text(made.stdout, encoding="utf-8")
    graded = _run("verify", "--example", example, "--answers", str(key), "--points", "20")
    assert graded.exit_code == 0, graded.stdout
    assert "every claim holds" in graded.stdout
    assert "cannot be read" not in graded.stdout
    if fmt == "latex":          # Markdown headings and tables are skipped with a note
        assert "skipped" not in graded.stdout, graded.stdout


def test_a_wrong_row_of_a_broken_formula_is_graded_wrong(tmp_path):
    """The rows of one formula are one claim: change its second row and it is wrong."""
    text = _run("grads", "--scalar", "--format", "latex").stdout
    broken = text.replace(r"&\quad \, x[1] \\", r"&\quad \, x[2] \\", 1)
    assert broken != text
    key = tmp_path / "key.tex"
    key.write_text(broken, encoding="utf-8")
    graded = _run("verify", "--answers", str(key), "--points", "20")
    assert graded.exit_code == 8
    assert "∂L/∂W_i[1,1]  ✗" in graded.stdout


def test_partial_on_the_right_side_of_a_latex_claim():
    graded = _run("verify", "--claim", r"\frac{\partial L}{\partial z} = \frac{\partial L}"
                  r"{\partial \hat{y}} \, \hat{y} \, \left(1 - \hat{y}\right) \, W_{o}",
                  "--claim", r"\frac{\partial L}{\partial b_a} = \operatorname{sum}"
                  r"(\frac{\partial L}{\partial a})",
                  "--claim", r"\frac{\partial L}{\partial b_o} = \frac{\partial L}"
                  r"{\partial \hat{y}} \, \hat{y}")
    assert graded.exit_code == 8
    assert graded.stdout.count("✓") == 2
    assert "missing the factor 1 − ŷ" in graded.stdout


def test_scalar_values_are_in_one_column():
    out = _run("grads", "--example", "logistic", "--scalar").stdout
    rows = [line for line in out.splitlines() if line.startswith("  ∂L/∂")][:4]
    assert len({row.rindex("   = ") for row in rows}) == 1, rows
    assert "  ∂L/∂b    = p − y            = 0.662394" in out
