"""Printing expressions in three notations: plain (parseable), pretty (terminal), html (Graphviz).

Every printed piece is a (text, precedence) pair; an op row says how to join its operands'
pieces, so one function prints every op in every notation. Names and numbers are escaped for
HTML here and nowhere else.
"""

from __future__ import annotations

import functools
import html as _html
import math
import re

from graphdraw import ops
from graphdraw.language import names
from graphdraw.lazy import scalar_op
from graphdraw.language.lexer import reads_as_transpose
from graphdraw.language.program import Node, Program

Piece = tuple[str, int]
MODES = ("plain", "pretty", "html", "latex")
INLINE_LIMIT = 48    # an unnamed operand longer than this is shown by its id


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
    if row.name == "matmul" or (row.name == "mul" and not shown_right[:1].isdigit()):
        sym = r" \, "
    else:
        sym = f" {row.latex} "
    return _wrap(left, need_left, "latex") + sym + shown_right, row.prec


def apply(row: ops.Op, args: list[Piece], mode: str, *, const_left: bool = False) -> Piece:
    """Print `row` applied to already printed operands."""
    if mode == "latex":
        return _latex(row, args, const_left)
    if row.style == "call":
        fn = row.name if mode == "plain" else (row.html or row.pretty or row.name)
        if mode == "pretty":
            fn = row.pretty or row.name
        return f"{fn}({', '.join(a[0] for a in args)})", ops.ATOM
    if row.style == "prefix":
        sym = {"plain": row.plain, "html": row.html or row.pretty}.get(mode, row.pretty)
        return sym + _wrap(args[0], args[0][1] <= row.prec, mode), row.prec
    if row.style == "postfix":
        sym = {"plain": row.plain, "pretty": row.pretty, "html": row.html}[mode]
        return _wrap(args[0], args[0][1] < ops.POSTFIX, mode) + sym, row.prec
    left, right = args
    need_left = left[1] < row.prec or (left[1] == row.prec and row.right_assoc)
    need_right = right[1] < row.prec or (right[1] == row.prec and not row.right_assoc)
    # A negative right operand gets parentheses: x − (−y), 2 (−x), never x − −y or 2 −x.
    need_right = need_right or right[1] == ops.NEG
    if row.name == "pow" and mode != "html":
        need_right = need_right or reads_as_transpose(right[0])
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
    elif row.name == "mul" and (const_left or need_right) and not (
            right[0][:1].isdigit() and not need_right):
        sym = " "               # juxtaposition, but never before a digit (2 · 3^x, not 2 3^x)
    else:
        sym = f" {row.pretty.strip()} " if row.prec <= ops.MUL else row.pretty
    return _wrap(left, need_left, mode) + sym + _wrap(right, need_right, mode), row.prec


def constant_text(row: ops.Op, nodes: list[Node]) -> str:
    """The plain text of an op folded over constants, e.g. '1/2'."""
    text, _ = apply(row, [number(n.text, "plain") for n in nodes], "plain")
    return text.replace(" / ", "/")


