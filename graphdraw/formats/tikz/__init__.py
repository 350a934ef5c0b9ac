r"""TikZ output (`render --format tikz`): Graphviz's layout, every label typeset by LaTeX.

The picture is laid out by Graphviz exactly as the SVG is: `render.to_dot` writes the DOT,
`dot -Tjson` lays it out, and each node is placed at its position with its size, each edge
follows its spline (from the node it visually starts at, so constants drawn with dir=back
point the right way), and each edge label sits where dot put it. Shapes, colours and line
styles are read from the layout's drawing operations (where Graphviz has resolved every
colour to #rrggbb), so the picture follows whichever theme render drew with. Kinds of node
become TikZ styles (`gd param`, `gd output`, ...) that a document may redefine.

Text is LaTeX: names and computations come from the graph's `*_latex` notation in math mode,
made safe by `math`; every other piece of text (the title, legend words, anything read back
from the layout) goes through `escape`. The output is plain ASCII, compiles with pdflatex,
and is the same bytes for the same input.

A `--snippet` is one tikzpicture; the document that \input's it needs `PREAMBLE`.

The modules, from the bottom: `text` (LaTeX for text and math), `layout` (reading dot's
-Tjson), `styles` (colours, styles, fonts, the picture's header), `numbers` (values and
gradients), `scene` (one picture being written), `nodes`, `edges`, `legend` (plates, title,
legend) and `picture` (the entry points: `from_layout`, `from_dot`, `to_tikz`, `document`).
"""

from __future__ import annotations

from graphdraw.formats.base import Format, Job, lazy
from graphdraw.formats.tikz.picture import document, example_tex, from_dot, from_layout, to_tikz
from graphdraw.formats.tikz.scene import tikz_name
from graphdraw.formats.tikz.styles import LIBRARIES, PREAMBLE
from graphdraw.formats.tikz.text import escape, math


def _write(job: Job) -> bytes:
    """What `render --format tikz` writes: Graphviz lays the figure's DOT out, LaTeX sets
    every label (the title and caption included)."""
    from graphdraw.formats.graphviz import draw
    options = {**job.dot_options(), "numbers": job.numbers}
    if options.get("legend") == "compact":   # TikZ draws the legend from its sample nodes
        options["legend"] = True
    return from_dot(job.graph, draw.to_dot(job.graph, **options), snippet=bool(job.options.get("snippet")),
                    timeout=job.options.get("layout_timeout", 30.0), **options).encode("utf-8")


FORMATS = {"tikz": Format("tikz", "tex", "a LaTeX document drawn with TikZ: Graphviz's layout, "
                          "every label typeset by LaTeX", write=_write,
                          notations=("pretty", "html", "latex"),
                          steps=lazy("graphdraw.formats.steps.beamer"), fit="picture",
                          snippet=True)}

__all__ = ["FORMATS", "LIBRARIES", "PREAMBLE", "document", "escape", "example_tex", "from_dot",
           "from_layout", "math", "tikz_name", "to_tikz"]
