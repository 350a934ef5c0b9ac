"""Printed pieces: numbers, names and one op over its operands, in plain, pretty, html, latex.

Every printed piece is a (text, precedence) pair; an op row says how to join its operands'
pieces, so one function prints every op in every notation. Names and numbers are escaped for
HTML here. printer.py prints whole programs, templates.py derivative templates.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html as _html
import re
from typing import Callable

from graphdraw import ops
from graphdraw.language import names
from graphdraw.language.lexer import reads_as_transpose
from graphdraw.language.program import Node

Piece = tuple[str, int]
MODES = ("plain", "pretty", "html", "latex")


# Set while printing a model whose values are all scalars (grads --scalar, the sheet's scalar
# networks): there LaTeX juxtaposes a product (`\,`) instead of writing `\odot`.
_SCALARS: contextvars.ContextVar[bool] = contextvars.ContextVar("scalars", default=False)


def scalars() -> bool:
    """Whether products print as products of scalars here (inside all_scalars)."""
    return _SCALARS.get()


@contextlib.contextmanager
def all_scalars(flag: bool = True):
    r"""Print products as products of scalars (LaTeX `a \, b`) inside the block when `flag`."""
    token = _SCALARS.set(flag)
    try:
        yield
    finally:
        _SCALARS.reset(token)


@functools.lru_cache(maxsize=4096)
def number(text: str, mode: str) -> Piece:
    """A constant as written; negative ones bind like a unary minus."""
    shown = text
    if mode == "latex":
        return _latex_number(text), _text_prec(text)
    if mode != "plain":
        shown = {"1/2": "½", "1/4": "¼", "3/4": "¾"}.get(text, text)
        shown = shown.replace("-", "−").replace(" * ", " · ")
        if mode == "html":
            shown = _html.escape(shown)
    return shown, _text_prec(text)


def _latex_number(text: str) -> str:
    r"""A constant for LaTeX: 1/2 as \frac{1}{2}, 2 * 3 as 2 \cdot 3, 1e-05 as 10^{-5}."""
    if re.fullmatch(r"-?\d+(\.\d+)?/\d+(\.\d+)?", text):
        sign = "-" if text.startswith("-") else ""
        num, den = text.lstrip("-").split("/")
        return rf"{sign}\frac{{{num}}}{{{den}}}"
    mantissa = re.fullmatch(r"(-?\d+(?:\.\d+)?)[eE]([-+]?\d+)", text)
    if mantissa:
        head, power = mantissa.group(1), int(mantissa.group(2))
        return (rf"{head} \cdot " if head not in ("1", "1.0") else "") + f"10^{{{power}}}"
    return text.replace(" * ", r" \cdot ").replace("^", "^")


def _text_prec(text: str) -> int:
    """How tightly a constant's plain text binds: its loosest operator outside parentheses.

    Folded constants keep their expression (`2 + 3`, `2^3`), so they need parentheses as
    operands just like the expression would.

    >>> [_text_prec(t) for t in ("2", "1e-5", "-1", "1/2", "2 + 3", "2^3", "(2 + 3)^2")]
    [6, 6, 3, 2, 1, 4, 4]
    """
    prec, depth = ops.ATOM, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth or ch not in _TEXT_OPS:
            continue
        if ch in "+-":
            spaced = text[i - 1:i] == " " and text[i + 1:i + 2] == " "
            if not spaced and i > 0:
                continue                    # the sign of an exponent: 1e-5
            prec = min(prec, ops.ADD if spaced else ops.NEG)
        else:
            prec = min(prec, _TEXT_OPS[ch])
    return prec


_TEXT_OPS = {"+": ops.ADD, "-": ops.ADD, "*": ops.MUL, "/": ops.MUL, "@": ops.MUL, "^": ops.POW}


def name(node: Node, mode: str) -> Piece:
    """A node's name in the given notation; an entry of a tensor adds its index: W_i[1,2]."""
    if mode == "plain":
        return node.id, ops.ATOM
    index = "" if node.index is None else f"[{','.join(str(i + 1) for i in node.index)}]"
    if mode == "latex":
        return names.latex_name(node.name or node.id, node.version) + index, ops.ATOM
    if mode == "pretty":
        return names.pretty(node.name or node.id, node.version) + index, ops.ATOM
    return names.html_name(node.name or node.id, node.version) + index, ops.ATOM


