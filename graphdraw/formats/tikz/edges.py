r"""Edges: a \draw along each spline dot laid out, and each local derivative where dot put it."""

from __future__ import annotations

from graphdraw.formats.graphviz import draw
from graphdraw.formats.tikz.layout import (Look, label_text, ops_look, spline_points,
                                           text_colour, to_float)
from graphdraw.formats.tikz.numbers import number_lines, numbers_cell
from graphdraw.formats.tikz.scene import Scene
from graphdraw.formats.tikz.text import escape, math, num


def draw_edges(scene: Scene) -> tuple[list[str], list[str]]:
    """A \\draw along each edge's spline and a \\node at each label."""
    graph = scene.graph
    pending: dict[frozenset, list] = {}
    for edge in sorted(graph.edges(keys=True, data=True),
                       key=lambda e: (scene.order[e[1]], e[3].get("arg", e[2]),
                                      scene.order[e[0]])):
        pending.setdefault(frozenset(edge[:2]), []).append(edge)
    local = scene.numbers.get("local") or {}
    lines: list[str] = []
    labels: list[str] = []
    base: dict[str, list[str]] = {}
    for obj in scene.layout.get("edges") or []:
        if "invis" in str(obj.get("style", "")):
            continue
        ends = [scene.by_gvid.get(obj.get("tail")), scene.by_gvid.get(obj.get("head"))]
        if None in ends or any(str(e.get("name", "")).startswith("n" + draw.LEGEND_ID)
                               for e in ends):
            continue
        owners = [scene.owner.get(str(e.get("name")), (None, False))[0] for e in ends]
        matches = pending.get(frozenset(owners)) if None not in owners else None
        edge = matches.pop(0) if matches and owners[0] != owners[1] else None
        constant = edge is not None and graph.nodes[edge[0]].get("kind") == "constant"
        look = ops_look(obj.get("_draw_"), Look())
        if look.width is None:
            look.width = to_float(obj.get("penwidth"), 1.0)
        arrow = to_float(obj.get("arrowsize"), 1.0)
        role, style = ("gdConstantEdge", "gd constant edge") if constant else \
            ("gdEdge", "gd edge")
        opts = scene.pic.options(role, look, node=False)
        tip = (f">={{Stealth[length={num(8 * arrow)}bp, width={num(6 * arrow)}bp, "
               f"inset={num(2 * arrow)}bp]}}")
        if style not in base:
            base[style] = opts + [tip]
            scene.pic.styles[style] = ", ".join(base[style])
        extra = [o for o in opts + [tip] if o not in base[style]]
        points, start, end = spline_points(obj.get("pos", ""))
        if len(points) < 4:
            continue
        if start and not end:                # dir=back: the arrow is at dot's tail
            points.reverse()
            ends.reverse()
            start, end = False, True
        arrows = ("<" if start else "") + "-" + (">" if end else "")
        opts = [style] + extra + ([arrows] if arrows != "-" else [])
        lines.append(_draw(scene, opts, ends, points))
        if edge is not None:             # render --steps: the slides that use this edge
            used = (edge[0], edge[1], edge[3].get("arg", edge[2]))
            for spec in scene.used.get(used, ()):
                lines.append(_draw(scene, opts + ["gd step edge"], ends, points)
                             .replace("\\draw[", f"\\draw<{spec}>[", 1))
        if "lp" in obj:
            labels.append(_edge_label(scene, obj, edge, local))
    return lines, labels


def _endpoint(scene: Scene, obj: dict, point: tuple[float, float]) -> str:
    node, is_op = scene.owner.get(str(obj.get("name")), (None, False))
    if node is not None:
        return f"({scene.names[node]}{' op' if is_op else ''})"
    if "pos" in obj:
        return f"(gd other {obj.get('_gvid')})"
    return f"({num(point[0])},{num(point[1])})"


def _draw(scene: Scene, opts: list[str], ends: list[dict], points: list) -> str:
    """A \\draw along dot's spline, from node to node (TikZ finds the borders)."""
    parts = [_endpoint(scene, ends[0], points[0])]
    segments = (len(points) - 1) // 3
    for i in range(segments):
        c1, c2, to = points[3 * i + 1: 3 * i + 4]
        target = _endpoint(scene, ends[1], to) if i == segments - 1 else \
            f"({num(to[0])},{num(to[1])})"
        parts.append(f".. controls ({num(c1[0])},{num(c1[1])}) and "
                     f"({num(c2[0])},{num(c2[1])}) .. {target}")
    return f"\\draw[{', '.join(opts)}] " + " ".join(parts) + ";"


def _edge_label(scene: Scene, obj: dict, edge: tuple | None, local: dict) -> str:
    """The local derivative at the place dot left for the label, and its value."""
    text = None
    if edge is not None and scene.edge_labels:
        tail, head, key, data = edge
        grad = data.get("local_grad_latex")
        if grad:
            text = f"${math(grad)}$"
            value = local.get((tail, head, data.get("arg", key)))
            if value is not None and any(ch.isalpha() for ch in
                                         data.get("local_grad_pretty") or grad):
                spec = scene.overlay("local", (tail, head, data.get("arg", key)))
                text += r"\\" + numbers_cell([("=", number_lines(value), None)], [spec])
    if text is None:
        text = escape(label_text(obj.get("_ldraw_")))
    colour = scene.pic.colour("gdLabel", text_colour(obj.get("_ldraw_"))) or scene.grad
    first = scene.pic.styles.setdefault("gd label", f"text={colour}")
    style = "gd label" if first == f"text={colour}" else f"gd label, text={colour}"
    return scene.text_at(obj["lp"], style, text)
