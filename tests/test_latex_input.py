r"""LaTeX input: the sheet's equations give the same graph as the plain language; every
supported command; errors point into the LaTeX as written; deep nesting without recursion."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.language import latex
from graphdraw.language import parser
from graphdraw.cli import cli
from graphdraw.errors import Source, SourceError


def shape_of(text: str, **kw) -> tuple:
    """Everything that makes a graph: ids, kinds, ops, names, shapes, forward texts, edges."""
    g = graph.build(parser.parse(text, **kw), notations=("plain",))
    nodes = [(n, d["kind"], d["op"], d["name"], d["version"], d["shape"], d["forward"],
              d.get("plate")) for n, d in g.nodes(data=True)]
    edges = sorted((u, v, k, d["combine"], d["local_grad"])
                   for u, v, k, d in g.edges(keys=True, data=True))
    return g.graph["output"], nodes, edges


def same_graph(latex_text: str, plain_text: str) -> None:
    got, want = shape_of(latex_text), shape_of(plain_text, syntax="plain")
    assert got == want


# -- the exercise sheet ----------------------------------------------------------------------

SHEET_EQ2 = r"y = \sigma(\mathbf{W_o}^T(\sigma(\mathbf{W_i}^T \mathbf{x} + b_a)) + b_o)"
SHEET_LOSS = r"L = \frac{1}{2}(\hat{y} - y)^2"
SHEET_EQ3 = (r"L(\boldsymbol{W_i}, \boldsymbol{W_o}, b) = \frac{1}{2} \sum_{n=1}^{N} \left( "
             r"\sigma(\boldsymbol{W_o}^T (\sigma(\boldsymbol{W_i}^T \boldsymbol{x_n} + b_a)) "
             r"+ b_o) - y_n \right)^2")


def test_sheet_equation_2_is_the_plain_one():
    same_graph(SHEET_EQ2, "y = σ(W_oᵀ(σ(W_iᵀ x + b_a)) + b_o)")
    same_graph(SHEET_EQ2, "y = sigmoid(W_o.T @ sigmoid(W_i.T @ x + b_a) + b_o)")


def test_sheet_loss_is_the_plain_one():
    same_graph(SHEET_LOSS, "L = 1/2 (ŷ − y)²")
    same_graph(SHEET_LOSS, "L = 1/2 (y_hat - y)^2")


def test_sheet_equation_1_is_the_plain_one():
    same_graph(r"y = \boldsymbol{W}^T \boldsymbol{x} + b", "y = Wᵀ x + b")


def test_sheet_equation_3_as_printed_is_the_plain_sum():
    # The sheet's left-hand side L(W_i, W_o, b) lists what L depends on: read as L.
    same_graph(SHEET_EQ3, "L = 1/2 Σ_n^N (σ(W_oᵀ (σ(W_iᵀ x_n + b_a)) + b_o) − y_n)²")


def test_the_xor_example_written_in_latex_is_the_xor_example():
    text = examples.text("xor")
    head = text[:text.index("a = ")]
    body = r"""
\begin{align*}
  \mathbf{a} &= \mathbf{W_i}^\top \mathbf{x} + b_a \\
  \mathbf{z} &= \sigma\left(\mathbf{a}\right) \\
  \hat{y} &= \sigma(\mathbf{W_o}^{\top} \mathbf{z} + b_o) \\
  L &= \frac{1}{2} \left(\hat{y} - y\right)^{2}
