"""TikZ output: structure, math-mode labels, escaping, determinism; pdflatex compiles it."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import re
import shutil
import subprocess

import networkx as nx
import pytest
from click.testing import CliRunner

from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.language import parser
from graphdraw.formats.graphviz import draw
from graphdraw.formats import tikz
from graphdraw.cli import cli

HAS_DOT = shutil.which("dot") is not None
HAS_LATEX = shutil.which("pdflatex") is not None and subprocess.run(
    ["kpsewhich", "standalone.cls"], capture_output=True, text=True,
    check=False).stdout.strip() != "" if shutil.which("kpsewhich") else False

needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
needs_latex = pytest.mark.skipif(not HAS_LATEX, reason="pdflatex with standalone is not "
                                 "installed (make test installs it)")

EVIL = r"Evil } { $ & # ^ _ % ~ \ \end{document} \input{/etc/passwd} < > | σ(ŷ) − ½ 日" + "\n2nd"
SPECIALS = set("{}$&#^_%~\\")
# A long operand is printed as its id (%N) inside other labels: a LaTeX comment if unescaped.
LONG = ("y = tanh(alpha_1 beta_1 gamma_1 + alpha_2 beta_2 gamma_2 + alpha_3 beta_3 gamma_3 "
        "+ alpha_4 beta_4 gamma_4 + alpha_5 beta_5 gamma_5 + alpha_6 beta_6 gamma_6 "
        "+ alpha_7 beta_7 gamma_7 + alpha_8 beta_8 gamma_8)\nL = y * y")
UNICODE = "é = Δw x + 1\nL = é * é"


def build(text: str, name: str = "test", title: str | None = None) -> nx.MultiDiGraph:
    return graph.build(parser.parse(text, name), title=title, notations=graph.FOR_TIKZ)


def example(name: str, title: str | None = None) -> nx.MultiDiGraph:
    return build(examples.text(name), f"<example {name}>", title)


def names_of(g: nx.MultiDiGraph) -> dict:
    return {node: tikz.tikz_name(node, i) for i, node in enumerate(g.nodes)}


def picture_lines(text: str) -> list[str]:
    """The lines between \\begin{tikzpicture} and \\end{tikzpicture}."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(r"\begin{tikzpicture}"))
    return lines[start:lines.index(r"\end{tikzpicture}") + 1]


def unescaped_specials(text: str) -> set[str]:
    """LaTeX's special characters in text that escape() produced, other than its own escapes."""
    known = [r"\textbackslash{}", r"\textasciicircum{}", r"\textasciitilde{}", r"\{", r"\}",
             r"$\$$", r"\&", r"\#", r"\_", r"\%", r"\\", r"\textless{}", r"\textgreater{}",
             r"\textbar{}"]
    for escaped in known:
        text = text.replace(escaped, "")
    text = re.sub(r"\$[^$]*\$", "", text)             # math that escape() wrote ($\sigma$)
    text = re.sub(r"\\[a-zA-Z]+\{[^{}]*\}|\\['`^~\"=.]\{[^{}]*\}", "", text)  # \'{e}, \ldots{}
    return {ch for ch in text if ch in SPECIALS}


# --- text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("module", [tikz.__name__] + [
    f"{tikz.__name__}.{info.name}" for info in pkgutil.iter_modules(tikz.__path__)])
def test_doctests(module):
    assert doctest.testmod(importlib.import_module(module)).failed == 0


@pytest.mark.parametrize("text", [EVIL, "a_b^c", "100%", r"\\", "{}", "~$#&"])
def test_escape_leaves_no_special_character(text):
    out = tikz.escape(text)
    assert out.isascii()
    assert unescaped_specials(out) == set(), out


def test_escape_spells_letters_and_math_signs():
    assert tikz.escape("ŷ") == r"\^{y}"
    assert tikz.escape("é ü ß") == r"\'{e} \"{u} \ss{}"
    assert tikz.escape("σ − ½") == r"$\sigma$ $-$ $\frac{1}{2}$"
    assert tikz.escape("日") == "[U+65E5]"
    assert tikz.escape("a\nb\x07c") == r"a\\bc"


def test_math_escapes_comment_and_table_characters_once():
    assert tikz.math(r"\tanh\left(%13\right)") == r"\tanh(\%13)"
    assert tikz.math(r"a \% b # c & d") == r"a \% b \# c \& d"
    once = tikz.math(r"\sigma\left(a\right) + é + \mathrm{Δw}")
    assert once == tikz.math(once) and once.isascii()


def test_tikz_names_are_the_users_where_possible():
    assert [tikz.tikz_name(n, i) for i, n in enumerate(["x", "W_i", "c'", "c''", "%12", "é"])] \
        == ["x", "W_i", "c-prime", "c-prime2", "gd 12", "gd node 5"]


