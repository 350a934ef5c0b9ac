"""graphdraw's own backprop: one generic reverse walk over the nodes, from the op table.

Each op's VJP row turns the adjoint of its result into contributions to its operands, which
add up where a value is used twice; in a plate, sample by sample. Also the numeric local
derivative on every edge, from the row's derivative templates.
"""

from __future__ import annotations

from graphdraw import ops
from graphdraw.errors import GraphdrawError
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric.evaluate import at_node, forward, per_sample, sample_of, where


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
                                  f"{where(program, node_id)} is {bad}",
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
    per = per_sample(program, node)
    out_values = vals[node.id]
    samples = [row.vjp(g[k], out_values[k], *sample_of(args, per, k))
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
            per = per_sample(program, node)
            samples = []
            for k in range(len(vals[node.id])):
                args = sample_of([vals[a] for a in node.args], per, k)
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