def _wrap(piece: Piece, need: bool, mode: str) -> str:
    text = piece[0]
    if need:
        return rf"\left({text}\right)" if mode == "latex" else f"({text})"
    return text


def _latex(row: ops.Op, args: list[Piece], const_left: bool) -> Piece:
    r"""Print `row` for LaTeX math mode (\frac, \left( \right), ^{...}, \top)."""
    if row.style == "call":
        if "{0}" in row.latex:                        # \sqrt{...}
            return row.latex.format(*[a[0] for a in args]), ops.ATOM
        inner = ", ".join(a[0] for a in args)
        return rf"{row.latex or row.name}({inner})", ops.ATOM
    if row.style == "prefix":
        return (row.latex or "-") + _wrap(args[0], args[0][1] <= row.prec, "latex"), row.prec
    if row.style == "postfix":
        base = _wrap(args[0], args[0][1] < ops.POSTFIX, "latex")
        base = f"{{{base}}}" if "^" in base else base
        return base + row.latex, row.prec
    left, right = args
    if row.name == "div":
        return rf"\frac{{{left[0]}}}{{{right[0]}}}", ops.ATOM
    if row.name == "pow":
        base = _wrap(left, left[1] <= ops.POW, "latex")
        base = f"{{{base}}}" if "^" in base and not base.startswith("\\left") else base
        return f"{base}^{{{right[0]}}}", ops.POW
    need_left = left[1] < row.prec or (left[1] == row.prec and row.right_assoc)
    need_right = right[1] < row.prec or (right[1] == row.prec and not row.right_assoc)
    need_right = need_right or right[1] == ops.NEG
    shown_right = _wrap(right, need_right, "latex")
    number_left = re.fullmatch(r"[\d.]+|\\frac\{[\d.]+\}\{[^{}]*\}", left[0])  # 2, 1/N
    if row.name == "mul" and not const_left and not number_left \
            and not shown_right[:1].isdigit() and not _SCALARS.get():
        # the elementwise product of two values: \cdot and \, read like juxtaposition (a
        # matrix product of two vectors, xᵀ y an inner product); a number scales by \,
        sym = r" \odot "
    elif row.name == "matmul" or (row.name == "mul" and not shown_right[:1].isdigit()):
        sym = r" \, "
    else:
        sym = f" {row.latex} "
    return _wrap(left, need_left, "latex") + sym + shown_right, row.prec


def _transpose_mark(mode: str) -> str:
    mark = _MARKS.get(mode)
    if mark is None:
        row = ops.OPS["transpose"]
        mark = _MARKS[mode] = {"plain": row.plain, "pretty": row.pretty, "html": row.html,
                               "latex": row.latex}[mode]
    return mark


_MARKS: dict[str, str] = {}     # the transpose's mark in each notation, read from its row once


def _has_transpose(left: Piece, right: Piece, mode: str) -> bool:
    """Whether either printed factor may read as a row vector: a transpose in it outside
    function calls and powers (σ(xᵀ), (xᵀ x)² are not rows: language/juxtaposition.py)."""
    mark = _MARKS.get(mode) or _transpose_mark(mode)
    # (the test for the mark first: products of large models rarely have one)
    return (mark in left[0] and _row_text(left[0], mark, mode)) or \
        (mark in right[0] and _row_text(right[0], mark, mode))


_CALL_OR_POWER = {
    mode: re.compile(r"(?<=[\w}])\([^()]*\)|\([^()]*\)(?=" + power + ")")
    for mode, power in (("pretty", "[⁰¹²³⁴⁵⁶⁷⁸⁹^]"), ("html", r"<sup>(?!T<)|\^"),
                        ("latex", r"\^(?!\\top)"), ("plain", r"\^(?!T)"))}


