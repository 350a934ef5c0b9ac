"""The hover layer: the SVG's node and edge groups matched to the graph, each given a hotspot."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from graphdraw.formats.graphviz import nodes
from graphdraw.formats.html.hotspots import Frame, edge_anchor, edge_shapes, node_shapes
from graphdraw.formats.html.markup import SVG_NS, local_name
from graphdraw.formats.html.tex import Tex
from graphdraw.formats.html.tooltips import edge_tip, node_tip, op_tip

if TYPE_CHECKING:
    import networkx as nx

    from graphdraw.language.program import Program


def annotate(root: ET.Element, program: Program, graph: nx.MultiDiGraph, numbers: dict,
             tex: Tex, shapes: dict) -> list[str]:
    """The hover layer: one hotspot with a tooltip for every node and edge of the drawing.

    A hotspot is an HTML element over the diagram, placed in % of it (so it scales with
    the picture), holding a small SVG with a copy of the node's outline or the edge's curve
    (the area that reacts to the pointer, drawn in the accent colour while hovered) and
    the tooltip, shown by one generic rule (`.hot:hover > .tip`). Edges come first, so that
    nodes lie on top, as in the drawing.
    """
    frame = _frame(root)
    by_title = _groups_by_title(root)
    _drop_titles(root)
    dot_names, op_names, pretty = _names(graph)
    waiting = _edges_by_ends(graph)
    names = {**op_names, **dot_names}
    spots: list[str] = []
    for element, title in sorted(by_title.get("edge", []), key=lambda g: _seq(g[0].get("id"))):
        ends = _edge_ends(title, names)
        queue = (waiting.get(ends) or waiting.get((ends[1], ends[0]))) if ends else None
        if not queue:
            continue                    # ops style: an operation's arrow to its own value
        tail, head, position, data = queue.pop(0)
        body = edge_tip(program, graph, tail, head, position, data, numbers, tex)
        label = f"arrow from {pretty[tail]} to {pretty[head]}"
        spots.append(frame.hotspot(len(spots), "edge", edge_shapes(element), body, label,
                                   {"data-tail": str(tail), "data-head": str(head)},
                                   anchor=edge_anchor(element)))
    for element, title in by_title.get("node", []):
        if title in dot_names:
            node = dot_names[title]
            body = node_tip(program, graph, node, numbers, tex, shapes)
            attrs = {"data-node": str(node)}
            label = f"value {pretty[node]}"
        elif title in op_names:
            node = op_names[title]
            body = op_tip(program, node, tex)
            attrs = {"data-op": str(node)}
            label = f"operation making {pretty[node]}"
        else:
            continue                    # the legend's samples
        spots.append(frame.hotspot(len(spots), "node", node_shapes(element), body, label,
                                   attrs))
    return spots


def _frame(root: ET.Element) -> Frame:
    """The frame of the drawing: its viewBox and the transform of its graph group."""
    view = [float(v) for v in (root.get("viewBox") or "0 0 1 1").split()]
    if len(view) != 4 or view[2] <= 0 or view[3] <= 0:
        view = [0.0, 0.0, 1.0, 1.0]
    graph_group = next((g for g in root if local_name(g.tag) == "g"), root)
    return Frame(view, graph_group.get("transform") or "")


def _names(graph: nx.MultiDiGraph) -> tuple[dict, dict, dict]:
    """DOT name -> node for values and for operation nodes, and node -> its words."""
    order = {node: index for index, node in enumerate(graph.nodes)}
    dot_names = {nodes.dot_id(node, index): node for node, index in order.items()}
    # --style ops draws each operation as a node of its own (nodes.op_id), between the
    # operands and the value it makes: its tooltip is the value's computation.
    op_names = {nodes.op_id(node, index): node for node, index in order.items()
                if graph.nodes[node].get("op") is not None}
    pretty = {node: (data.get("label") or data.get("forward_pretty") or str(node))
              for node, data in graph.nodes(data=True)}
    return dot_names, op_names, pretty


def _edges_by_ends(graph: nx.MultiDiGraph) -> dict[tuple[str, str], list]:
    """The graph's edges by the nodes they join, each as (tail, head, position, data).

    Graphviz numbers its edge groups (edgeN) in the order of the DOT source, where edges
    between the same two nodes (x * x) come in operand order.
    """
    waiting: dict[tuple[str, str], list] = {}
    for tail, head, key, data in sorted(graph.edges(keys=True, data=True),
                                        key=lambda e: e[3].get("arg", e[2])):
        waiting.setdefault((tail, head), []).append((tail, head, data.get("arg", key), data))
    return waiting


def _seq(gid: str | None) -> int:
    """The number at the end of a group's id (edge12 -> 12), 0 if none."""
    match = re.search(r"\d+$", gid or "")
    return int(match.group(0)) if match else 0


def _groups_by_title(root: ET.Element) -> dict[str, list[tuple[ET.Element, str]]]:
    """The node and edge groups of the drawing with their <title> text, by class."""
    found: dict[str, list[tuple[ET.Element, str]]] = {}
    for element in root.iter(f"{{{SVG_NS}}}g"):
        kind = element.get("class")
        if kind not in ("node", "edge"):
            continue
        title = element.find(f"{{{SVG_NS}}}title")
        found.setdefault(kind, []).append((element, (title.text or "") if title is not None
                                           else ""))
    return found


def _drop_titles(root: ET.Element) -> None:
    """Remove <title>s: a browser would show them as a second, plain tooltip ('n%3')."""
    for parent in root.iter():
        for child in list(parent):
            if local_name(child.tag) == "title":
                parent.remove(child)


def _edge_ends(title: str, dot_names: dict) -> tuple[str, str] | None:
    """The graph nodes an edge title 'a->b' joins (in the order written)."""
    for match in re.finditer("->", title):
        left, right = title[:match.start()], title[match.end():]
        if left in dot_names and right in dot_names:
            return dot_names[left], dot_names[right]
    return None
