"""What an exercise says about a model: its equations, leaves, parameters, and the answers."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graphdraw.language.program import Program
from graphdraw.numeric.derivatives import Gradients

# What the sheet says about a function the model uses, in LaTeX (one line each).
FUNCTIONS = {
    "sigmoid": r"$\sigma$ is the sigmoid function, $\sigma(t) = 1/(1 + e^{-t})$",
    "tanh": r"$\tanh$ is the hyperbolic tangent",
    "relu": r"$\operatorname{ReLU}(t) = \max(0, t)$",
    "softmax": r"$\mathrm{softmax}$ normalises the exponentials of its argument to sum to 1",
    "norm": r"$\lVert a \rVert$ is the Euclidean norm of $a$, over all its entries",
}
KNOWN = {"exp", "log", "sqrt", "abs", "sin", "cos"}     # need no explaining on a sheet
ROLES = {"input": "the input", "target": "the target"}
MAX_ENTRIES = 64          # part (b) asks for one derivative per entry: a sheet, not a table


@dataclass
class Leaf:
    """A leaf as the sheet names it: its names, role, shape and the value given for it."""

    id: str
    pretty: str
    latex: str
    role: str                 # param, input, target
    shape: tuple
    value: object


@dataclass
class Sheet:
    """Everything the exercise and its solution say."""

    program: Program
    source_name: str
    graph: nx.MultiDiGraph
    equations: list[tuple[str, str]]          # named computations: (pretty, latex)
    leaves: list[Leaf]
    functions: list[str]                      # FUNCTIONS' lines for the ops used
    gradients: Gradients                      # --scalar, at the leaves' values
    output: tuple[str, str] = ("L", "L")      # the output's name (pretty, latex)
    decimals: int = 1
    values: dict = field(default_factory=dict)

    @property
    def scalar(self) -> bool:
        """One formula per entry (grads --scalar); False when an op cannot be expanded into
        entries (softmax, norm, ...), and the key gives the backward equations instead."""
        return self.gradients.scalar

    @property
    def params(self) -> list[Leaf]:
        return [leaf for leaf in self.leaves if leaf.role == "param"]

    def forward(self) -> list[tuple[str, str, object]]:
        """The forward pass of (c): each named node's value, in the model's order, the
        output last: (pretty, latex, value)."""
        vals = self.gradients.vals
        return [(d["label"], d.get("label_latex") or d["label"], vals[n])
                for n, d in self.graph.nodes(data=True)
                if d.get("op") is not None and d.get("label") and n in vals]

    def entry_count(self) -> int:
        """How many partial derivatives part (b) asks for: one per scalar parameter."""
        return sum(_size(leaf.shape) for leaf in self.params)

    def counting(self, mode: str) -> str:
        """'W_i and W_o contain 4 and 2 parameters, whereas b_a and b_o are single
        parameters' (mode: 'pretty' or 'latex', the names in math)."""
        def name(leaf: Leaf) -> str:
            return leaf.pretty if mode == "pretty" else f"${leaf.latex}$"
        tensors = [leaf for leaf in self.params if leaf.shape]
        scalars = [leaf for leaf in self.params if not leaf.shape]
        parts = []
        if tensors:
            sizes = _and([str(_size(leaf.shape)) for leaf in tensors])
            verb = "contains" if len(tensors) == 1 else "contain"
            noun = "parameter" if len(tensors) == 1 and _size(tensors[0].shape) == 1 \
                else "parameters"
            parts.append(f"{_and([name(leaf) for leaf in tensors])} {verb} {sizes} {noun}")
        if scalars:
            verb = "is a single parameter" if len(scalars) == 1 else "are single parameters"
            parts.append(f"{_and([name(leaf) for leaf in scalars])} {verb}")
        return ", whereas ".join(parts)


