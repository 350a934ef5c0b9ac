"""The parsed model: a flat list of single-op nodes, like a jaxpr, in definition order."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphdraw.errors import Source
from graphdraw.ops.shapes import Shape, fmt

ROLES = ("param", "input", "target", "const")


@dataclass
class Node:
    """One value of the model: a leaf, a constant, or the result of one op."""

    id: str
    op: str | None = None            # op-table name; None for leaves and constants
    args: tuple[str, ...] = ()
    name: str | None = None          # the user's name (canonical), None when unnamed
    version: int = 0                 # 0 for the first binding of a name, 1 for c′, ...
    role: str | None = None          # leaves: declared role, None when undeclared
    shape: Shape | None = None
    value: float | None = None       # constants only
    default: float | list | None = None   # leaves: a declared value (param a = 2, x = [1, 0])
    text: str = ""                   # constants: as written (after folding, e.g. "1/2")
    line: int = 0
    col: int = 0
    index: tuple[int, ...] | None = None   # an entry of a tensor (scalarize.py), 0-based
    plate: str | None = None         # the index n when the node has one value per sample
    counts: str | None = None        # a const leaf that is the number of samples n (N of 1/N Σ_n)

    @classmethod
    def of_op(cls, node_id: str, op: str, args: tuple[str, ...], shape: Shape | None,
              line: int, col: int, plate: str | None) -> Node:
        """The node of an op's result, its fields given by position (a large model makes a
        node per value, and keyword arguments cost more)."""
        return cls(node_id, op, args, None, 0, None, shape, None, None, "", line, col, None,
                   plate)

    @property
    def is_leaf(self) -> bool:
        return self.op is None and self.value is None

    @property
    def is_const(self) -> bool:
        return self.value is not None

    @property
    def is_param(self) -> bool:
        """A leaf that gets a gradient: declared `param`, or not declared at all."""
        return self.op is None and self.value is None and self.role in (None, "param")


@dataclass
class Program:
    """All nodes of a model, the output, and where they came from."""

    source: Source
    nodes: dict[str, Node] = field(default_factory=dict)
    output: str = ""
    dims: dict[str, int] = field(default_factory=dict)
    plates: dict[str, str] = field(default_factory=dict)   # index n -> number of samples N
    notes: list[str] = field(default_factory=list)   # readings among several (notes.py)
    entry_names: set[str] = field(default_factory=set)   # y of y_k in Σ_k: a vector of entries
    # `x yᵀ` read as a scaling while x's shape was unknown: core/infer.py refuses it when x
    # turns out to be a vector (then it would be the outer product)
    scalings: list[Node] = field(default_factory=list)

    def plate_label(self, index: str) -> str:
        """How a plate is labelled: 'n = 1…N'."""
        return f"{index} = 1…{self.plates.get(index, index.upper())}"

    def dump(self) -> str:
        """A readable listing, one node a line (used for golden files)."""
        lines = []
        for node in self.nodes.values():
            shape = f" : {fmt(node.shape)}" if node.shape is not None else ""
            if node.plate is not None:
                shape += f" per {node.plate}"
            if node.is_leaf:
                lines.append(f"{node.id} = leaf({node.role or 'param'}){shape}")
            elif node.is_const:
                lines.append(f"{node.id} = const({node.text}){shape}")
            else:
                lines.append(f"{node.id} = {node.op}({', '.join(node.args)}){shape}"
                             f"    # line {node.line}")
        lines.append(f"output {self.output}")
        return "\n".join(lines) + "\n"