def _row_text(text: str, mark: str, mode: str) -> bool:
    """Whether a transpose mark is left once calls f(…) and powers (…)² are taken out."""
    if mark not in text:
        return False
    if mode == "latex":
        text = text.replace(r"\left(", "(").replace(r"\right)", ")")
    pattern = _CALL_OR_POWER[mode]
    while True:
        shorter = pattern.sub("", text)
        if shorter == text:
            return mark in text
        text = shorter


def transposed(piece: Piece, mode: str) -> bool:
    """Whether a printed operand is itself a transpose, Xᵀ (X an atom or in parentheses)."""
    return piece[1] >= ops.POSTFIX and piece[0].endswith(_transpose_mark(mode)) and \
        len(piece[0]) > len(_transpose_mark(mode))


def untransposed(piece: Piece, mode: str) -> Piece:
    """X for a printed Xᵀ (its mark taken off, and the braces LaTeX needed around X)."""
    inner = piece[0][: -len(_transpose_mark(mode))]
    if mode == "latex" and inner.startswith("{") and inner.endswith("}"):
        inner = inner[1:-1]
    return inner, ops.ATOM


Join = Callable[[list[Piece], bool], Piece]   # printed operands, const_left -> the piece


def apply(row: ops.Op, args: list[Piece], mode: str, const_left: bool = False) -> Piece:
    """Print `row` applied to already printed operands (and after them the constants the
    row was made with, its `params`: the axis of sum(z, 1)); `const_left`: the left operand
    is a number (2 x is juxtaposed)."""
    join = _JOINS.get((row.name, mode))
    if join is None or join[0] is not row:
        join = _JOINS[row.name, mode] = row, joiner(row, mode)
    return join[1](args, const_left)


_JOINS: dict[tuple[str, str], tuple[ops.Op, Join]] = {}     # (op, mode) -> (its row, joiner)


def joiner(row: ops.Op, mode: str) -> Join:
    """`apply` of one row in one notation, with what they alone decide decided once: large
    models print the same rows thousands of times (printer.py keeps one per op)."""
    if "params" in row.extra or mode == "latex" or row.style in ("prefix", "postfix") \
            or row.name == "pow":
        return functools.partial(_apply, row, mode=mode)
    if row.style == "call":
        fn = _call_name(row, mode)

        def call(args: list[Piece], const_left: bool) -> Piece:
            if len(args) == 1:
                return f"{fn}({args[0][0]})", ops.ATOM
            return f"{fn}({', '.join([a[0] for a in args])})", ops.ATOM
        return call
    # How the op joins two operands by their precedences and whether the right one starts
    # with a digit: `row` printed once over placeholders for each (see _form).
    forms: dict[tuple, tuple[str, str, str, int]] = {}
    # (only a product outside the language juxtaposes: there a digit on the right matters)
    transposes = digits = row.name == "mul" and mode != "plain"
    mark = _transpose_mark(mode)

    def infix(args: list[Piece], const_left: bool) -> Piece:
        left, right = args
        # (the test for the mark first, as in _has_transpose, without its call: products of
        # large models rarely have one)
        if transposes and not const_left and (mark in left[0] or mark in right[0]) \
                and _has_transpose(left, right, mode):
            # a product beside a transpose: the operands' texts, not only their precedences,
            # decide the form (xᵀ · (y + 1): juxtaposed, it reads as xᵀ y)
            return _binary(row, left, right, mode, const_left)
        key = (const_left, left[1], right[1], digits and right[0][:1].isdigit())
        form = forms.get(key)
        if form is None:
            form = forms[key] = _form(row, left[1], right[1], mode, const_left, key[-1])
        return f"{form[0]}{left[0]}{form[1]}{right[0]}{form[2]}", form[3]
    return infix


