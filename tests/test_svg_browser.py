"""Every SVG the tool writes, as a browser draws it: opened in Debian's Chromium (playwright).

Graphviz places each run of a label at an x it measured with cairo; a browser draws the same
file with its own rules for spaces and for `baseline-shift`. These tests open every SVG of
diagrams/ and the page of `graphdraw render --format html` and fail on what a reader would see
wrong: spaces dropped (`a=  W`), text outside its node or cluster, text on top of other text,
and sub- or superscripts away from their letter or not smaller than it. The checks are
first run on Graphviz's own, unprocessed SVG, to show that they catch what it gets wrong.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.formats.graphviz import browser
from graphdraw.formats.graphviz.layout import layout

DIAGRAMS = Path(__file__).resolve().parent.parent / "diagrams"
CHROMIUM = "/usr/bin/chromium"


def _missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (make test installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if shutil.which("dot") is None:
        return "needs Graphviz's dot"
    return None


pytestmark = [pytest.mark.browser, pytest.mark.skipif(_missing() is not None,
                                                      reason=_missing() or "")]

# What a reader sees, measured in the browser. A text's box is its characters' advance cells,
# from cap height to descender (a font's full ascent and descent cells overlap between lines
# that are not touching at all). Pieces of one line are "joined" when one starts where the one
# before it ends (Graphviz's x against the browser's width): a smaller joined piece is a script.
MEASURE = r"""
() => {
  const svg = document.querySelector('.graph > svg') || document.documentElement;
  const problems = [];
  const say = (kind, text) => problems.push(`${kind}: ${text}`);
  const info = new Map();
  const texts = Array.from(svg.querySelectorAll('text'));
  for (const t of texts) {
    const content = t.textContent, n = t.getNumberOfChars();
    if (n !== content.length) {
      say('spaces', `${JSON.stringify(content)}: ${n} of ${content.length} characters drawn`);
    }
    if (!n) continue;
    const size = parseFloat(getComputedStyle(t).fontSize);
    const first = t.getExtentOfChar(0), last = t.getExtentOfChar(n - 1);
    const base = t.getStartPositionOfChar(0).y;
    info.set(t, {size, base, left: first.x, right: last.x + last.width,
                 top: base - 0.72 * size, bottom: base + 0.22 * size, x: parseFloat(t.getAttribute('x'))});
  }
  const box = (t) => info.get(t);
  const label = (t) => JSON.stringify(t.textContent);
  // inside its node or cluster
  for (const g of svg.querySelectorAll('g.node, g.cluster')) {
    // the node's outline: its shape, or the outer box of a label drawn as a bordered table
    const shapes = Array.from(g.querySelectorAll('polygon, ellipse, path')).map((e) => e.getBBox());
    if (!shapes.length) continue;
    const left = Math.min(...shapes.map((b) => b.x)), top = Math.min(...shapes.map((b) => b.y));
    const s = {x: left, y: top, width: Math.max(...shapes.map((b) => b.x + b.width)) - left,
               height: Math.max(...shapes.map((b) => b.y + b.height)) - top};
    for (const t of g.querySelectorAll('text')) {
      const b = box(t);
      if (!b || !t.textContent.trim()) continue;
      if (b.left < s.x - 0.5 || b.right > s.x + s.width + 0.5 ||
          b.top < s.y - 0.5 || b.bottom > s.y + s.height + 0.5) {
        say('outside', `${label(t)} of ${g.querySelector('title').textContent}`);
      }
    }
  }
  // no text on other text
  const drawn = texts.filter((t) => box(t) && t.textContent.trim());
  for (let i = 0; i < drawn.length; i++) {
    for (let j = i + 1; j < drawn.length; j++) {
      const a = box(drawn[i]), b = box(drawn[j]);
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0.75 && h > 0.75) {
        say('overlap', `${label(drawn[i])} and ${label(drawn[j])} (${w.toFixed(1)} × ${h.toFixed(1)})`);
      }
    }
  }
  // where each piece starts and where its last character starts, on its baseline
  const pieces = texts.map((t) => {
    const n = t.getNumberOfChars();
    if (!n) return [null, null, null, t.textContent.length, t.textContent];   // nothing drawn
    const first = t.getStartPositionOfChar(0), last = t.getStartPositionOfChar(n - 1);
    return [first.x, first.y, last.x, t.textContent.length, t.textContent];
  });
  return {problems, texts: texts.length, pieces};
}
"""


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module, offline, with a fresh profile."""
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, offline=True,
            viewport={"width": 1280, "height": 900},
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"])
        try:
            yield context
        finally:
            context.close()


