"""render --steps: the walk (numeric/steps.py), the PDF a page a step, Beamer, the HTML stepper."""

from __future__ import annotations

import re
import shutil
import zlib

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.core import graph as graph_mod
from graphdraw.formats.graphviz import draw
from graphdraw.formats.steps import pdfpages
from graphdraw.language import examples, parser
from graphdraw.numeric import backprop, evaluate, steps as steps_mod, values

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz's dot")


def _walk(name: str = "xor", phases=steps_mod.PHASES, seed: int = 0):
    program = parser.parse(examples.text(name), f"<example {name}>")
    leaf_values = values.leaf_values(program, {}, seed)
    graph = graph_mod.build(program, notations=graph_mod.FOR_RENDER, values=leaf_values)
    numbers = draw.numbers_for(program, leaf_values)
    return program, graph, numbers, steps_mod.walk(graph, numbers, phases)


def _render(tmp_path, *args: str):
    # the node-per-value drawing left to right with the framed legend (render's default is
    # the named view, its direction chosen, a compact legend), unless asked for
    style = () if "--style" in args else ("--style", "textbook")
    style += () if "--rankdir" in args else ("--rankdir", "LR")
    style += ("--legend", "full")
    result = CliRunner().invoke(cli, ["render", *style, *args], catch_exceptions=False)
    return result


# --- the walk ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", examples.names())
def test_walk_goes_forward_in_order_then_backward_from_the_output(name):
    program, graph, numbers, steps = _walk(name)
    assert steps[0].phase == "graph" and not steps[0].values and not steps[0].grads
    phases = [s.phase for s in steps]
    assert phases == sorted(phases, key=["graph", "forward", "backward"].index)
    position = {n: i for i, n in enumerate(graph.nodes)}
    computed = [s.node for s in steps if s.phase == "forward" and s.node is not None]
    # every computed node with a value, once, in the order the model defines them (the
    # transpose of a vector, whose value is its operand's, shown with the next step)
    assert computed == [n for n in graph.nodes if graph.in_degree(n)
                        and graph.nodes[n]["kind"] != "constant"
                        and not steps_mod.trivial(graph, n)]
    backward = [s for s in steps if s.phase == "backward"]
    assert backward[0].node == program.output and backward[0].edges == ()
    # the gradients a step shows are the ones backprop computes, and every one appears
    grads = backprop.backward(program, evaluate.forward(program, values.leaf_values(
        program, {}, 0)))
    assert steps[-1].grads == {n for n in grads if n in graph}
    for step in backward[1:]:
        assert step.edges and all(tail == step.node for tail, _, _ in step.edges)
        earlier = steps[step.index - 1].grads
        # an edge is used only once the gradient at its head is known
        assert all(head in earlier or steps_mod.trivial(graph, head)
                   for _, head, _ in step.edges)
        assert step.grads - earlier - {step.node} <= {
            n for n in graph if steps_mod.trivial(graph, n)}
        assert step.node in step.grads
        assert all(position[h] > position[step.node] for _, h, _ in step.edges)
    # what is visible only grows
    for before, after in zip(steps, steps[1:]):
        assert before.values <= after.values and before.grads <= after.grads
        assert before.local <= after.local


def test_walk_of_a_value_used_twice_uses_both_edges():
    program = parser.parse("L = x * x", "<test>")
    leaf_values = values.leaf_values(program, {"x": 3.0}, 0)
    graph = graph_mod.build(program, notations=graph_mod.FOR_RENDER)
    steps = steps_mod.walk(graph, draw.numbers_for(program, leaf_values))
    last = steps[-1]
    assert last.node == "x" and len(last.edges) == 2
    assert "∂L/∂x from ∂L/∂L" in last.caption


def test_phases_leave_a_pass_out():
    *_, forward = _walk(phases=("forward",))
    *_, backward = _walk(phases=("backward",))
    assert {s.phase for s in forward} == {"graph", "forward"}
    assert {s.phase for s in backward} == {"graph", "backward"}
    assert not backward[-1].values          # the backward pass alone shows no values


