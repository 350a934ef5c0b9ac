"""graphdraw exercise: the sheet, its solutions, its answers file graded by verify."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from graphdraw.analyses.exercise import make_sheet
from graphdraw.cli import cli
from graphdraw.language import examples, parser
from graphdraw.numeric import values

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz's dot")


def _run(*args: str):
    return CliRunner().invoke(cli, ["exercise", *args], catch_exceptions=False)


def _sheet(name: str = "xor", decimals: int = 1, **given):
    program = parser.parse(examples.text(name), f"<example {name}>")
    return make_sheet(program, f"<example {name}>", values.leaf_values(program, given, 0),
                      decimals=decimals)


def test_counting_follows_the_sheet():
    sheet = _sheet()
    assert sheet.counting("pretty") == ("W_i and W_o contain 4 and 2 parameters, whereas "
                                        "b_a and b_o are single parameters")
    assert sheet.entry_count() == 8
    micrograd = _sheet("micrograd")
    assert "single parameter" in micrograd.counting("pretty")
    assert "contain" not in micrograd.counting("pretty")


def test_values_are_rounded_and_the_solution_uses_them():
    sheet = _sheet(decimals=1)
    for leaf in sheet.leaves:
        assert all(round(float(v), 1) == float(v) for v in __import__("numpy").ravel(leaf.value))
    # the numbers of the key are grads --scalar at exactly the rounded values
    given = {leaf.id: __import__("numpy").asarray(leaf.value).tolist() for leaf in sheet.leaves}
    result = CliRunner().invoke(cli, ["grads", "--scalar", "--json",
                                      *[f"--set={k}={json.dumps(v)}" for k, v in given.items()]])
    expected = json.loads(result.output)["scalar"]
    assert sheet.gradients.entries == pytest.approx(expected, rel=1e-12)


def test_markdown_sheet_has_the_three_parts_and_no_solutions_by_default():
    result = _run("--set", "x=[1,0]", "--set", "y=1")
    assert result.exit_code == 0
    text = result.output
    for part in ("**a)**", "**b)**", "**c)**"):
        assert part in text
    assert "contain 4 and 2 parameters" in text and "these 8 parameters" in text
    assert "| $x$ | [1, 0] |" in text and "| $y$ | 1 |" in text
    assert "Solutions" not in text and "\\frac{\\partial L}" not in text
    assert "$$a = W_{i}^\\top \\, x + b_{a}$$" in text


def test_markdown_solutions_have_the_graph_the_formulas_and_the_numbers():
    text = _run("--solutions").output
    sheet = _sheet()
    assert "## Solutions" in text
    assert "| $a \\to z$ | $\\partial z/\\partial a = z \\odot \\left(1 - z\\right)$ |" in text
    assert len(re.findall(r"^\$\$\\frac\{\\partial L\}", text, re.M)) == 8
    for entry, number in sheet.gradients.entries.items():
        assert f"| {number:.6g} |" in text, entry


def test_the_format_comes_from_the_extension(tmp_path):
    out = tmp_path / "sheet.tex"
    assert _run("-o", str(out)).exit_code == 0
    assert out.read_text().startswith("\\documentclass")
    bad = CliRunner().invoke(cli, ["exercise", "-o", str(tmp_path / "sheet.pdf")])
    assert bad.exit_code == 2 and "exercise writes .md or .tex" in bad.output
    clash = CliRunner().invoke(cli, ["exercise", "-f", "md", "-o", str(tmp_path / "s.tex")])
    assert clash.exit_code == 2 and "disagrees" in clash.output


@pytest.mark.parametrize("name", examples.names())
def test_answers_template_is_graded_all_right_by_verify(name, tmp_path):
    answers = tmp_path / "answers.txt"
    result = CliRunner().invoke(cli, ["exercise", "--example", name, "--answers-template",
                                      str(answers), "-o", str(tmp_path / "sheet.md")])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in answers.read_text().splitlines() if ln and not ln.startswith("#")]
    sheet = _sheet(name)
    # softmax, norm, bce: no per-entry formulas, one whole-array claim a parameter
    assert len(lines) == (sheet.entry_count() if sheet.scalar else len(sheet.params))
    assert f"verify --example {name} --answers FILE" in answers.read_text()
    graded = CliRunner().invoke(cli, ["verify", "--example", name, "--answers", str(answers),
                                      "--points", "5", "--json"])
    report = json.loads(graded.stdout)
    assert graded.exit_code == 0 and report["ok"], graded.output
    assert len(report["claims"]) == len(lines)


@needs_dot
@pytest.mark.dot
@pytest.mark.parametrize("name", examples.names())
def test_every_example_gets_a_sheet_and_a_key(name, tmp_path):
    for ext in ("md", "tex"):
        out = tmp_path / f"key.{ext}"
        result = CliRunner().invoke(cli, ["exercise", "--example", name, "--solutions", "-o",
                                          str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "Solutions" in text and "b)" in text
        if ext == "tex":
            # the model, the forward values, then a display per answer
            assert text.isascii() and text.count("\\begin{align*}") >= 3
            assert text.count("\\begin{align*}") == text.count("\\end{align*}")


def test_a_wrong_answer_in_the_template_is_caught(tmp_path):
    answers = tmp_path / "answers.txt"
    _run("--answers-template", str(answers), "-o", str(tmp_path / "s.md"))
    text = answers.read_text().replace("∂L/∂W_o[2] = (ŷ − y) · ŷ (1 − ŷ) · z[2]",
                                       "∂L/∂W_o[2] = (ŷ − y) · z[2]")
    answers.write_text(text)
    graded = CliRunner().invoke(cli, ["verify", "--answers", str(answers), "--points", "5"])
    assert graded.exit_code == 8
    assert "score: 7/8" in graded.output and "missing the factor ŷ (1 − ŷ)" in graded.output


@needs_dot
@pytest.mark.dot
@pytest.mark.latex
def test_latex_sheet_with_solutions_compiles(tmp_path):
    from test_tikz import HAS_LATEX, compile_tex
    if not HAS_LATEX:
        pytest.skip("pdflatex is not installed (make test installs it)")
    out = tmp_path / "key.tex"
    assert _run("--solutions", "--set", "x=[1,0]", "--set", "y=1", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.isascii() and "\\begin{tikzpicture}" in text
    assert text.count("\\frac{\\partial L}") == 8
    log = compile_tex(tmp_path, "key", text)
    assert "Overfull" not in log


def test_too_many_entries_is_a_limit_not_a_long_wait():
    result = CliRunner().invoke(cli, ["exercise", "-e", "param W[3000,3000]\nL = sum(W)"])
    assert result.exit_code == 7 and "9000000 entries (at most 64)" in result.output


def test_a_model_with_inputs_only_says_it_has_no_parameter():
    result = CliRunner().invoke(cli, ["exercise", "-e", "input x\nL = x^2"])
    assert result.exit_code == 3 and "no parameter to differentiate" in result.output


def test_a_bad_model_writes_neither_file(tmp_path):
    sheet, answers = tmp_path / "s.md", tmp_path / "a.txt"
    result = CliRunner().invoke(cli, ["exercise", "-e", "a = x +", "-o", str(sheet),
                                      "--answers-template", str(answers)])
    assert result.exit_code == 3 and "<-e>:1:7: error" in result.output
    assert "Traceback" not in result.output
    assert not sheet.exists() and not answers.exists()


def test_an_output_folder_is_refused_before_any_work(tmp_path):
    result = CliRunner().invoke(cli, ["exercise", "-o", str(tmp_path)])
    assert result.exit_code in (2, 5) and "Traceback" not in result.output


def test_the_sheet_says_how_to_hand_in_b_for_verify():
    text = _run().output
    assert "as $\\partial L/\\partial W_{i}[1,2] = \\ldots$" in text
    assert "`graphdraw verify --answers` checks such a file" in text
    micrograd = _run("--example", "micrograd").output
    assert "row first" not in micrograd and "verify --answers" in micrograd
    softmax = _run("--example", "softmax-regression").output
    assert "as a whole array" in softmax           # no per-entry formulas: whole arrays


def test_answers_template_to_standard_output_is_a_usage_error():
    result = CliRunner().invoke(cli, ["exercise", "--answers-template", "-"])
    assert result.exit_code == 2 and "needs a file name" in result.output


MLP = """# one hidden layer, tanh, squared loss
input x[3]
target y
param W1[3, 4], b1[4], w2[4], b2
h = tanh(W1ᵀ x + b1)
ŷ = w2ᵀ h + b2
L = 1/2 (ŷ − y)²
"""


def _pdf_text(pdf) -> str | None:
    """The text of a PDF by pdftotext or mutool, None when neither is installed."""
    import subprocess
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=False).stdout
    if shutil.which("mutool"):
        return subprocess.run(["mutool", "draw", "-F", "txt", "-o", "-", str(pdf)],
                              capture_output=True, text=True, check=False).stdout
    return None


@needs_dot
@pytest.mark.dot
@pytest.mark.latex
def test_a_long_key_stays_on_the_page(tmp_path):
    """21 answers do not fit on a page: each is a display of its own, none runs off it."""
    from test_tikz import HAS_LATEX, compile_tex
    if not HAS_LATEX:
        pytest.skip("pdflatex is not installed (make test installs it)")
    model = tmp_path / "mlp.gd"
    model.write_text(MLP, encoding="utf-8")
    out = tmp_path / "key.tex"
    assert _run(str(model), "--solutions", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("\\frac{\\partial L}") == 21
    log = compile_tex(tmp_path, "key", text)
    assert "Overfull \\vbox" not in log and "Overfull \\hbox" not in log
    words = _pdf_text(tmp_path / "key.pdf")
    if words is not None:
        squashed = re.sub(r"\s+", "", words)
        for entry in ["W1[1,1]", "W1[3,4]", "b1[4]", "w2[1]", "w2[4]"]:
            assert entry in squashed, entry
        assert squashed.count("∂L") >= 21


def test_the_key_gives_the_forward_values_part_c_asks_for():
    result = _run("--example", "xor", "--solutions")
    key = result.output.split("## Solutions")[1]
    sheet = _sheet()
    from graphdraw.numeric.numbers import show
    for _, latex, value in sheet.forward():
        assert f"| ${latex}$ | {show(value, 6)} |" in key, latex
    assert [pretty for pretty, _, _ in sheet.forward()] == ["a", "z", "ŷ", "L"]


SOFTMAX = """input x[3]
target y[4]
param W[4, 3], b[4]
z = W x + b
L = cross_entropy(z, y)
"""


def test_softmax_sheet_defines_ce_and_its_answers_are_whole_arrays_verify_grades(tmp_path):
    model, sheet, answers = tmp_path / "sm.gd", tmp_path / "s.md", tmp_path / "a.txt"
    model.write_text(SOFTMAX, encoding="utf-8")
    result = _run(str(model), "-o", str(sheet), "--answers-template", str(answers))
    assert result.exit_code == 0, result.output
    text = sheet.read_text(encoding="utf-8")
    assert "\\operatorname{CE}(z, y)" in text
    assert "- $\\operatorname{CE}(a, b)$ is the cross-entropy" in text
    claims = [line for line in answers.read_text(encoding="utf-8").splitlines()
              if not line.startswith("#")]
    assert [c.split(" = ")[0] for c in claims] == ["∂L/∂b", "∂L/∂W"]
    assert "(2 answers)" in result.output
    graded = CliRunner().invoke(cli, ["verify", str(model), "--answers", str(answers)])
    # the score counts entries, as the sheet does (W 4×3 and b 4: 16 parameters)
    assert graded.exit_code == 0 and "score: 16/16" in graded.output, graded.output


def test_a_vector_model_is_not_told_row_first_and_relu_is_spelt_as_the_model_shows():
    logreg = _run("-e", "input x[2]\ntarget y\nparam w[2], b\np = σ(wᵀ x + b)\n"
                  "L = -(y log(p) + (1 - y) log(1 - p))").output
    assert "row first" not in logreg and "(number the entries from 1)" in logreg
    assert "\\partial w[2] = " in logreg
    relu = _run("-e", "input x[2]\ntarget y\nparam W[2, 3], c[3], v[3]\na = Wᵀ x + c\n"
                "h = relu(a)\nŷ = vᵀ h\nL = (ŷ - y)^2").output
    assert "\\operatorname{ReLU}(t)" in relu and "\\mathrm{relu}" not in relu


RELU = """input x[2]
target y
param W[2, 3], c[3], v[3]
a = Wᵀ x + c
h = relu(a)
ŷ = vᵀ h
L = (ŷ - y)^2
"""


@pytest.mark.parametrize("decimals", ["0", "1"])
def test_default_values_avoid_dead_relus_kinks_and_zero_derivatives(decimals):
    from graphdraw.analyses.exercise import choose
    from graphdraw.analyses.exercise.sheet import make_sheet as make
    program = parser.parse(RELU, "relu.gd")
    for seed in range(4):
        result = _run("-e", RELU, "--seed", str(seed), "--decimals", decimals, "--solutions")
        assert result.exit_code == 0, result.output
        assert not re.search(r"(?<![\w.])-0(?![.\d])", result.output), result.output
        table = result.output.split("| leaf | value |")[1]
        given = {name: json.loads(value) for name, value in
                 re.findall(r"\| \$(\w+)\$ \| (\[.*?\]|-?[\d.]+) \|", table)}
        sheet = make(program, "relu.gd", given, decimals=int(decimals))
        assert choose.faults(program, sheet.values) == 0, (seed, given)
        assert any(v != 0 for v in sheet.gradients.entries.values())
    # the values given are kept, even when degenerate
    kept = _run("-e", RELU, "--set", "x=[0,0]", "--decimals", decimals).output
    assert "| $x$ | [0, 0] |" in kept


def test_the_key_s_edge_table_gives_formulas_not_the_edge_s_own_name():
    """A derivative too long to draw on an edge is drawn as ∂L/∂W_o; the key's table of
    edges printed '∂L/∂W_o = ∂L/∂W_o'."""
    text = open("model.gd", encoding="utf-8").read()
    key = _run("-e", text, "--solutions").output.split("| edge | local derivative |")[1]
    rows = [line for line in key.splitlines() if "\\to " in line]
    assert len(rows) == 6
    assert not any("= \\partial L / \\partial" in row for row in rows), rows
    assert all("\\sigma(" in row for row in rows)


def test_a_probability_target_still_sums_to_one_on_the_sheet(tmp_path):
    # y of cross_entropy(z, y), undeclared: a target drawn as a probability vector; rounded
    # entry by entry it summed to 0.9, and the textbook answer softmax(z) − y was graded wrong.
    model = tmp_path / "softmax.gd"
    model.write_text("z = W x + b\nL = cross_entropy(z, y)\n", encoding="utf-8")
    template = tmp_path / "answers.txt"
    result = CliRunner().invoke(cli, ["exercise", str(model), "--answers-template",
                                      str(template), "-o", str(tmp_path / "sheet.md")])
    assert result.exit_code == 0, result.output
    line = next(t for t in template.read_text("utf-8").splitlines()
                if t.startswith("# values:"))
    y = json.loads(re.search(r"\by=(\[[^\]]*\])", line).group(1))
    assert abs(sum(y) - 1) < 1e-12 and all(0 <= v <= 1 for v in y)
    claim = tmp_path / "claim.txt"
    claim.write_text(line + "\n∂L/∂b = softmax(z) − y\n", encoding="utf-8")
    graded = CliRunner().invoke(cli, ["verify", str(model), "--answers", str(claim),
                                      "--only-answered"])
    assert graded.exit_code == 0, graded.output


def test_the_sheet_explains_a_norm_without_a_template_placeholder():
    # it printed "‖{0}‖(a) is the Euclidean norm ‖a‖" (the op's LaTeX template, unfilled)
    result = CliRunner().invoke(cli, ["exercise", "-e", "L = 1/2 ‖W x − y‖²", "-f", "md",
                                      "-o", "-"])
    assert result.exit_code == 0, result.output
    assert r"- $\lVert a \rVert$ is the Euclidean norm of $a$" in result.output
    assert "{0}" not in result.output
