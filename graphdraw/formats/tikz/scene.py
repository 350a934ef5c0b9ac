"""One tikzpicture being written: the graph, dot's layout, and how their names meet.

Graph nodes are matched to layout objects by their DOT names (`draw.dot_id`); each node
gets a TikZ name (`tikz_name`) that edges refer to.
"""

from __future__ import annotations

import re

import networkx as nx

from graphdraw.formats.graphviz import draw
from graphdraw.formats.tikz.numbers import value_shape
from graphdraw.formats.tikz.styles import Picture, theme_colours
from graphdraw.formats.tikz.text import math, num
from graphdraw.language import names

OP_SUFFIX = "%op"         # render's ops style: the operation node of value X is 'X%op'


class Scene:
    """What the writers of nodes, edges and legend share while they write one picture."""

    def __init__(self, graph: nx.MultiDiGraph, layout: dict, *, title: str, caption: str,
                 edge_labels: bool, shapes: bool, numbers: dict, ops_style: bool,
                 theme: str | None, overlays: dict | None = None) -> None:
        self.graph, self.layout, self.numbers = graph, layout, numbers
        # Beamer (render --steps): {"values"|"grads"|"local": {node or edge: first slide}},
        # and "used": {edge: [slides]}; empty for a plain picture.
        self.overlays = overlays or {}
        self.used: dict = self.overlays.get("used", {})
        self.title, self.caption, self.edge_labels = title, caption, edge_labels
        self.ops_style = ops_style
        self.pic = Picture()
        objects = layout.get("objects") or []
        first = int(layout.get("_subgraph_cnt", 0))
        self.clusters, self.nodes = objects[:first], objects[first:]
        self.by_gvid = {obj.get("_gvid", first + i): obj for i, obj in enumerate(self.nodes)}
        self.ids: dict[object, str] = {}
        self.names: dict[object, str] = {}
        self.order: dict[object, int] = {}
        for index, node in enumerate(graph.nodes):
            self.ids[node] = str(draw.dot_id(node, index))
            self.names[node] = tikz_name(node, index)
            self.order[node] = index
        # DOT name -> (graph node, whether it is the node's operation in the ops style)
        self.owner: dict[str, tuple[object, bool]] = {}
        for node, dot in self.ids.items():
            self.owner[dot] = (node, False)
            self.owner[dot + OP_SUFFIX] = (node, True)
        ink, muted, grad = theme_colours(theme)
        self.ink = self.pic.colour("gdInk", ink)
        self.muted = self.pic.colour("gdMuted", muted)
        self.grad = self.pic.colour("gdGrad", grad)
        out = graph.graph.get("output")
        out_name = (graph.nodes[out].get("label_latex") if out in graph else None) or "L"
        self.grad_of = rf"\partial {math(out_name)}/\partial "
        self.shapes = shapes and any(
            (d.get("shape") or value_shape(numbers, n)) not in (None, [], ())
            for n, d in graph.nodes(data=True))
        self.referenced = _referenced(graph)

    def overlay(self, part: str, key: object) -> str | None:
        """The slides a number shows on ('4-'), or None when every slide shows it."""
        first = (self.overlays.get(part) or {}).get(key)
        return None if first is None else f"{first}-"

    @staticmethod
    def text_at(lp: str, style: str, text: str, name: str | None = None) -> str:
        """A \\node of text at a label position dot chose ('x,y')."""
        x, y = (float(v) for v in str(lp).split(",")[:2])
        named = f" ({name})" if name else ""
        return f"\\node[{style}]{named} at ({num(x)},{num(y)}) {{{text}}};"


_TIKZ_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def tikz_name(node_id: object, index: int) -> str:
    """The TikZ name of a graph node: the user's name where TikZ takes it as it is.

    Versions become c-prime, c-prime2; generated ids %3 become 'gd 3' (user names never
    contain spaces); anything else 'gd node INDEX'.

    >>> tikz_name("W_i", 0), tikz_name("c''", 1), tikz_name("%3", 2), tikz_name("é", 3)
    ('W_i', 'c-prime2', 'gd 3', 'gd node 3')
    """
    text = str(node_id)
    base, primes = names.split_id(text)
    if _TIKZ_NAME.fullmatch(base):
        return base + ("" if not primes else "-prime" + (str(primes) if primes > 1 else ""))
    if re.fullmatch(r"%[0-9]+", text):
        return "gd " + text[1:]
    return f"gd node {index}"


_REFERENCE = re.compile(r"(?<!\\)%([0-9]+)(?![0-9])")


def _referenced(graph: nx.MultiDiGraph) -> set[str]:
    """The generated ids (%7) that appear in some node's or edge's LaTeX text."""
    texts = [d.get("forward_latex") or "" for _, d in graph.nodes(data=True)]
    texts += [d.get("local_grad_latex") or "" for _, _, d in graph.edges(data=True)]
    return {"%" + m for m in _REFERENCE.findall("\n".join(texts))}