\end{align*}
"""
    same_graph(head + body, text)


def test_the_whole_sheet_display_pasted_with_dollars():
    same_graph("$$" + SHEET_EQ2 + "$$\n$$" + SHEET_LOSS.replace("y)", "y)") + "$$",
               "y = σ(W_oᵀ(σ(W_iᵀ x + b_a)) + b_o)\nL = 1/2 (ŷ − y)²")


# -- every supported command -----------------------------------------------------------------

PAIRS = [
    # products: \cdot is a product like juxtaposition (matrix product or scaling)
    (r"a = \mathbf{W} \cdot \mathbf{x}", "a = W x"),
    (r"a = 2 \cdot x", "a = 2 x"),
    (r"a = z \cdot (1 - z)", "a = z (1 - z)"),
    (r"a = z \cdot -y", "a = z * -y"),
    (r"a = x \times y", "a = x * y"),
    (r"a = x \odot y", "a = x * y"),
    (r"a = x \div y", "a = x / y"),
    # transposes
    (r"a = W^\top x", "a = Wᵀ x"),
    (r"a = W^{T} x", "a = Wᵀ x"),
    (r"a = W^{\top} x", "a = Wᵀ x"),
    (r"a = W^\intercal x", "a = Wᵀ x"),
    (r"a = W^{\mathsf{T}} x", "a = Wᵀ x"),
    (r"a = W^\mathsf{T} x", "a = Wᵀ x"),
    (r"a = \mathbf{W}^T\mathbf{x}", "a = Wᵀ x"),
    # parentheses and groups
    (r"a = \left(x + y\right) z", "a = (x + y) z"),
    (r"a = \left[x + y\right] z", "a = (x + y) z"),
    (r"a = \bigl(x + y\bigr) z", "a = (x + y) z"),
    (r"a = \left| x \right|", "a = abs(x)"),
    (r"a = {x + y} \cdot z", "a = (x + y) z"),
    (r"a = {x} + {{\alpha}}", "a = x + α"),
    # functions
    (r"a = \exp(x)", "a = exp(x)"),
    (r"a = \exp{x}", "a = exp(x)"),
    (r"a = \exp\left(-x\right)", "a = exp(-x)"),
    (r"a = \log(x) + \ln(y)", "a = log(x) + log(y)"),
    (r"a = \tanh(x)", "a = tanh(x)"),
    (r"a = \max(x, y) - \min(x, y)", "a = max(x, y) - min(x, y)"),
    (r"a = \sqrt{x}", "a = sqrt(x)"),
    (r"a = \operatorname{ReLU}(x)", "a = relu(x)"),
    (r"a = \operatorname*{softplus}(x)", "a = softplus(x)"),
    (r"a = \mathrm{ReLU}(x)", "a = relu(x)"),
    (r"a = \sigma(x)", "a = σ(x)"),
    (r"a = \sigma\left(x\right)", "a = sigmoid(x)"),
    (r"a = \sigma{x}", "a = σ(x)"),
    (r"a = \sigma x", "a = sigma * x"),          # the letter, not the function
    (r"a = \sum(x)", "a = sum(x)"),
    # fonts and accents
    (r"a = \mathbf{x} + \boldsymbol{y} + \bm{z} + \mathrm{w} + \vec{v}", "a = x + y + z + w + v"),
    (r"a = \mathbf{W}_o", "a = W_o"),
    (r"a = \mathbf{W}_{o}", "a = W_o"),
    (r"a = \mathbf{W_{io}}", "a = W_io"),
    (r"a = \hat{y}", "a = ŷ"),
    (r"a = \hat y", "a = y_hat"),
    (r"a = \widehat{y}", "a = y_hat"),
    (r"a = \hat{y}_n + \hat{y_m}", "a = ŷ_n + y_hat_m"),
    (r"a = \hat{\mathbf{y}}", "a = ŷ"),
    (r"a = \hat\alpha", "a = α̂"),
    (r"a = \bar{x} + \tilde{x}", "a = x_bar + x_tilde"),
    (r"a = x\hat{y}", "a = x ŷ"),
    # Greek letters
    (r"a = \alpha x + \beta", "a = α x + β"),
    (r"a = \lambda \Delta", "a = λ Δ"),
    (r"a = \alpha_1 + W_\alpha", "a = α_1 + W_α"),
    (r"a = \varepsilon + \epsilon", "a = ε + ε"),
    (r"a = 2\alpha", "a = 2 α"),
    # subscripts and superscripts
    (r"a = x_{n} + W_{io} + x_{1,2}", "a = x_n + W_io + x_1_2"),
    (r"a = x^{2} + y^2 + z^{-1}", "a = x^2 + y^2 + z^(-1)"),
    (r"a = x^{y + 1}", "a = x^(y + 1)"),
    (r"a = x^2y", "a = x^2 y"),
    # fractions
    (r"a = \frac{1}{2} x", "a = 1/2 x"),
    (r"a = \frac12 x", "a = 1/2 x"),
    (r"a = \dfrac{x + 1}{y}", "a = (x + 1) / y"),
    (r"a = \frac{\frac{x}{y}}{z}", "a = (x / y) / z"),
    (r"a = \frac{x}{\frac{y}{z}}", "a = x / (y / z)"),
    (r"a = \frac{\mathbf{w}^T x}{\sqrt{d}}", "a = (wᵀ x) / sqrt(d)"),
    # spaces, labels, punctuation, comments
    (r"a = x \, y \; z \! w \quad v ~ u", "a = x y z w v u"),
    (r"a = x + y \label{eq:a} \tag{2} \nonumber", "a = x + y"),
    ("a = \\alpha % a LaTeX comment\nb = a", "a = α\nb = a"),
    (r"a = \alpha  # a graphdraw comment", "a = α"),
    # wrappers and line breaks
    (r"$a = \alpha x$", "a = α x"),
    (r"$$a = \alpha x,$$", "a = α x"),
    (r"\[ a = \alpha x. \]", "a = α x"),
    (r"\( a = \alpha x \)", "a = α x"),
    ("$$\na = \\alpha\n  + x\n$$", "a = α + x"),
    ("\\begin{equation}\n a = \\alpha x \\\\ b = a\n\\end{equation}", "a = α x\nb = a"),
    ("\\begin{align*}\n a &= \\alpha x \\\\\n b &= a\n\\end{align*}", "a = α x\nb = a"),
    ("\\begin{align}\n a &= \\alpha x \\nonumber \\\\\n b &= a\n\\end{align}", "a = α x\nb = a"),
    ("$$\\begin{aligned} a &= \\alpha x \\\\ b &= a \\end{aligned}$$", "a = α x\nb = a"),
    (r"a = \alpha x \\ b = a", "a = α x\nb = a"),
    ("a = \\frac{1}{\n2} \\alpha", "a = 1/2 α"),
    # sums over samples
    (r"L = \sum_{n=1}^{N} (w x_n - y_n)^2", "L = Σ_n (w x_n - y_n)^2"),
    (r"L = \sum_n (w x_n - y_n)^2", "L = sum_n (w x_n - y_n)^2"),
    (r"L = \sum\limits_{i=1}^{m} x_i", "L = Σ_i^m x_i"),
    (r"L = \sum_{n=1}^{4} x_n", "L = Σ_n^4 x_n"),
    # declarations in a LaTeX model are the plain ones
    ("param W[2, 2], b = 0.5\ninput x[2]\n$$a = \\mathbf{W}^T \\mathbf{x} + b$$",
     "param W[2, 2], b = 0.5\ninput x[2]\na = Wᵀ x + b"),
]


@pytest.mark.parametrize("latex_text, plain_text", PAIRS, ids=[p[0][:40] for p in PAIRS])
def test_each_command_reads_as_its_plain_form(latex_text, plain_text):
    same_graph(latex_text, plain_text)


def test_syntax_latex_reads_text_without_commands():
    same_graph("L = 1/2 (y_hat - y)^2", "L = 1/2 (ŷ − y)²")
    assert shape_of("L = x^2", syntax="latex") == shape_of("L = x^2", syntax="plain")


def test_detection():
    assert latex.detect(r"y = \sigma(x)") == "latex"
    assert latex.detect("$y = x$") == "latex"
    assert latex.detect("y = σ(x)\n# \\sigma in a comment only") == "plain"
    assert latex.detect("y = x") == "plain"


def test_the_translation_is_graphdraws_language():
    tr = latex.translate(Source(SHEET_LOSS))
    assert tr.text == "L = (1/2)(y_hat - y)^2"
    tr = latex.translate(Source(SHEET_EQ2))
    assert tr.text == "y = σ(W_oᵀ(σ(W_iᵀ x + b_a)) + b_o)"


# -- errors point into the LaTeX as written --------------------------------------------------

def error_of(text: str, **kw) -> SourceError:
    with pytest.raises(SourceError) as info:
        parser.parse(text, **kw)
    return info.value


@pytest.mark.parametrize("text, line, col, words", [
    (r"y = \sigma(\mathbf{W}^T x + \int b)", 1, 29, r"\int is not supported"),
    ("a = x\n\n$$ b = \\partial x $$", 3, 8, r"\partial is not supported"),
    ("a = 1\n\\begin{matrix} 1 & 2 \\end{matrix}", 2, 1, "{matrix} is not supported"),
    (r"y = \mathbb{E}[x]", 1, 5, r"\mathbb is not supported"),
    (r"y = \cosh(x)", 1, 5, r"\cosh is not supported"),
    (r"y = \exp x^2", 1, 5, r"write the argument of \exp in parentheses"),
    (r"y = \frac{1}{2", 1, 13, "never closed"),
    (r"y = x } + 1 \alpha", 1, 7, "without a matching '{'"),
    (r"$$ y = \alpha x", 1, 1, "$$ is never closed"),
    (r"y = x_{n + m} \alpha", 1, 7, "a subscript is a name or a number"),
    (r"y = \hat{x + 1}", 1, 9, r"\hat goes over a name"),
    (r"y = \sqrt[3]{x}", 1, 10, "only square roots"),
    (r"L = \sum_{n=0}^{N} x_n", 1, 11, "from 1"),
    (r"L = \sum x", 1, 5, "names its index"),
])
def test_unsupported_and_malformed_latex_points_at_the_command(text, line, col, words):
    exc = error_of(text)
    assert (exc.line, exc.col) == (line, col), str(exc)
    assert words in exc.message
    assert exc.source.text == text           # the LaTeX as written, not the translation


def test_unsupported_command_hint_lists_what_is_supported():
    exc = error_of(r"y = \int x")
    for command in (r"\frac", r"\sigma", r"\operatorname{ReLU}", r"\mathbf", r"\sum_{n=1}^{N}",
                    r"\left(", r"\cdot", r"^\top"):
        assert command in exc.hint


@pytest.mark.parametrize("text, line, col, words", [
    # found by the parser in the translation, moved back to the LaTeX
    (r"L = \frac{1}{2}(\hat{y} - )^2", 1, 27, "before ')'"),
    (r"y = \operatorname{frobnicate}(x)", 1, 19, "unknown function 'frobnicate'"),
    ("a = x\n  b = \\mathbf{W}^T \\mathbf{x} + * \\alpha", 2, 33, "'*'"),
    ("$$\n a = \\alpha x \\\\\n b = \\sigma(a) (1 - \n$$", 3, 19, "'-'"),
    (r"\begin{align*} a &= x \\ b &= \alpha + \end{align*}", 1, 38, "after '+'"),
])
def test_parser_errors_point_into_the_latex(text, line, col, words):
    exc = error_of(text)
    assert (exc.line, exc.col) == (line, col), str(exc)
    assert words in str(exc)
    assert "graphdraw read the LaTeX as:" in exc.hint
    assert exc.source.text == text


def test_error_message_shows_the_original_line_and_a_caret():
    text = "dim H = 2\n$$ y = \\sigma(\\mathbf{W}^T x) + \\int_0^1 x $$"
    message = str(error_of(text, syntax="auto"))
    lines = message.splitlines()
    assert lines[0].startswith("<model>:2:33: error: the LaTeX command \\int")
    assert lines[1] == "  " + text.splitlines()[1]
    assert lines[2] == "  " + " " * 32 + "^"


def test_node_lines_are_the_latex_lines():
    program = parser.parse("dim H = 2\n\n\\begin{align*}\n  a &= \\alpha x \\\\\n"
                           "  b &= \\sigma(a)\n\\end{align*}")
    assert program.nodes["a"].line == 4 and program.nodes["b"].line == 5


def test_plain_syntax_refuses_latex_with_a_hint():
    exc = error_of(r"y = \sigma(x)", syntax="plain")
    assert (exc.line, exc.col) == (1, 5)
    assert "--syntax latex" in exc.hint


def test_function_definitions_stay_an_error_in_the_plain_language():
    exc = error_of("f(x) = x^2", syntax="plain")
    assert "definitions" in exc.hint


# -- size: no recursion on user input --------------------------------------------------------

DEPTH = 5000


@pytest.mark.parametrize("opening, closing", [
    ("{", "}"),
    (r"\left(", r"\right)"),
    (r"\mathbf{", "}"),
    (r"\sqrt{", "}"),
    (r"\frac{1}{", "}"),
    (r"{x + ", "}"),
])
def test_thousands_of_nested_groups(opening, closing):
    text = r"L = \alpha + " + opening * DEPTH + "x" + closing * DEPTH
    program = parser.parse(text)
    assert "x" in program.nodes and program.output == "L"


def test_deep_fractions_keep_their_value():
    from graphdraw.numeric import evaluate
    text = r"L = " + r"\frac{" * DEPTH + "x" + "}{2}" * DEPTH
    program = parser.parse(text)
    value = evaluate.forward(program, {"x": 2.0 ** 10})["L"]
    assert float(value) == pytest.approx(2.0 ** (10 - DEPTH), rel=1e-9) or float(value) == 0.0


def test_thousands_of_terms():
    text = "L = " + " + ".join(rf"\sigma(\mathbf{{w}}_{{{i}}}^T x)" for i in range(5000))
    program = parser.parse(text)
    assert sum(1 for n in program.nodes.values() if n.op == "sigmoid") == 5000


# -- the command line ------------------------------------------------------------------------

def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cli_reads_latex_automatically():
    result = run("render", "-e", SHEET_LOSS, "-f", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    assert '"id": "y_hat"' in result.output


@pytest.mark.parametrize("command", [["render", "-f", "json", "-o", "-"], ["grads"],
                                     ["grads", "--json"]])
def test_every_command_has_syntax(command):
    assert run(*command, "--syntax", "plain", "-e", r"L = \sigma(x)").exit_code == 3
    assert run(*command, "--syntax", "latex", "-e", r"L = \sigma(x)").exit_code == 0
    assert run(*command, "--syntax", "auto", "-e", r"L = \sigma(x)").exit_code == 0
    assert run(*command, "--syntax", "tex", "-e", "L = x").exit_code == 2


def test_cli_error_points_at_the_command():
    result = run("grads", "-e", r"L = \frac{1}{2} \int (\hat{y} - y)^2")
    assert result.exit_code == 3
    assert r"<-e>:1:17: error: the LaTeX command \int is not supported" in result.output
    assert "Traceback" not in result.output


def test_a_function_of_the_op_table_reads_by_its_name_as_a_command():
    from graphdraw.language.parser import parse
    program = parse(r"L = \softplus(w x) + \gelu(x)", syntax="latex")
    assert {n.op for n in program.nodes.values()} >= {"softplus", "gelu"}
    with pytest.raises(SourceError, match=r"\\frob is not supported"):
        parse(r"L = \frob(w x)", syntax="latex")
