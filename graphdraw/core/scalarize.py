"""Expand a tensor program into scalars: W_i[1,2], z[1], ... (for `graphdraw grads --scalar`).

Each tensor op becomes the scalar ops that compute its entries: elementwise ops entry by
entry (with broadcasting), matrix products as sums of products, sums as chains of additions;
transposes only re-index. Entries of named values keep the name with an index.
"""

from __future__ import annotations

import itertools
import math

from graphdraw import ops
from graphdraw.ops import shapes as shape_rules
from graphdraw import limits
from graphdraw.errors import LimitError
from graphdraw.language.program import Node, Program


def _indices(shape: tuple[int, ...]):
    return itertools.product(*[range(n) for n in shape])


def _entry_id(node_id: str, index: tuple[int, ...]) -> str:
    return node_id if not index else f"{node_id}[{','.join(str(i + 1) for i in index)}]"


class _Expander:
    def __init__(self, program: Program, shapes: dict) -> None:
        self.src, self.shapes = program, shapes
        self.out = Program(program.source, dims=dict(program.dims))
        self.entries: dict[str, dict[tuple, str]] = {}   # tensor id -> index -> scalar id
        self.counter = 0

    def tmp(self) -> str:
        self.counter += 1
        return f"%s{self.counter}"

    def add(self, node: Node) -> str:
        self.out.nodes[node.id] = node
        return node.id

    def run(self) -> Program:
        for node in self.src.nodes.values():
            shape = tuple(self.shapes[node.id])
            if node.op is None:
                self.entries[node.id] = {
                    idx: self.add(Node(_entry_id(node.id, idx), name=node.name,
                                       version=node.version, role=node.role, shape=(),
                                       value=node.value, text=node.text, line=node.line,
                                       col=node.col, default=node.default, index=idx or None,
                                       plate=node.plate))
                    for idx in _indices(shape)}
                continue
            self.entries[node.id] = self._op(node, shape)
        entries = self.entries[self.src.output]
        # A non-scalar output is differentiated as the sum of its entries (as grads says).
        self.out.output = entries[()] if () in entries else self._chain_sum(
            self.src.nodes[self.src.output], (), list(entries.values()))
        return self.out

    def _name(self, node: Node, idx: tuple, op: str, args: tuple) -> str:
        """A scalar node for one entry of `node`, named like it when it is named."""
        node_id = _entry_id(node.id, idx) if node.name else self.tmp()
        return self.add(Node(node_id, op=op, args=args, name=node.name, version=node.version,
                             shape=(), line=node.line, col=node.col,
                             index=(idx or None) if node.name else None))

    def _op(self, node: Node, shape: tuple) -> dict:
        row = ops.OPS[node.op]
        args = [self.entries[a] for a in node.args]
        arg_shapes = [tuple(self.shapes[a]) for a in node.args]
        if node.op in ("transpose", "matmul") and max(map(len, arg_shapes)) > 2:
            raise LimitError(f"--scalar cannot expand the batched {node.op} on line {node.line} "
                             "(a 3-D operand) into entries; drop --scalar for the tensor "
                             "equations")
        if node.op in ("transpose", "id"):
            return {idx: args[0][tuple(reversed(idx)) if node.op == "transpose" else idx]
                    for idx in _indices(shape)}
        if node.op in ("matmul", "outer"):
            return self._products(node, shape, args, arg_shapes)
        if row.shape is shape_rules.reduce:
            return {(): self._reduce(node, args[0])}
        if row.shape not in (shape_rules.same, shape_rules.broadcast):     # losses, …
            raise LimitError(f"--scalar cannot expand {_written(node.op)} (line {node.line}) "
                             "into entries")
        out = {}
        for idx in _indices(shape):
            operand_ids = tuple(a[_broadcast_index(idx, s)] for a, s in zip(args, arg_shapes))
            out[idx] = self._name(node, idx, node.op, operand_ids)
        return out

    def _chain_sum(self, node: Node, idx: tuple, terms: list[str]) -> str:
        total = terms[0]
        for i, term in enumerate(terms[1:], start=2):
            last = i == len(terms)
            total = self._name(node, idx, "add", (total, term)) if last else \
                self.add(Node(self.tmp(), op="add", args=(total, term), shape=(),
                              line=node.line))
        if len(terms) == 1:
            total = self._name(node, idx, "id", (total,))
        return total

    def _products(self, node: Node, shape: tuple, args, arg_shapes) -> dict:
        (a, sa), (b, sb) = zip(args, arg_shapes)
        out = {}
        for idx in _indices(shape):
            if node.op == "outer":
                out[idx] = self._name(node, idx, "mul", (a[idx[:1]], b[idx[1:]]))
                continue
            i = idx[:1] if len(sa) == 2 else ()
            k = idx[len(i):]
            terms = []
            for j in range(sa[-1]):
                left = a[i + (j,)]
                right = b[(j,) + k]
                terms.append(self.add(Node(self.tmp(), op="mul", args=(left, right), shape=(),
                                           line=node.line)))
            out[idx] = self._chain_sum(node, idx, terms)
        return out

    def _reduce(self, node: Node, entries: dict) -> str:
        items = [entries[i] for i in sorted(entries)]
        if node.op == "sum":
            return self._chain_sum(node, (), items)
        if node.op == "mean":
            total = self._chain_sum(Node(self.tmp()), (), items) if len(items) > 1 else items[0]
            count = self.add(Node(self.tmp(), value=float(len(items)), text=str(len(items)),
                                  shape=()))
            return self._name(node, (), "div", (total, count))
        row = ops.OPS[node.op]
        if row.shape_value is not None:       # size(x): a number known from the shape
            value = row.shape_value(tuple(self.shapes[node.args[0]]))
            return self.add(Node(_entry_id(node.id, ()) if node.name else self.tmp(),
                                 value=value, text=f"{value:g}", shape=(), name=node.name,
                                 line=node.line))
        raise LimitError(f"--scalar cannot expand {_written(node.op)} (line {node.line}) "
                             "into entries")


