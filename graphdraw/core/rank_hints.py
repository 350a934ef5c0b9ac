"""The rank each value's names suggest, for shape inference's defaults (core/infer.py)."""

from __future__ import annotations

from graphdraw import ops
from graphdraw.language.program import Node


class Hints:
    """The rank each value would have if every leaf of unknown rank had the rank its name
    suggests (a capital first letter: a matrix, else a vector), by shape variable; worked
    out only for the values a default asks about."""

    def __init__(self, problem) -> None:
        self.problem = problem
        self.node_of = {t: node_id for node_id, t in problem.term.items()}
        self.known: dict[str, int | None] = {}

    def get(self, t: int) -> int | None:
        node_id = self.node_of.get(t)
        if node_id is None:
            return None
        nodes, known = self.problem.program.nodes, self.known
        stack = [node_id]
        while stack:                    # operands first, without recursion
            node = nodes[stack[-1]]
            todo = [a for a in node.args if a not in known]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            known[node.id] = self._own(node)
        return known[node_id]

    def _own(self, node: Node) -> int | None:
        if node.is_const:
            return 0
        if node.is_leaf:
            rank = self.problem.s.rank(self.problem.term[node.id])
            capital = (node.name or node.id)[:1].isupper()
            return rank if rank is not None else (2 if capital else 1)
        return _hint(ops.OPS[node.op], [self.known[a] for a in node.args])


def _hint(row: ops.Op, ranks: list) -> int | None:
    """The rank an op's result would have if each leaf had the rank its name suggests."""
    if None in ranks:
        return None
    try:
        shape = row.shape(*[(1,) * r for r in ranks])
    except Exception:  # noqa: BLE001 - a rule that refuses these shapes suggests nothing
        return None
    return None if shape is None else len(shape)
