"""diagrams/ must match what `make diagrams` would draw now, and hold every theme and format."""

from __future__ import annotations

import os
import shutil

import pytest

from graphdraw import gallery
from graphdraw.language import examples

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAS_DOT = shutil.which("dot") is not None
SOURCES = gallery.sources()


def _marks(filename: str) -> list:
    """Sources that need a program to be made carry its marker (and skip without it)."""
    marks = []
    if filename.endswith(".html") or filename.endswith(".tex"):
        marks += [pytest.mark.dot,
                  pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")]
    if filename.startswith("xor-vs-torchviz"):
        marks.append(pytest.mark.torch)
    return marks


@pytest.mark.parametrize("filename", [pytest.param(f, marks=_marks(f)) for f in sorted(SOURCES)])
def test_diagrams_are_up_to_date(filename):
    if filename.startswith("xor-vs-torchviz"):
        pytest.importorskip("torch")
        pytest.importorskip("torchviz")
    path = os.path.join(ROOT, gallery.DIAGRAMS, filename)
    assert os.path.exists(path), f"{filename} is missing: run `make diagrams`"
    with open(path, encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == SOURCES[filename](), \
        f"diagrams/{filename} is out of date: run `make diagrams` and commit diagrams/"
    stem = path[:-len(os.path.splitext(filename)[1])]
    pictures = gallery.pictures_of(filename)
    if filename.endswith(".dot"):
        assert pictures == [f"{os.path.basename(stem)}.{fmt}" for fmt in ("svg", "png")]
    for picture in pictures:
        picture_path = os.path.join(ROOT, gallery.DIAGRAMS, picture)
        assert os.path.exists(picture_path), f"{picture} is missing: run `make diagrams`"


def test_the_gallery_has_every_example_theme_and_style():
    names = set(SOURCES)
    for name in examples.names():
        assert f"{name}.dot" in names
    for extra in ("xor-values", "xor-print", "xor-colorblind", "xor-ops", "xor-vs-torchviz"):
        assert f"{extra}.dot" in names
    themes = {options.get("theme", "default") for _, options in gallery.PICTURES.values()}
    styles = {options.get("style", "textbook") for _, options in gallery.PICTURES.values()}
    from graphdraw.formats.graphviz import draw
    assert themes == set(draw.THEMES) and styles == set(draw.DRAW_STYLES)


def test_tikz_and_html_join_the_gallery_when_they_exist():
    tikz = gallery._tikz_maker()
    page = gallery._html_maker()
    assert ("xor.tex" in SOURCES) == (tikz is not None)
    assert ("xor.html" in SOURCES) == (page is not None)


def test_gallery_pictures_are_the_command_line_pictures():
    # PICTURES documents each picture as `graphdraw render --example NAME` with its options
    from click.testing import CliRunner

    from graphdraw import cli
    for stem in ("xor-print", "xor-ops", "xor-values"):
        name, options = gallery.PICTURES[stem]
        args = ["render", "--example", name, "-f", "dot", "-o", "-"]
        for key, value in options.items():
            args += [f"--{key}", str(value)]
        result = CliRunner().invoke(cli.cli, args)
        assert result.exit_code == 0, result.output
        assert result.stdout == SOURCES[f"{stem}.dot"](), stem
