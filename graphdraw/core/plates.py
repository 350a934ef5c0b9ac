"""Plates: values per sample (x_n, y_n, and all computed from them) and Σ_n that sums them.

A leaf whose subscript is the index of a Σ_n in the model holds one value per sample; its
value carries a leading axis of N samples. Every value computed from it is per sample too,
until Σ_n sums the samples away. evaluate.py computes each op of a plate once per sample;
`unroll` writes the same computation out sample by sample, for torch (graphdraw check).
"""

from __future__ import annotations

from graphdraw.errors import GraphdrawError
from graphdraw.lazy import np
from graphdraw.language.program import Node, Program

DEFAULT_SAMPLES = 4      # samples for random values when nothing says how many


def sample_count(program: Program, values: dict, error=GraphdrawError) -> int | None:
    """N, from the leading axis of the per-sample leaves' values (None without a plate).

    All of them must agree, and agree with a number of samples the model states
    (Σ_n^4, or Σ_n^N with `dim N = 4`).
    """
    count, first = None, None
    for node in program.nodes.values():
        if not node.is_leaf or node.plate is None:
            continue
        shape = np.shape(values[node.id])
        if len(shape) == 0 or shape[0] == 0:
            raise error(f"'{node.id}' holds one value per sample {node.plate}: give it a list "
                        f"with one entry per sample, e.g. --set {node.id}=[0, 1, 1, 0]")
        if count is None:
            count, first = shape[0], node.id
        elif shape[0] != count:
            raise error(f"'{node.id}' has {shape[0]} samples but '{first}' has {count}",
                        hint="give every value per sample the same number of samples")
    if count is None:
        return None
    for index, upper in program.plates.items():
        stated = stated_count(program, index)
        if stated is not None and stated != count:
            raise error(f"the model sums over {upper} = {stated} samples, but the values "
                        f"per sample have {count}")
    return count


def stated_count(program: Program, index: str) -> int | None:
    """The number of samples the model states for Σ_index: Σ_n^4, or Σ_n^N with dim N = 4."""
    upper = program.plates.get(index, "")
    if upper.isdigit():
        return int(upper)
    return program.dims.get(upper)


def default_count(program: Program, given: dict) -> int:
    """How many samples random values per sample get: from given or declared values, or
    the number the model states, else DEFAULT_SAMPLES."""
    for node in program.nodes.values():
        if node.is_leaf and node.plate is not None:
            if node.id in given and np.ndim(given[node.id]) > 0:
                return int(np.shape(given[node.id])[0])
            if isinstance(node.default, list):
                return len(node.default)
    for index in program.plates:
        stated = stated_count(program, index)
        if stated is not None:
            return stated
    return DEFAULT_SAMPLES


def count_value(program: Program, given: dict, node: Node):
    """The value of a count leaf, N in `1/N Σ_n`: the number of samples, never set by hand."""
    if node.id in given:
        raise GraphdrawError(f"'{node.id}' is the number of samples {node.counts} (of "
                             f"Σ_{node.counts}): it follows from the values per sample",
                             hint=f"give the values per sample instead, or declare "
                                  f"'dim {node.id} = 4'")
    return np.asarray(float(default_count(program, given)))


def has_plates(program: Program) -> bool:
    return any(node.plate is not None for node in program.nodes.values())


def sample_id(node_id: str, index: str, k: int) -> str:
    """The id of sample k (1-based) of a per-sample value: x_n -> x_1, %5 -> %5.1.

    >>> sample_id("y_hat_n", "n", 3), sample_id("a_n'", "n", 1), sample_id("%5", "n", 2)
    ('y_hat_3', "a_1'", '%5.2')
    """
    if node_id.startswith("%"):
        return f"{node_id}.{k}"
    base = node_id.partition("'")[0]
    primes = node_id[len(base):]
    parts = base.split("_")
    parts = parts[:1] + [str(k) if p == index else p for p in parts[1:]]
    return "_".join(parts) + primes


def unroll(program: Program, values: dict) -> tuple[Program, dict]:
    """The same model without plates: each per-sample value once per sample, Σ_n as additions.

    x_n becomes x_1 … x_N (inputs with the samples' values), a_n becomes a_1 … a_N, and Σ_n
    a chain of + that keeps the sum's id. Gradient leaves keep their ids and values.
    """
    count = sample_count(program, values)
    if count is None:
        return program, values
    out = Program(program.source, dims=dict(program.dims))
    new_values = {}
    taken = set(program.nodes)
    copies: dict[str, list[str]] = {}

    def fresh(node_id: str) -> str:
        while node_id in taken:
            node_id += "'" if not node_id.startswith("%") else "_"
        taken.add(node_id)
        return node_id

    counter = 0
    for node in program.nodes.values():
        if node.plate is None and not (node.op and "plate" in _row(node).extra):
            copy = _copy(node, node.id, node.args)
            out.nodes[node.id] = copy
            if node.is_leaf:
                new_values[node.id] = values[node.id]
            continue
        if node.plate is not None:
            ids = []
            for k in range(1, count + 1):
                new_id = fresh(sample_id(node.id, node.plate, k))
                args = tuple(copies[a][k - 1] if a in copies else a for a in node.args)
                copy = _copy(node, new_id, args)
                copy.plate = None
                if node.name is not None:
                    copy.name = sample_id(node.name, node.plate, k)
                out.nodes[new_id] = copy
                if node.is_leaf:
                    new_values[new_id] = np.asarray(values[node.id], dtype=float)[k - 1]
                    copy.default = None
                ids.append(new_id)
            copies[node.id] = ids
            continue
        # Σ_n: the samples' terms added up, the last addition keeping the sum's id.
        terms = copies[node.args[0]]
        if len(terms) == 1:
            out.nodes[node.id] = _copy(node, node.id, (terms[0],), op="id")
            continue
        total = terms[0]
        for k, term in enumerate(terms[1:], start=2):
            if k == len(terms):
                new_id = node.id
            else:
                counter += 1
                new_id = fresh(f"%{node.id.lstrip('%')}+{counter}")
            out.nodes[new_id] = _copy(node, new_id, (total, term), op="add")
            if new_id != node.id:
                out.nodes[new_id].name = None
            total = new_id
    out.output = program.output
    return out, new_values


def _row(node: Node):
    from graphdraw import ops
    return ops.OPS[node.op]


def _copy(node: Node, new_id: str, args: tuple, op: str | None = None) -> Node:
    return Node(new_id, op=op or node.op, args=args, name=node.name, version=node.version,
                role=node.role, shape=node.shape, value=node.value, default=node.default,
                text=node.text, line=node.line, col=node.col)