# --- structure (needs dot for the layout) ------------------------------------------------------

@needs_dot
@pytest.mark.dot
@pytest.mark.parametrize("name", examples.names())
def test_every_node_and_edge_is_drawn(name):
    g = example(name)
    text = tikz.to_tikz(g)
    lines = picture_lines(text)
    names = names_of(g)
    for node in g.nodes:
        assert sum(f"] ({names[node]}) at (" in line for line in lines) == 1, node
    draws = [line for line in lines if line.startswith(r"\draw[gd ")]
    assert len(draws) == g.number_of_edges()
    for tail, head in g.edges():
        # each edge is drawn from its tail to its head (dir=back constants included)
        assert any(line.split("] ", 1)[1].startswith(f"({names[tail]}) ..")
                   and line.endswith(f" .. ({names[head]});") for line in draws), (tail, head)
    constants = [line for line in draws if line.startswith(r"\draw[gd constant edge")]
    assert len(constants) == sum(1 for t, _ in g.edges() if g.nodes[t]["kind"] == "constant")


@needs_dot
@pytest.mark.dot
@pytest.mark.parametrize("name", examples.names())
def test_labels_are_typeset_in_math_mode(name):
    g = example(name)
    text = tikz.to_tikz(g)
    for node, data in g.nodes(data=True):
        if data.get("label_latex"):
            assert f"${tikz.math(data['label_latex'])}$" in text, node
        if data.get("op") is not None and data.get("label_latex"):
            assert f"${tikz.math(data['forward_latex'])}$" in text, node
    labels = [line for line in picture_lines(text) if line.startswith(r"\node[gd label")]
    grads = [d["local_grad_latex"] for t, _, d in g.edges(data=True)
             if g.nodes[t]["kind"] != "constant" and d.get("local_grad_latex")]
    assert len(labels) == len(grads)
    for grad in grads:
        assert any(line.endswith(f"{{${tikz.math(grad)}$}};") for line in labels), grad


def test_xor_labels_read_like_the_sheet():
    g = example("xor")
    assert g.nodes["a"]["forward_latex"] == r"a = W_{i}^\top \, x + b_{a}"
    assert g.nodes["y_hat"]["label_latex"] == r"\hat{y}"
    assert g.nodes["%1"]["label_latex"] is None


@needs_dot
@pytest.mark.dot
def test_output_is_ascii_and_has_no_unescaped_comment_or_table_characters():
    for g in (example("micrograd"), build(LONG), build(UNICODE), example("xor", EVIL)):
        text = tikz.to_tikz(g)
        assert text.isascii()
        for line in picture_lines(text):
            # '%' starts a comment: only whole comment lines may have one
            assert not re.search(r"(?<!\\)%", line), line
            assert not re.search(r"(?<!\\)#", line), line
    assert r"\%" in tikz.to_tikz(build(LONG))     # the id of the long operand, as text


@needs_dot
@pytest.mark.dot
def test_hostile_title_is_escaped():
    text = tikz.to_tikz(example("xor"), title=EVIL)
    title = [line for line in text.splitlines() if line.startswith(r"\node[gd title]")]
    assert len(title) == 1
    inner = title[0].split(" at (", 1)[1].split(") {", 1)[1][:-2]
    assert inner == tikz.escape(EVIL)
    assert unescaped_specials(inner) == set()
    assert text.count(r"\end{document}") == 1 and text.endswith("\\end{document}\n")
    assert r"\input{" not in text


@needs_dot
@pytest.mark.dot
def test_same_input_gives_the_same_bytes():
    first = tikz.to_tikz(example("micrograd"), title="t")
    assert first == tikz.to_tikz(example("micrograd"), title="t")
    assert tikz.example_tex("xor") == tikz.example_tex("xor")


@needs_dot
@pytest.mark.dot
def test_snippet_is_the_picture_of_the_document():
    g = example("xor")
    snippet = tikz.to_tikz(g, snippet=True)
    document = tikz.to_tikz(g)
    assert r"\documentclass" not in snippet and snippet.strip().endswith(r"\end{tikzpicture}")
    assert document == tikz.document(snippet)
    assert tikz.PREAMBLE in document
    assert "% Needs in the preamble: " + " ".join(tikz.PREAMBLE.strip().splitlines()) in snippet


@needs_dot
@pytest.mark.dot
def test_legend_lists_the_kinds_present_and_the_rows_render_drew():
    text = tikz.to_tikz(example("xor"))
    legend = text[text.index(r"\matrix[gd legend"):]
    for kind in ("input", "target", "param", "intermediate", "output"):
        assert rf"\node[gd {kind}, gd legend shape]" in legend
    for words in ("constant (takes no gradient)", "local derivative", "from a constant"):
        assert words in legend
    assert r"\draw[gd constant edge, ->]" in legend
    micrograd = tikz.to_tikz(example("micrograd"))
    assert r"\node[gd input, gd legend shape]" not in micrograd


