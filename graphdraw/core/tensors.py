"""Shape inference's step 1b (core/infer.py): a leaf that a transpose or a reduction over a
whole tensor takes is a tensor, and the note for a reduction left over a scalar.

`wᵀ`, `sum(x)`, `mean(x − μ)` and `‖w‖` of a scalar are the scalar itself: nobody writes them
for that, so the one leaf of unknown rank that decides the operand's rank takes the rank its
name suggests (a vector, a matrix for a capital name). An operand over several such leaves
(`mean((w x − y)²)`) does not say which; they become scalars later, and a note names them.
"""

from __future__ import annotations

from graphdraw import ops
from graphdraw.language import names
from graphdraw.language.program import Node
from graphdraw.ops import shapes


def _free_leaf(problem, node_id: str) -> Node | None:
    """The leaf of unknown rank that alone decides the rank of value `node_id` (x of x,
    x − μ, (x − μ)², exp(x)), down elementwise ops whose other operands are scalars."""
    s, nodes = problem.s, problem.program.nodes
    node = nodes[node_id]
    while not node.is_leaf:
        rule = ops.OPS[node.op].shape if node.op is not None else None
        if rule not in (shapes.broadcast, shapes.same):
            return None
        open_ = [a for a in node.args if s.rank(problem.term[a]) != 0]
        if len(open_) != 1:
            return None
        node = nodes[open_[0]]
    return node if s.dims(problem.term[node.id]) is None else None


def mark(problem) -> bool:
    """Step 1b: a leaf of unknown rank transposed or reduced over as a whole (wᵀ, sum(x),
    mean(x − μ), ‖w‖), directly or through elementwise ops with scalars, takes the rank its
    name suggests: a vector, or a matrix for a capital name; never a scalar."""
    found = False
    for node in problem.program.nodes.values():
        if node.op is None or ops.OPS[node.op].shape not in (shapes.reduce,
                                                             shapes.transpose):
            continue
        leaf = _free_leaf(problem, node.args[0])
        if leaf is not None:
            capital = (leaf.name or leaf.id)[:1].isupper()
            problem.s.unify(problem.term[leaf.id], problem.s.fresh(2 if capital else 1))
            found = True
    return found


def reduced_scalars(problem) -> None:
    """A note for each reduction over a whole tensor whose operand came out a scalar only
    because step 3b made its leaves scalars (`mean((w x − y)²)` with nothing given)."""
    s, nodes = problem.s, problem.program.nodes
    for node in nodes.values():
        if node.op is None or ops.OPS[node.op].shape is not shapes.reduce \
                or s.rank(problem.term[node.args[0]]) != 0:
            continue
        made = [leaf for leaf in _leaves_under(nodes, node.args[0])
                if leaf in problem.made_scalar]
        if made:
            shown = [names.pretty(x) for x in made]
            if len(shown) > 4:          # a long sum of leaves: the first few
                shown = [*shown[:3], f"{len(shown) - 3} more"]
            name, them = ops.OPS[node.op].name, " and ".join(
                [", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
            are = "they are scalars" if len(made) > 1 else "it is a scalar"
            problem.readings.append(
                f"{name}(…) on line {node.line} takes a scalar: nothing in the model makes "
                f"{them} a vector, so {are}; declare a shape (`param {shown[0]}[3]`) or "
                f"give a value (--set {made[0]}=[1, 2, 3]) for a {name} over entries")


def _leaves_under(nodes: dict, node_id: str) -> list[str]:
    """The leaves value `node_id` is computed from, in program order."""
    seen, stack = set(), [node_id]
    while stack:
        node = nodes[stack.pop()]
        if node.id not in seen:
            seen.add(node.id)
            stack.extend(node.args)
    return [n for n in nodes if n in seen and nodes[n].is_leaf]