def make_sheet(program: Program, source_name: str, values: dict, *, decimals: int = 1
               ) -> Sheet:
    """The sheet of a model at the leaves' `values`, rounded to `decimals` places (the
    numbers the students compute with, and that the solution uses)."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.language.notation import name as print_name
    from graphdraw.lazy import np
    from graphdraw.numeric import evaluate
    from graphdraw.analyses.exercise.choose import rounded as round_values
    rounded = round_values(program, values, decimals)
    graph = graph_mod.build(program, notations=graph_mod.FOR_TIKZ, values=rounded)
    shapes = evaluate.check_shapes(program, rounded)
    leaves = []
    for node in program.nodes.values():
        if node.is_leaf and node.id in rounded and node.role != "const":   # consts: the model's
            role = node.role if node.role in ("input", "target") else "param"
            leaves.append(Leaf(node.id, print_name(node, "pretty")[0],
                               print_name(node, "latex")[0], role,
                               tuple(shapes[node.id]), rounded[node.id]))
    equations = [(d.get("forward_pretty") or "", d.get("forward_latex") or "")
                 for n, d in graph.nodes(data=True)
                 if d.get("op") is not None and (d.get("label") or n == program.output)]
    functions = _functions(program)
    params = [leaf.id for leaf in leaves if leaf.role == "param"]
    if not params:
        from graphdraw.errors import GraphdrawError
        raise GraphdrawError("this model has no parameter to differentiate with respect to",
                             hint="declare one ('param w') or leave the leaves undeclared; "
                                  "inputs and targets get no derivative in the exercise")
    entries = sum(_size(leaf.shape) for leaf in leaves if leaf.role == "param")
    if entries > MAX_ENTRIES:
        from graphdraw.errors import LimitError
        raise LimitError(f"the exercise asks for one derivative per parameter entry, and this "
                         f"model's parameters have {entries} entries (at most {MAX_ENTRIES})",
                         hint="give the parameters smaller shapes, e.g. with --dim H=2")
    gradients = _gradients(program, source_name, rounded, params)
    out = program.nodes[program.output]
    return Sheet(program, source_name, graph, equations, leaves, functions, gradients,
                 (print_name(out, "pretty")[0], print_name(out, "latex")[0]), decimals,
                 rounded)


def _gradients(program: Program, source_name: str, values: dict, params: list[str]
               ) -> Gradients:
    """grads --scalar at the values; the backward equations when the model cannot be
    expanded into entries."""
    from graphdraw.errors import GraphdrawError
    gradients = Gradients(program, source_name, values, params, scalar=True,
                          note="at the values of part (c)")
    try:
        gradients.equations("pretty")
    except GraphdrawError:
        gradients = Gradients(program, source_name, values, params,
                              note="at the values of part (c)")
    return gradients


def _functions(program: Program) -> list[str]:
    """A line for each function the model calls (math in $…$, words in Unicode): the
    sheet's own words for the common ones, else the op table's description."""
    from graphdraw.ops.table import OPS
    lines = []
    for op in dict.fromkeys(n.op for n in program.nodes.values() if n.op is not None):
        row = OPS.get(op)
        if op in FUNCTIONS:
            lines.append(FUNCTIONS[op])
        elif row is not None and row.style == "call" and op not in KNOWN:
            name = row.latex or rf"\operatorname{{{op}}}"
            operands = ", ".join("abc"[:row.arity]) if 0 < row.arity <= 3 else "…"
            # a LaTeX template with its operand in it (‖{0}‖) is filled, not followed by (a)
            call = name.format(*"abc"[:row.arity]) if "{0}" in name else f"{name}({operands})"
            lines.append(f"${call}$ is the {row.doc}")
    return lines


def _size(shape: tuple) -> int:
    size = 1
    for n in shape:
        size *= int(n)
    return size


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> _and(["W_i"]), _and(["W_i", "W_o"]), _and(["1", "2", "3"])
    ('W_i', 'W_i and W_o', '1, 2 and 3')
    """
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def shape_words(shape: tuple) -> str:
    """'a 2×2 matrix', 'a vector of 2', 'a scalar'.

    >>> shape_words((2, 2)), shape_words((2,)), shape_words(())
    ('a 2×2 matrix', 'a vector of 2', 'a scalar')
    """
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    kind = "matrix" if len(shape) == 2 else "tensor"
    return f"a {'×'.join(map(str, shape))} {kind}"
