"""Derivative templates (`out (1 - out)`, `a^T`): parsed once, printed over any operands.

A template is an expression in the language over the names a, b and out; printing puts
printed operands in their place and folds what known constant values allow.
"""

from __future__ import annotations

import math
import re

from graphdraw import ops
from graphdraw.language.lexer import reads_as_transpose
from graphdraw.language.parser import parse
from graphdraw.language.notation import (Piece, apply, name, number, scalars, transposed,
                                         untransposed)
from graphdraw.lazy import scalar_op

NUMBERS = ("0", "1", "-1")      # templates that are a constant, printed without parsing
Product = tuple[float, tuple[Piece, ...]]   # a number times printed factors

_TEMPLATES: dict[str, tuple[list[tuple], str]] = {}
_FORMS: dict[tuple, tuple[str, tuple[str, ...], int]] = {}   # see fill_form
_READINGS: dict[str, tuple] = {}                    # see reading
_MAY_TRANSPOSE = frozenset("T⊤ᵀ \t")                # what reads_as_transpose text starts with
# What makes an operand's text, not only its precedence, decide how a template prints: a
# leading digit; a transpose (Kᵀ, K^\top) inside another transpose or power, and beside a
# product; e^x, which reads as exp(x); \frac{1}{N} x, juxtaposed in LaTeX. (And a text that
# reads as a transpose; a capital alone as an exponent: W^(Q), never W^Q, which is W_Q.)
_TEXT_DECIDES = re.compile(r"^(?:\d|e$|\\frac)|\^|ᵀ|<sup>T</sup>")


def print_template(text: str, operands: dict[str, Piece], mode: str,
                   values: dict[str, float] | None = None, shapes: dict | None = None,
                   ones: frozenset = frozenset(), named: dict | None = None) -> Piece:
    """Print an expression in the language with some of its names replaced by pieces.

    Operands with a known constant value (`values`) are folded where that simplifies the
    text: 2^(2 - 1) prints as 2, 1 · x as x, x^1 as x. `ones` names the operands whose
    entries sum to 1 (a declared probability target): their sum(·) folds to 1. `named` maps
    (op, operand names) to the piece of a value the model names (softmax(a) is ŷ when the
    model says ŷ = softmax(z)): such a step prints as the name.
    """
    if text in operands:                   # the common one-name templates: a, b, out
        return operands[text]
    if text in NUMBERS:                    # and constants: 1, -1, 0
        return number(text, mode)
    if not values and not shapes and not ones and not named:
        filled = fill_form(text, operands, mode)
        if filled is not None:
            return filled
    return _Steps(text, operands, mode, dict(values or {}), shapes, ones=ones,
                  named=named).piece()


def print_product(text: str, operands: dict[str, Piece], mode: str,
                  values: dict[str, float], shapes: dict | None = None,
                  ones: frozenset = frozenset(), named: dict | None = None
                  ) -> tuple[Piece, Product]:
    """A template printed as print_template does, and read as (number, factors).

    Callers multiply the numbers out: ½ · 2 (ŷ − y) = ŷ − y.
    """
    return _Steps(text, operands, mode, values, shapes, product=True, ones=ones,
                  named=named).product()


def fill_form(text: str, operands: dict[str, Piece], mode: str) -> Piece | None:
    """The template printed from its form for these operands' precedences; None when an
    operand's text, not only its precedence, decides how it prints.

    The form is the template printed once with placeholders for the operands (large models
    print the same template thousands of times).
    """
    uses, exponents, _ = _READINGS.get(text) or reading(text)
    key: tuple = (text, mode, mode == "latex" and scalars())     # LaTeX: see all_scalars
    for name in uses:                   # the operands the template shows
        piece = operands.get(name)
        if piece is not None:
            shown = piece[0]
            if _TEXT_DECIDES.search(shown) or (shown[:1] in _MAY_TRANSPOSE and
                                               reads_as_transpose(shown)) \
                    or (name in exponents and len(shown) == 1 and shown.isupper()):
                return None
            key += (name, piece[1])
    form = _FORMS.get(key)
    if form is None:
        form = _FORMS[key] = _form(text, operands, mode)
    shape, names, prec = form
    if len(names) == 1:                 # (most show one operand: no tuple of texts to make)
        return shape % operands[names[0]][0], prec
    return shape % tuple([operands[name][0] for name in names]), prec


def _form(text: str, operands: dict[str, Piece], mode: str) -> tuple[str, tuple[str, ...], int]:
    """The template printed over placeholders with these operands' precedences, as a
    %-format string over the texts of the names it shows, those names and its precedence
    (%-formatting: str.format's parsing cost more than the rest of fill_form)."""
    marks = {k: (f"\x00{k}\x00", p[1]) for k, p in operands.items()}
    shown, prec = _Steps(text, marks, mode, {}).piece()
    parts = shown.replace("%", "%%").split("\x00")
    names = tuple(parts[1::2])          # every other part names an operand
    parts[1::2] = ["%s"] * len(names)
    return "".join(parts), names, prec


