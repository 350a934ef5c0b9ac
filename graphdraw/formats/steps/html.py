"""`render --steps -f html`: a page that steps through backprop with no script.

Each step is its own SVG (laid out from the same DOT but for colours, so nothing moves), and a
radio button per step chooses which one shows: `#step-K:checked ~ .steps .step-K` is the one
CSS rule that matters. Each step has labels for the previous and the next step, and a row of
numbered labels jumps anywhere; the radio buttons themselves take the arrow keys. The page
keeps the Content-Security-Policy of `--format html`: no script, no network.
"""

from __future__ import annotations

import html

from graphdraw.formats.base import Job
from graphdraw.formats.graphviz import stepped
from graphdraw.formats.html.markup import SVG_NS, clean_svg, serialize
from graphdraw.formats.html.page import CSP
from graphdraw.formats.steps import pages

CSS = """\
body { margin: 0; font: 17px/1.5 Charter, "Liberation Serif", "Times New Roman", serif;
  color: #1f2328; background: #fff; }
main { padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.3rem; }
.meta { color: #5f6368; margin: 0 0 1rem; }
.stepper > input { position: absolute; opacity: 0; pointer-events: none; }
.step { display: none; }
.step svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.nav { display: flex; gap: 0.75rem; align-items: baseline; justify-content: center;
  margin: 0.6rem 0; }
.nav label, .jump label { cursor: pointer; border: 1px solid #c8c8c8; border-radius: 4px;
  padding: 0.1rem 0.55rem; background: #f6f7f8; user-select: none; }
.nav .off { visibility: hidden; }
.what { text-align: center; margin: 0.4rem 0; }
.jump { display: flex; flex-wrap: wrap; gap: 0.3rem; justify-content: center;
  font-size: 0.85rem; margin-top: 1rem; }
.jump .forward { border-color: #7a7a7a; }
.jump .backward { border-color: #9c2f2f; }
.stepper > input:focus-visible ~ .steps .nav { outline: 2px solid #0b57d0; }
"""


def write(job: Job) -> bytes:
    """The stepper page of a figure's steps."""
    steps = pages.steps_of(job)
    svgs = pages.laid_out(job, "svg", title="", caption=None)
    name = html.escape(job.program.source.name)
    title = job.options.get("title") or f"Backprop step by step: {job.program.source.name}"
    inputs = [f'<input type="radio" name="step" id="step-{s.index}" aria-label="step {s.index}"'
              f'{" checked" if s.index == 0 else ""}>' for s in steps]
    panels = [_panel(job, step, svg, len(steps)) for step, svg in zip(steps, svgs)]
    jumps = "".join(f'<label for="step-{s.index}" class="{s.phase}" title="'
                    f'{html.escape(s.caption, quote=True)}">{s.index}</label>' for s in steps)
    show = ",\n".join(f"#step-{s.index}:checked ~ .steps .step-{s.index}" for s in steps)
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="graphdraw">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{CSS}{show} {{ display: block; }}\n</style>", "</head>", "<body>", "<main>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">Model: {name} · {html.escape(job.note)} · {len(steps)} steps: the '
        "graph, the forward pass, the backward pass</p>",
        '<div class="stepper">', *inputs, '<div class="steps">', *panels,
        f'<nav class="jump" aria-label="all steps">{jumps}</nav>', "</div>", "</div>",
        "</main>", "</body>", "</html>", "",
    ]
    return "\n".join(parts).encode("utf-8")


def _panel(job: Job, step, svg: bytes, count: int) -> str:
    """One step: its navigation, what it does, and its picture."""
    k = step.index
    back = (f'<label for="step-{k - 1}" class="prev">◀ step {k - 1}</label>' if k > 0
            else '<span class="off">◀</span>')
    ahead = (f'<label for="step-{k + 1}" class="next">step {k + 1} ▶</label>' if k + 1 < count
             else '<span class="off">▶</span>')
    root = clean_svg(stepped.hide_in_svg(svg))
    for parent in list(root.iter()):       # hidden text holds its place in the layout only
        for child in list(parent):
            if child.get("fill") == "transparent" and child.tag.endswith("text"):
                parent.remove(child)
    for element in root.iter():
        if element.get("id"):
            element.set("id", f"s{k}-{element.get('id')}")
    caption = html.escape(pages.caption(job, step))
    return (f'<section class="step step-{k}" data-phase="{step.phase}">'
            f'<div class="nav">{back}<span class="count">step {k} of {count - 1}</span>'
            f"{ahead}</div>"
            f'<p class="what">{caption}</p>{serialize(root, keep_ns=SVG_NS)}</section>')
