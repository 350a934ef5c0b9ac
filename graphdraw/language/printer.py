"""The Printer: every node of a Program in one notation, and derivative templates over them."""

from __future__ import annotations

import functools
import html as _html

from graphdraw import ops
from graphdraw.language.notation import Join, Piece, apply, joiner, name, number, transposed
from graphdraw.language.program import Node, Program
from graphdraw.language.targets import probability_leaves
from graphdraw.language.templates import (NUMBERS, Product, fill_form, print_product,
                                          print_template, reading)

INLINE_LIMIT = 48    # an unnamed operand longer than this is shown by its id
TEXT_LIMIT = 240     # the same in formulas read without a diagram (grads, verify, exercise)
_NO_ONES: frozenset[str] = frozenset()
_OPS = ops.OPS


class Printer:
    """Prints every node of a program inline (unnamed nodes as their expression)."""

    def __init__(self, program: Program, mode: str, shapes: dict | None = None, *,
                 inline_limit: int | None = None, known: dict | None = None) -> None:
        self.program, self.mode, self.shapes = program, mode, shapes
        # shapes that decide how a product reads (x @ y of vectors is xᵀ y), not the folding
        # of derivative templates (which `shapes` turns on)
        self.known = shapes if shapes is not None else (known or {})
        # longer than this, an unnamed operand is shown by its id (markup counts as well);
        # a view without the unnamed nodes (core/named.py) inlines them all
        self.limit = (INLINE_LIMIT if inline_limit is None else inline_limit) \
            * (4 if mode in ("html", "latex") else 1)
        self.pieces: dict[str, Piece] = {}
        self._users: dict[str, list[str]] | None = None
        self._joins: dict[str, Join] = {}       # op -> how it prints (notation.joiner)
        # How each node is referred to inside another's expression (see ref): made once, as
        # large models refer to every node from its uses and from its edges' derivatives.
        self.refs: dict[str, Piece] = {}
        pieces, refs, limit = self.pieces, self.refs, self.limit
        expression, inline = self.expression, self._inline
        for node in program.nodes.values():     # definition order is topological
            # (as _inline, with one call fewer for the names and unnamed ops large models
            # are made of)
            if node.name is not None:
                piece = name(node, mode)
            elif node.op is not None:
                piece = expression(node)
            else:
                piece = inline(node)
            pieces[node.id] = piece
            refs[node.id] = piece if len(piece[0]) <= limit else self._by_id(node)

    def _inline(self, node: Node) -> Piece:
        if node.value is not None:           # a constant
            return number(node.text, self.mode) if node.name is None else name(node, self.mode)
        if node.name is not None:
            return name(node, self.mode)
        return self.expression(node)

    def ref(self, node_id: str) -> Piece:
        """How a node is referred to inside another node's expression: its inline piece, or
        its id when that is longer than the limit."""
        return self.refs[node_id]

    def users(self, node_id: str) -> list[str]:
        """The nodes that take `node_id` as an operand (indexed on first use)."""
        if self._users is None:
            self._users = {}
            for node in self.program.nodes.values():
                for arg in dict.fromkeys(node.args):
                    self._users.setdefault(arg, []).append(node.id)
        return self._users.get(node_id, [])

    def _by_id(self, node: Node) -> Piece:
        shown = {"plain": node.id, "html": _html.escape(node.id),
                 "latex": node.id.replace("%", r"\%")}.get(self.mode, node.id)
        return shown, ops.ATOM

    def expression(self, node: Node) -> Piece:
        """The node's own computation over its operands, e.g. 'W_iᵀ x + b_a'."""
        op, args = node.op, node.args
        if op is None:
            return self._inline(node)
        if op == "id":
            return self.refs[args[0]]
        refs, join = self.refs, self._joins.get(op)
        if join is None:
            join = self._joins[op] = joiner(_OPS[op], self.mode)
        if len(args) == 1:                      # (a call, most often: no constant on the left)
            return join([refs[args[0]]], False)
        first = self.program.nodes[args[0]]
        pieces = [refs[args[0]], refs[args[1]]] if len(args) == 2 else [refs[a] for a in args]
        if op == "matmul" and self.mode != "plain" and not transposed(pieces[0], self.mode) \
                and self._rank(args[0]) == 1 == self._rank(args[1]) and not self._row(args[0]):
            # the inner product of two vectors, written as textbooks do: x y would read as
            # their elementwise (or, for columns, an outer) product; a row stays as it is
            pieces[0] = apply(_OPS["transpose"], [pieces[0]], self.mode)
        return join(pieces, first.value is not None and first.name is None)

    def _row(self, node_id: str) -> bool:
        """Whether a vector reads as a row where it is written (v of `v = 2 wᵀ`: a transpose,
        a scalar multiple or a negation of one), so that `v y` is already an inner product."""
        nodes = self.program.nodes
        node = nodes[node_id]
        for _ in range(64):
            if node.op == "transpose":
                return True
            rest = [nodes[a] for a in node.args if not nodes[a].is_const]
            if node.op not in ("neg", "id", "mul", "div") or len(rest) != 1:
                return False
            node = rest[0]
        return False

    def _rank(self, node_id: str) -> int | None:
        shape = self.known.get(node_id)
        if shape is None:
            shape = self.program.nodes[node_id].shape
        return None if shape is None else len(shape)

    def forward(self, node: Node) -> str:
        """'a = W_iᵀ x + b_a' for named nodes, the expression alone for unnamed ones."""
        lhs = self.pieces[node.id][0]
        if node.name is None or (node.op is None and node.value is None):   # unnamed, a leaf
            return lhs
        rhs = self.expression(node)[0] if node.value is None else number(node.text, self.mode)[0]
        return lhs + " = " + rhs

    def template(self, text: str, operands: dict[str, str]) -> Piece:
        """Print a derivative template over a, b, out, given the node ids to put in."""
        if text in operands:                  # the common one-name templates: a, b, out
            return self.refs[operands[text]]
        if text in NUMBERS:                   # and constants: 1, -1, 0
            return number(text, self.mode)
        sized = self.shapes is not None and "size" in text   # shapes fold size(·) only
        shows, _, steps = reading(text)
        ones, named = self._ones_named(steps, operands) if steps else (_NO_ONES, None)
        if not sized and not ones and not named:
            nodes, refs = self.program.nodes, self.refs
            shown = {}
            for key in shows:
                node_id = operands.get(key)
                if node_id is None:
                    continue
                node = nodes[node_id]
                if node.value is not None and node.name is None:
                    break                     # a constant: folded by print_template
                shown[key] = refs[node_id]
            else:
                filled = fill_form(text, shown, self.mode)
                if filled is not None:
                    return filled
        pieces, values, shapes = self._operands(operands)
        return print_template(text, pieces, self.mode, values, shapes if sized else None,
                              ones, named)

    def _ones_named(self, steps: frozenset[str], operands: dict[str, str]
                    ) -> tuple[frozenset, dict]:
        """The template's operands that are probability vectors (their sum is 1), and
        (op, template names) -> the name of a value the model computes by that op from
        these operands (softmax(a) with a = z is ŷ where the model says ŷ = softmax(z)).

        Only a step that applies an op to the template's names alone (`steps`: the ops of
        such steps, templates.reading) can use them."""
        ones = _NO_ONES
        if "sum" in steps and self.probabilities:
            ones = frozenset(k for k, i in operands.items() if i in self.probabilities)
        found = {}
        for key, node_id in operands.items():
            for op, args, named in self.computed.get(node_id, ()):
                if op not in steps or named in operands.values():   # (the cheaper tests)
                    continue
                names = [k for a in args for k, i in operands.items() if i == a][:len(args)]
                if len(names) == len(args):
                    found.setdefault((op, tuple(names)), self.ref(named))
        return ones, found

    @functools.cached_property
    def computed(self) -> dict[str, list[tuple[str, tuple, str]]]:
        """Operand id -> [(op, operands, id)] of the named values computed from it by one op."""
        computed: dict[str, list[tuple[str, tuple, str]]] = {}
        for node in self.program.nodes.values():
            if node.name is not None and node.op not in (None, "id") and node.args:
                computed.setdefault(node.args[0], []).append((node.op, node.args, node.id))
        return computed

    @functools.cached_property
    def probabilities(self) -> frozenset[str]:
        """The leaves whose sum(·) is 1."""
        return probability_leaves(self.program)

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

    def _scaled(self, node: Node) -> Product | None:
        """An unnamed λ/2 or 2 λ as (number, (λ,)), so that 2 · λ/2 prints as λ."""
        if node.name is None and node.op == "neg":          # −(1/m): −1 times 1/m
            inner = self.program.nodes[node.args[0]]
            number_, factors = self._scaled(inner) or (1.0, (self.ref(inner.id),))
            return -number_, factors
        if node.name is not None or node.op not in ("div", "mul") or len(node.args) != 2:
            return None
        a, b = (self.program.nodes[x] for x in node.args)
        if node.op == "div" and b.is_const and b.name is None and b.value not in (None, 0):
            return 1.0 / b.value, (self.ref(a.id),)
        if node.op == "div" and a.is_const and a.name is None and a.value not in (None, 0):
            # −1/m: the number −1 times 1/m, so that −(−1/m …) prints without two signs
            one_over = apply(ops.OPS["div"], [number("1", self.mode), self.ref(b.id)], self.mode)
            if " / " in one_over[0]:
                one_over = f"({one_over[0]})", ops.ATOM
            return a.value, (one_over,)
        if node.op == "mul" and a.is_const and a.name is None and a.value is not None:
            return a.value, (self.ref(b.id),)
        return None

    def template_product(self, text: str, operands: dict[str, str]) -> tuple[Piece, Product]:
        """A derivative template as (piece, (number, factors)); see print_product."""
        if text in operands:
            piece = self.ref(operands[text])
            node = self.program.nodes[operands[text]]
            if node.value is not None and node.name is None:
                return piece, (node.value, ())
            return piece, self._scaled(node) or (1.0, (piece,))
        pieces, values, shapes = self._operands(operands)
        return print_product(text, pieces, self.mode, values, shapes,
                             *self._ones_named(reading(text)[2], operands))
