"""Class-index targets: which row `cross_entropy(z, c)` / `nll_loss(logp, c)` is, once shapes
are known.

torch's rule decides, on shapes: a target with the scores' shape holds probabilities (or
one-hot rows: ops/losses.py), a target with one axis less holds class indices
(ops/class_index.py). Shape inference (core/shape_forms.py, `classes`) finds the ranks, from
declarations and values; where the values alone could be read either way (a vector of 0/1
with one 1 could be one-hot, or the indices of samples in two classes) the choice is said in
a note. A leaf that holds class indices takes no gradient: undeclared, it is read as a
target; declared `param`, it is an error.
"""

from __future__ import annotations

from typing import Callable

from graphdraw import ops
from graphdraw.errors import SourceError
from graphdraw.lazy import np
from graphdraw.language import names
from graphdraw.language.program import Node, Program

INDEX_ROWS = {"cross_entropy": "cross_entropy_index", "nll_loss": "nll_loss_index"}
PROBABILITY_ROWS = {index: name for name, index in INDEX_ROWS.items()}


def given_classes(program: Program, values: dict) -> dict[str, str]:
    """Leaves given whole non-negative numbers (a vector or more): 'either' when each row is
    one-hot (0/1 with one 1: one-hot targets, or indices of classes 0 and 1), else 'indices'
    (numbers no one-hot row holds: [2, 0, 1])."""
    out = {}
    for name, value in values.items():
        node = program.nodes.get(name)
        if node is None or not node.is_leaf:
            continue
        value = np.asarray(value, dtype=float)
        if value.ndim - (1 if node.plate else 0) < 1 or value.size == 0:
            continue
        if not np.all((value == np.floor(value)) & (value >= 0)):
            continue
        one_hot = np.all(value <= 1) and np.all(np.sum(value, axis=-1) == 1)
        out[name] = "either" if one_hot else "indices"
    return out


def choice_note(program: Program, node: Node, index: bool, shape_text: Callable) -> str:
    """The note for a target whose reading its values and shapes left open."""
    scores, target = (program.nodes[a] for a in node.args)
    c = names.pretty(target.name or target.id)
    z = names.pretty(scores.name) if scores.name else "the scores"
    size = shape_text(target.id).split("×")[0]
    if index:
        return (f"read {c} as {size} class indices (0-based), so {z} holds one row of class "
                f"scores per sample ({size}×C); give {z} as a vector of {size} scores to read "
                f"{c} as one-hot targets")
    return (f"read {c} as the one-hot target of one sample, so {z} is a vector of {size} "
            f"scores; for the class indices of {size} samples, declare {z}'s shape "
            f"(`param {z}[{size}, C]`) or give its value")


CLASS_ROWS = (*INDEX_ROWS, *PROBABILITY_ROWS)


def choose_row(node: Node, ranks: list[int | None]) -> None:
    """The row of a class loss whose operands have these ranks: class indices when the
    target has one axis less than the scores, else probabilities (unknown ranks: as it is)."""
    if node.op in CLASS_ROWS and None not in ranks:
        name = PROBABILITY_ROWS.get(node.op, node.op)
        node.op = INDEX_ROWS[name] if ranks[1] == ranks[0] - 1 else name


def choose_rows(program: Program, rank_of: Callable[[str], int | None]) -> None:
    """Give each class loss the row its target's rank says (probabilities or indices), and the
    leaves that hold class indices the role of targets (no gradient)."""
    for node in program.nodes.values():
        if node.op in CLASS_ROWS:
            choose_row(node, [rank_of(a) for a in node.args])
    mark_indices(program)


def mark_indices(program: Program) -> None:
    """Leaves that hold class indices become targets (no gradient); a declared parameter
    among them, or indices computed by the model, is an error."""
    indices: set[str] = set()
    for node in program.nodes.values():
        if node.op is not None and "classes" in ops.OPS[node.op].extra:
            target = program.nodes[node.args[ops.OPS[node.op].extra["classes"][0]]]
            if target.is_leaf:
                indices.add(target.id)
            elif not target.is_const:
                raise SourceError("class indices are data, not computed: give them as a leaf "
                                  "(`target c`, --set c=2)", source=program.source,
                                  line=node.line, col=node.col,
                                  hint="for targets computed by the model, give probabilities "
                                  "(one-hot rows) of the scores' shape")
    for node in program.nodes.values():
        if not node.is_leaf:
            continue
        if node.id in indices:
            if node.role == "param":
                raise SourceError(f"'{names.pretty(node.id)}' holds class indices, which take "
                                  "no gradient, but is declared a parameter",
                                  source=program.source, line=node.line, col=node.col,
                                  hint=f"declare it `target {names.pretty(node.id)}` (or give "
                                  "probability targets of the scores' shape)")
            if node.role is None:
                node.role = "target"
                node.__dict__["_class_index"] = True
        elif node.__dict__.pop("_class_index", False):
            node.role = None


def index_targets(program: Program) -> dict[str, str]:
    """Leaf id -> the id of its scores, for every leaf that holds class indices."""
    out = {}
    for node in program.nodes.values():
        if node.op is not None and "classes" in ops.OPS[node.op].extra:
            at, scores = ops.OPS[node.op].extra["classes"]
            if program.nodes[node.args[at]].is_leaf:
                out.setdefault(node.args[at], node.args[scores])
    return out
