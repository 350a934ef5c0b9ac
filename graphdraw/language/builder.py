"""Adding nodes to the Program as statements are read: leaves, numbers, ops and bound names.

Ops get their shapes checked here, and ops over constants are folded into one constant.
"""

from __future__ import annotations

import math
import warnings

from graphdraw import limits, ops
from graphdraw.errors import SourceLimitError
from graphdraw.language import names
from graphdraw.language.declarations import Declarations
from graphdraw.language.juxtaposition import (SCALAR, Info, leaf_info, product, result_info,
                                               unsure_scaling)
from graphdraw.language.lexer import Token
from graphdraw.language.notation import constant_text
from graphdraw.language.program import Node
from graphdraw.language.reading import SAMPLE_SUM, Reading
from graphdraw.lazy import scalar_op
from graphdraw.ops import shapes


class Builder:
    """The nodes of one model and the names bound to them so far."""

    def __init__(self, reading: Reading, declarations: Declarations, *,
                 allow_ids: bool = False) -> None:
        self.reading = reading
        self.error = reading.error
        self.nodes = reading.program.nodes
        self.declarations = declarations
        self.allow_ids = allow_ids
        self.bound: dict[str, str] = {}           # user name -> id of its newest version
        self.versions: dict[str, int] = {}
        self.leaf_use: dict[str, Token] = {}      # leaf name -> first use
        self.reads: set[str] = set()              # the leaves the current statement reads
        self.assigned_at: dict[str, Token] = {}
        self.info: dict[str, Info] = {}
        self.counter = 0                          # the last unnamed id made: %counter
        self.results: dict[tuple, tuple] = {}     # see apply
        self.products: dict[tuple, tuple] = {}    # see juxtaposed
        self.euler_at: Token | None = None        # the first e^x read as exp(x)
        self.most_versions: int | None = None     # limits.cap("versions"), read at first use

    def euler(self, tok: Token) -> bool:
        """Whether `e` before '^' is Euler's number: when e is no variable of the model."""
        if "e" in self.bound or "e" in self.declarations.declared:
            return False
        if "e" in self.leaf_use:
            raise self._two_es(self.leaf_use["e"], tok)
        self.euler_at = self.euler_at or tok
        self.reading.note("euler", "read 'e^x' as exp(x), e being Euler's number; declare "
                          "'param e' for a variable named e", tok)
        return True

    def _two_es(self, leaf: Token, power: Token) -> Exception:
        """The error for e used both as a leaf and as Euler's number in e^x."""
        return self.error(f"'e' is a variable on line {leaf.line} but e^… on line "
                          f"{power.line} reads as exp(…), e being Euler's number",
                          leaf if leaf.line > power.line or (leaf.line == power.line and
                                                             leaf.col > power.col) else power,
                          hint="declare 'param e' (then e^x is a power of that variable), "
                               "or write exp(x) and rename the variable")

    def knows(self, tok: Token) -> bool:
        """Whether a name is a variable of the model (bound, used, or declared)."""
        name = names.canonical(tok.text)
        return name in self.bound or name in self.nodes or name in self.declarations.declared

    # -- operands ----------------------------------------------------------------------------
    def operand(self, tok: Token) -> str:
        """The node a name refers to: its newest binding, else a leaf (added on first use)."""
        if self.allow_ids and (tok.text in self.nodes):
            return tok.text
        name = self.reading.names.get(tok.text) or self.reading.name(tok)
        bound = self.bound.get(name)
        if bound is not None:
            return bound
        self.reads.add(name)
        if name in self.nodes:      # a leaf seen before
            return name
        role, shape, _ = self.declarations.declared.get(name, (None, None, None))
        if name == "e" and self.euler_at is not None and role is None:
            raise self._two_es(tok, self.euler_at)
        plate = self.reading.sample_index if self.reading.per_sample(name, role) else None
        if plate is not None and role is None:
            role = "input"              # data given per sample: no gradient unless asked
        counts = self.reading.counts.get(name) if role is None else None
        if counts is not None:
            role, shape = "const", ()
            self.reading.note(f"count:{name}", f"read '{tok.text}' as the number of samples "
                              f"{counts} of Σ_{counts} (the values per sample say how many); "
                              f"declare 'param {tok.text}' for a variable", tok)
        default = self.declarations.defaults.get(name)
        if role is None and name in self.reading.program.dims:    # dim d = 4 … / √d: the size
            role, shape, default = "const", (), float(self.reading.program.dims[name])
        node = self._add(Node(name, role=role, shape=shape, name=name, line=tok.line,
                              col=tok.col, default=default,
                              plate=plate, counts=counts))
        self.info[name] = leaf_info(name, shape)
        self.leaf_use[name] = tok
        return node.id


    def number(self, tok: Token) -> str:
        """A constant as written: 2, 1e-5, ½."""
        if "/" in tok.text:                       # ½ and friends
            num, den = tok.text.split("/")
            value = float(num) / float(den)
        else:
            try:
                value = float(tok.text)
            except ValueError:
                raise self.error(f"'{tok.text}' is not a number", tok) from None
        if not math.isfinite(value):
            raise self.error(f"the number {tok.text} is too large for 64-bit floats", tok)
        node = self._add(Node(self._tmp(), value=value, text=tok.text, shape=(),
                              line=tok.line, col=tok.col))
        return node.id

    def _tmp(self) -> str:
        self.counter += 1
        return f"%{self.counter}"

    def _add(self, node: Node, ref_info: Info | None = None) -> Node:
        self.nodes[node.id] = node
        if ref_info is not None:
            self.info[node.id] = ref_info
        elif node.value is not None:             # a constant
            self.info[node.id] = SCALAR
        return node

    # -- ops ---------------------------------------------------------------------------------
    def apply(self, op_name: str, args: list[str], tok: Token) -> str:
        """The node of an op over operands; shapes are checked, constants folded."""
        nodes, info = self.nodes, self.info
        # An op's shape and Info follow from its operands' Infos alone: large models repeat
        # the same few, so each is worked out once.
        key = (op_name, info[args[0]], info[args[1]]) if len(args) == 2 else \
            (op_name, *map(info.__getitem__, args))
        result = self.results.get(key)
        if result is None:
            result = self.results[key] = self._result(op_name, list(key[1:]), tok)
        shape, result_info, sums = result
        first = nodes[args[0]]
        if first.value is not None:     # over constants: folded into one
            operands = [nodes[arg] for arg in args]
            if all(n.value is not None and n.name is None for n in operands):
                folded = self._fold(ops.OPS[op_name], operands, tok)
                if folded is not None:
                    return folded
        plate = first.plate             # the first operand's plate, if any has one
        if plate is None and len(args) > 1:
            for arg in args[1:]:
                plate = nodes[arg].plate
                if plate is not None:
                    break
        if sums is not None:            # Σ_n: the sum over the samples n
            if plate != sums:
                raise self.error(f"{tok.text} sums over the samples {sums}, but the term after "
                                 f"it has no value per sample", tok,
                                 hint=f"values per sample have {sums} in their subscript: "
                                      f"x_{sums}, y_{sums}")
            plate = None
        self.counter += 1
        node_id = f"%{self.counter}"
        # Node's fields by position (as Node.of_op gives them, without its call: a large model
        # makes a node per value)
        nodes[node_id] = Node(node_id, op_name, tuple(args), None, 0, None, shape, None, None, "",
                              tok.line, tok.col, None, plate)
        info[node_id] = result_info
        return node_id

    def juxtaposed(self, args: list[str], tok: Token) -> str:
        """The node of `a b` written side by side: the product juxtaposition.py decides on. A
        scaling of a row vector by a value of unknown shape is kept for core/infer.py to check."""
        infos = self.info[args[0]], self.info[args[1]]
        decided = self.products.get(infos)
        if decided is None:     # product() is decided by the Infos alone; its note is made once
            op_key = product(*infos, self.reading, tok)
            decided = self.products[infos] = op_key, op_key == "mul" and unsure_scaling(*infos)
        node = self.apply(decided[0], args, tok)
        if decided[1]:
            self.reading.program.scalings.append(self.nodes[node])
        return node

    def _result(self, op_name: str, infos: list[Info], tok: Token) -> tuple:
        """An op's shape and Info over operands with these Infos, and the samples it sums
        over (None but for Σ_n); raises the error when the shapes do not fit."""
        row = ops.OPS[op_name]
        try:
            shape = row.shape(*[i.shape for i in infos])
        except shapes.ShapeMismatch as exc:
            both = " and ".join(shapes.fmt(i.shape) for i in infos)
            raise self.error(f"{row.name} cannot combine shapes {both}: {exc}", tok) from None
        return shape, result_info(op_name, row, shape, infos), row.extra.get("plate")

    def _fold(self, row: ops.Op, nodes: list[Node], tok: Token) -> str | None:
        """Compute an op on constants now, in float64 (never exact big integers).

        None when the op does not work on plain numbers (a transpose): it stays a node.
        """
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")     # a non-finite result is reported below
                value = scalar_op(row.forward, *[n.value for n in nodes])
        except (AttributeError, TypeError):
            return None
        text = constant_text(row, nodes)
        if not math.isfinite(value):
            raise self.error(f"the constant {text} is not a finite 64-bit number", tok)
        for n in nodes:
            del self.nodes[n.id]
        node = self._add(Node(self._tmp(), value=value, text=text, shape=(), line=tok.line,
                              col=tok.col))
        return node.id

    # -- names -------------------------------------------------------------------------------
    def bind(self, target: str, tok: Token, ref: str) -> None:
        """`target = ...`: the name's next version is the node `ref`."""
        _check_assignable(self, target, tok)
        # A leaf the statement reads (a = a*3/(a - 1)) is version 0: the result is a′.
        version = self.versions.get(target, 0 if target in self.reads else -1) + 1
        self.most_versions = most = self.most_versions or limits.cap("versions")  # read once
        if version > most:
            raise SourceLimitError(
                limits.too_many("versions", version, f"'{tok.text}'"), source=self.reading.source,
                line=tok.line, col=tok.col, hint="give the values new names (c1 = c + c, c2 = "
                f"c1 + c1, …), or set {limits.LIMITS['versions'].variable}=N")
        new_id = target if version == 0 else names.version_id(target, version)
        node = self.nodes.get(ref)
        fresh = node is not None and node.name is None and ref.startswith("%") \
            and ref == next(reversed(self.nodes))
        if fresh:
            del self.nodes[ref]
            if ref == f"%{self.counter}":   # the id is free again: ids stay %1, %2, … without
                self.counter -= 1           # gaps, which parser._renumber then keeps as they are
            node.id = new_id
            self.nodes[new_id] = node
            self.info[new_id] = self.info.pop(ref)
        else:
            node = self._copy(new_id, tok, ref)
        node.name, node.version = target, version
        self.versions[target] = version
        self.bound[target] = new_id
        self.assigned_at[target] = tok

    def _copy(self, new_id: str, tok: Token, ref: str) -> Node:
        """`b = a` or a constant used before: a named copy of node `ref`."""
        src = self.nodes[ref]
        constant = ref.startswith("%") and src.is_const
        node = self._add(Node(new_id, op=None if constant else "id", line=tok.line,
                              col=tok.col), ref_info=self.info[ref])
        node.plate = src.plate
        if node.op is None:
            node.value, node.text, node.shape = src.value, src.text, src.shape
        else:
            node.args, node.shape = (ref,), src.shape
        return node


