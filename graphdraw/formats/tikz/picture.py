"""From dot's layout to the tikzpicture, and from DOT or a graph to the standalone document."""

from __future__ import annotations

import json

import networkx as nx

from graphdraw.core.named import view as named_view
from graphdraw.formats.graphviz import draw
from graphdraw.formats.tikz.edges import draw_edges
from graphdraw.formats.tikz.legend import draw_cluster, draw_legend
from graphdraw.formats.tikz.nodes import draw_nodes
from graphdraw.formats.tikz.scene import Scene
from graphdraw.formats.tikz.styles import PREAMBLE, assemble
from graphdraw.formats.tikz.text import escape


def from_layout(graph: nx.MultiDiGraph, layout: dict, *, title: str | None = None,
                caption: str | None = None, edge_labels: bool = True, shapes: bool = True,
                numbers: dict | None = None, style: str = "textbook", theme: str | None = None,
                overlays: dict | None = None, fit: tuple[float, float] | None = None,
                **_dot_options) -> str:
    """The tikzpicture of a graph from dot's -Tjson layout of `draw.to_dot(graph, ...)`.

    Takes the options `draw.to_dot` was given (those that only change the DOT, such as
    rankdir, are already in the layout). Pure: no program is run.
    """
    graph = named_view(graph, style)
    if title is None:
        title = graph.graph.get("title") or ""
    scene = Scene(graph, layout, title=title, caption=caption or "",
                  edge_labels=edge_labels, shapes=shapes, numbers=numbers or {},
                  ops_style=style == "ops", theme=theme, overlays=overlays)
    picture = assemble(scene.pic, graph, _body(scene))
    if fit is not None:
        from graphdraw.formats.graphviz.measure import fit as fitted
        scale = fitted(layout, fit).scale
        picture = picture.replace("[x=1bp, y=1bp,", f"[x={scale:.4f}bp, y={scale:.4f}bp,", 1)
    return picture


def _body(scene: Scene) -> list[str]:
    """What the picture draws, in order: plates, title or caption, nodes, edges, legend."""
    body: list[str] = []
    legend = None
    for obj in scene.clusters:
        name = str(obj.get("name", ""))
        if name == "cluster_legend":
            legend = obj
        elif name.startswith("cluster") and "bb" in obj:
            body += draw_cluster(scene, obj)
    if scene.layout.get("lp") and (scene.caption or scene.title):
        kind = "caption" if scene.caption else "title"
        body.append(scene.text_at(scene.layout["lp"], f"gd {kind}",
                                  escape(scene.caption or scene.title), f"gd {kind}"))
    body += draw_nodes(scene)
    edges, labels = draw_edges(scene)
    body += edges + labels
    if legend is not None:
        body += draw_legend(scene, legend)
    return body


def document(picture: str) -> str:
    """A standalone LaTeX document around a tikzpicture (`pdflatex` makes it a PDF)."""
    return ("\\documentclass[tikz, border=4pt]{standalone}\n" + PREAMBLE
            + "\\begin{document}\n" + picture + "\\end{document}\n")


def to_tikz(graph: nx.MultiDiGraph, *, snippet: bool = False, timeout: float = 30.0,
            **options) -> str:
    """TikZ for a graph: a standalone document, or with `snippet` only the tikzpicture.

    `options` are those of `draw.to_dot` (rankdir, title, caption, edge_labels, shapes,
    numbers, theme, style, ...); the layout is Graphviz's for exactly that DOT (this runs
    `dot -Tjson`, so it needs Graphviz, and gives up after `timeout` seconds).
    """
    if options.get("legend") == "compact":   # TikZ draws the legend from its sample nodes
        options["legend"] = True
    return from_dot(graph, draw.to_dot(graph, **options), snippet=snippet, timeout=timeout,
                    **options)


def from_dot(graph: nx.MultiDiGraph, dot_source: str, *, snippet: bool = False,
             timeout: float = 30.0, **options) -> str:
    """`to_tikz` for DOT already made by `draw.to_dot(graph, **options)`."""
    layout = json.loads(draw.layout(dot_source, "json", timeout=timeout).decode("utf-8"))
    picture = from_layout(graph, layout, **options)
    return picture if snippet else document(picture)


def example_tex(name: str, *, snippet: bool = False, **options) -> str:
    """The TikZ of a built-in example as the gallery draws it (diagrams/NAME.tex).

    `options` are those of `to_tikz`; with none, the same picture as the example's SVG.
    """
    from graphdraw.language import examples
    from graphdraw.core import graph as graph_mod
    from graphdraw.language import parser
    program = parser.parse(examples.text(name), f"<example {name}>")
    built = graph_mod.build(program, notations=graph_mod.FOR_TIKZ)
    from graphdraw.formats.graphviz.measure import PAGE_READY
    options = {**PAGE_READY, **options}         # render's defaults
    options = draw.decide_rankdir(built, options)
    return to_tikz(built, snippet=snippet, **options)
