"""`render --steps -f html`: a page that steps through backprop with no script.

The page holds one SVG, drawn with every number (`stepped.Tagged`): each number carries a
class, each node and edge an id. A radio button per step says which step is shown, and CSS
does the rest: a number is hidden until the step that computes it
(`.gd-rN` hidden, and shown by `#step-K:checked ~ .steps .gd-rN, #step-K ~ input:checked ~
.steps .gd-rN`: step K or a later one checked; sibling selectors only, no `:has()`, so it
works in every browser of the last decade), one rule a number,
and the node and edges a step uses are drawn thick while it is checked (one rule a step).
Each step has labels for the previous and the next step, a row of numbered labels jumps
anywhere, and the radio buttons take the arrow keys. The page keeps the
Content-Security-Policy of `--format html`: no script, no network.
"""

from __future__ import annotations

import html

from graphdraw.formats.base import Job
from graphdraw.formats.graphviz.stepped import Tagged
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
.graph { overflow-x: auto; }
.graph svg { display: block; max-width: none; height: auto; margin: 0 auto; }
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
HIGHLIGHT = {"forward": "#333333", "backward": "#d62728", "graph": "#333333"}


def write(job: Job) -> bytes:
    """The stepper page of a figure's steps."""
    from graphdraw.formats.graphviz import draw
    steps = pages.steps_of(job)
    tagged = Tagged()
    options = {**job.dot_options(), "numbers": job.numbers, "title": "", "caption": None,
               "step": tagged}
    svg = draw.layout(draw.to_dot(job.graph, **options), "svg",
                      timeout=job.options.get("layout_timeout", 30.0))
    root = clean_svg(tagged.classes_in(svg))
    title = job.options.get("title") or f"Backprop step by step: {job.program.source.name}"
    inputs = [f'<input type="radio" name="step" id="step-{s.index}" aria-label="step {s.index}"'
              f'{" checked" if s.index == 0 else ""}>' for s in steps]
    panels = [_panel(job, step, len(steps)) for step in steps]
    jumps = "".join(f'<label for="step-{s.index}" class="{s.phase}" title="'
                    f'{html.escape(s.caption, quote=True)}">{s.index}</label>' for s in steps)
    user_caption = job.options.get("caption")
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="graphdraw">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{CSS}{_width_css(root)}{_step_css(steps, tagged)}</style>", "</head>",
        "<body>", "<main>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">Model: {html.escape(job.program.source.name)} · '
        f"{html.escape(job.note)} · steps 0 to {len(steps) - 1}: the graph, the forward pass, "
        "the backward pass</p>",
        '<div class="stepper">', *inputs, '<div class="steps">', *panels,
        f'<div class="graph">{serialize(root, keep_ns=SVG_NS)}</div>',
        f'<p class="what">{html.escape(user_caption)}</p>' if user_caption else "",
        f'<nav class="jump" aria-label="all steps">{jumps}</nav>', "</div>", "</div>",
        "</main>", "</body>", "</html>", "",
    ]
    return "\n".join(parts).encode("utf-8")


def _panel(job: Job, step, count: int) -> str:
    """One step's navigation and what it does (shown while its radio button is checked)."""
    k = step.index
    back = (f'<label for="step-{k - 1}" class="prev">◀ step {k - 1}</label>' if k > 0
            else '<span class="off">◀</span>')
    ahead = (f'<label for="step-{k + 1}" class="next">step {k + 1} ▶</label>' if k + 1 < count
             else '<span class="off">▶</span>')
    caption = html.escape(f"Step {k} of {count - 1}. {step.caption}")
    return (f'<section class="step step-{k}" data-phase="{step.phase}">'
            f'<div class="nav">{back}<span class="count">step {k} of {count - 1}</span>'
            f'{ahead}</div><p class="what">{caption}</p></section>')


def _width_css(root) -> str:
    """The drawing fills the page's width, and is never drawn smaller than Graphviz drew
    it (its text then stays readable; a wider drawing scrolls sideways)."""
    import re
    match = re.fullmatch(r"([\d.]+)pt", str(root.get("width", "")))
    if match is None:
        return ".graph svg { width: 100%; }\n"
    return f".graph svg {{ width: max(100%, {float(match.group(1)) * 4 / 3:.0f}px); }}\n"


def _step_css(steps: list, tagged: Tagged) -> str:
    """Which panel shows, which numbers are hidden, what each step highlights."""
    rules = [",\n".join(f"#step-{s.index}:checked ~ .steps .step-{s.index}" for s in steps)
             + " { display: block; }"]
    first: dict[tuple, int] = {}
    for step in steps:
        for part in ("values", "grads", "local"):
            for key in getattr(step, part):
                first.setdefault((part, key), step.index)
    for key in tagged.keys:
        cls = tagged.class_of(key)
        if key not in first:                                   # a pass left out: never shown
            rules.append(f".{cls} {{ visibility: hidden; }}")
            continue
        k = first[key]       # hidden until step k or a later one is checked
        rules.append(f".{cls} {{ visibility: hidden; }}\n#step-{k}:checked ~ .steps .{cls}, "
                     f"#step-{k} ~ input:checked ~ .steps .{cls} {{ visibility: visible; }}")
    for step in steps:
        colour = HIGHLIGHT.get(step.phase, "#333333")
        at = f"#step-{step.index}:checked ~ .steps"
        if step.node is not None and ("n", step.node) in tagged.ids:
            node = tagged.ids[("n", step.node)]
            rules.append(f"{at} #{node} > :is(path, polygon, ellipse) {{ stroke: {colour}; "
                         "stroke-width: 3px; }")
        for edge in step.edges:
            if ("e", edge) in tagged.ids:
                ident = tagged.ids[("e", edge)]
                rules.append(f"{at} #{ident} > path {{ stroke: {colour}; stroke-width: 3px; }}")
                rules.append(f"{at} #{ident} > polygon {{ stroke: {colour}; fill: {colour}; }}")
    return "\n".join(rules) + "\n"
