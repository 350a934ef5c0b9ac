"""Tooltips: what a node, an edge or an operation node shows when hovered or focused."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from graphdraw.formats.html.mathml import mathml, value_html
from graphdraw.formats.html.tex import Tex
from graphdraw.lazy import np

if TYPE_CHECKING:
    import networkx as nx

    from graphdraw.language.program import Program

KIND_WORDS = {"input": "input (data)", "target": "target", "param": "parameter",
              "constant": "constant", "intermediate": "intermediate value",
              "output": "output"}
# How the adjoint ḡ = ∂L/∂head meets an edge's local derivative D (see `graphdraw ops`).
COMBINE_TEX = {"elementwise": r"{g} \odot D", "matmul_left": r"{g} \, D",
               "matmul_right": r"D^\top \, {g}", "transpose": r"\left({g} \odot D\right)^\top",
               "softmax": r"D \odot \left({g} - \langle {g}, D \rangle\right)",
               "log_softmax": r"{g} - D \, \langle {g}, \mathbf{{1}} \rangle"}
COMBINE_WORDS = {"elementwise": "; ⊙ multiplies entry by entry",
                 "matmul_left": "; a matrix product", "matmul_right": "; a matrix product",
                 "transpose": "; ⊙ multiplies entry by entry",
                 "softmax": "; ⟨ , ⟩ sums over the vector",
                 "log_softmax": "; ⟨ , ⟩ sums over the vector"}


def node_tip(program: Program, graph: nx.MultiDiGraph, node_id: str, numbers: dict,
             tex: Tex, shapes: dict) -> str:
    """A node's tooltip: name and kind, computation, value, gradient."""
    from graphdraw.ops.shapes import fmt
    node = program.nodes[node_id]
    data = graph.nodes[node_id]
    kind = data.get("kind", "intermediate")
    words = KIND_WORDS.get(kind, "value")
    if kind == "intermediate" and node.name is None:
        words = "intermediate value (unnamed)"
    shape = fmt(tuple(shapes.get(node_id, ()))) if node_id in shapes else None
    name = tex.name(node_id)
    heading = tex.name(node_id, wrap=False)
    rows = []
    if node.op is not None:
        rhs = tex.printer.expression(node)[0]
        formula = f"{name} = {rhs}" if node.name is not None else rhs
        rows.append(("computes", mathml(formula)))
    elif node.is_const:
        rows.append(("computes", "a constant of the model"))
    else:
        rows.append(("computes", "nothing: a leaf, given a value"))
    if shape is not None:
        rows.append(("shape", html.escape(shape)))
    value = (numbers.get("values") or {}).get(node_id)
    if value is not None:
        prefix = f"{name} =" if (node.name is not None or node.is_leaf) else "="
        rows.append(("value", value_html(value, prefix=prefix)))
    grad = (numbers.get("grads") or {}).get(node_id)
    if grad is not None:
        rows.append(("gradient", value_html(grad, prefix=f"{tex.grad(node_id)} =")))
    else:
        why = {"input": "none: inputs take no gradient",
               "target": "none: targets take no gradient",
               "constant": "none: a constant takes no gradient"}.get(
            kind, "none: no parameter flows into this value")
        rows.append(("gradient", html.escape(why)))
    head = (f'<div class="tip-head"><span class="tip-name">{mathml(heading)}</span> '
            f'<span class="tip-kind">{html.escape(words)}</span></div>')
    where = f'<div class="tip-foot">line {node.line} of the model</div>' if node.line else ""
    return head + _rows(rows) + where


def edge_tip(program: Program, graph: nx.MultiDiGraph, tail: str, head: str, position: int,
             data: dict, numbers: dict, tex: Tex) -> str:
    """An edge's tooltip: the local derivative ∂head/∂tail, its value, how it is used."""
    local_tex = tex.local(tail, head, position)
    symbol = rf"\partial {tex.name(head)} / \partial {tex.name(tail)}"
    rows = [("local derivative", mathml(f"{symbol} = {local_tex}"))]
    value = (numbers.get("local") or {}).get((tail, head, position))
    if value is not None:
        shown = np.asarray(value, dtype=float)
        if np.isfinite(shown).all():
            rows.append(("value", value_html(shown)))
        else:
            rows.append(("value", "not defined at these values"))
    tail_kind = graph.nodes[tail].get("kind")
    if (numbers.get("grads") or {}).get(tail) is None:
        why = {"constant": "none: no gradient flows into a constant",
               "input": "none: inputs take no gradient",
               "target": "none: targets take no gradient"}.get(
            tail_kind, "none: no parameter flows into this value")
        rows.append(("backward", html.escape(why)))
    else:
        combine = data.get("combine", "elementwise")
        pattern = COMBINE_TEX.get(combine)
        if pattern is not None:
            g = rf"\partial {tex.out} / \partial {tex.name(head)}"
            how = COMBINE_WORDS.get(combine, "")
            flow = (f"{mathml(pattern.format(g=g))} is added to {mathml(tex.grad(tail))}"
                    f'<div class="muted">D: this local derivative{how}</div>')
            rows.append(("backward", flow))
    arrow = mathml(tex.name(tail, wrap=False) + r" \to " + tex.name(head, wrap=False))
    heading = (f'<div class="tip-head"><span class="tip-name">{arrow}</span> '
               '<span class="tip-kind">arrow</span></div>')
    return heading + _rows(rows)


def op_tip(program: Program, node_id: str, tex: Tex) -> str:
    """The tooltip of an operation node (--style ops): what it computes, from the op table."""
    from graphdraw import ops
    node = program.nodes[node_id]
    row = ops.OPS[node.op]
    rhs = tex.printer.expression(node)[0]
    formula = f"{tex.name(node_id)} = {rhs}" if node.name is not None else rhs
    head = (f'<div class="tip-head"><span class="tip-name">{html.escape(row.name)}</span> '
            '<span class="tip-kind">operation</span></div>')
    return head + _rows([("computes", mathml(formula)), ("operation", html.escape(row.doc))])


def _rows(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{html.escape(label)}</dt><dd>{content}</dd>" for label, content in rows)
    return f"<dl>{body}</dl>"
