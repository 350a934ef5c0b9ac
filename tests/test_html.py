"""`graphdraw render --format html`: one self-contained page, checked as text and in Chromium.

The structure tests parse the page with Python's HTML parser (no browser). The tests marked
`browser` open it in Debian's Chromium through playwright, hover nodes and edges and read
their tooltips, and check that the MathML is laid out and the console stays clean.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import re
import shutil
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphdraw.language import examples
from graphdraw.formats import html as html_mod
from graphdraw.formats.html import markup
from graphdraw.language import parser
from graphdraw.formats.graphviz import draw
from graphdraw.numeric import values
from graphdraw.cli import cli

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz's dot")
CHROMIUM = "/usr/bin/chromium"
HOSTILE = ('</title><script>alert(1)</script> "q" & \'s\' \\N ]{|: <img src=x onerror=alert(2)> '
           "javascript:alert(3) <svg onload=alert(4)>")


class Page(HTMLParser):
    """Every tag with its attributes, and the text inside chosen elements."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("title", "h1", "figcaption", "pre"):
            self._open.append(tag)
            self.texts.setdefault(tag, "")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        for tag in self._open:
            self.texts[tag] += data


def assert_inert(text: str) -> Page:
    """No script, no event handler, no javascript: or remote URL, nothing loaded."""
    page = Page(text)
    assert "<script" not in text.lower()
    for tag, attrs in page.tags:
        assert tag not in ("script", "iframe", "object", "embed", "link", "img", "image",
                           "foreignobject", "use", "set", "animate", "base", "form"), tag
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name, value)
            value = re.sub(r"[\s\x00-\x1f]+", "", value or "").lower()
            assert "javascript:" not in value, (tag, name, value)
            if name in ("src", "href", "xlink:href", "action", "formaction", "srcset"):
                raise AssertionError(f"a URL attribute on <{tag}>: {name}={value}")
    # The only addresses on the page are XML namespaces.
    for match in re.finditer(r"https?://[^\s\"'<>)]+", text):
        before = text[max(0, match.start() - 8):match.start()]
        assert before.endswith('xmlns="') or before.endswith('"'), match.group(0)
        assert match.group(0) in ("http://www.w3.org/2000/svg",), match.group(0)
    assert "@import" not in text and "url(" not in text
    return page


