"""The target of a loss: y of cross_entropy(z, y) or bce(p, y), and of a cross-entropy written
out: −Σ_k y_k log ŷ_k, −yᵀ log ŷ, (1 − y) log(1 − p).

An undeclared leaf that is a loss op's target operand (its table row's `target` positions), or
that multiplies the log of a value, is read as a target (no gradient; its random values are
probabilities: a probability vector next to the log of a softmax, else numbers in [0, 1]), with
a note. Declaring it (`param y`) keeps it a parameter.
"""

from __future__ import annotations

from graphdraw.language.program import Node, Program

_PRODUCTS = ("mul", "matmul", "dot")


def loss_targets(program: Program) -> dict[str, tuple[str | None, str | None]]:
    """leaf id -> (domain 'simplex', 'unit' or None, why it is read as a target) for every
    leaf that is a loss op's target operand or multiplies the log of a value (declared or
    not). `why` is None for a loss op's own target operand: it has no other reading, so it
    gets no note."""
    from graphdraw import ops
    from graphdraw.language import names
    nodes = program.nodes
    found: dict[str, tuple[str | None, str | None]] = {}
    losses = {name for name, row in ops.OPS.items() if row.extra.get("target")}
    for node in nodes.values():
        op = node.op
        if op in losses:
            row = ops.OPS[op]
            for position in row.extra["target"]:
                leaf = nodes[node.args[position]]
                if leaf.is_leaf:
                    domain = next((d for d in ("simplex", "unit")
                                   if position in row.extra.get(d, ())), None)
                    found.setdefault(leaf.id, (domain, None))
            continue
        if op not in _PRODUCTS or len(node.args) != 2 or (
                nodes[node.args[0]].op != "log" and nodes[node.args[1]].op != "log"):
            continue                    # most nodes: no product with a log
        for side, other in ((0, 1), (1, 0)):
            logged = nodes[node.args[other]]
            if logged.op != "log":
                continue
            leaf = _target_leaf(nodes, nodes[node.args[side]])
            if leaf is not None:
                inner = nodes[logged.args[0]]
                simplex = inner.op == "softmax" and leaf.shape != ()
                of = names.pretty(inner.id) if inner.id[0] != "%" else "a value"
                found.setdefault(leaf.id, ("simplex" if simplex else "unit",
                                           f"it multiplies the log of {of}, as in a "
                                           "cross-entropy"))
    return found


def _target_leaf(nodes: dict[str, Node], node: Node) -> Node | None:
    """y, yᵀ, −yᵀ or 1 − y: the leaf y, else None."""
    for _ in range(3):
        if node.op in ("transpose", "neg"):
            node = nodes[node.args[0]]
        elif node.op == "sub" and nodes[node.args[0]].is_const:
            node = nodes[node.args[1]]
    return node if node.is_leaf else None


def mark_targets(program: Program, declared: set[str], note) -> None:
    """Undeclared leaves of loss_targets become targets, with a note where the reading was a
    choice (a leaf that multiplies a log)."""
    for leaf_id, (domain, why) in loss_targets(program).items():
        node = program.nodes[leaf_id]
        if leaf_id in declared or node.role not in (None, "input") or node.default is not None:
            continue
        node.role = "target"
        if why is not None:
            note(leaf_id, node, why, domain)


def probability_leaves(program: Program) -> frozenset[str]:
    """Targets declared with one-hot or probability values (`target y = [0, 1]`, a row per
    sample for y_n): entries in [0, 1] summing to 1 along the last axis. Their sum is 1, so a
    derivative's sum(y) · softmax(z) − y prints as softmax(z) − y; a target without declared
    values (or with other values) keeps its sum."""
    return frozenset(node.id for node in program.nodes.values()
                     if node.is_leaf and node.role == "target" and _sums_to_one(node.default))


def _sums_to_one(value) -> bool:
    if not isinstance(value, list) or not value:
        return False
    if all(isinstance(v, list) for v in value):
        return all(_sums_to_one(v) for v in value)
    if not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in value):
        return False
    return abs(sum(value) - 1) < 1e-9
