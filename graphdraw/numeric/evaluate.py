"""Numbers: the forward pass and graphdraw's own backprop, both from the op table.

Backprop is one generic reverse walk over the nodes: each op's VJP row turns the adjoint of
its result into contributions to its operands, which add up where a value is used twice.
"""

from __future__ import annotations

import math

from graphdraw import limits, ops
from graphdraw.core import class_targets, infer, plates
from graphdraw.ops import shapes
from graphdraw.errors import GraphdrawError, SourceError
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


def _where(program: Program, node_id: str) -> str:
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
                    limits.check("entries", math.prod(known[node.id]), _where(program, node.id))
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
                per = _per_sample(program, node)
                result = np.stack([np.asarray(row.forward(*_sample(args, per, k)), dtype=float)
                                   for k in range(count)])
            if not isinstance(result, np.ndarray) or result.dtype != np.float64:
                result = np.asarray(result, dtype=float)
            if checked and not np.isfinite(result).all():
                bad = "NaN" if np.any(np.isnan(result)) else "infinity"
                where = _where(program, node.id)
                if node.plate is not None:
                    finite = np.isfinite(result.reshape(count, -1)).all(axis=1)
                    where += f" for sample {node.plate} = {int(np.argmin(finite)) + 1}"
                raise at_node(program, node.id, f"{bad} appears at {where}",
                              hint=row.domain or "try other values (--seed, --set)")
            out[node.id] = result
    return out


def _per_sample(program: Program, node) -> list[bool]:
    """Which operands of a node in a plate have one value per sample."""
    return [program.nodes[a].plate is not None for a in node.args]


def _sample(values: list, per: list[bool], k: int) -> list:
    """The operands of sample k: per-sample values indexed, the others as they are."""
    return [v[k] if p else v for v, p in zip(values, per)]


def gradient_leaves(program: Program) -> list[str]:
    """The leaves that receive a gradient: parameters and undeclared leaves (not data per
    sample, which the parser makes inputs)."""
    return [n.id for n in program.nodes.values() if n.is_leaf and n.role in (None, "param")
            and n.plate is None]


def require_leaves(program: Program, leaves: list[str]) -> list[str]:
    """`leaves`, or an error that says why no leaf gets a gradient and what to write."""
    if not leaves:
        why = ("every leaf is declared input, target or const"
               if any(n.is_leaf for n in program.nodes.values()) else "it has no leaves")
        raise GraphdrawError(f"no leaf of this model gets a gradient: {why}",
                             hint="use a parameter in the equations ('param w'), or name the "
                                  "leaves to differentiate with respect to: --wrt x")
    return leaves


def needs_grad(program: Program, leaves: set[str] | None = None) -> set[str]:
    """Nodes whose value depends on one of `leaves` (default: every gradient leaf)."""
    leaves = set(gradient_leaves(program)) if leaves is None else leaves
    wants = set()
    for node in program.nodes.values():
        if node.is_leaf:
            if node.id in leaves:
                wants.add(node.id)
        elif node.op is not None and any(a in wants for a in node.args):
            wants.add(node.id)
    return wants


def backward(program: Program, vals: dict, output: str | None = None,
             wrt: set[str] | None = None) -> dict:
    """Adjoints ∂output/∂node for every node that needs one (non-scalar output: its sum)."""
    output = output or program.output
    wants = needs_grad(program, wrt)
    grads = {output: np.ones_like(vals[output])}
    with np.errstate(all="ignore"):
        for node in reversed(program.nodes.values()):
            node_id = node.id
            if node.op is None or node_id not in grads:
                continue
            contributions = _vjp(program, node, grads[node_id], vals)
            for arg, g in zip(node.args, contributions):
                if arg not in wants:
                    continue
                if not isinstance(g, np.ndarray) or g.dtype != np.float64:
                    g = np.asarray(g, dtype=float)
                if not np.isfinite(g).all():
                    bad = "NaN" if np.any(np.isnan(g)) else "infinite"
                    raise at_node(program, node_id, f"the gradient flowing back through "
                                  f"{_where(program, node_id)} is {bad}",
                                  hint=f"{node.op}'s derivative is not finite at these "
                                  "values (as sqrt's at 0): try others (--seed, --set)")
                grads[arg] = grads[arg] + g if arg in grads else g
    return grads


def _vjp(program: Program, node, g, vals: dict) -> list:
    """What a node sends back to each operand; in a plate, sample by sample.

    An operand per sample gets each sample's part (stacked); an operand shared by all
    samples (a parameter) gets the sum over the samples.
    """
    row = ops.OPS[node.op]
    args = [vals[a] for a in node.args]
    if node.plate is None:
        return list(row.vjp(g, vals[node.id], *args))
    per = _per_sample(program, node)
    out_values = vals[node.id]
    samples = [row.vjp(g[k], out_values[k], *_sample(args, per, k))
               for k in range(len(out_values))]
    result = []
    for position in range(len(node.args)):
        parts = [np.asarray(s[position], dtype=float) for s in samples]
        result.append(np.stack(parts) if per[position] else sum(parts[1:], parts[0]))
    return result


_TEMPLATE_PROGRAMS: dict[str, Program] = {}


def local_derivative(template: str, operands: dict) -> "np.ndarray":
    """The value of a local-derivative template (over a, b, out) at the given operand values."""
    from graphdraw.language.parser import parse
    program = _TEMPLATE_PROGRAMS.get(template)
    if program is None:
        program = _TEMPLATE_PROGRAMS[template] = parse("t_ = " + template, syntax="plain")
    leaves = {n.id: operands[n.id] for n in program.nodes.values() if n.is_leaf}
    return forward(program, leaves, checked=False)[program.output]



def local_values(program: Program, vals: dict) -> dict:
    """The numeric local derivative on every edge: {(operand, result, position): array}."""
    out = {}
    for node in program.nodes.values():
        if node.op is None:
            continue
        row = ops.OPS[node.op]
        if node.plate is not None:       # per sample, stacked
            per = _per_sample(program, node)
            samples = []
            for k in range(len(vals[node.id])):
                args = _sample([vals[a] for a in node.args], per, k)
                operands = dict(zip("ab", args), out=vals[node.id][k])
                samples.append([local_derivative(d, operands) for d in row.derivs])
            for position, arg in enumerate(node.args):
                out[(arg, node.id, position)] = np.stack([np.asarray(s[position], dtype=float)
                                                          for s in samples])
            continue
        operands = dict(zip("ab", (vals[a] for a in node.args)), out=vals[node.id])
        for position, arg in enumerate(node.args):
            out[(arg, node.id, position)] = local_derivative(row.derivs[position], operands)
    return out
