r"""`render --steps -f tikz`: a Beamer document, one frame, an overlay a step.

The picture is the TikZ of `--format tikz --show values,grads`, laid out once by Graphviz
with every number in place; each number is wrapped in `\visible<K->` from the slide of the
step that computes it (so nothing moves), the edges a step uses are drawn again, thick, on
its slide only (`\draw<K>`), and the node it computes gets an outline. Under the picture,
`\only<K>` says what step K does. Slide K is step K - 1 (Beamer counts from 1). With
`--snippet`, only the frame (and the colour and styles it uses), to \input in a deck.
"""

from __future__ import annotations

import json

from graphdraw.formats.base import Job
from graphdraw.formats.steps import pages
from graphdraw.formats.tikz.picture import from_layout
from graphdraw.formats.tikz.scene import tikz_name
from graphdraw.formats.tikz.styles import PREAMBLE
from graphdraw.formats.tikz.text import escape, math

# The picture's room on a 16:9 slide (160 mm × 90 mm, 1 cm side margins, the frame's title
# and two lines of caption): `--rankdir auto` lays the graph out the way that fits it best,
# and the picture is scaled to fit both its width and its height.
SLIDE = (140 * 72 / 25.4, 52 * 72 / 25.4)
ADJUSTBOX = "\\usepackage{adjustbox}\n"
PICTURE_HEIGHT = 0.68          # of \textheight; the rest is the caption's
STEP_STYLES = (r"\tikzset{gd step edge/.style={line width=2.4bp, draw=gdStep},"
               r" gd step node/.style={line width=2.4bp, draw=gdStep, rounded corners=3bp}}")


def write(job: Job) -> bytes:
    """The Beamer document of a figure's steps (ASCII; compiles with pdflatex)."""
    from graphdraw.formats.graphviz import draw
    steps = pages.steps_of(job)
    job.options.setdefault("page_box", SLIDE)      # --rankdir auto: the slide's direction
    options = {**job.dot_options(), "numbers": job.numbers, "title": "", "caption": None}
    layout = json.loads(draw.layout(draw.to_dot(job.graph, **options), "json",
                                    timeout=job.options.get("layout_timeout", 30.0)))
    picture = from_layout(job.graph, layout, overlays=overlays(steps), **options)
    outlines = _outlines(job, steps)
    picture = picture.replace(r"\end{tikzpicture}", "\n".join(outlines) + "\n"
                              + r"\end{tikzpicture}", 1)
    captions = "\n".join(f"\\only<{s.index + 1}>{{{_caption(job, s, len(steps))}}}"
                          for s in steps)
    title = escape(job.options.get("title") or "Backprop step by step")
    frame = (f"\\begin{{frame}}{{{title}}}\n"
             "\\centering\n"
             f"\\begin{{adjustbox}}{{max width=\\linewidth, max totalheight={PICTURE_HEIGHT}"
             f"\\textheight}}\n{picture}\\end{{adjustbox}}\n\n"
             "\\vspace{0.5em}\n{\\small\n" + captions + "\n}\n"
             "\\end{frame}\n")
    setup = "\\definecolor{gdStep}{HTML}{D62728}\n" + STEP_STYLES + "\n"
    if job.options.get("snippet"):       # one frame, to \\input in a deck of slides
        needs = " ".join((PREAMBLE + ADJUSTBOX).strip().splitlines())
        text = (f"% A Beamer frame; the deck's preamble needs: {needs}\n" + setup + frame)
    else:
        text = ("\\documentclass[aspectratio=169]{beamer}\n" + PREAMBLE + ADJUSTBOX + setup
                + "\\setbeamertemplate{navigation symbols}{}\n"
                "\\begin{document}\n" + frame + "\\end{document}\n")
    return text.encode("ascii")


def _caption(job: Job, step, count: int) -> str:
    """A step's caption in LaTeX: its words as text, its formulas as maths."""
    user = job.options.get("caption")
    head = (escape(user) + r"\\ " if user else "") + f"Step {step.index} of {count - 1}. "
    parts = step.parts or ((False, step.caption),)
    return head + "".join(f"${math(text.replace('∂', '∂ '))}$" if is_math else escape(text)
                          for is_math, text in parts)


def overlays(steps: list) -> dict:
    """What Scene needs: the first slide of each number, and the slides each edge is used on."""
    first: dict = {"values": {}, "grads": {}, "local": {}}
    used: dict = {}
    for step in steps:
        for part in ("values", "grads", "local"):
            for key in getattr(step, part):
                first[part].setdefault(key, step.index + 1)
        for edge in step.edges:
            used.setdefault(edge, []).append(str(step.index + 1))
    return {**first, "used": used}


def _outlines(job: Job, steps: list) -> list[str]:
    """An outline around the node each step computes, on that step's slide."""
    from graphdraw.core.named import view
    drawn = view(job.graph, job.options.get("style"))
    names = {node: tikz_name(node, i) for i, node in enumerate(drawn.nodes)}
    out = []
    for step in steps:
        if step.node is not None and step.node in names:
            name = names[step.node]
            out.append(f"\\draw<{step.index + 1}>[gd step node] ([shift={{(-2bp,2bp)}}]"
                       f"{name}.west |- {name}.north) rectangle ([shift={{(2bp,-2bp)}}]"
                       f"{name}.east |- {name}.south);")
    return out
