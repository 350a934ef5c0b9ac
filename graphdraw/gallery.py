"""Regenerate diagrams/, the gallery: every example, theme, style and format (`make diagrams`).

Each picture is written from a deterministic source (.dot, .tex, .html) that tests compare
against, so a change to rendering that was not followed by `make diagrams` fails the test
suite. Pictures laid out from a source (.svg, .png) are written beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from typing import Callable

from graphdraw.language import examples
from graphdraw.formats.graphviz import draw
from graphdraw.formats.graphviz.measure import PAGE_READY
from graphdraw.api import Graph
from graphdraw.formats.output import write_atomic

DIAGRAMS = "diagrams"

# The gallery's pictures: file stem -> (example, drawing options). Each one is also
# `graphdraw render --example NAME` with the same options (--theme print, --style ops, ...).
# Options not given are render's defaults (measure.PAGE_READY: the named view, the direction
# that keeps the larger text on a page, the compact legend).
PICTURES: dict[str, tuple[str, dict]] = {
    name: (example, {**PAGE_READY, **options}) for name, (example, options) in {
        **{name: (name, {}) for name in examples.names()},
        "xor-values": ("xor", {"show": "values,grads", "rankdir": "TB"}),
        "xor-print": ("xor", {"theme": "print"}),
        "xor-colorblind": ("xor", {"theme": "colorblind"}),
        "xor-ops": ("xor", {"style": "ops"}),
        "xor-textbook": ("xor", {"style": "textbook"}),
    }.items()}
# Kept for callers of the older gallery: extra pictures with numbers (stem -> (example, CLI)).
WITH_NUMBERS = {"xor-values": ("xor", ("--show", "values,grads", "--rankdir", "TB"))}
COMPARISONS = {"xor-vs-torchviz": "xor"}     # graphdraw check --diagram
TIKZ = {"xor": "xor"}                         # stem.tex: graphdraw render --format tikz
HTML = {"xor": "xor"}                         # stem.html: graphdraw render --format html
# Pages of `graphdraw render --steps --rankdir TB`: stem -> (example, step).
STEPS = {"xor-step-05": ("xor", 5), "xor-step-12": ("xor", 12), "xor-step-21": ("xor", 21)}
STEPPERS = {"xor-steps": "xor"}               # stem.html: graphdraw render --steps -f html


def example_dot(name: str, **options) -> str:
    """The DOT source of a built-in example as the gallery draws it."""
    return Graph.example(name).dot(**options)


def numbers_dot(name: str, seed: int = 0) -> str:
    """A built-in example with values and gradients at seed `seed`, drawn top to bottom.

    The same DOT as `graphdraw render --example NAME --show values,grads --rankdir TB`.
    """
    return example_dot(name, show="values,grads", rankdir="TB", seed=seed)


def step_dot(name: str, index: int) -> str:
    """Step `index` of `graphdraw render --example NAME --steps --rankdir TB`."""
    from graphdraw.formats.steps.pages import example_step_dot
    return example_step_dot(name, index, rankdir="TB")


def stepper_html(name: str) -> str:
    """`graphdraw render --example NAME --steps -f html`: backprop a step at a time, no script."""
    from graphdraw.formats.steps import html, pages
    return html.write(pages.example_job(name)).decode("utf-8")


def comparison_dot(name: str, seed: int = 0) -> str:
    """graphdraw's graph of an example beside torchviz's (`graphdraw check --diagram`)."""
    from graphdraw.analyses import check
    from graphdraw.language import parser
    from graphdraw.numeric import values
    program = parser.parse(examples.text(name), f"<example {name}>")
    report = check.run_check(program, values.leaf_values(program, {}, seed))
    return check.side_by_side(program, report.tensors, report)


def _tikz_maker() -> Callable[[str], str] | None:
    """graphdraw.formats.tikz.example_tex, when the TikZ output is there."""
    try:
        from graphdraw.formats import tikz
    except ImportError:
        return None
    return getattr(tikz, "example_tex", None)


def _html_maker() -> Callable[[str], str] | None:
    """graphdraw.formats.html.example_html, when the HTML output is there."""
    try:
        from graphdraw.formats import html
    except ImportError:
        return None
    return getattr(html, "example_html", None)


def sources() -> dict[str, Callable[[], str]]:
    """File name (in diagrams/) -> a function making its deterministic source text."""
    files: dict[str, Callable[[], str]] = {
        f"{stem}.dot": (lambda name=name, options=options: example_dot(name, **options))
        for stem, (name, options) in PICTURES.items()}
    files.update({f"{stem}.dot": (lambda name=name: comparison_dot(name))
                  for stem, name in COMPARISONS.items()})
    files.update(_training_sources())
    files.update({f"{stem}.dot": (lambda name=name, k=k: step_dot(name, k))
                  for stem, (name, k) in STEPS.items()})
    files.update({f"{stem}.html": (lambda name=name: stepper_html(name))
                  for stem, name in STEPPERS.items()})
    tex = _tikz_maker()
    if tex is not None:
        files.update({f"{stem}.tex": (lambda name=name: tex(name)) for stem, name in TIKZ.items()})
    page = _html_maker()
    if page is not None:
        files.update({f"{stem}.html": (lambda name=name: page(name))
                      for stem, name in HTML.items()})
    return files


def _training_sources() -> dict[str, Callable[[], str]]:
    """xor-trained.dot: the XOR network after `graphdraw train` (graphdraw.analyses.train)."""
    try:
        from graphdraw.analyses import train
    except ImportError:
        return {}
    return train.gallery_sources()


def training_pictures() -> dict[str, Callable[[], bytes]]:
    """File name (in diagrams/) -> a function drawing a picture of `graphdraw train`
    (graphdraw.analyses.train.gallery_pictures): matplotlib's output, so checked for presence only."""
    try:
        from graphdraw.analyses import train
    except ImportError:
        return {}
    return train.gallery_pictures()