def test_captions_name_the_nodes_and_the_local_derivatives():
    *_, steps = _walk()
    captions = [s.caption for s in steps]
    assert "Forward: a = W_iᵀ x + b_a" in captions
    assert "Backward: ∂L/∂L = 1" in captions
    assert "Backward: ∂L/∂a from ∂L/∂z and the local derivative z (1 − z)" in captions


# --- PDF --------------------------------------------------------------------------------------

def _pages(pdf: bytes) -> list[bytes]:
    """Each page's content stream, decompressed, in the page tree's order."""
    objects = pdfpages.read_objects(pdf)
    catalog = next(n for n, o in objects.items() if b"/Catalog" in o.head)
    tree = int(re.search(rb"/Pages\s+(\d+)", objects[catalog].head).group(1))
    kids = [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", objects[tree].head)]
    out = []
    for kid in kids:
        contents = int(re.search(rb"/Contents\s+(\d+)", objects[kid].head).group(1))
        out.append(zlib.decompress(objects[contents].stream.rsplit(b"endstream", 1)[0]))
    return out


@needs_dot
@pytest.mark.dot
def test_pdf_has_a_page_a_step_in_order_and_is_deterministic(tmp_path):
    from graphdraw.cli import batch
    from graphdraw.formats import registry
    from graphdraw.formats.steps import pages
    from graphdraw.language.source import read_model
    out = tmp_path / "xor.pdf"
    result = _render(tmp_path, "--steps", "-o", str(out))
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    assert _render(tmp_path, "--steps", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == first                       # no creation date: same bytes
    fmt = registry.get("pdf")
    options = {"rankdir": "LR", "title": "", "caption": None, "edge_labels": True,
               "shapes": True, "theme": "default", "style": "textbook", "font": None,
               "layout_timeout": 30.0, "snippet": False, "steps": steps_mod.PHASES}
    job = batch.make_job(read_model(None, None, None), fmt, options, frozenset(),
                         batch.values((), None, 0))
    singles = [_pages(pdf)[0] for pdf in pages.laid_out(job, "pdf")]
    merged = _pages(first)
    assert len(merged) == len(job.steps) == 26       # W_oᵀ, a vector's, has no step
    assert merged == singles                                # page k is step k
    assert len(set(merged)) == len(merged)                  # every step draws something new


@needs_dot
@pytest.mark.dot
@pytest.mark.parametrize("args", [["--style", "ops"], ["--style", "named"], ["--theme", "print", "--show", "grads"],
                                  ["--example", "xor-sum", "--rankdir", "TB"],
                                  ["--show", "none", "--no-edge-labels"]])
def test_pdf_steps_with_every_style_and_show(tmp_path, args):
    out = tmp_path / "fig.pdf"
    result = _render(tmp_path, "--steps", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = _pages(out.read_bytes())
    assert len(pages) > 3
    if "grads" in args:      # the backward pass alone: bare, then a page a gradient
        assert len(pages) == len(_walk(phases=("backward",))[-1]) == 15


def test_concatenate_unpacks_object_streams():
    # A page whose objects sit in a compressed object stream, as cairo 1.18 writes them.
    members = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 50 50] /Contents 4 0 R >>"]
    header = b" ".join(b"%d %d" % (i + 1, sum(len(m) + 1 for m in members[:i]))
                       for i in range(3)) + b" "
    packed = zlib.compress(header + b"\n".join(members) + b"\n")
    content = b"0 0 m 10 10 l S"
    pdf = (b"%%PDF-1.5\n4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n"
           b"5 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\n"
           b"stream\n%s\nendstream\nendobj\n"
           % (len(content), content, len(header), len(packed), packed))
    objects = pdfpages.read_objects(pdf)
    assert b"/Type /Page " in objects[3].head and objects[4].stream.startswith(content)
    joined = pdfpages.concatenate([pdf, pdf])
    assert joined.count(b"/Type /Page ") == 2 and b"/ObjStm" not in joined
    assert b"/Count 2" in joined


def test_concatenate_shares_what_the_pages_have_in_common():
    content = b"0 0 m 10 10 l S"
    def page(width: int) -> bytes:
        body = [b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d 50] /Contents 4 0 R "
                b"/Resources << /Font << /f 5 0 R >> >> >>" % width,
                b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
                b"<< /Type /Font /FontDescriptor 6 0 R >>", b"<< /FontName /X >>"]
        return b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n%s\nendobj\n" % (i + 1, b)
                                        for i, b in enumerate(body))
    joined = pdfpages.concatenate([page(50), page(60)])
    objects = pdfpages.read_objects(joined)
    assert sum(o.stream is not None for o in objects.values()) == 1    # one content stream
    assert sum(b"/FontName" in o.head for o in objects.values()) == 1
    pages = [o for o in objects.values() if b"/Type /Page " in o.head]
    assert len(pages) == 2 and pages[0].head != pages[1].head
    fonts = {re.search(rb"/f (\d+) 0 R", p.head).group(1) for p in pages}
    assert len(fonts) == 1                                           # both use one font