def _broadcast_index(idx: tuple, shape: tuple) -> tuple:
    """The entry of an operand of `shape` that broadcasting pairs with output entry idx."""
    offset = len(idx) - len(shape)
    return tuple(0 if size == 1 else idx[offset + k] for k, size in enumerate(shape))


def scalar_size(program: Program, shapes: dict) -> int:
    """How many scalar nodes the expansion makes (a matrix product m×n by n×k: 2·m·n·k)."""
    total = 0
    for node in program.nodes.values():
        shape = tuple(shapes[node.id])
        entries = math.prod(shape)
        if node.op in ("matmul", "outer") and node.args:
            inner = tuple(shapes[node.args[0]])[-1:] if node.op == "matmul" else (1,)
            entries *= 2 * math.prod(inner)
        total += entries
    return total


def scalarize(program: Program, shapes: dict) -> Program:
    """The same computation on scalars, entry by entry; the output must be a scalar."""
    size = scalar_size(program, shapes)
    limits.check("scalar", size, "--scalar's expansion of the model",
                 hint="choose fewer leaves with --wrt, smaller shapes, or drop --scalar; "
                      f"{limits.LIMITS['scalar'].variable}=N raises the limit")
    out = _Expander(program, shapes).run()
    if program.plates:
        _mark_plates(out, program.plates)
    return out


def _mark_plates(program: Program, plates: dict) -> None:
    """Entries computed from values per sample are per sample too, up to Σ_n (see plates.py)."""
    program.plates = dict(plates)
    for node in program.nodes.values():
        if node.op is None:
            continue
        plate = next((program.nodes[a].plate for a in node.args
                      if program.nodes[a].plate is not None), None)
        node.plate = None if "plate" in ops.OPS[node.op].extra else plate


def _written(op: str) -> str:
    """An op as the model writes it (cross_entropy for the row of class indices)."""
    row = ops.OPS[op]
    return row.name if row.plain in ("", row.name) or row.style != "call" else \
        f"{row.plain} (of class indices)"
