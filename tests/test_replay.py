"""Statements of one shape replayed (language/replay.py) read exactly as without the replay:
the same nodes with all their fields, notes, declarations and errors, over the examples, the
models of the README and the zoo, and generated sequences of statements that repeat shapes
with other names (names that later become variables, functions used as values, `e`, `T`)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphdraw.errors import GraphdrawError
from graphdraw.language import parser, replay
from tests.fuzz.strategies import SEEDS

DECLARATION_WORDS = ("dim", "input", "target", "param", "const", "output")


def outcome(text: str, replaying: bool, monkeypatch, syntax: str = "auto"):
    """Everything a parse gives: the Program's parts in order, or the error with its place."""
    monkeypatch.setattr(replay, "ENABLED", replaying)
    try:
        program = parser.parse(text, "m.gd", syntax=syntax)
    except GraphdrawError as exc:
        return ("error", type(exc).__name__, exc.message, getattr(exc, "line", None),
                getattr(exc, "col", None), exc.hint)
    return (list(program.nodes.items()), program.output, program.dims, program.plates,
            program.notes, program.entry_names, [n.id for n in program.scalings])


def assert_same(text: str, monkeypatch, syntax: str = "auto") -> None:
    assert outcome(text, True, monkeypatch, syntax) == outcome(text, False, monkeypatch, syntax)


def repeated(text: str, times: int = 3) -> str:
    """The model with its statements (not its declarations) written `times` times: every
    statement's shape then comes again, with its names now bound."""
    lines = text.splitlines()
    decls = [line for line in lines if line.split(" ", 1)[0] in DECLARATION_WORDS]
    body = [line for line in lines if line not in decls]
    return "\n".join(decls + body * times) + "\n"


CORPUS = SEEDS + [
    "h_1 = tanh(W h_0 + U x_1 + b)\nh_2 = tanh(W h_1 + U x_2 + b)\nL = 1/2 ‖h_2 − y‖²\n",
    "h = relu(W_1 x + b_1)\np = softmax(W_2 h + b_2)\nL = -sum(y log(p))\n",
    "L = 1/N Σ_n (wᵀ x_n + b − y_n)²\n",
    "z = W x + b\nL = -Σ_k y_k log softmax(z)_k\n",
]


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_corpus_reads_the_same_with_replay(text, monkeypatch):
    assert_same(text, monkeypatch)
    assert_same(repeated(text), monkeypatch)


def test_a_chain_is_replayed_and_reads_the_same(monkeypatch):
    text = "\n".join(["h0 = x"] + [f"h{i} = tanh(w h{i - 1} + b)" for i in range(1, 200)])
    assert_same(text, monkeypatch)
    reader = parser.Parser(parser.Source(text, "m"))
    reader.expressions.shapes = replay.Shapes()
    reader.parse()
    traces = [t for t in reader.expressions.shapes.seen.values() if isinstance(t, replay.Trace)]
    assert len(traces) == 1 and len(traces[0].steps) == 6


# Statements with slots for names: juxtaposition of matrices, vectors and scalars, transposes,
# powers, numbers, calls, e^x, a name as a call's argument without parentheses, bad ones.
TEMPLATES = [
    "{0} = tanh({1} {2} + {3})", "{0} = {1} {2}", "{0} = {1}ᵀ {2}", "{0} = {1}^T {2} + {3}",
    "{0} = ({1} + {2})²", "{0} = {1}^2 + 3 {2}", "{0} = 2{1} - {2}/{3}", "{0} = {1}/2{2}",
    "{0} = e^{1}", "{0} = {1}({2})", "{0} = {1} ({2} + 1)", "{0} = ({1}){2}", "{0} = ({1})_k",
    "{0} = -{1} * {2} @ {3}", "{0} = √({1}) + ½", "{0} = {1} {2}ᵀ", "{0} = exp({1}) log({2})",
    "{0} = 1 + 2", "{0} = {1} {2} {3}", "{0} = ({1} +", "{0} = {1} ,{2}", "{0} = {1}",
    "{0} = sum({1}) {2}", "{0} = σ({1} {2})", "{0} = {1}.T {2}", "{0} = {1}³ {2}",
    "{0} = sum({1}, 1)", "{0} = softmax({1}, dim=-1)", "{0} = max({1}, {2})",
    "{0} = ‖{1}‖_F + ‖{2}‖", "{0} = σ {1}", "{0} = log σ({1})", "{0} = {1}^2({2})",
]
NAMES = ["x", "h", "W", "U", "b", "v", "e", "T", "σ", "tanh", "log", "_k", "x_1", "A", "y", "a"]
DECLARATIONS = ["param W[3, 3]", "input x[3]", "param σ", "dim T = 3", "param b[3]",
                "param e", "input v[1, 3]", "const a = 2"]


