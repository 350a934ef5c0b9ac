"""W^Q, W^K, W^V: a capital-letter superscript on a matrix, or a name the model assigns, labels
the matrix (W_Q) with a note; a number or a declared parameter stays a power."""

from __future__ import annotations

import pytest

from graphdraw.language import parser


def ops_and_leaves(text: str, syntax: str = "plain"):
    program = parser.parse(text, syntax=syntax)
    leaves = {n.id for n in program.nodes.values() if n.is_leaf and n.op is None}
    return {n.op for n in program.nodes.values()}, leaves, program.notes


@pytest.mark.parametrize("text, syntax", [
    ("Q = X W^Q\nK = X W^K\nV = X W^V\nL = sum(Q Kᵀ V)", "plain"),
    ("Q = X W^Q\nK = X W^K\nV = X W^V\nL = sum(Q Kᵀ V)", "latex"),
    (r"Q = XW^{Q} \\ K = XW^{K} \\ V = XW^{V} \\ L = \sum(Q K^\top V)", "latex"),
])
def test_attention_superscripts_are_labels(text, syntax):
    ops, leaves, notes = ops_and_leaves(text, syntax)
    assert "pow" not in ops
    assert {"W_Q", "W_K", "W_V"} <= leaves
    assert not {"Q", "K", "V"} & leaves
    assert any("W_Q" in n and "not a power" in n for n in notes)


def test_an_assigned_name_is_never_a_silent_power():
    ops, leaves, notes = ops_and_leaves("a = x^h\nh = 2 x\nL = a + h")
    assert "pow" not in ops and "x_h" in leaves
    assert any("x_h" in n for n in notes)


def test_plain_letters_before_a_label_say_how_to_write_the_product():
    ops, leaves, notes = ops_and_leaves("Q = XW^Q\nL = sum(Q)")
    assert "pow" not in ops
    assert any("write X W^Q with spaces" in n for n in notes)


@pytest.mark.parametrize("text", [
    "param n\nL = x^n", "param K\nL = W^K", "L = x^2", "L = x^n", "L = W^T x",
    "L = 1/N Σ_n^N (x_n)^2", "L = x^N",
])
def test_numbers_declared_scalars_and_transposes_stay_as_they_were(text):
    ops, leaves, notes = ops_and_leaves(text)
    assert not any("labels a matrix" in n for n in notes)


def test_a_superscript_naming_a_declared_name_is_that_name():
    """W^V where the model has W_V and no W: the name W_V, as verify's claims write it."""
    program = parser.parse("param W_V[2, 2], x[2], V\ny = W^V x")
    leaves = {n.id for n in program.nodes.values() if n.is_leaf}
    assert {"W_V", "x"} <= leaves and "W" not in leaves
    assert any("as the name W_V, which the model has" in note for note in program.notes)


def test_a_declared_head_keeps_its_power():
    program = parser.parse("param W[2, 2], W_V[2, 2], V\ny = sum(W^V + W_V)")
    assert "W" in program.nodes and any(n.op == "pow" for n in program.nodes.values())


def test_label_spelling():
    from graphdraw.language.superscripts import label_spelling
    assert label_spelling("W^V") == "W_V" and label_spelling("W^{ Q }") == "W_Q"
    assert label_spelling("x^2") is None and label_spelling("W") is None


def test_a_power_with_a_capital_exponent_prints_so_that_it_reads_back_as_a_power():
    from graphdraw.language import printer
    program = parser.parse("r = (W) ^ (W)")
    text = printer.Printer(program, "plain").forward(program.nodes[program.output])
    assert text == "r = W^(W)"
    assert [n.op for n in parser.parse(text).nodes.values() if n.op] == ["pow"]
