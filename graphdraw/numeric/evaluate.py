"""Numbers: the forward pass, from the op table, with the shapes checked against inference.

Its values feed backprop (numeric/backprop.py), the Hessian and every analysis.
"""

from __future__ import annotations

import math

from graphdraw import limits, ops
from graphdraw.core import class_targets, infer, plates
from graphdraw.ops import shapes
from graphdraw.errors import SourceError
from graphdraw.lazy import np
from graphdraw.language.program import Program


class NumericError(SourceError):
    """A shape that does not fit, or a NaN or infinity, at a node of the model: shown at its
    statement (file:line:col, the line and a caret) when the node has a place."""


def at_node(program: Program, node_id: str, message: str, hint: str | None = None
            ) -> NumericError:
    """A NumericError at the statement of `node_id`."""
    node = program.nodes[node_id]
    return NumericError(message, source=program.source, line=node.line or 0,
                        col=node.col or 0, hint=hint)


class ShapeMismatchError(infer.ShapeError, NumericError):
    """Values whose shapes an op cannot combine: at the op, with both shapes."""


def where(program: Program, node_id: str) -> str:
    """'ŷ' (sigmoid, line 2), or an unnamed value as it is written: log(p) (log, line 1)."""
    node = program.nodes[node_id]
    if node.name:
        label = f"'{node.name}'"
    else:
        from graphdraw.language.printer import TEXT_LIMIT, Printer
        text = Printer(program, "pretty", inline_limit=TEXT_LIMIT).pieces[node_id][0]
        label = text if len(text) <= 60 else text[:59] + "…"
    return f"{label} ({node.op}, line {node.line})"


def check_shapes(program: Program, values: dict) -> dict:
    """The shape of every node from the leaves' values; a mismatch is a ShapeMismatchError at
    the op's position (file:line:col and a caret) with both shapes.

    Values per sample (in a plate) have the shape of one sample: their leading axis of
    samples is checked here (plates.sample_count) and left out.
    """
    known: dict[str, tuple] = {}
    most = limits.cap("entries")
    plates.sample_count(program, values, NumericError)
    for node in program.nodes.values():
        if node.is_leaf:
            shape = tuple(np.shape(values[node.id]))[1 if node.plate else 0:]
            if node.shape is not None and node.role is not None and shape != node.shape:
                message, hint = shapes.declared_mismatch(node.id, node.role, node.shape, shape)
                raise ShapeMismatchError(message, source=program.source, line=node.line,
                                         col=node.col, hint=hint)
            known[node.id] = shape
        elif node.is_const:
            known[node.id] = ()
        else:
            args = [known[a] for a in node.args]
            if node.op in class_targets.CLASS_ROWS:       # probabilities or class indices
                class_targets.choose_row(node, [len(s) for s in args])
            row = ops.OPS[node.op]
            try:
                known[node.id] = row.shape(*args)
                if math.prod(known[node.id]) > most:
                    limits.check("entries", math.prod(known[node.id]), where(program, node.id))
            except shapes.ShapeMismatch as exc:
                error = infer.shape_error(program, node, [shapes.fmt(s) for s in args],
                                          str(exc))
                raise ShapeMismatchError(error.message, source=error.source, line=error.line,
                                         col=error.col, hint=error.hint) from None
    class_targets.mark_indices(program)
    return known


def forward(program: Program, values: dict, *, shapes_checked: bool = False,
            checked: bool = True) -> dict:
    """The value of every node (float64 arrays), checking shapes first.

    A node in a plate is computed once per sample; its value stacks the samples' values.
    `shapes_checked`: the caller has run check_shapes already. `checked=False` skips the
    shape check and lets NaN and infinity through (for evaluating derivative labels).
    """
    if checked and not shapes_checked:
        check_shapes(program, values)
    count = plates.sample_count(program, values, NumericError)
    out: dict = {}
    with np.errstate(all="ignore"):
        for node in program.nodes.values():
            if node.is_leaf:
                out[node.id] = np.asarray(values[node.id], dtype=float)
                continue
            if node.is_const:
                out[node.id] = np.asarray(node.value, dtype=float)
                continue
            row = ops.OPS[node.op]
            args = [out[a] for a in node.args]
            if node.plate is None:
                result = row.forward(*args)
            else:
                per = per_sample(program, node)
                result = np.stack([np.asarray(row.forward(*sample_of(args, per, k)), dtype=float)
                                   for k in range(count)])
            if not isinstance(result, np.ndarray) or result.dtype != np.float64:
                result = np.asarray(result, dtype=float)
            if checked and not np.isfinite(result).all():
                bad = "NaN" if np.any(np.isnan(result)) else "infinity"
                place = where(program, node.id)
                if node.plate is not None:
                    finite = np.isfinite(result.reshape(count, -1)).all(axis=1)
                    place += f" for sample {node.plate} = {int(np.argmin(finite)) + 1}"
                raise at_node(program, node.id, f"{bad} appears at {place}",
                              hint=row.domain or "try other values (--seed, --set)")
            out[node.id] = result
    return out


def per_sample(program: Program, node) -> list[bool]:
    """Which operands of a node in a plate have one value per sample."""
    return [program.nodes[a].plate is not None for a in node.args]


def sample_of(values: list, per: list[bool], k: int) -> list:
    """The operands of sample k: per-sample values indexed, the others as they are."""
    return [v[k] if p else v for v, p in zip(values, per)]