@st.composite
def repeating_models(draw) -> str:
    decls = draw(st.lists(st.sampled_from(DECLARATIONS), max_size=3, unique=True))
    shapes = draw(st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=3))
    lines = []
    for _ in range(draw(st.integers(3, 12))):
        template = draw(st.sampled_from(shapes))
        lines.append(template.format(*draw(st.lists(st.sampled_from(NAMES), min_size=4,
                                                    max_size=4))))
    return "\n".join(decls + lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(repeating_models())
def test_statements_of_one_shape_read_the_same_with_replay(monkeypatch, text):
    assert_same(text, monkeypatch, syntax="plain")


@pytest.mark.parametrize("text", [
    "a = W x\nb = W a\nc = W b\nW = c\nd = W c\n",               # W becomes a variable
    "a = tanh(x)\nb = tanh(a)\ntanh = b\nc = tanh(b)\n",          # tanh( with tanh bound
    "a = Wᵀ x\nb = W^T a\nc = W^T b\nT = c\nd = W^T c\n",         # T becomes a name
    "a = (x)y\nb = (x)y\nc = (x)_k\n",                            # a subscript, not a product
    "a = x²\nb = y³\nc = z⁴\nd = v¹⁰\n",                          # superscript powers
    "a = x y\nb = x y\nc = x y\nd = e y\ne = x\nf = e y\n",       # e a leaf, then assigned
    "a = σ x\nb = σ y\nc = σ a\nσ = c\nd = σ x\n",                # σ x, then σ a variable
    "a = log σ(x)\nb = log σ(a)\nc = log σ(b)\nσ = c\nd = log σ(c)\n",
    # what follows a norm's ) is read on its text: _F dropped, _k refused, y multiplied
    "a = norm(u)_F\nb = norm(v)_F\nc = norm(w)x\n",
    "a = norm(x)_F\nb = norm(y)_F\nc = norm(z)_k\n",
    "a = l2_norm(x)_2\nb = l2_norm(y)_2\nc = l2_norm(z)_1\n",
    "a = u^T v\nb = u^T v\nc = T^T v\n",                          # T made in the statement
])
def test_what_the_builder_knows_is_checked_before_a_replay(text, monkeypatch):
    assert_same(text, monkeypatch, syntax="plain")


def test_a_latex_norm_with_a_subscript_reads_the_same_with_replay(monkeypatch):
    """\\lVert z \\rVert_1 is refused after two ‖·‖_2 read as norm(·)_2."""
    text = "a = \\lVert x \\rVert_2 \\\\\nb = \\lVert y \\rVert_2 \\\\\nc = \\lVert z \\rVert_1\n"
    assert outcome(text, True, monkeypatch)[0] == "error"
    assert_same(text, monkeypatch)


def test_past_its_trial_replay_goes_on_only_where_statements_repeat(monkeypatch):
    unique = [f"v{i} = a" + "".join(f" {'+-*/'[i >> 2 * j & 3]} b" for j in range(5))
              for i in range(260)]      # each of another shape
    chain = ["h0 = x"] + [f"h{i} = tanh(w h{i - 1} + b)" for i in range(1, 300)]
    for lines, replaying in ((unique + chain, False), (chain + unique, True)):
        text = "\n".join(lines) + "\n"
        assert_same(text, monkeypatch)
        reader = parser.Parser(parser.Source(text, "m"))
        reader.expressions.shapes = replay.Shapes()
        reader.parse()
        assert (reader.expressions.shapes is not None) == replaying


LATEX = [
    "\\begin{align*}\n  h_1 &= \\tanh(W h_0 + U x_1 + b) \\\\\n  h_2 &= \\tanh(W h_1 + U x_2 + b) \\\\\n"
    "  L   &= \\frac{1}{2} \\lVert h_2 - y \\rVert^2\n\\end{align*}\n",
    "\\mathbf{h} = \\operatorname{ReLU}(W_1 \\mathbf{x} + b_1) \\\\\n"
    "\\mathbf{p} = \\operatorname{softmax}(W_2 \\mathbf{h} + b_2) \\\\\n"
    "L = -\\operatorname{sum}(\\mathbf{y} \\odot \\log(\\mathbf{p}))\n",
    "".join(f"h_{{{i}}} = \\sigma(W h_{{{i - 1}}} + \\log x_{{{i}}}) \\\\\n" for i in range(1, 12))
    + "L = \\operatorname{sum}(h_{11})\n",
    "".join(f"a{i} = \\log \\sigma(W a{i - 1}) + \\alpha^{{2}} \\\\\n" for i in range(1, 9)),
]


@pytest.mark.parametrize("text", LATEX, ids=range(len(LATEX)))
def test_latex_reads_the_same_with_replay(text, monkeypatch):
    assert_same(text, monkeypatch, syntax="latex")
