r"""LaTeX habits of ML texts that must never be misread: x^{(i)} and W^{(2)} are labels (not
powers), `Wx` is a product of one-letter names, \|W\| is the norm. Each reading says so."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.core import graph
from graphdraw.errors import SourceError
from graphdraw.language import parser


def same_graph(latex_text: str, plain_text: str) -> None:
    def shape(text, **kw):
        g = graph.build(parser.parse(text, **kw), notations=("plain",))
        return (sorted((n, d["op"], d["shape"], d["forward"]) for n, d in g.nodes(data=True)),
                sorted((u, v) for u, v in g.edges()))
    assert shape(latex_text, syntax="latex") == shape(plain_text, syntax="plain")


@pytest.mark.parametrize("tex, plain", [
    (r"L = \frac{1}{m} \sum_{i=1}^{m} (w^T x^{(i)} - y^{(i)})^2",
     "L = 1/m Σ_i^m (wᵀ x_i - y_i)^2"),
    (r"h = \tanh(W^{(1)} x)", "h = tanh(W_1 x)"),
    (r"y = \hat{y}^{(i)} + a^{( l )}", "y = y_hat_i + a_l"),
    (r"L = x^{(2)}", "L = x_2"),
])
def test_a_parenthesised_superscript_is_a_label(tex, plain):
    same_graph(tex, plain)


def test_a_label_is_never_a_power_and_says_so():
    program = parser.parse(r"L = W^{(2)} x", syntax="latex")
    assert "pow" not in {n.op for n in program.nodes.values()}
    assert any("W_2" in note and "not a power" in note for note in program.notes)
    with pytest.raises(SourceError, match="labels a name"):
        parser.parse(r"L = (a + b)^{(2)}", syntax="latex")


@pytest.mark.parametrize("tex, plain", [
    (r"h = \sigma(Wx + b)", "h = σ(W x + b)"),
    (r"L = \frac{1}{2} \|Wx_n\|^2", "L = 1/2 ‖W x_n‖^2"),
    (r"L = ab c", "L = a b c"),
    (r"L = \mathrm{lr} \cdot x", "L = lr x"),
    ("param lr\nL = lr \\cdot x", "param lr\nL = lr x"),
    (r"loss = x^2 \\ L = loss + 1", "loss = x^2; L = loss + 1"),
    (r"L = \operatorname{softmax}(z) + softmax(z)", "L = softmax(z) + softmax(z)"),
    (r"L = \alpha x + alpha", "L = α x + α"),
])
def test_letters_side_by_side_are_a_product(tex, plain):
    same_graph(tex, plain)


def test_splitting_letters_is_a_note_and_never_hides_an_unknown_function():
    program = parser.parse(r"h = \sigma(Wx + b)", syntax="latex")
    assert any("'Wx' as the product W x" in note for note in program.notes)
    with pytest.raises(SourceError, match="unknown function 'foo'"):
        parser.parse(r"L = foo(x) + \sigma(x)", syntax="latex")


@pytest.mark.parametrize("tex, plain", [
    (r"L = \|W\|^2", "L = ‖W‖^2"),
    (r"L = \|W\|_F", "L = ‖W‖"),
    (r"L = \|w\|_2^2", "L = ‖w‖^2"),
    (r"L = \left\| w \right\|^2", "L = ‖w‖^2"),
    (r"L = \Vert w \Vert + \lVert w \rVert_2", "L = ‖w‖ + ‖w‖"),
    (r"L = \frac{\lambda}{2} \|W\|_F^2", "L = λ/2 ‖W‖^2"),
])
def test_latex_norms(tex, plain):
    same_graph(tex, plain)


def test_the_cli_prints_the_label_note_on_stderr():
    result = CliRunner().invoke(cli, ["render", "-f", "json", "-o", "-", "-e",
                                      r"L = \sum_{i=1}^{m} (w^T x^{(i)} - y^{(i)})^2"])
    assert result.exit_code == 0, result.output
    assert "read 'x^{(i)}' as the name x_i" in result.stderr
    assert '"x_i"' in result.stdout


def test_plain_text_keeps_wx_one_name_but_notes_it_when_w_and_x_exist():
    program = parser.parse("h = Wx + b\nL = sum(h^2) + sum(W^2) + sum(x)", syntax="plain")
    assert "Wx" in program.nodes
    assert any("read 'Wx' as one name, although W, x are also names" in n
               for n in program.notes)
    quiet = parser.parse("param lr\nL = lr * loss", syntax="plain")
    assert not any("one name" in n for n in quiet.notes)


@pytest.mark.parametrize("tex, plain", [
    (r"y = \sigma(\mathbf{w} \cdot \mathbf{x} + b)", "y = σ(wᵀ x + b)"),
    (r"y = \boldsymbol{w} \cdot \boldsymbol{x}_n", "y = wᵀ x_n"),
    (r"y = \lambda \cdot \mathbf{w} + 2 \cdot \mathbf{x}", "y = λ w + 2 x"),
    (r"y = \mathbf{W} \cdot \mathbf{x}", "y = W x"),
])
def test_cdot_of_two_bold_lowercase_vectors_is_their_dot_product(tex, plain):
    same_graph(tex, plain)


def test_the_dot_product_reading_is_a_note():
    program = parser.parse(r"y = \mathbf{w} \cdot \mathbf{x}", syntax="latex")
    assert any("as the dot product wᵀ" in n for n in program.notes)


@pytest.mark.parametrize("tex, plain", [
    (r"\hat{y}^{(i)} = \sigma(\mathbf{w}^{(2)T} \mathbf{a}^{(1)} + b^{(2)})",
     "y_hat_i = σ(w_2ᵀ a_1 + b_2)"),
    (r"L = W^{(2)T} a", "L = W_2ᵀ a"),
    (r"L = \theta^{(1)T} x", "L = θ_1ᵀ x"),
    (r"L = \mathbf{w}^{(2)\top} x", "L = w_2ᵀ x"),
    (r"L = \mathbf{w}^{(2)\intercal} x", "L = w_2ᵀ x"),
    (r"L = w^{(2)'} x", "L = w_2ᵀ x"),
    (r"L = w^{( 2 ) T} x", "L = w_2ᵀ x"),
    (r"L = w^T x + w^\top x", "L = wᵀ x + wᵀ x"),
])
def test_a_label_then_a_transpose_is_the_transposed_label(tex, plain):
    same_graph(tex, plain)


def test_a_transposed_label_is_never_a_power_nor_a_new_parameter_and_says_so():
    program = parser.parse(r"L = \mathbf{w}^{(2)T} \mathbf{a}^{(1)}", syntax="latex")
    assert "pow" not in {n.op for n in program.nodes.values()}
    assert "T" not in program.nodes
    assert any("(w_2)ᵀ" in note for note in program.notes)


@pytest.mark.parametrize("tex, plain", [
    (r"Q = XW^Q, \quad K = XW^K, \qquad V = XW^V \\ L = \sum(Q K^T V)",
     "Q = X W^Q; K = X W^K; V = X W^V; L = sum(Q Kᵀ V)"),
    (r"a = x^2; b = a + 1", "a = x^2; b = a + 1"),
    (r"L = \max(a, \quad b)", "L = max(a, b)"),
    (r"L = a + b, \quad", "L = a + b"),
])
def test_equations_separated_by_a_comma_and_quad_are_separate_statements(tex, plain):
    same_graph(tex, plain)


def test_a_comma_between_plain_equations_says_to_use_a_semicolon():
    with pytest.raises(SourceError) as err:
        parser.parse("a = x, b = y", syntax="plain")
    assert "';'" in err.value.hint


@pytest.mark.parametrize("tex, plain", [
    (r"J = -\frac{1}{m}\sum_{i=1}^{m} y^{(i)} \log \sigma(\theta^T x^{(i)})",
     "J = -(1/m) Σ_i^m y_i log(σ(θᵀ x_i))"),
    (r"L = \log \sigma(z) x + \exp \tanh(a)", "L = log(σ(z)) x + exp(tanh(a))"),
    (r"L = \log \sigma(z)^2", "L = (log(σ(z)))^2"),
])
def test_a_function_before_a_call_applies_to_the_call(tex, plain):
    same_graph(tex, plain)


@pytest.mark.parametrize("plain, called", [
    ("ŷ = softmax(z)\nL = -Σ_k y_k log ŷ_k", "ŷ = softmax(z)\nL = -Σ_k y_k log(ŷ_k)"),
    ("L = exp a + log σ(z)", "L = exp(a) + log(σ(z))"),
])
def test_plain_function_before_one_name_reads_as_in_latex(plain, called):
    def shape(text):
        g = graph.build(parser.parse(text, syntax="plain"), notations=("plain",))
        return sorted((n, d["op"], d["shape"]) for n, d in g.nodes(data=True))
    assert shape(plain) == shape(called)
    assert any("(a function before one name)" in n
               for n in parser.parse(plain, syntax="plain").notes)


@pytest.mark.parametrize("plain", ["L = log x^2", "L = log 2 x", "L = log x y"])
def test_plain_function_before_more_than_one_name_is_refused(plain):
    with pytest.raises(SourceError, match="is a function: write log"):
        parser.parse(plain, syntax="plain")