def test_concatenate_refuses_what_is_not_a_pdf():
    from graphdraw.errors import GraphdrawError
    with pytest.raises(GraphdrawError, match="did not write a PDF"):
        pdfpages.concatenate([b"<svg/>"])


# --- usage ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["svg", "png", "json", "dot"])
def test_steps_in_a_format_without_steps_is_a_usage_error(fmt, tmp_path):
    result = CliRunner().invoke(cli, ["render", "--style", "textbook", "--steps", "-f", fmt, "-o",
                                      str(tmp_path / f"x.{fmt}")])
    assert result.exit_code == 2
    assert "--steps draws pdf, html, tikz" in result.output
    assert not (tmp_path / f"x.{fmt}").exists()


# --- Beamer -----------------------------------------------------------------------------------

@needs_dot
@pytest.mark.dot
def test_beamer_has_an_overlay_a_step(tmp_path):
    out = tmp_path / "xor.tex"
    assert _render(tmp_path, "--steps", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="ascii")
    assert text.startswith("\\documentclass[aspectratio=169]{beamer}")
    *_, steps = _walk()
    assert [int(k) for k in re.findall(r"\\only<(\d+)>", text)] == list(range(1, 27))
    # a node's value shows from the slide of its forward step, its gradient from its backward
    first_value = next(s.index for s in steps if "z" in s.values) + 1
    first_grad = next(s.index for s in steps if "z" in s.grads) + 1
    assert f"\\visible<{first_value}->" in text and f"\\visible<{first_grad}->" in text
    # each used edge is drawn again, thick, on its own slide only
    used = sum(len(s.edges) for s in steps)
    assert len(re.findall(r"\\draw<\d+>\[[^\]]*gd step edge", text)) == used
    assert len(re.findall(r"\\draw<\d+>\[gd step node\]", text)) == \
        sum(s.node is not None for s in steps)


@needs_dot
@pytest.mark.dot
@pytest.mark.latex
@pytest.mark.slow
def test_beamer_compiles_with_pdflatex(tmp_path):
    from test_tikz import HAS_LATEX, compile_tex
    if not HAS_LATEX or not shutil.which("kpsewhich"):
        pytest.skip("pdflatex is not installed (make test installs it)")
    out = tmp_path / "steps.tex"
    assert _render(tmp_path, "--steps", "--rankdir", "TB", "--style", "ops", "-o",
                   str(out)).exit_code == 0
    compile_tex(tmp_path, "steps", out.read_text(encoding="ascii"))
    # pdfTeX packs the page objects in object streams: pdfpages unpacks them
    objects = pdfpages.read_objects((tmp_path / "steps.pdf").read_bytes())
    assert sum(re.search(rb"/Type\s*/Page\b", o.head) is not None
               for o in objects.values()) == len(
        re.findall(r"\\only<", out.read_text(encoding="ascii")))


# --- HTML -------------------------------------------------------------------------------------