def reading(text: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """What a template reads, from its steps: its names (out, a, b, ...), the ones that are
    an exponent themselves (a^b), and the ops it applies to its names alone (sum of
    `sum(b)`, softmax of `softmax(a)`): only such a step can print as a name the model gives
    (`named`) or fold the sum of a probability vector (`ones`)."""
    found = _READINGS.get(text)
    if found is None:
        steps = _compiled(text)[0]
        uses = tuple(dict.fromkeys(node_id for node_id, kind, _ in steps if kind == "leaf"))
        over = [payload for _, kind, payload in steps if kind == "op"]
        found = _READINGS[text] = (
            uses, frozenset(args[1] for row, args in over if row.name == "pow"),
            frozenset(row.name for row, args in over if all(a in uses for a in args)))
    return found


def _compiled(text: str) -> tuple[list[tuple], str]:
    """A template as a list of steps (id, kind, payload) and its output id, parsed once."""
    compiled = _TEMPLATES.get(text)
    if compiled is not None:
        return compiled
    program = parse("t_ = " + text, syntax="plain")
    steps = []
    for node in program.nodes.values():
        if node.is_leaf:
            steps.append((node.id, "leaf", node))
        elif node.is_const:
            steps.append((node.id, "const", (node.text, node.value)))
        elif node.op == "id":
            steps.append((node.id, "copy", node.args[0]))
        else:
            steps.append((node.id, "op", (ops.OPS[node.op], node.args)))
    compiled = _TEMPLATES[text] = steps, program.output
    return compiled


class _Steps:
    """One printing of a template, step by step, folding what `known` values allow."""

    def __init__(self, text: str, operands: dict[str, Piece], mode: str,
                 known: dict[str, float], shapes: dict | None = None,
                 product: bool = False, ones: frozenset = frozenset(),
                 named: dict | None = None) -> None:
        self.operands, self.mode, self.known, self.shapes = operands, mode, known, shapes
        self.ones, self.named = ones, named or {}
        self.pieces: dict[str, Piece] = {}
        self.prods: dict[str, Product] = {}   # with `product`: each step as number × factors
        steps, self.output = _compiled(text)
        for node_id, kind, payload in steps:
            if kind == "op":
                self._op(node_id, *payload, product)
            else:
                self._operand(node_id, kind, payload)

    def piece(self) -> Piece:
        return self.pieces[self.output]

    def product(self) -> tuple[Piece, Product]:
        output, piece = self.output, self.pieces[self.output]
        if output in self.known:
            return piece, (self.known[output], ())
        return piece, self.prods.get(output, (1.0, (piece,)))

    def _operand(self, node_id: str, kind: str, payload) -> None:
        pieces, known = self.pieces, self.known
        if kind == "leaf":
            pieces[node_id] = self.operands.get(node_id) or name(payload, self.mode)
        elif kind == "const":
            pieces[node_id], known[node_id] = number(payload[0], self.mode), payload[1]
        else:                                   # a copy
            pieces[node_id] = pieces[payload]
            if payload in known:
                known[node_id] = known[payload]

    def _op(self, node_id: str, row: ops.Op, args: tuple[str, ...], product: bool) -> None:
        pieces, known, prods, shapes = self.pieces, self.known, self.prods, self.shapes
        if row.shape_value is not None and shapes and args[0] in shapes:
            known[node_id] = row.shape_value(shapes[args[0]])
            pieces[node_id] = number(_format_value(known[node_id]), self.mode)
        elif row.name == "sum" and args[0] in self.ones:
            known[node_id] = 1.0                # Σ of a probability vector
            pieces[node_id] = number("1", self.mode)
        elif known and all(a in known for a in args) and row.style != "call":
            value = _fold(row, [known[a] for a in args])
            if math.isfinite(value):
                known[node_id] = value
                pieces[node_id] = number(_format_value(value), self.mode)
        if node_id in known:
            prods[node_id] = (known[node_id], ())
            return
        simple = _simplify(row.name, args, known) if known else None
        if simple is not None:
            pieces[node_id] = pieces[simple]
            if simple in known:
                known[node_id] = known[simple]
            elif simple in prods:
                prods[node_id] = prods[simple]
            return
        operands = [pieces[a] for a in args]
        if (row.name, args) in self.named:      # a value the model names: its name
            pieces[node_id] = self.named[row.name, args]
        elif row.name == "transpose" and transposed(operands[0], self.mode):
            pieces[node_id] = untransposed(operands[0], self.mode)   # (Kᵀ)ᵀ in a label is K
        else:
            pieces[node_id] = apply(row, operands, self.mode, const_left=args[0] in known)
        if product:
            prods[node_id] = self._product(row.name, args, pieces[node_id])

    def _product(self, op: str, args: tuple[str, ...], piece: Piece) -> Product:
        """A step read as number × factors, from its operands read the same way."""
        known = self.known
        if op == "mul":
            (c1, f1), (c2, f2) = self._factors(args[0]), self._factors(args[1])
            return c1 * c2, f1 + f2
        if op == "div" and args[1] in known and known[args[1]] != 0:
            c1, f1 = self._factors(args[0])
            return c1 / known[args[1]], f1
        if op == "neg":
            c1, f1 = self._factors(args[0])
            return -c1, f1
        return 1.0, (piece,)

    def _factors(self, arg: str) -> Product:
        if arg in self.known:
            return self.known[arg], ()
        return self.prods.get(arg, (1.0, (self.pieces[arg],)))


def _format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _fold(row: ops.Op, values: list[float]) -> float:
    """An op on known numbers; nan when it does not work on plain numbers (a transpose)."""
    try:
        return scalar_op(row.forward, *values)
    except (AttributeError, TypeError):
        return math.nan


def _simplify(op: str, args: tuple[str, ...], known: dict[str, float]) -> str | None:
    """The operand an op reduces to when another operand is 1 (or 0 for +), else None."""
    one = [known.get(a) == 1.0 for a in args]
    if op == "mul":
        return args[1] if one[0] else args[0] if one[1] else None
    if op in ("div", "pow") and one[1]:
        return args[0]
    return None