def _render(tmp_path: Path, *args: str) -> tuple[str, object]:
    out = tmp_path / "page.html"
    # the node-per-value drawing (render's default is the named view), unless asked for
    style = () if "--style" in args else ("--style", "textbook")
    result = CliRunner().invoke(cli, ["render", "--format", "html", "-o", str(out), *style,
                                      *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8"), result


def _program(name: str = "xor"):
    program = parser.parse(examples.text(name), f"<example {name}>")
    return program, values.leaf_values(program, {}, 0)


# --- without Graphviz -------------------------------------------------------------------------

HOSTILE_SVG = """<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="10pt" height="10pt" viewBox="0 0 10 10" onload="alert(1)">
<script>alert(2)</script>
<style>@import url(http://evil.example/x.css);</style>
<g id="graph0" class="graph" ONCLICK="alert(3)" style="background:url(javascript:alert(4))">
<a xlink:href="javascript:alert(5)" target="_top"><text x="1" y="1">kept</text></a>
<a href="https://evil.example/">
<path d="M0,0L1,1" fill="url(java&#9;script:alert(6))" stroke="red"/></a>
<foreignObject width="5" height="5"><body xmlns="http://www.w3.org/1999/xhtml" onload="alert(7)">x</body></foreignObject>
<image xlink:href="http://evil.example/i.png" width="1" height="1"/>
<set attributeName="href" to="javascript:alert(8)"/>
<animate attributeName="onclick" to="alert(9)"/>
<use href="#graph0"/>
<polygon points="0,0 1,1" onmouseover="alert(10)" fill="white"/>
</g>
</svg>"""


def test_clean_svg_keeps_the_drawing_and_drops_everything_active():
    text = markup.serialize(html_mod.clean_svg(HOSTILE_SVG), keep_ns=markup.SVG_NS)
    assert_inert(text)
    assert ">kept</text>" in text and "<path" in text and "<polygon" in text
    for bad in ("alert", "evil", "style", "foreignObject", "image", "DOCTYPE", "target"):
        assert bad not in text, bad


def test_clean_svg_refuses_what_is_not_svg():
    with pytest.raises(ValueError):
        html_mod.clean_svg("<html><body>x</body></html>")


def test_mathml_is_whitelisted_and_falls_back_to_escaped_latex():
    good = html_mod.mathml(r"\frac{\partial L}{\partial \hat{y}} = \hat{y} - y")
    assert good.startswith("<math>") and "<mfrac>" in good
    # latex2mathml turns any text into tokens; nothing of it becomes markup.
    sneaky = html_mod.mathml("<script>alert(1)</script>")
    assert "<script" not in sneaky and "<math>" in sneaky
    broken = html_mod.mathml(r"\frac{1}{")             # unbalanced: shown as LaTeX
    assert broken.startswith('<code class="tex">') and r"\frac{1}{" in broken
    # a stray % (a TeX comment) does not swallow the rest of the formula
    assert "<mi>x</mi>" in html_mod.mathml("%13 + x")


def test_mathml_sets_parentheses_tight_and_partials_as_symbols():
    out = html_mod.mathml(r"\sigma\left(a\right) + \partial L / \partial z")
    assert 'stretchy="false"' in out and "<mi>∂</mi>" in out and 'lspace="0"' in out
    tall = html_mod.mathml(r"\left(\frac{1}{2}\right)")
    assert 'stretchy="true"' in tall


def test_value_tex_numbers_vectors_matrices_and_summaries():
    assert html_mod.value_tex(0.5) == "0.5"
    assert html_mod.value_tex([1.0, -2.0]) == r"\left[1,\ {-2}\right]"
    assert html_mod.value_tex([[1, 2], [3, 4]]).startswith(r"\begin{bmatrix}")
    assert html_mod.value_tex(list(range(7))) is None           # past draw.SHOW_LIMIT
    assert "mean" in html_mod.value_html(list(range(7)))
    assert html_mod.value_tex(1.5e-7) == r"1.5 \times 10^{-7}"


@pytest.mark.parametrize("module", [html_mod.__name__] + [
    f"{html_mod.__name__}.{info.name}" for info in pkgutil.iter_modules(html_mod.__path__)])
def test_doctests(module):
    assert doctest.testmod(importlib.import_module(module)).failed == 0


# --- the page as text -------------------------------------------------------------------------

@needs_dot
def test_page_is_self_contained_and_inert():
    text = html_mod.example_html("xor")
    page = assert_inert(text)
    assert text.startswith("<!DOCTYPE html>")
    metas = [a for t, a in page.tags if t == "meta"]
    csp = next(a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src" not in csp
    svgs = [a for t, a in page.tags if t == "svg"]
    assert len([a for a in svgs if "xmlns" in a]) == 1       # the diagram; the rest are
    assert all(a.get("aria-hidden") == "true" for a in svgs if "xmlns" not in a)  # hotspots
    assert "<math" in text and "<title>Computation graph of L</title>" in text


@needs_dot
def test_every_node_and_edge_has_a_tooltip():
    from graphdraw.core import graph as graph_mod
    program, _ = _program("xor")
    from graphdraw.core.named import view
    graph = view(graph_mod.build(program, notations=graph_mod.FOR_RENDER), "named")
    page = Page(html_mod.example_html("xor"))             # the named view, as render draws
    ids = {a["id"] for _, a in page.tags if a.get("id")}
    nodes = [a for t, a in page.tags if t == "div" and a.get("class") == "hot node"]
    edges = [a for t, a in page.tags if t == "div" and a.get("class") == "hot edge"]
    assert sorted(a["data-node"] for a in nodes) == sorted(graph.nodes)
    assert sorted((a["data-tail"], a["data-head"]) for a in edges) == \
        sorted((t, h) for t, h in graph.edges())
    for attrs in nodes + edges:
        assert attrs["aria-describedby"] in ids and attrs["tabindex"] == "0"
        assert re.fullmatch(r"left:[\d.]+%;top:[\d.]+%;width:[\d.]+%;height:[\d.]+%",
                            attrs["style"])
    # Graphviz's <title>s would show as a second, plain tooltip ("n%3").
    assert not [t for t, _ in page.tags if t == "title"][1:]


@needs_dot
def test_tooltips_carry_the_numbers_of_show_values_grads():
    program, leaf_values = _program("xor")
    numbers = draw.numbers_for(program, leaf_values)
    text = html_mod.example_html("xor")
    tip = _tooltip(text, "node", "z")
    for x in list(numbers["values"]["z"]) + list(numbers["grads"]["z"]):
        assert f"{abs(x):.4g}" in tip
    assert "<mi>σ</mi>" in tip and ">shape<" in tip and ">gradient<" in tip
    edge = _tooltip(text, "edge", "a", "z")
    for x in numbers["local"][("a", "z", 0)]:
        assert f"{x:.4g}" in edge
    assert "local derivative" in edge


def _tooltip(text: str, kind: str, *ends: str) -> str:
    """The markup of the tooltip of a node (kind 'node', its id) or an edge (tail, head)."""
    want = {"data-node": ends[0]} if kind == "node" else \
        {"data-tail": ends[0], "data-head": ends[1]}
    hot = next(a for t, a in Page(text).tags
               if t == "div" and all(a.get(k) == v for k, v in want.items()))
    start = text.index(f'id="{hot["aria-describedby"]}"')
    return text[start:text.index("</div></div>\n", start)]


@needs_dot
def test_page_is_deterministic_and_the_command_writes_the_same(tmp_path):
    first = html_mod.example_html("xor")
    assert html_mod.example_html("xor") == first
    text, result = _render(tmp_path, "--style", "named")     # render's default drawing
    assert text == first
    assert "wrote" in result.stderr and "html" in result.stderr


@needs_dot
def test_default_output_name_is_model_dot_html(tmp_path):
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli, ["render", "--format", "html", "--example", "linear"],
                                    catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "linear.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote linear.html" in result.stderr


@needs_dot
def test_hostile_title_caption_and_file_name_come_out_literally(tmp_path):
    model = tmp_path / "<img src=x onerror=alert(5)>.gd"
    model.write_text("L = (w x - y)^2\n", encoding="utf-8")
    text, _ = _render(tmp_path, str(model), "--title", HOSTILE, "--caption", HOSTILE + " cap")
    page = assert_inert(text)
    assert page.texts["h1"] == HOSTILE
    assert page.texts["title"] == HOSTILE
    assert page.texts["figcaption"].startswith(HOSTILE + " cap")
    assert str(model) in text.replace("&lt;", "<").replace("&gt;", ">")
    # The page sets title and caption as HTML; the diagram does not repeat them.
    svg = text[text.index("<svg"):text.index("</svg>")]
    assert "alert(1)" not in svg


@needs_dot
def test_values_from_set_reach_the_tables(tmp_path):
    text, _ = _render(tmp_path, "--set", "x=[1,0]", "--set", "y=1")
    assert "--set/--values" in text
    assert "<mn>1</mn><mo>,</mo><mtext>\xa0</mtext><mn>0</mn>" in text       # x = [1, 0]


@needs_dot
def test_each_of_two_edges_between_the_same_nodes_gets_its_own_tooltip(tmp_path):
    text, _ = _render(tmp_path, "-e", "y = x * x + x")
    page = Page(text)
    edges = [a for t, a in page.tags if t == "div" and a.get("data-tail") == "x"]
    assert len(edges) == 3
    assert len({a["aria-describedby"] for a in edges}) == 3


@needs_dot
def test_undefined_local_derivative_and_non_scalar_output_are_said(tmp_path):
    text, _ = _render(tmp_path, "-e", "L = (w - 3)^2", "--set", "w=1")
    assert "not defined at these values" in text    # ∂/∂2 of (w − 3)^2 needs log(w − 3)
    text, _ = _render(tmp_path, "-e", "y = 2 w", "--set", "w=[1,2]")
    assert "is not a scalar" in text


@needs_dot
@pytest.mark.parametrize("name", examples.names())
def test_every_example_gives_an_inert_page_with_math(name):
    text = html_mod.example_html(name)
    assert_inert(text)
    assert text.count('class="tip"') >= 3
    assert '<code class="tex">' not in text              # every formula converted


@needs_dot
def test_html_to_stdout(tmp_path):
    result = CliRunner().invoke(cli, ["render", "--format", "html", "-o", "-", "-e",
                                      "y = tanh(w x)"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith(
        "</html>")


# --- in a real browser ------------------------------------------------------------------------

def _browser_missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (make test installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not HAS_DOT:
        return "needs Graphviz's dot"
    return None


def browser_test(func):
    """Marked `browser`, and skipped with the reason when Chromium or playwright is missing."""
    missing = _browser_missing()
    func = pytest.mark.skipif(missing is not None, reason=missing or "")(func)
    return pytest.mark.browser(func)


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium (Debian's) for the module, with a fresh profile, offline."""
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, offline=True,
            viewport={"width": 1280, "height": 900},
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def xor_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "xor.html"
    path.write_text(html_mod.example_html("xor"), encoding="utf-8")
    return path


@pytest.fixture
def opened(chromium, xor_file):
    """The xor page in a new tab; yields (page, problems) with every console error, page
    error and request for anything but the file itself."""
    page = chromium.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}")
            if r.url != xor_file.as_uri() else None)
    page.goto(xor_file.as_uri())
    page.wait_for_load_state("load")
    try:
        yield page, problems
    finally:
        page.close()


def _plain(text: str) -> str:
    """Tooltip text without layout whitespace, math letters (𝑧, 𝜎) as plain ones."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _tip_of(page, selector: str):
    return page.locator("#" + page.get_attribute(selector, "aria-describedby"))


@browser_test
def test_hovering_a_node_shows_its_computation_value_and_gradient(opened):
    page, problems = opened
    program, leaf_values = _program("xor")
    numbers = draw.numbers_for(program, leaf_values)
    selector = '.hot[data-node="z"]'
    tip = _tip_of(page, selector)
    assert not tip.is_visible()
    page.hover(selector)
    assert tip.is_visible()
    text = _plain(tip.inner_text())
    assert "z=σ(a)" in text                               # the forward computation
    assert "value" in text and "shape2" in text
    for x in numbers["values"]["z"]:
        assert f"{x:.4g}" in text
    assert "∂L/∂z=" in text
    for x in numbers["grads"]["z"]:
        assert f"{x:.4g}".replace("-", "−") in text
    box = tip.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 60
    page.mouse.move(2, 2)                                 # away: the tooltip goes
    assert not tip.is_visible()
    assert problems == []


@browser_test
def test_hovering_the_output_shows_the_loss_and_its_value(opened):
    page, problems = opened
    program, leaf_values = _program("xor")
    loss = float(draw.numbers_for(program, leaf_values)["values"]["L"])
    page.hover('.hot[data-node="L"]')
    tip = _tip_of(page, '.hot[data-node="L"]')
    assert tip.is_visible()
    text = _plain(tip.inner_text())
    assert "L=12(" in text                               # L = ½ (ŷ − y)², ½ as a fraction
    assert f"{loss:.4g}" in text and "∂L/∂L=1" in text
    assert problems == []


@browser_test
def test_hovering_an_edge_shows_its_local_derivative_and_value(opened):
    page, problems = opened
    program, leaf_values = _program("xor")
    local = draw.numbers_for(program, leaf_values)["local"][("a", "z", 0)]
    selector = '.hot[data-tail="a"][data-head="z"]'
    tip = _tip_of(page, selector)
    assert not tip.is_visible()
    # The middle of the curve itself (a thin line; the page gives it a wider hit area).
    x, y = page.evaluate("""sel => {
        const path = document.querySelector(sel + ' path.hit');
        const pt = path.getPointAtLength(path.getTotalLength() / 2);
        const m = path.getScreenCTM();
        return [pt.x * m.a + pt.y * m.c + m.e, pt.x * m.b + pt.y * m.d + m.f];
    }""", selector)
    page.mouse.move(x, y + 3)                             # a few pixels off the line
    assert tip.is_visible()
    text = _plain(tip.inner_text())
    assert "∂z/∂a=z⊙(1−z)" in text         # LaTeX: z and 1 − z are vectors
    for v in local:
        assert f"{v:.4g}" in text
    assert "isaddedto∂L/∂a" in text
    assert problems == []


@browser_test
def test_math_is_laid_out_as_mathml(opened):
    page, problems = opened
    assert page.locator("math").count() > 20
    assert page.evaluate("getComputedStyle(document.querySelector('#backward math')).display"
                         ) in ("math", "inline math")
    frac = page.locator("#backward mfrac").first.bounding_box()
    letter = page.locator("#forward mi").first.bounding_box()
    assert frac and letter and frac["width"] > 0 and letter["height"] > 0
    assert frac["height"] > 1.5 * letter["height"]         # a real fraction: two levels
    matrix = page.locator("#leaves mtable").first.bounding_box()
    assert matrix and matrix["height"] > 1.5 * letter["height"]
    assert problems == []


@browser_test
def test_keyboard_focus_shows_a_tooltip(opened):
    page, problems = opened
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert focused and page.locator("#" + focused).is_visible()
    assert problems == []


@browser_test
def test_screenshot_of_the_page_with_a_tooltip(opened, tmp_path):
    page, problems = opened
    page.hover('.hot[data-node="y_hat"]')
    shot = tmp_path / "xor-html.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    assert problems == []


@needs_dot
def test_ops_style_gives_operations_and_their_arrows_tooltips(tmp_path):
    text, _ = _render(tmp_path, "--style", "ops")
    page = assert_inert(text)
    groups = [a for t, a in page.tags if t == "div"]
    made = sorted(a["data-op"] for a in groups if "data-op" in a)
    program, _ = _program("xor")
    assert made == sorted(n.id for n in program.nodes.values() if n.op is not None)
    edges = [(a["data-tail"], a["data-head"]) for a in groups if "data-head" in a]
    assert len(edges) == sum(len(n.args) for n in program.nodes.values() if n.op)