@needs_dot
@pytest.mark.dot
def test_values_and_gradients_are_drawn_as_numbers():
    from graphdraw.numeric import values
    program = parser.parse(examples.text("xor"), "<example xor>")
    g = graph.build(program, notations=graph.FOR_TIKZ)
    numbers = draw.numbers_for(program, values.leaf_values(program, {}, 0))
    numbers["note"] = draw.values_note(0)
    text = tikz.to_tikz(g, numbers=numbers, rankdir="TB")
    assert r"\partial L/\partial z =" in text
    assert "leaf values: as declared, else random from seed 0" in text
    assert text.isascii()


# --- the command line --------------------------------------------------------------------------

@needs_dot
@pytest.mark.dot
def test_render_format_tikz_writes_model_tex(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["render", "--format", "tikz"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "wrote xor.tex" in result.stderr
    text = (tmp_path / "xor.tex").read_text(encoding="ascii")
    assert text.startswith(r"\documentclass[tikz")
    assert text == tikz.example_tex("xor")
    result = runner.invoke(cli, ["render", "-f", "tikz", "--snippet", "-o", "-",
                                 "--title", EVIL], catch_exceptions=False)
    assert result.exit_code == 0
    assert r"\documentclass" not in result.stdout
    assert tikz.escape(EVIL) in result.stdout
    result = runner.invoke(cli, ["render", "-f", "dot", "--snippet", "-o", "-"],
                           catch_exceptions=False)
    assert "--snippet is used only with --format tikz" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["xor.tex"]


# --- pdflatex ----------------------------------------------------------------------------------

def compile_tex(directory, name: str, text: str) -> str:
    """Run pdflatex on text in directory; return the log. The PDF must exist."""
    path = os.path.join(directory, f"{name}.tex")
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "-no-shell-escape", f"{name}.tex"], cwd=directory,
                          capture_output=True, text=True, timeout=180, check=False)
    log_path = os.path.join(directory, f"{name}.log")
    log = open(log_path, encoding="latin-1").read() if os.path.exists(log_path) else ""
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert done.returncode == 0, f"pdflatex failed on {name}: {errors or done.stdout[-2000:]}"
    pdf = os.path.join(directory, f"{name}.pdf")
    assert os.path.exists(pdf) and os.path.getsize(pdf) > 1000
    assert ".pk>" not in log and "mktexpk" not in done.stdout, "a bitmap font was needed"
    return log


@needs_dot
@needs_latex
@pytest.mark.dot
@pytest.mark.latex
@pytest.mark.parametrize("name", examples.names())
def test_every_example_compiles_with_pdflatex(name, tmp_path):
    log = compile_tex(tmp_path, name, tikz.example_tex(name))
    assert "Overfull" not in log


@needs_dot
@needs_latex
@pytest.mark.dot
@pytest.mark.latex
def test_hostile_and_unusual_pictures_compile(tmp_path):
    from graphdraw.numeric import values
    program = parser.parse(examples.text("xor"), "<example xor>")
    numbers = draw.numbers_for(program, values.leaf_values(program, {}, 0))
    numbers["note"] = draw.values_note(0)
    cases = {
        "evil": tikz.to_tikz(example("xor"), title=EVIL),
        "long": tikz.to_tikz(build(LONG)),
        "unicode": tikz.to_tikz(build(UNICODE), rankdir="TB"),
        "values": tikz.to_tikz(graph.build(program, notations=graph.FOR_TIKZ), rankdir="TB",
                               numbers=numbers),
        "bare": tikz.to_tikz(example("tanh2"), edge_labels=False, shapes=False),
    }
    for name, text in cases.items():
        compile_tex(tmp_path, name, text)


@needs_dot
@needs_latex
@pytest.mark.dot
@pytest.mark.latex
def test_snippet_compiles_in_a_document_with_the_documented_preamble(tmp_path):
    (tmp_path / "figure.tex").write_text(tikz.example_tex("xor", snippet=True),
                                         encoding="ascii")
    document = ("\\documentclass{article}\n" + tikz.PREAMBLE + "\\begin{document}\n"
                "Figure~\\ref{fig:xor} shows the graph.\n"
                "\\begin{figure}\\centering\n"
                "\\resizebox{\\linewidth}{!}{\\input{figure.tex}}\n"
                "\\caption{The XOR network.}\\label{fig:xor}\n\\end{figure}\n"
                "\\end{document}\n")
    compile_tex(tmp_path, "report", document)
