"""The sections below the diagram: forward and backward equations, the leaves, the model."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from graphdraw.formats.html.mathml import mathml, value_html
from graphdraw.formats.html.tex import Tex, grad_header

if TYPE_CHECKING:
    import networkx as nx

    from graphdraw.language.program import Program


def forward_section(program: Program, numbers: dict, tex: Tex) -> str:
    """Forward pass: each named value's equation in the order computed, and its value."""
    from graphdraw.language.notation import number
    rows = []
    for node in program.nodes.values():
        if node.name is None or node.is_leaf:
            continue
        rhs = tex.printer.expression(node)[0] if node.op is not None else \
            number(node.text, "latex")[0]
        value = (numbers.get("values") or {}).get(node.id)
        rows.append(_equation_row(tex.name(node.id), rhs, value))
    if not rows:
        return ""
    return ('<section class="column" id="forward">\n<h2>Forward pass</h2>\n'
            "<p>Each named value in the order the model computes it, and its value.</p>\n"
            f'<div class="scroll"><table class="equations">{"".join(rows)}</table></div>\n'
            "</section>")


def backward_section(program: Program, numbers: dict, tex: Tex, shapes: dict) -> str:
    """Backward pass: the gradient equations in the model's names, and their values."""
    from graphdraw.numeric import adjoint
    from graphdraw.numeric import backprop
    wants = backprop.needs_grad(program, set(backprop.gradient_leaves(program)))
    equations = adjoint.equations(program, shapes, "latex", wants=wants)
    grads = numbers.get("grads") or {}
    rows = [_equation_row(e.lhs, e.rhs, grads.get(e.node)) for e in equations]
    summed = tuple(shapes.get(program.output, ())) != ()
    note = (f" The output {mathml(tex.out)} is not a scalar: graphdraw differentiates the sum "
            "of its entries." if summed else "")
    return ('<section class="column" id="backward">\n<h2>Backward pass</h2>\n'
            f"<p>The gradient of {mathml(tex.out)} with respect to each value, from the output "
            "down, in the model's own names. A named value further down refers to the "
            f"gradients above it; the last column is the value at these numbers.{note}</p>\n"
            f'<div class="scroll"><table class="equations">{"".join(rows)}</table></div>\n'
            "</section>")


def _equation_row(lhs: str, rhs: str, value: object) -> str:
    shown = value_html(value) if value is not None else ""
    return (f'<tr><td class="lhs">{mathml(lhs, source=True)}</td><td class="eq">'
            f"{mathml('=')}</td>"
            f'<td class="rhs">{mathml(rhs, source=True)}</td>'
            f'<td class="value">{shown}</td></tr>')


def leaves_section(program: Program, graph: nx.MultiDiGraph, numbers: dict, tex: Tex,
                   shapes: dict, leaf_values: dict) -> str:
    """The leaves' roles, shapes, values and gradients, and the output's value."""
    from graphdraw.ops.shapes import fmt
    values = numbers.get("values") or {}
    grads = numbers.get("grads") or {}
    rows = []
    for node in program.nodes.values():
        if not node.is_leaf:
            continue
        kind = graph.nodes[node.id].get("kind", "param") if node.id in graph else "param"
        words = {"param": "parameter", "input": "input", "target": "target"}.get(kind, kind)
        value = values.get(node.id, leaf_values.get(node.id))
        grad = grads.get(node.id)
        rows.append(f"<tr><td>{mathml(tex.name(node.id))}</td><td>{html.escape(words)}</td>"
                    f"<td>{html.escape(fmt(tuple(shapes.get(node.id, ()))))}</td>"
                    f'<td class="value">{value_html(value) if value is not None else ""}</td>'
                    f'<td class="value">{value_html(grad) if grad is not None else "—"}</td>'
                    "</tr>")
    out_value = values.get(program.output)
    at = (f"<p>At these values {value_html(out_value, prefix=f'{tex.out} =')}.</p>\n"
          if out_value is not None else "")
    head = (f"<tr><th>leaf</th><th>role</th><th>shape</th><th>value</th>"
            f"<th>gradient {mathml(grad_header(tex))}</th>"
            "</tr>")
    return ('<section class="column" id="leaves">\n<h2>Leaves: values and gradients</h2>\n'
            f"{at}"
            f'<div class="scroll"><table class="numbers"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>\n</section>')


def source_section(program: Program) -> str:
    """The model as written, folded away."""
    text = program.source.text.rstrip("\n")
    return ('<section class="column" id="model">\n<details>\n<summary>The model as written'
            f"</summary>\n<pre>{html.escape(text, quote=False)}</pre>\n</details>\n</section>")