class Seen(NamedTuple):
    problems: list[str]       # what a reader would see wrong
    texts: int                # how many <text> elements the drawing has
    compared: bool            # every piece was compared with cairo's drawing


def seen(chromium, path: Path, dot: bytes | None = None) -> Seen:
    """What a reader would see wrong in the file opened in Chromium; with the DOT it was laid
    out from, also every piece of text not where cairo draws it."""
    page = chromium.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        result = page.evaluate(MEASURE)
    finally:
        page.close()
    problems, pieces = result["problems"], result["pieces"]
    drawn = cairo_pieces(dot) if dot is not None else []
    pairs = paired(pieces, drawn) if drawn else None
    if pairs is not None:
        problems += misplaced(pairs)
    return Seen(problems, result["texts"], pairs is not None)


def paired(pieces: list, drawn: list) -> list | None:
    """The browser's pieces matched with cairo's groups of glyphs, in order. Both cut the same
    run of glyphs, not always at the same places (cairo may group a run with the space before
    or after it), so the pieces and the groups are joined until their glyphs add up alike:
    the first glyph of the first, the last of the last, are compared. A piece of spaces alone
    (the space of `W_iᵀ x`, a <text> of its own after the scripts) may have no group in
    cairo's drawing: when the group next in line does not start where it does (the two
    drawings set side by side at their first pieces), it is passed over, or every piece
    after it would be paired with the group after its own; one the browser did not draw
    (Graphviz's own SVG drops it) is paired if that adds up, else passed over too. None when
    the glyphs do not add up: the two drawings cannot be compared."""
    return _paired(pieces, drawn, True) or _paired(pieces, drawn, False)


def _paired(pieces: list, drawn: list, undrawn: bool) -> list | None:
    """`paired`, with the spaces the browser drew nothing for paired (`undrawn`) or not."""
    start = next((p for p in pieces if p[0] is not None and p[4].strip()), None)
    if start is None or not drawn:
        return None
    dx, dy = start[0] - drawn[0][0], start[1] - drawn[0][1]
    out, i, j = [], 0, 0
    while i < len(pieces) and j < len(drawn):
        x, y = pieces[i][:2]
        if not pieces[i][4].strip() and (
                not undrawn if x is None else
                abs(x - dx - drawn[j][0]) > 1 or abs(y - dy - drawn[j][1]) > 1):
            i += 1                            # spaces cairo drew no glyphs for
            continue
        a, b = i, j
        ours, theirs = pieces[i][3], drawn[j][3]
        i, j = i + 1, j + 1
        while ours != theirs:
            if ours < theirs and i < len(pieces):
                ours, i = ours + pieces[i][3], i + 1
            elif theirs < ours and j < len(drawn):
                theirs, j = theirs + drawn[j][3], j + 1
            else:
                return None
        text = "".join(p[4] for p in pieces[a:i])
        group = (drawn[b][0], drawn[b][1], drawn[j - 1][2], theirs)
        out.append(((pieces[a][0], pieces[a][1], pieces[i - 1][2], ours, text), group))
    while i < len(pieces) and not pieces[i][4].strip():
        i += 1
    return out if i == len(pieces) and j == len(drawn) else None


def cairo_pieces(dot: bytes) -> list[tuple[float, float, float, int]]:
    """Each piece of text as cairo draws it (what the PNG shows): (x, baseline) of its first
    glyph, x of its last, and how many glyphs. `dot -Tsvg:cairo` writes a piece as a group
    of glyph references, in the order Graphviz's SVG writes its <text> elements."""
    svg = subprocess.run(["dot", "-Tsvg:cairo"], input=dot, capture_output=True,
                         check=True).stdout.decode("utf-8")
    body = svg[svg.index("</defs>"):]
    out = []
    for group in re.findall(r'<g style="fill:[^"]*">((?:\s*<use [^>]*>)+)\s*</g>', body):
        at = [(float(x), float(y)) for x, y in re.findall(r'x="([-\d.]+)" y="([-\d.]+)"', group)]
        out.append((at[0][0], at[0][1], at[-1][0], len(at)))
    return out


