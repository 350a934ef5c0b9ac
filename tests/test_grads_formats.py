r"""graphdraw grads --format text|json|latex|markdown: structure, and the LaTeX compiles."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.numeric.derivatives import break_lines, latex_array, latex_number


def grads(*args: str) -> str:
    result = CliRunner().invoke(cli, ["grads", *args])
    assert result.exit_code == 0, result.output
    return result.stdout          # notes go to stderr, as `grads ... > answer.tex` leaves them


def test_json_is_an_alias_of_format_json():
    assert grads("--json") == grads("--format", "json") == grads("-f", "json")
    json.loads(grads("--json"))


def test_json_and_another_format_is_a_usage_error():
    result = CliRunner().invoke(cli, ["grads", "--json", "--format", "latex"])
    assert result.exit_code == 2


def test_text_is_the_default():
    assert grads() == grads("--format", "text")
    assert grads().startswith("Gradients of L — <example xor>")


def test_latex_is_align_blocks_with_typeset_names():
    text = grads("--format", "latex")
    assert text.count(r"\begin{align*}") == 2 and text.count(r"\end{align*}") == 2
    assert r"\frac{\partial L}{\partial \hat{y}} &= \hat{y} - y" in text
    assert r"\frac{\partial L}{\partial W_{i}} &= \begin{pmatrix}" in text
    for line in text.splitlines():      # nothing outside the blocks but comments
        assert line.startswith(("%", r"\begin", r"\end", "  "))
    assert "∂" not in text and "ŷ" not in text     # no Unicode math: pdflatex reads it


def test_latex_scalar_has_one_formula_and_value_per_entry():
    text = grads("--format", "latex", "--scalar")
    for entry in ("W_{i}[1,1]", "W_{i}[2,2]", "b_{a}", "W_{o}[2]", "b_{o}"):
        assert rf"\frac{{\partial L}}{{\partial {entry}}} &= " in text
    assert len(re.findall(r"^  &= -?[\d.]+", text, re.M)) == 8


def test_markdown_has_a_heading_math_blocks_and_a_table():
    text = grads("--format", "markdown")
    assert text.startswith("### Gradients of $L$")
    blocks = re.findall(r"^\$\$(.+)\$\$$", text, re.M)
    assert len(blocks) == 8 and blocks[1].startswith(r"\frac{\partial L}{\partial \hat{y}} =")
    assert "| parameter | shape | value | gradient |" in text
    assert re.search(r"^\| \$W_\{i\}\$ \| 2×2 \| ", text, re.M)


def test_markdown_scalar_has_a_table_of_entries():
    text = grads("--format", "markdown", "--scalar")
    assert len(re.findall(r"^\$\$.+\$\$$", text, re.M)) == 8
    rows = re.findall(r"^\| \$\\frac\{\\partial L\}\{\\partial (.+?)\}\$ \| (\S+) \|$", text,
                      re.M)
    assert [r[0] for r in rows][:2] == ["W_{i}[1,1]", "W_{i}[1,2]"]
    data = json.loads(grads("--json", "--scalar"))
    assert float(rows[0][1]) == pytest.approx(data["scalar"]["W_i[1,1]"], rel=1e-5)


def test_markdown_escapes_the_source_name():
    assert "`<example xor>`" in grads("--format", "markdown")


def test_long_formulas_are_broken_into_rows():
    text = grads("--format", "latex", "-e", "L = sum(exp(" + " + ".join(
        f"w_{i} x" for i in range(60)) + "))")
    assert max(len(line) for line in text.splitlines()) < 300
    assert r"  &\quad + " in text
    assert break_lines(r"\left(a + b\right) + c", width=5) == \
        "\\left(a + b\\right) \\\\\n  &\\quad + c"


def test_numbers_for_latex():
    assert latex_number(2.5e-7) == r"2.5 \cdot 10^{-7}"
    assert latex_array([1.0, 2.0]) == r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"
    assert latex_array([[1, 2], [3, 4]]) == r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"
    assert latex_array([[0.0] * 20] * 20).startswith(r"\text{(20 \times 20 array, mean }")


def test_a_plate_model_says_how_many_samples():
    text = grads("--example", "xor-sum")
    assert "note: L sums over n = 1…N; here N = 4 samples" in text
    assert json.loads(grads("--example", "xor-sum", "--json"))["samples"] == 4
    assert r"\sum_{n}" in grads("--example", "xor-sum", "--format", "latex")


# -- pdflatex ----------------------------------------------------------------------------------

HAS_PDFLATEX = shutil.which("pdflatex") is not None
DOCUMENT = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n%s\n"
            "\\end{document}\n")


@pytest.mark.latex
@pytest.mark.skipif(not HAS_PDFLATEX, reason="pdflatex is not installed (make test installs it)")
@pytest.mark.parametrize("args", [
    ["--format", "latex"],
    ["--format", "latex", "--scalar"],
    ["--format", "latex", "--example", "micrograd", "--scalar"],
    ["--format", "latex", "--example", "tanh2"],
    ["--format", "latex", "--example", "xor-sum", "--scalar"],
    ["--format", "latex", "-e", "L = sum(exp(" + " + ".join(f"w_{i} x" for i in range(40))
     + "))"],
], ids=["xor", "xor-scalar", "micrograd-scalar", "tanh2", "xor-sum-scalar", "long"])
def test_latex_output_compiles(args, tmp_path):
    body = grads(*args)
    (tmp_path / "answer.tex").write_text(DOCUMENT % body, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "answer.tex"], cwd=tmp_path, capture_output=True, timeout=120)
    log = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, next((ln for ln in log.splitlines() if ln.startswith("!")),
                                      log[-2000:])
    assert (tmp_path / "answer.pdf").stat().st_size > 1000
