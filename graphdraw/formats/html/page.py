"""The page: head and policy, the diagram with its hover layer, the sections, one call for all."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from graphdraw.formats.graphviz import draw
from graphdraw.formats.html.annotate import annotate
from graphdraw.formats.html.css import CSS
from graphdraw.formats.html.markup import SVG_NS, clean_svg, serialize
from graphdraw.formats.html.mathml import DIGITS, mathml
from graphdraw.formats.html.sections import (backward_section, forward_section, leaves_section,
                                             source_section)
from graphdraw.formats.html.tex import Tex, grad_header

if TYPE_CHECKING:
    import networkx as nx

    from graphdraw.language.program import Program

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
       "base-uri 'none'; form-action 'none'")
_FOOTER = ('<footer class="column">Made with graphdraw. Numbers are float64, shown to '
           f"{DIGITS} significant digits; the diagram is Graphviz's layout of the same graph "
           "as <code>graphdraw render</code> draws.</footer>")


def page(program: Program, graph: nx.MultiDiGraph, svg: bytes | str, leaf_values: dict, *,
         title: str | None = None, caption: str | None = None, note: str | None = None,
         numbers: dict | None = None) -> str:
    """The HTML page of a model: the diagram `svg` (laid out from `draw.to_dot(graph)`)
    with a tooltip on every node and edge, the equations, and the leaves' numbers.

    `numbers` (`draw.numbers_for`, all parts) is computed from `leaf_values` when not
    given; `note` says where the values come from (`draw.values_note`).
    """
    from graphdraw.numeric import evaluate
    shapes = evaluate.check_shapes(program, leaf_values)
    if numbers is None or not all(k in numbers for k in ("values", "grads", "local")):
        numbers = draw.numbers_for(program, leaf_values)
    tex = Tex(program, shapes)
    root = clean_svg(svg)
    spots = annotate(root, program, graph, numbers, tex, shapes)   # before the SVG is written
    figcaption = (f'<figcaption class="column" id="caption">{html.escape(caption)}'
                  "</figcaption>") if caption else ""
    svg_markup = serialize(root, keep_ns=SVG_NS)
    parts = [
        *_head(program, title),
        "<body>",
        "<main>",
        _header(program, tex, title, note),
        '<figure id="diagram">',
        f'<div class="graph">{svg_markup}\n<div class="hover">\n{"".join(spots)}</div></div>',
        figcaption,
        "</figure>",
        f'<p class="column hint">{_hint(tex)}</p>',
        forward_section(program, numbers, tex),
        backward_section(program, numbers, tex, shapes),
        leaves_section(program, graph, numbers, tex, shapes, leaf_values),
        source_section(program),
        _FOOTER,
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _head(program: Program, title: str | None) -> list[str]:
    """From the DOCTYPE to </head>: the policy that forbids scripts, the title, the CSS."""
    from graphdraw.language.notation import name as print_name
    out_pretty = print_name(program.nodes[program.output], "pretty")[0]
    doc_title = title if title else f"Computation graph of {out_pretty}"
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="graphdraw">',
        f"<title>{html.escape(doc_title)}</title>",
        f"<style>\n{CSS}</style>",
        "</head>",
    ]


def _header(program: Program, tex: Tex, title: str | None, note: str | None) -> str:
    """The heading, and the model's name and where the values come from."""
    heading = html.escape(title) if title else \
        "Computation graph of " + mathml(tex.out)
    meta = [f"Model: {html.escape(program.source.name)}"]
    if note:
        meta.append(html.escape(note[:1].upper() + note[1:]))
    return "\n".join(['<header class="column">', f"<h1>{heading}</h1>",
                      f'<p class="meta">{" · ".join(meta)}</p>', "</header>"])


def _hint(tex: Tex) -> str:
    return ("Hover over a node or an arrow, or move to it with Tab. A node shows its "
            "forward computation, its shape, its value and the gradient "
            f"{mathml(grad_header(tex))} of the output; an arrow shows its local "
            "derivative ∂head/∂tail and that derivative's value.")


def to_html(program: Program, leaf_values: dict, *, title: str = "", note: str | None = None,
            caption: str | None = None, timeout: float = 30.0, **dot_options) -> str:
    """The page of a model at the given leaf values, drawn as `draw.to_dot(**dot_options)`.

    Needs Graphviz's dot for the layout.
    """
    from graphdraw.core import graph as graph_mod
    from graphdraw.core.named import view
    graph = graph_mod.build(program, title=title, notations=graph_mod.FOR_RENDER)
    made: dict[str, str] = {}
    dot_options = draw.decide_rankdir(graph, {**dot_options, "title": title}, timeout=timeout,
                                      ahead=("svg",), made=made)
    dot = made.get(dot_options.get("rankdir")) or draw.to_dot(graph, **dot_options)
    svg = draw.layout(dot, "svg", timeout=timeout)
    return page(program, view(graph, dot_options.get("style")), svg, leaf_values,
                title=title, caption=caption, note=note)


def example_html(name: str, seed: int = 0) -> str:
    """The page of a built-in example, as `graphdraw render --example NAME --format html`."""
    from graphdraw.language import examples
    from graphdraw.language import parser
    from graphdraw.numeric import values
    program = parser.parse(examples.text(name), f"<example {name}>")
    from graphdraw.formats.graphviz.measure import PAGE_READY
    leaf_values = values.leaf_values(program, {}, seed)
    return to_html(program, leaf_values, note=draw.values_note(seed), **PAGE_READY)