class Printer:
    """Prints every node of a program inline (unnamed nodes as their expression)."""

    def __init__(self, program: Program, mode: str, shapes: dict | None = None) -> None:
        self.program, self.mode, self.shapes = program, mode, shapes
        self.pieces: dict[str, Piece] = {}
        for node in program.nodes.values():     # definition order is topological
            self.pieces[node.id] = self._inline(node)

    def _inline(self, node: Node) -> Piece:
        if node.is_const:
            return number(node.text, self.mode) if node.name is None else name(node, self.mode)
        if node.name is not None:
            return name(node, self.mode)
        return self.expression(node)

    def ref(self, node_id: str) -> Piece:
        """How a node is referred to inside another node's expression."""
        piece = self.pieces[node_id]
        if len(piece[0]) > INLINE_LIMIT * (4 if self.mode in ("html", "latex") else 1):
            node = self.program.nodes[node_id]
            shown = {"plain": node.id, "html": _html.escape(node.id),
                     "latex": node.id.replace("%", r"\%")}.get(self.mode, node.id)
            return shown, ops.ATOM
        return piece

    def expression(self, node: Node) -> Piece:
        """The node's own computation over its operands, e.g. 'W_iᵀ x + b_a'."""
        if node.op is None:
            return self._inline(node)
        if node.op == "id":
            return self.ref(node.args[0])
        row = ops.OPS[node.op]
        first = self.program.nodes[node.args[0]]
        return apply(row, [self.ref(a) for a in node.args], self.mode,
                     const_left=first.is_const and first.name is None)

    def forward(self, node: Node) -> str:
        """'a = W_iᵀ x + b_a' for named nodes, the expression alone for unnamed ones."""
        if node.is_leaf or node.name is None:
            return self.pieces[node.id][0]
        eq = " = "
        lhs = self.pieces[node.id][0]
        rhs = self.expression(node)[0] if not node.is_const else number(node.text, self.mode)[0]
        return lhs + eq + rhs if node.name is not None else rhs

    def template(self, text: str, operands: dict[str, str]) -> Piece:
        """Print a derivative template over a, b, out, given the node ids to put in."""
        if text in operands:                  # the common one-name templates: a, b, out
            return self.ref(operands[text])
        if text in _NUMBERS:                  # and constants: 1, -1, 0
            return number(text, self.mode)
        pieces, values, shapes = self._operands(operands)
        return print_template(text, pieces, self.mode, values, shapes)

    def _operands(self, operands: dict[str, str]) -> tuple[dict, dict, dict | None]:
        """Pieces, known constant values and known shapes of a template's operands."""
        pieces, values = {}, {}
        for key, node_id in operands.items():
            pieces[key] = self.ref(node_id)
            node = self.program.nodes[node_id]
            if node.value is not None and node.name is None:
                values[key] = node.value
        shapes = None
        if self.shapes is not None:
            shapes = {k: self.shapes[v] for k, v in operands.items() if v in self.shapes}
        return pieces, values, shapes

    def template_product(self, text: str, operands: dict[str, str]):
        """A derivative template as (piece, (number, factors)); see _print_steps."""
        if text in operands:
            piece = self.ref(operands[text])
            node = self.program.nodes[operands[text]]
            if node.value is not None and node.name is None:
                return piece, (node.value, ())
            return piece, (1.0, (piece,))
        pieces, values, shapes = self._operands(operands)
        return _print_steps(text, pieces, self.mode, values, shapes, product=True)


_TEMPLATES: dict[str, tuple[list[tuple], str]] = {}
_NUMBERS = ("0", "1", "-1")
_SHAPED: dict[tuple, Piece] = {}


def _format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _compile(text: str) -> tuple[list[tuple], str]:
    """A template as a list of steps (id, kind, payload), parsed once."""
    from graphdraw.language.parser import parse
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
    return steps, program.output


def print_template(text: str, operands: dict[str, Piece], mode: str,
                   values: dict[str, float] | None = None, shapes: dict | None = None) -> Piece:
    """Print an expression in the language with some of its names replaced by pieces.

    Operands with a known constant value (`values`) are folded where that simplifies the
    text: 2^(2 - 1) prints as 2, 1 · x as x, x^1 as x.
    """
    if text in operands:                   # the common one-name templates: a, b, out
        return operands[text]
    if text in _NUMBERS:                   # and constants: 1, -1, 0
        return number(text, mode)
    if not values and not shapes and all(_plain_piece(p) for p in operands.values()):
        # The printed form depends only on the operands' precedences: print it once with
        # placeholders, then fill in (large models print the same template thousands of times).
        key = (text, mode, tuple((k, p[1]) for k, p in sorted(operands.items())))
        shaped = _SHAPED.get(key)
        if shaped is None:
            marks = {k: (f"\x00{k}\x00", p[1]) for k, p in operands.items()}
            shaped = _SHAPED[key] = _print_steps(text, marks, mode, {})
        out = shaped[0]
        for k, p in operands.items():
            out = out.replace(f"\x00{k}\x00", p[0])
        return out, shaped[1]
    return _print_steps(text, operands, mode, dict(values or {}), shapes)