def misplaced(pairs: list) -> list[str]:
    """The pieces the browser draws away from where cairo draws them, the two drawings put
    side by side at their median offset: the first character or the baseline more than 1 pt
    off, or the last character more than 1 pt + 0.1 pt a character (cairo rounds each glyph
    to whole points, so a long piece drifts a little); `paired` matches them."""
    pairs = [(p, d) for p, d in pairs if p[0] is not None and p[2] is not None]
    dx = statistics.median(p[0] - d[0] for p, d in pairs)
    dy = statistics.median(p[1] - d[1] for p, d in pairs)
    out = []
    for (x, y, last, n, text), (cx, cy, clast, _) in pairs:
        off = max(abs(x - dx - cx), abs(y - dy - cy), abs(last - dx - clast) - 0.1 * n)
        if off > 1:
            out.append(f"placed: {json.dumps(text, ensure_ascii=False)} is {off:.1f} pt away "
                       "from where cairo (the PNG) draws it")
    return out


SVGS = sorted(p.name for p in DIAGRAMS.glob("*.svg"))
# The drawings compared with cairo run by run: every one laid out from a .dot of diagrams/
# but the pages of `render --steps`, whose hidden numbers cairo does not draw at all.
UNPAIRED = {"xor-step-05.svg", "xor-step-12.svg", "xor-step-21.svg"}
PAIRED = {name for name in SVGS if name not in UNPAIRED
          and (DIAGRAMS / name.replace(".svg", ".dot")).exists()}


@pytest.mark.parametrize("name", SVGS)
def test_every_svg_of_the_gallery_reads_in_a_browser(chromium, name):
    dot = DIAGRAMS / name.replace(".svg", ".dot")
    result = seen(chromium, DIAGRAMS / name, dot.read_bytes() if dot.exists() else None)
    assert result.problems == []
    assert result.compared or name not in PAIRED


def test_the_html_page_reads_in_a_browser(chromium, tmp_path):
    runner = CliRunner()
    out = tmp_path / "xor.html"
    # left to right: cairo's runs of this drawing pair with the SVG's (see PAIRED)
    result = runner.invoke(cli, ["render", "--rankdir", "LR", "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    dot = runner.invoke(cli, ["render", "--rankdir", "LR", "--format", "dot", "-o", "-"]
                        ).stdout_bytes
    page = seen(chromium, out, dot)
    assert page.texts > 100 and page.compared and page.problems == []


@pytest.mark.parametrize("args", [["--style", "ops"], ["--show", "values,grads"],
                                  ["-e", "L = x^y_1 + W_o^T z_n"]])
def test_other_drawings_read_in_a_browser(chromium, tmp_path, args):
    out = tmp_path / "fig.svg"
    result = CliRunner().invoke(cli, ["render", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    dot = CliRunner().invoke(cli, ["render", *args, "-f", "dot", "-o", "-"]).stdout_bytes
    drawing = seen(chromium, out, dot)
    assert drawing.texts > 5 and drawing.problems == []


def test_the_checks_catch_graphvizs_own_svg(chromium, tmp_path):
    """Graphviz's SVG as it comes out of dot, without `browser.for_browsers`: the spaces
    and the subscripts the checks are there for."""
    dot = CliRunner().invoke(cli, ["render", "--rankdir", "LR", "-f", "dot", "-o", "-"]
                             ).stdout_bytes        # a drawing whose runs pair with cairo's
    raw = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, check=True).stdout
    (tmp_path / "raw.svg").write_bytes(raw)
    problems = seen(chromium, tmp_path / "raw.svg", dot).problems
    assert {"spaces", "placed"} <= {problem.split(":")[0] for problem in problems}
    assert any('" = ": 1 of 3 characters drawn' in problem for problem in problems)
    assert any(problem.startswith('placed: "a" is') for problem in problems)   # b_a's a, dropped
    fixed = tmp_path / "fixed.svg"
    fixed.write_bytes(browser.for_browsers(raw))
    after = seen(chromium, fixed, dot)
    assert after.problems == [] and after.compared


def test_a_script_in_a_script_is_xml_and_drawn_as_cairo_draws_it(chromium, tmp_path):
    """x^{y_1}: Graphviz writes baseline-shift twice on one <text>, which no parser reads."""
    dot = ('digraph { n [fontname="Liberation Serif" shape=box label=<<FONT POINT-SIZE="20">'
           'x<SUP>y<SUB>1</SUB></SUP> = 2</FONT>>] }')
    svg = layout(dot, "svg")
    path = tmp_path / "nested.svg"
    path.write_bytes(svg)
    assert svg.count(b"baseline-shift") == 0
    assert seen(chromium, path, dot.encode()) == ([], 4, True)
