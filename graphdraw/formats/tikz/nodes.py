r"""Nodes: a \node where dot placed each value, its label typeset by LaTeX.

A value's label stacks its name, computation, shape and numbers as the SVG does; in the ops
style each operation is a node of its own, showing the op table's symbol.
"""

from __future__ import annotations

from graphdraw.formats.graphviz import draw
from graphdraw.formats.tikz.layout import label_text, node_look, to_float
from graphdraw.formats.tikz.numbers import number_lines, number_math, numbers_cell, value_shape
from graphdraw.formats.tikz.scene import Scene
from graphdraw.formats.tikz.styles import NAME_FONT, NAME_GAP, SMALL_FONT, role_of
from graphdraw.formats.tikz.text import escape, math, num


def draw_nodes(scene: Scene) -> list[str]:
    """One \\node per node dot placed; a style per kind, from its first node."""
    lines = []
    legend_prefix = "n" + draw.LEGEND_ID
    for obj in scene.nodes:
        name = str(obj.get("name", ""))
        if "pos" not in obj or name.startswith(legend_prefix):
            continue
        node, is_op = scene.owner.get(name, (None, False))
        if node is None:
            kind, tikz = "other", f"gd other {obj.get('_gvid')}"
            text = escape(label_text(obj.get("_ldraw_")))
        elif is_op:
            kind, tikz = "op", scene.names[node] + " op"
            text = _op_text(scene.graph.nodes[node].get("op"),
                            label_text(obj.get("_ldraw_")))
        else:
            data = scene.graph.nodes[node]
            kind, tikz = str(data.get("kind", "intermediate")), scene.names[node]
            text = _node_text(scene, node, data)
        opts = scene.pic.options(role_of(kind), node_look(obj))
        style = "gd " + kind
        if style not in scene.pic.styles:
            scene.pic.styles[style] = ", ".join(opts)
        extra = [o for o in opts if o not in scene.pic.styles[style].split(", ")]
        lines.append(_node_line(obj, [style] + extra, tikz, text))
    return lines


def _node_text(scene: Scene, node: object, data: dict) -> str:
    """The LaTeX inside a value's node: name, computation, shape, numbers (as the SVG)."""
    kind = data.get("kind", "intermediate")
    label, forward = data.get("label_latex"), data.get("forward_latex")
    if kind == "constant":
        if not label:
            return f"${math(forward or '')}$"
        lines = [f"{{\\large${math(label)}$}}"]
        value = data.get("value", data.get("default"))
        if value is not None:
            lines.append(f"{{{SMALL_FONT}$= {_constant(value)}$}}")
        return _stack(lines, named=True)
    shape = None
    if scene.shapes:
        shape = _shape_latex(data.get("shape") if data.get("shape") is not None
                             else value_shape(scene.numbers, node))
    lines = []
    if label is None:
        if node in scene.referenced:
            lines.append(f"{{{SMALL_FONT}\\color{{{scene.muted}}}{escape(str(node))}}}")
        lines.append(f"${math(forward or '')}$")
    else:
        lines.append(f"{{{NAME_FONT}${math(label)}$}}")
        if data.get("op") is not None and forward and not scene.ops_style:
            lines.append(f"${math(forward)}$")
        if shape:
            lines.append(f"{{{SMALL_FONT}\\color{{{scene.muted}}}{shape}}}")
    rows, specs = [], []
    value = (scene.numbers.get("values") or {}).get(node)
    if value is not None:
        rows.append(("=", number_lines(value), None))
        specs.append(scene.overlay("values", node))
    gradient = (scene.numbers.get("grads") or {}).get(node)
    if gradient is not None:
        symbol = math(label) if label else r"\cdot"
        rows.append((f"{scene.grad_of}{symbol} =", number_lines(gradient), scene.grad))
        specs.append(scene.overlay("grads", node))
    if rows:
        lines.append(numbers_cell(rows, specs))
    return _stack(lines, named=label is not None)


def _shape_latex(shape: object) -> str | None:
    """A shape as LaTeX: $2 \\times 3$, $2$, scalar."""
    if shape is None:
        return None
    try:
        dims = [int(d) for d in shape]
    except (TypeError, ValueError):
        return None
    return "scalar" if not dims else "$" + r" \times ".join(map(str, dims)) + "$"


def _stack(lines: list[str], named: bool) -> str:
    """Lines of a node, centred; a large name gets room for its descender (ŷ over Wᵀ)."""
    if named and len(lines) > 1:
        return lines[0] + NAME_GAP + r"\\".join(lines[1:])
    return r"\\".join(lines)


def _op_text(op: str | None, drawn: str) -> str:
    r"""The symbol in an operation node (--style ops): the op table's LaTeX for a function,
    else the symbol render drew, escaped.

    >>> _op_text("tanh", "tanh"), _op_text("sqrt", "sqrt"), _op_text("mul", "·")
    ('$\\tanh$', '$\\sqrt{\\cdot}$', '$\\cdot$')
    """
    from graphdraw import ops
    row = ops.OPS.get(op) if op is not None else None
    if row is not None and row.name == "pow":
        return r"$(\cdot)^{(\cdot)}$"
    if row is not None and row.style == "call" and row.latex:
        latex = row.latex.format(r"\cdot") if "{0}" in row.latex else row.latex
        return f"${latex}$"
    return escape(drawn)


def _constant(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return number_math(str(value))


def _node_line(obj: dict, opts: list[str], name: str, text: str) -> str:
    x, y = (float(v) for v in str(obj["pos"]).split(",")[:2])
    size = [f"minimum width={num(to_float(obj.get('width'), 0.5) * 72)}bp",
            f"minimum height={num(to_float(obj.get('height'), 0.3) * 72)}bp"]
    return f"\\node[{', '.join(opts + size)}] ({name}) at ({num(x)},{num(y)}) {{{text}}};"