def _check_assignable(builder: Builder, target: str, tok: Token) -> None:
    """Refuse `x = …` where x is the sum over samples, a leaf used before, or declared."""
    if (builder.reading.sample_index is not None or builder.reading.entries) \
            and SAMPLE_SUM.fullmatch(tok.text):
        raise builder.error(f"'{tok.text}' is the sum over samples and cannot be assigned", tok,
                            hint="choose another name")
    if target in builder.reads or target in builder.bound:
        return                  # x = x + 1: a new version of the leaf, as in Python
    if target in builder.leaf_use:
        use = builder.leaf_use[target]
        raise builder.error(f"'{tok.text}' is assigned on line {tok.line} but already used as "
                            f"a leaf (a value given from outside) on line {use.line}", tok,
                            hint="assign a name before its first use, or use another name; "
                                 f"a statement that reads it ({tok.text} = {tok.text} + 1) "
                                 "makes a new version")
    if target in builder.declarations.declared:
        role, _, decl = builder.declarations.declared[target]
        raise builder.error(f"'{tok.text}' is declared as {role} on line {decl.line}, so it "
                            "cannot be assigned", tok)


def names_t(builder: Builder) -> bool:
    """Whether T is a name of the model (a variable, a size, a number of samples)."""
    return any("T" in known for known in (builder.bound, builder.nodes,
                                          builder.declarations.declared,
                                          builder.reading.program.dims, builder.reading.counts))


def not_an_entry(builder: Builder, name: str, tok: Token, index: str) -> None:
    """O_i after `O = A V`, w_i beside the parameter w: the subscript of Σ_i marks samples,
    so O_i would be a new leaf of data beside O; the text means O's entries. Refused, never
    read as a second value (parser.py asks once every statement is read)."""
    head, *subs = name.split("_")
    base = "_".join([head, *(sub for sub in subs if sub != index)])
    if base != name and (base in builder.bound or base in builder.nodes):
        raise builder.error(f"'{tok.text}' reads as data per sample {index} (the index of "
                            f"Σ_{index}), but {names.pretty(base)} is also a value of the "
                            "model", tok,
                            hint=f"for the sum of {names.pretty(base)}'s entries write "
                                 f"sum({base}); Σ_k (k, c or j) sums over a vector's entries; "
                                 f"declare `input {tok.text}` if it is data")