@needs_dot
@pytest.mark.dot
def test_html_stepper_is_inert_and_has_a_panel_a_step(tmp_path):
    from test_html import assert_inert
    out = tmp_path / "xor.html"
    assert _render(tmp_path, "--steps", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert_inert(text)
    assert "Content-Security-Policy" in text and "<script" not in text.lower()
    assert len(re.findall(r'<input type="radio" name="step"', text)) == 26
    assert len(re.findall(r'<section class="step step-\d+"', text)) == 26
    assert text.count(" checked>") == 1
    assert text.count("<svg") == 1                    # one drawing serves every step
    ids = re.findall(r' id="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    assert 'fill="transparent"' not in text and "#fffffe" not in text
    assert not re.search(r'fill="#01f', text)          # every stand-in colour swapped back
    # every number has a class, and a rule that hides it until its step
    classes = set(re.findall(r'class="(gd-r\d+)"', text))
    assert len(classes) > 30
    for cls in classes:
        assert re.search(rf"\.{cls} \{{ visibility: hidden; \}}", text), cls
    # … shown from its step on by sibling selectors alone: no :has() (Chromium 105+,
    # Firefox 121+ only)
    assert ":has(" not in text
    shown = re.findall(r"#step-(\d+):checked ~ \.steps \.(gd-r\d+), #step-(\d+) ~ "
                       r"input:checked ~ \.steps \.(gd-r\d+) \{ visibility: visible; \}", text)
    assert shown and all(a == c and b == d for a, b, c, d in shown)
    assert len(text) < 200_000


def _visible_step(page) -> tuple[str, str]:
    """The caption of the one step shown, and how many steps are shown."""
    shown = page.locator("section.step:visible")
    assert shown.count() == 1
    return shown.locator("p.what").inner_text(), shown.get_attribute("data-phase")


@needs_dot
@pytest.mark.dot
@pytest.mark.browser
def test_html_stepper_steps_forward_and_back_in_chromium(tmp_path):
    from test_html import _browser_missing
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    from test_html import CHROMIUM
    from playwright.sync_api import sync_playwright
    out = tmp_path / "xor.html"
    assert _render(tmp_path, "--steps", "--example", "linear", "-o", str(out)).exit_code == 0
    *_, steps = _walk("linear")
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(out.as_uri())
        assert _visible_step(page) == (f"Step 0 of {len(steps) - 1}. The computation graph",
                                       "graph")
        for step in steps[1:]:                      # forward, then backward, by "next"
            page.locator("section.step:visible label.next").click()
            caption, phase = _visible_step(page)
            assert caption.endswith(step.caption) and phase == step.phase
        assert page.locator("section.step:visible label.next").count() == 0
        page.locator("section.step:visible label.prev").click()
        assert _visible_step(page)[0].endswith(steps[-2].caption)
        page.locator("nav.jump label", has_text=re.compile("^2$")).click()
        assert _visible_step(page)[0].endswith(steps[2].caption)
        # numbers not computed yet are hidden: each step shows as much text as the one
        # before it, or more; the edges a step uses are drawn thick while it is shown
        count = ("() => [...document.querySelectorAll('.graph svg text')]"
                 ".filter(t => getComputedStyle(t).visibility === 'visible').length")
        thick = ("() => [...document.querySelectorAll('.graph svg g.edge > path')]"
                 ".filter(p => getComputedStyle(p).strokeWidth === '3px').length")
        shown, strokes = [], []
        for step in steps:
            page.locator("nav.jump label", has_text=re.compile(f"^{step.index}$")).click()
            shown.append(page.evaluate(count))
            strokes.append(page.evaluate(thick))
        browser.close()
    assert not problems, problems
    assert shown[0] < shown[2] < shown[-1] and shown == sorted(shown)
    assert strokes == [len(s.edges) for s in steps]


def test_too_many_steps_is_a_limit_before_any_layout(tmp_path):
    model = "param w\n" + "\n".join(f"c{i} = {'w' if i == 0 else f'c{i - 1}'} * w"
                                   for i in range(150)) + "\nL = c149"
    out = tmp_path / "long.pdf"
    result = CliRunner().invoke(cli, ["render", "--steps", "-e", model, "-o", str(out)])
    assert result.exit_code == 7 and "at most 200" in result.output
    assert not out.exists()
    result = CliRunner().invoke(cli, ["render", "--steps", "--show", "grads", "-f", "dot",
                                      "-e", model])
    assert result.exit_code == 2                 # dot has no steps: a usage error first


@needs_dot
@pytest.mark.dot
def test_the_python_api_writes_the_same_steps_as_the_command(tmp_path):
    import graphdraw
    cli_pdf, api_pdf = tmp_path / "cli.pdf", tmp_path / "api.pdf"
    # both with render's defaults (the named view, its direction chosen, a compact legend)
    result = CliRunner().invoke(cli, ["render", "--steps", "-o", str(cli_pdf)])
    assert result.exit_code == 0, result.output
    graphdraw.Graph.example("xor").render(api_pdf, steps=True)
    assert api_pdf.read_bytes() == cli_pdf.read_bytes()
    textbook = tmp_path / "textbook.pdf"
    assert _render(tmp_path, "--steps", "-o", str(textbook)).exit_code == 0
    graphdraw.Graph.example("xor").render(api_pdf, steps=True, style="textbook", rankdir="LR",
                                          legend="full")
    assert api_pdf.read_bytes() == textbook.read_bytes()
    with pytest.raises(ValueError, match="steps are drawn as pdf, tikz or html"):
        graphdraw.Graph.example("xor").render(tmp_path / "x.svg", steps=True)


@needs_dot
@pytest.mark.dot
def test_beamer_snippet_is_one_frame_for_a_deck(tmp_path):
    full, frame = tmp_path / "full.tex", tmp_path / "frame.tex"
    assert _render(tmp_path, "--steps", "-o", str(full)).exit_code == 0
    assert _render(tmp_path, "--steps", "--snippet", "-o", str(frame)).exit_code == 0
    text = frame.read_text(encoding="ascii")
    assert "\\documentclass" not in text and "\\begin{document}" not in text
    assert text.startswith("% A Beamer frame; the deck's preamble needs: \\usepackage{amsmath}")
    body = text[text.index("\\begin{frame}"):]
    assert body in full.read_text(encoding="ascii")     # the same frame as the document's
    assert "\\definecolor{gdStep}" in text


@needs_dot
@pytest.mark.dot
def test_the_gallerys_stepper_is_what_the_command_writes(tmp_path):
    from graphdraw import gallery
    out = tmp_path / "xor.html"
    assert _render(tmp_path, "--steps", "-f", "html", "-o", str(out)).exit_code == 0
    assert gallery.stepper_html("xor") == out.read_text(encoding="utf-8")
    assert "xor-steps.html" in gallery.sources()


@needs_dot
@pytest.mark.dot
@pytest.mark.browser
def test_the_stepper_reads_in_a_browser_as_the_other_drawings_do(tmp_path):
    """The checks of test_svg_browser (spaces kept, text inside its node, no overlaps)."""
    from test_html import CHROMIUM, _browser_missing
    if _browser_missing():
        pytest.skip(_browser_missing())
    import tempfile
    from pathlib import Path
    from playwright.sync_api import sync_playwright
    from test_svg_browser import seen
    out = tmp_path / "xor.html"
    assert _render(tmp_path, "--steps", "-f", "html", "-o", str(out)).exit_code == 0
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=["--no-sandbox"],
            viewport={"width": 1280, "height": 900})
        try:
            result = seen(context, Path(out))
        finally:
            context.close()
    assert result.texts > 100 and result.problems == []


MLP = """input x[3]
target y
param W1[3, 4], b1[4], w2[4], b2
h = tanh(W1ᵀ x + b1)
ŷ = w2ᵀ h + b2
L = 1/2 (ŷ − y)²
"""


@needs_dot
@pytest.mark.dot
@pytest.mark.latex
@pytest.mark.slow
@pytest.mark.parametrize("rankdir", ["TB", "auto"])
def test_beamer_slides_fit_the_picture_in_width_and_height(tmp_path, rankdir):
    """Top to bottom, the picture scaled to the slide's width ran off its bottom."""
    from test_tikz import HAS_LATEX, compile_tex
    if not HAS_LATEX or not shutil.which("kpsewhich"):
        pytest.skip("pdflatex is not installed (make test installs it)")
    model, out = tmp_path / "mlp.gd", tmp_path / "steps.tex"
    model.write_text(MLP, encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(model), "--steps", "-f", "tikz",
                                      "--style", "textbook", "--rankdir", rankdir,
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    log = compile_tex(tmp_path, "steps", out.read_text(encoding="ascii"))
    assert "Overfull \\vbox" not in log and "Overfull \\hbox" not in log


def test_transposing_a_vector_is_no_step_of_its_own_and_captions_mark_their_maths():
    """w2ᵀ of a vector is w2: a step for it shows nothing new."""
    program = parser.parse(MLP, "<mlp>")
    leaf_values = values.leaf_values(program, {}, 0)
    graph = graph_mod.build(program, notations=graph_mod.FOR_RENDER)
    steps = steps_mod.walk(graph, draw.numbers_for(program, leaf_values))
    shown = {graph.nodes[s.node].get("forward_pretty") for s in steps if s.node is not None}
    assert "w2ᵀ" not in shown and "W1ᵀ" in shown          # a matrix's transpose stays
    assert all(s.caption == "".join(t for _, t in s.parts) for s in steps[1:])
    back = next(s for s in steps if s.caption.startswith("Backward: ∂L/∂(ŷ − y)"))
    assert (True, "∂L/∂(ŷ − y)") in back.parts and (False, " from ") in back.parts


@needs_dot
@pytest.mark.dot
def test_beamer_captions_are_maths_and_the_count_agrees(tmp_path):
    out = tmp_path / "xor.tex"
    result = _render(tmp_path, "--steps", "-f", "tikz", "-o", str(out))
    text = out.read_text(encoding="ascii")
    last = max(int(k) for k in re.findall(r"\\only<(\d+)>", text)) - 1
    assert f"steps 0 to {last})" in result.output and f"Step {last} of {last}." in text
    captions = "\n".join(re.findall(r"\\only<\d+>\{.*", text))
    assert "$\\partial$" not in captions and "$\\partial L/\\partial L = 1$" in captions


@needs_dot
@pytest.mark.dot
@pytest.mark.browser
def test_html_stepper_drawing_uses_the_page_width(tmp_path):
    """At 1400 px the numbers of a wide drawing were 7 px high: the drawing now fills the
    width (or the window's height), so its text is readable."""
    from test_html import _browser_missing
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    from test_html import CHROMIUM
    from playwright.sync_api import sync_playwright
    model, out = tmp_path / "mlp.gd", tmp_path / "mlp.html"
    model.write_text(MLP, encoding="utf-8")
    assert _render(tmp_path, str(model), "--steps", "-f", "html", "-o", str(out)).exit_code == 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(out.as_uri())
        box = page.locator(".graph svg").bounding_box()
        sizes = page.evaluate("() => [...document.querySelectorAll('.graph svg text')]"
                              ".map(t => t.getBoundingClientRect().height)")
        browser.close()
    assert box["width"] > 1200 or box["height"] > 0.7 * 900
    assert sorted(sizes)[len(sizes) // 2] >= 9, sorted(sizes)


def test_an_unnamed_node_s_gradient_names_its_expression():
    program = parser.parse(MLP, "<mlp>")
    leaf_values = values.leaf_values(program, {}, 0)
    graph = graph_mod.build(program, notations=graph_mod.FOR_RENDER)
    dot = draw.to_dot(graph, numbers=draw.numbers_for(program, leaf_values))
    assert "∂·" not in dot and "/∂(<i>w2</i>" in dot