def analysis_pictures() -> dict[str, Callable[[], bytes]]:
    """File name (in diagrams/) -> a function drawing a picture of `graphdraw taylor` or
    `graphdraw saddle` (matplotlib's output, so checked for presence only):

        graphdraw taylor sigmoid --order 4 --plot sigmoid-taylor.svg
        graphdraw saddle --plot saddle.svg
        graphdraw train --hidden 4 --steps 2000 --track-hessian xor-hessian.svg
    """
    def sigmoid_taylor() -> bytes:
        from graphdraw.analyses import taylor
        return taylor.plot(taylor.expand(taylor.resolve("sigmoid"), 4), "sigmoid-taylor.svg")

    def hessian_index() -> bytes:
        from graphdraw.language import examples
        from graphdraw.analyses import train
        setup = train.prepare(examples.text("xor"), "<example xor>", dims={"H": 4}, seed=0)
        _, history = train.train(setup.objective, setup.theta, steps=2000, hessian_every=10)
        return train.draw_hessian(history, "svg", "xor (H = 4): gradient descent, ε = 2, "
                                  "on the four XOR samples")

    def saddle_demo() -> bytes:
        from graphdraw.language import parser
        from graphdraw.analyses import saddle
        from graphdraw.numeric import values
        program = parser.parse(saddle.MODEL, saddle.MODEL_NAME)
        return saddle.Demo(program, values.leaf_values(program, {}, 0)).plot("svg")

    return {"sigmoid-taylor.svg": sigmoid_taylor, "saddle.svg": saddle_demo,
            "xor-hessian.svg": hessian_index}


def targets() -> dict[str, str]:
    """File name (in diagrams/) -> source text, for every file of the gallery."""
    return {filename: make() for filename, make in sources().items()}


def pictures_of(filename: str) -> list[str]:
    """The pictures `main` writes beside a source: x.dot -> x.svg, x.png; x.tex -> x-tikz.png
    (when pdflatex and pdftoppm are installed); x.html -> none.

    >>> pictures_of("xor-ops.dot"), pictures_of("xor.tex"), pictures_of("xor.html")
    (['xor-ops.svg', 'xor-ops.png'], ['xor-tikz.png'], [])
    """
    stem, ext = os.path.splitext(filename)
    if ext == ".dot":
        return [f"{stem}.svg", f"{stem}.png"]
    if ext == ".tex":
        return [f"{stem}-tikz.png"] if can_compile_tex() else []
    return []


def can_compile_tex() -> bool:
    """True when pdflatex and pdftoppm (poppler-utils) are installed."""
    return shutil.which("pdflatex") is not None and shutil.which("pdftoppm") is not None


def tex_to_png(tex: str, dpi: int = 150, timeout: float = 120.0) -> bytes:
    """A standalone LaTeX document compiled with pdflatex, its first page as a PNG."""
    with tempfile.TemporaryDirectory(prefix="graphdraw-tex-") as work:
        with open(os.path.join(work, "figure.tex"), "w", encoding="utf-8") as handle:
            handle.write(tex)
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               "figure.tex"], cwd=work, capture_output=True, timeout=timeout,
                              check=False)
        if done.returncode != 0:
            log = done.stdout.decode("utf-8", "replace")
            first = next((ln for ln in log.splitlines() if ln.startswith("!")), log[-300:])
            raise RuntimeError(f"pdflatex failed: {first}")
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", "figure.pdf",
                        "figure"], cwd=work, capture_output=True, timeout=timeout, check=True)
        with open(os.path.join(work, "figure.png"), "rb") as handle:
            return handle.read()


def main(directory: str = DIAGRAMS) -> int:
    """Write every source and its pictures; print what was written."""
    os.makedirs(directory, exist_ok=True)
    failed = []
    for filename, make in sources().items():
        source = make()
        path = os.path.join(directory, filename)
        write_atomic(path, source.encode("utf-8"))
        written = [filename]
        for picture in pictures_of(filename):
            try:
                if picture.endswith("-tikz.png"):
                    data = tex_to_png(source)
                else:
                    data = draw.layout(source, os.path.splitext(picture)[1].lstrip("."))
                    if picture.endswith(".svg") and filename[:-4] in STEPS:
                        from graphdraw.formats.graphviz.stepped import hide_in_svg
                        data = hide_in_svg(data)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                failed.append(f"{picture}: {exc}")
                continue
            write_atomic(os.path.join(directory, picture), data)
            written.append(picture)
        print(f"wrote {', '.join(os.path.join(directory, f) for f in written)}", file=sys.stderr)
    for filename, make in {**training_pictures(), **analysis_pictures()}.items():
        write_atomic(os.path.join(directory, filename), make())
        print(f"wrote {os.path.join(directory, filename)}", file=sys.stderr)
    missing = [what for what, maker in (("xor.tex (graphdraw.formats.tikz.example_tex)", _tikz_maker()),
                                        ("xor.html (graphdraw.formats.html.example_html)",
                                         _html_maker()))
               if maker is None]
    if missing:
        print(f"not yet in the gallery: {', '.join(missing)}", file=sys.stderr)
    for failure in failed:
        print(f"error: could not draw {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else DIAGRAMS))