def _apply(row: ops.Op, args: list[Piece], const_left: bool, *, mode: str) -> Piece:
    """`apply` with every choice made anew (LaTeX, params, prefix, postfix and pow)."""
    if "params" in row.extra:
        args = [*args, *(number(p, mode) for p in row.extra["params"])]
    if mode == "latex":
        return _latex(row, args, const_left)
    if row.style == "call":
        inner = args[0][0] if len(args) == 1 else ", ".join([a[0] for a in args])
        return f"{_call_name(row, mode)}({inner})", ops.ATOM
    if row.style == "prefix":
        sym = {"plain": row.plain, "html": row.html or row.pretty}.get(mode, row.pretty)
        return sym + _wrap(args[0], args[0][1] <= row.prec, mode), row.prec
    if row.style == "postfix":
        sym = {"plain": row.plain, "pretty": row.pretty, "html": row.html}[mode]
        return _wrap(args[0], args[0][1] < ops.POSTFIX, mode) + sym, row.prec
    return _binary(row, *args, mode, const_left)


def _call_name(row: ops.Op, mode: str) -> str:
    """The name a call-style op is written with."""
    if mode == "plain":
        return row.plain or row.name
    return (row.pretty or row.name) if mode == "pretty" else (row.html or row.pretty or row.name)


def _form(row: ops.Op, left_prec: int, right_prec: int, mode: str, const_left: bool,
          digit: bool) -> tuple[str, str, str, int]:
    """The text before, between and after two operands joined by `row`, and its precedence:
    `row` printed once over placeholders."""
    right = ("0" if digit else "") + "\x01"
    text, prec = _binary(row, ("\x00", left_prec), (right, right_prec), mode, const_left)
    before, rest = text.split("\x00")
    middle, after = rest.split(right)
    return before, middle, after, prec


def _binary(row: ops.Op, left: Piece, right: Piece, mode: str, const_left: bool) -> Piece:
    """A binary op over two printed operands (not for LaTeX)."""
    need_left = left[1] < row.prec or (left[1] == row.prec and row.right_assoc)
    need_right = right[1] < row.prec or (right[1] == row.prec and not row.right_assoc)
    # A negative right operand gets parentheses: x − (−y), 2 (−x), never x − −y or 2 −x.
    need_right = need_right or right[1] == ops.NEG
    if row.name == "pow" and mode != "html":
        need_right = need_right or reads_as_transpose(right[0]) or (
            # W^(Q): W^Q alone reads back as the label W_Q (superscripts.py)
            len(right[0]) == 1 and right[0].isupper() and left[0][:1].isupper())
        # A variable named e keeps its parentheses: e^x alone reads as exp(x).
        need_left = need_left or (mode == "plain" and left[0] == "e")
    if row.name == "pow" and mode != "plain":
        base = _wrap(left, left[1] <= ops.POW, mode)
        if mode == "html":
            return f"{base}<sup>{right[0]}</sup>", ops.POW
        if right[0].isdigit():
            return base + right[0].translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")), ops.POW
    if mode == "plain":
        sym = f" {row.plain} " if row.prec == ops.ADD else row.plain
        if row.name == "pow":
            sym = "^"
        elif row.prec == ops.MUL:
            sym = f" {row.plain} "
    elif row.name == "matmul":
        sym = " "
    elif row.name == "mul" and (const_left or (
            need_right and not _has_transpose(left, right, mode))) and not (
            right[0][:1].isdigit() and not need_right):
        # juxtaposition, but never before a digit (2 · 3^x, not 2 3^x), nor next to a
        # transpose other than after a number: xᵀ (y + 1) reads as an inner product
        sym = " "
    else:
        sym = f" {row.pretty.strip()} " if row.prec <= ops.MUL else row.pretty
    return _wrap(left, need_left, mode) + sym + _wrap(right, need_right, mode), row.prec


def constant_text(row: ops.Op, nodes: list[Node]) -> str:
    """The plain text of an op folded over constants, e.g. '1/2'."""
    text, _ = apply(row, [number(n.text, "plain") for n in nodes], "plain")
    return text.replace(" / ", "/")
