"""A template printed from its cached form (templates.fill_form) prints as it does step by step,
whatever was printed before it: the form is reused only where the operands' texts do not matter.
The same for an op's cached forms (notation.joiner)."""

from __future__ import annotations

import itertools

import pytest

from graphdraw import ops
from graphdraw.core import graph
from graphdraw.language import notation, parser, templates
from graphdraw.language.notation import all_scalars

A = ops.ATOM


def _fresh(text, operands, mode):
    """The template printed step by step, never from a form."""
    return templates._Steps(text, operands, mode, {}).piece()


@pytest.mark.parametrize("template, before, after, mode", [
    # e^x would read as exp(x): a base named e keeps its parentheses in the language
    ("b * a^(b - 1)", {"a": ("w", A), "b": ("x", A)}, {"a": ("e", A), "b": ("x", A)}, "plain"),
    # W^Q would read as the label W_Q
    ("a^b", {"a": ("x", A), "b": ("y", A)}, {"a": ("W", A), "b": ("K", A)}, "plain"),
    # a number over N scales: juxtaposed in LaTeX, not an elementwise product
    ("a * b", {"a": ("x", A), "b": ("y", A)}, {"a": (r"\frac{1}{N}", A), "b": ("y", A)}, "latex"),
    # beside a transpose a product is written out: xᵀ y (y + 1) would read as inner products
    ("a * b", {"a": ("x", ops.MUL), "b": ("y + 1", ops.ADD)},
     {"a": ("xᵀ y", ops.MUL), "b": ("y + 1", ops.ADD)}, "pretty"),
])
def test_a_form_is_not_reused_where_an_operands_text_decides(template, before, after, mode):
    templates.print_template(template, before, mode)      # the form of these precedences
    assert templates.print_template(template, after, mode) == _fresh(template, after, mode)


@pytest.mark.parametrize("first_scalars", [True, False])
def test_latex_forms_of_scalars_and_of_tensors_are_kept_apart(first_scalars):
    text, operands = "a * (1 - a)", {"a": ("z", A)}
    with all_scalars(first_scalars):
        first = templates.print_template(text, operands, "latex")[0]
    with all_scalars(not first_scalars):
        second = templates.print_template(text, operands, "latex")[0]
    scalar, tensor = (first, second) if first_scalars else (second, first)
    assert (scalar, tensor) == (r"z \, \left(1 - z\right)", r"z \odot \left(1 - z\right)")


def test_a_variable_named_e_keeps_its_parentheses_in_a_derivative():
    graph.build(parser.parse("y = w^x"))                   # the same template over w first
    built = graph.build(parser.parse("param e\ny = e^x"))
    assert built.edges["e", "y", 0]["local_grad"] == "x * (e)^(x - 1)"


_TEXTS = ["x", "2", "−1", "xᵀ y", "x<sup>T</sup>", "x^T", "½", "e"]
_PRECS = [ops.ADD, ops.MUL, ops.NEG, A]


@pytest.mark.parametrize("op", [op for op, row in ops.OPS.items() if row.style == "infix"]
                         + ["tanh", "neg", "transpose"])
@pytest.mark.parametrize("mode", ["plain", "pretty", "html"])
def test_a_joiner_prints_as_every_choice_made_anew(op, mode):
    row = ops.OPS[op]
    for left, right in itertools.product(itertools.product(_TEXTS, _PRECS), repeat=2):
        args = [left, right][:row.arity]
        for const_left in (False, True):
            join = notation.joiner(row, mode)
            join([("y", prec) for _, prec in args], const_left)   # the form of these precedences
            assert join(args, const_left) == notation._apply(row, args, const_left, mode=mode)


@pytest.mark.parametrize("mode", ["plain", "pretty", "html", "latex"])
@pytest.mark.parametrize("template", ["out * (1 - out)", "1 - out^2", "b^T", "a / b", "a^b"])
def test_a_form_fills_in_texts_with_percent_signs_and_braces(template, mode):
    # forms are %-format strings: an operand shown by its id (%3) or in braces is put in as
    # it is, the second time (from the form) as the first (step by step)
    for operands in ({"a": ("%3", A), "b": ("%12", A), "out": ("%4", A)},
                     {"a": ("{x}", A), "b": ("100%", A), "out": ("%s", A)}):
        first = templates.print_template(template, operands, mode)
        assert first == templates.print_template(template, operands, mode) \
            == _fresh(template, operands, mode)
