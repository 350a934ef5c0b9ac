"""Declarations: `dim H = 4`, `output L`, `param W[2, H] = ...`, their shapes and values."""

from __future__ import annotations

import math

from graphdraw.language.lexer import Token
from graphdraw.language.program import ROLES
from graphdraw.language.reading import Reading
from graphdraw.ops import shapes

MAX_LIST_DEPTH = 32


def is_declaration(stmt: list[Token]) -> bool:
    """Whether a statement declares (a role, a size or the output) rather than assigns."""
    head = stmt[0]
    return head.kind == "NAME" and head.text in _WORDS and stmt[1].kind != "="


_WORDS = frozenset((*ROLES, "dim", "output"))


class Declarations:
    """What the declarations of a model say: roles, shapes and values of leaves, the output."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.error = reading.error
        self.declared: dict[str, tuple[str, shapes.Shape | None, Token]] = {}
        self.defaults: dict[str, object] = {}
        self.output: Token | None = None          # the name after `output`, if any

    def read(self, stmt: list[Token]) -> None:
        """Read one declaration statement (sizes first: shapes may use them)."""
        role = stmt[0].text
        if role == "dim":
            if len(stmt) != 5 or stmt[2].kind != "=" or stmt[3].kind != "NUMBER" \
                    or not stmt[3].text.isdigit():
                raise self.error("a size is declared as 'dim H = 4'", stmt[0])
            self.reading.program.dims[stmt[1].text] = self.reading.size(stmt[3])
        elif role == "output":
            if len(stmt) != 3:
                raise self.error("name one output: 'output L'", stmt[0])
            self.output = stmt[1]
        else:
            self._leaves(role, stmt)

    def _leaves(self, role: str, stmt: list[Token]) -> None:
        """`param W[2, 2] = ..., b`: names with an optional shape and value, by commas."""
        i = 1
        while True:
            i = self._leaf(role, stmt, i)
            if stmt[i].kind == "NL":
                return
            if stmt[i].kind != ",":
                raise self.error("separate declared names with ','", stmt[i],
                                 hint=f"for example: '{role} W[2, 2], b'")
            i += 1

    def _leaf(self, role: str, stmt: list[Token], i: int) -> int:
        """One declared name from stmt[i]; returns the index after it."""
        tok = stmt[i]
        if tok.kind != "NAME":
            raise self.error(f"expected a name to declare as {role}", tok)
        name = self.reading.name(tok)
        i += 1
        shape: shapes.Shape | None = ()
        explicit = stmt[i].kind == "["
        if explicit:
            shape, i = self._shape(stmt, i + 1)
        if name in self.declared:
            raise self.error(f"'{tok.text}' is declared twice (first on line "
                             f"{self.declared[name][2].line})", tok)
        if stmt[i].kind == "=":
            at = stmt[i + 1]
            self.defaults[name], i = self._value(stmt, i + 1)
            shape = self._value_shape(name, role, tok, at, shape, explicit)
        self.declared[name] = (role, shape, tok)
        return i

    def _shape(self, stmt: list[Token], i: int) -> tuple[shapes.Shape, int]:
        """`[2, H]` from stmt[i] (after the '['): whole numbers or declared sizes."""
        dims: list[int] = []
        known = self.reading.program.dims
        while True:
            tok = stmt[i]
            if tok.kind == "NUMBER" and tok.text.isdigit():
                dims.append(self.reading.size(tok))
            elif tok.kind == "NAME" and tok.text in known:
                dims.append(known[tok.text])
            elif tok.kind == "NAME":
                raise self.error(f"unknown size '{tok.text}'", tok,
                                 hint=f"declare it first: 'dim {tok.text} = 4'")
            else:
                raise self.error("a shape lists whole numbers or sizes: [2, H]", tok)
            i += 1
            if stmt[i].kind == "]":
                return tuple(dims), i + 1
            if stmt[i].kind != ",":
                raise self.error("expected ',' or ']' in the shape", stmt[i])
            i += 1

    def _value(self, stmt: list[Token], i: int) -> tuple[object, int]:
        """A declared leaf's value: `param a = -4.0`, `const k = 1/2`, `input x = [1, 0]`.

        Lists nest (`[[0, 0], [0, 1]]`) and are read with an explicit stack.
        """
        if stmt[i].kind != "[":
            return self._number(stmt, i)
        outer: list = []
        stack: list[list] = [outer]
        i += 1
        while True:
            tok = stmt[i]
            if tok.kind == "[":
                if len(stack) >= MAX_LIST_DEPTH:
                    raise self.error(f"a declared value nests at most {MAX_LIST_DEPTH} lists",
                                     tok)
                inner: list = []
                stack[-1].append(inner)
                stack.append(inner)
                i += 1
                continue
            if tok.kind == "]" and not stack[-1]:
                raise self.error("an empty list is not a value", tok)
            if tok.kind != "]":
                value, i = self._number(stmt, i)
                stack[-1].append(value)
                tok = stmt[i]
            if tok.kind == ",":
                i += 1
                continue
            if tok.kind != "]":
                raise self.error("expected ',' or ']' in the declared list", tok)
            stack.pop()
            i += 1
            if not stack:
                return outer, i
            if stmt[i].kind == ",":
                i += 1
            elif stmt[i].kind != "]":
                raise self.error("expected ',' or ']' in the declared list", stmt[i])

    def _number(self, stmt: list[Token], i: int) -> tuple[float, int]:
        """One number of a declared value, with its sign; `1/2` is a number too."""
        sign = 1.0
        if stmt[i].kind in ("-", "+"):
            sign, i = (-1.0 if stmt[i].kind == "-" else 1.0), i + 1
        tok = stmt[i]
        if tok.kind != "NUMBER":
            raise self.error("a declared value is a number: 'param a = -4.0'", tok)
        num, _, den = tok.text.partition("/")
        if not den and stmt[i + 1].kind == "/" and stmt[i + 2].kind == "NUMBER" \
                and "/" not in stmt[i + 2].text:
            den, i = stmt[i + 2].text, i + 2
        value = sign * float(num) / float(den or 1) if float(den or 1) else math.inf
        if not math.isfinite(value):
            raise self.error("a declared value is a finite number", tok)
        return value, i + 1

    def _value_shape(self, name: str, role: str, tok: Token, at: Token,
                     shape: shapes.Shape, explicit: bool) -> shapes.Shape:
        """The shape a declared value gives (per sample for x_n); it must fit the declared one."""
        found = self._rectangle(self.defaults[name], at)
        per_sample = self.reading.per_sample(name, role)
        if per_sample:
            if not found:
                raise self.error(f"'{tok.text}' holds one value per sample "
                                 f"{self.reading.sample_index}: "
                                 "declare a list, one entry per sample", at)
            found = found[1:]
        if explicit and tuple(found) != shape:
            raise self.error(f"'{tok.text}' is declared {shapes.described(shape)} but the "
                             f"value written is {shapes.described(tuple(found))}"
                             + (" per sample" if per_sample else ""), at,
                             hint=f"write {shapes.described(shape)}, e.g. "
                                  f"{role} {tok.text}{_brackets(shape)} = {shapes.example(shape)}"
                                  f", or declare {role} {tok.text}{_brackets(tuple(found))}")
        return tuple(found)

    def _rectangle(self, value: object, at: Token) -> list[int]:
        """The sizes of nested lists, which must be rectangular (numbers only at the end)."""
        found: list[int] = []
        item = value
        while isinstance(item, list):
            found.append(len(item))
            item = item[0]
        level = [value]
        for size in found:
            if any(not isinstance(x, list) or len(x) != size for x in level):
                raise self.error("the declared value's lists are not rectangular", at)
            level = [y for x in level for y in x]
        if any(isinstance(x, list) for x in level):
            raise self.error("the declared value's lists are not rectangular", at)
        return found


def _brackets(shape: tuple) -> str:
    return f"[{', '.join(map(str, shape))}]" if shape else ""