def _plain_piece(piece: Piece) -> bool:
    """Whether printing decisions about this operand depend only on its precedence."""
    text = piece[0]
    return not text[:1].isdigit() and not reads_as_transpose(text)


def _print_steps(text: str, operands: dict[str, Piece], mode: str,
                 known: dict[str, float], shapes: dict | None = None,
                 product: bool = False):
    """Print a template step by step, folding what `known` values allow.

    With `product`, also return the result as (number, factors): the template read as a
    product, so that callers can multiply numbers out (½ · 2 (ŷ − y) = ŷ − y).
    """
    compiled = _TEMPLATES.get(text)
    if compiled is None:
        compiled = _TEMPLATES[text] = _compile(text)
    steps, output = compiled
    pieces: dict[str, Piece] = {}
    prods: dict[str, tuple[float, tuple[Piece, ...]]] = {}
    for node_id, kind, payload in steps:
        if kind == "leaf":
            pieces[node_id] = operands.get(node_id) or name(payload, mode)
        elif kind == "const":
            pieces[node_id], known[node_id] = number(payload[0], mode), payload[1]
        elif kind == "copy":
            pieces[node_id] = pieces[payload]
            if payload in known:
                known[node_id] = known[payload]
        else:
            row, args = payload
            if row.shape_value is not None and shapes and args[0] in shapes:
                known[node_id] = row.shape_value(shapes[args[0]])
                pieces[node_id] = number(_format_value(known[node_id]), mode)
            elif known and all(a in known for a in args) and row.style != "call":
                value = _fold(row, [known[a] for a in args])
                if math.isfinite(value):
                    known[node_id] = value
                    pieces[node_id] = number(_format_value(value), mode)
            if node_id in known:
                prods[node_id] = (known[node_id], ())
                continue
            simple = _simplify(row.name, args, known) if known else None
            if simple is not None:
                pieces[node_id] = pieces[simple]
                if simple in known:
                    known[node_id] = known[simple]
                elif simple in prods:
                    prods[node_id] = prods[simple]
                continue
            pieces[node_id] = apply(row, [pieces[a] for a in args], mode,
                                    const_left=args[0] in known)
            if product:
                prods[node_id] = _product(row.name, args, pieces[node_id], known, prods, pieces)
    if not product:
        return pieces[output]
    if output in known:
        return pieces[output], (known[output], ())
    return pieces[output], prods.get(output, (1.0, (pieces[output],)))


def _product(op: str, args, piece: Piece, known, prods, pieces):
    """A step read as number × factors, from its operands read the same way."""
    def of(arg):
        if arg in known:
            return known[arg], ()
        return prods.get(arg, (1.0, (pieces[arg],)))
    if op == "mul":
        (c1, f1), (c2, f2) = of(args[0]), of(args[1])
        return c1 * c2, f1 + f2
    if op == "div" and args[1] in known and known[args[1]] != 0:
        c1, f1 = of(args[0])
        return c1 / known[args[1]], f1
    if op == "neg":
        c1, f1 = of(args[0])
        return -c1, f1
    return 1.0, (piece,)


def _fold(row: ops.Op, values: list[float]) -> float:
    """An op on known numbers; nan when it does not work on plain numbers (a transpose)."""
    try:
        return scalar_op(row.forward, *values)
    except (AttributeError, TypeError):
        return math.nan


def _simplify(op: str, args: list[str], known: dict[str, float]) -> str | None:
    """The operand an op reduces to when another operand is 1 (or 0 for +), else None."""
    one = [known.get(a) == 1.0 for a in args]
    if op == "mul":
        return args[1] if one[0] else args[0] if one[1] else None
    if op in ("div", "pow") and one[1]:
        return args[0]
    return None
