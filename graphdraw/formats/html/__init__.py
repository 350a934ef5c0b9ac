"""A self-contained HTML page: the diagram inline with CSS-only tooltips, then the math.

`page` takes the SVG that Graphviz laid out from `draw.to_dot` (the same drawing as
`--format svg`), cleans it (`clean_svg`: no script, event handler, link or foreign content
can survive, whatever the SVG contains), and adds a tooltip to every node (its forward
computation, shape, value and gradient) and every edge (its local derivative and value).
Below come the forward and backward equations as MathML (from the LaTeX notation of the
printer, converted by latex2mathml) and a table of the leaves' values and gradients.

The page needs no network and runs no script: each node and edge has a hotspot, an HTML
element over the diagram holding a copy of its outline (what the pointer meets) and its
tooltip, which one CSS rule shows on :hover or keyboard focus. A Content-Security-Policy
forbids scripts and remote loads outright. The same input gives the same bytes.

The modules, from the bottom: `markup` (the SVG cleaned, trees written), `mathml` (LaTeX and
numbers as MathML), `tex` (a program's LaTeX), `hotspots` (shapes over the diagram),
`tooltips`, `annotate` (the hover layer), `sections` (equations and tables), `css`, and
`page` (the page, `to_html`, `example_html`).
"""

from __future__ import annotations

from graphdraw.core.named import view as named_view
from graphdraw.formats.graphviz import draw
from graphdraw.formats.base import Format, Job, lazy
from graphdraw.formats.html.markup import clean_svg
from graphdraw.formats.html.mathml import mathml, value_html, value_tex
from graphdraw.formats.html.page import example_html, page, to_html


def _write(job: Job) -> bytes:
    """What `render --format html` writes: the page sets the title and caption as HTML text,
    so the diagram is laid out from DOT made without them."""
    options = {**job.dot_options(), "numbers": job.numbers, "title": "", "caption": None}
    svg = draw.layout(draw.to_dot(job.graph, **options), "svg",
                        timeout=job.options.get("layout_timeout", 30.0))
    graph = named_view(job.graph, job.options.get("style"))
    return page(job.program, graph, svg, job.leaf_values, title=job.options.get("title"),
                caption=job.options.get("caption"), note=job.note).encode("utf-8")


FORMATS = {"html": Format("html", "html", "one self-contained page: the diagram with a tooltip "
                          "on every node and edge, the equations and the numbers", write=_write,
                          values=True, steps=lazy("graphdraw.formats.steps.html"))}

__all__ = ["FORMATS", "clean_svg", "example_html", "mathml", "page", "to_html", "value_html",
           "value_tex"]
