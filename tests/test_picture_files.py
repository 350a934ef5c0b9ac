"""The pictures the analyses write (check --diagram, train --plot/--diagram/--plot-taylor/
--track-hessian) take their format from the file's extension as render's -o and the Python
API do, and an extension that names no format is the same error everywhere, before any work."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.formats import picture_files
from graphdraw.formats.picture_files import DIAGRAMS, PLOTS, PictureError, picture_format


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("path, allowed, fmt", [
    ("loss.svg", PLOTS, "svg"), ("loss.PNG", PLOTS, "png"), ("out/loss.pdf", PLOTS, "pdf"),
    ("loss", PLOTS, "svg"), ("g.dot", DIAGRAMS, "dot"), ("g.GV", DIAGRAMS, "dot"),
    ("g.svg", DIAGRAMS, "svg"),
])
def test_the_format_comes_from_the_extension(path, allowed, fmt):
    assert picture_format(path, allowed, "--plot") == fmt


def test_an_extension_that_names_no_format():
    with pytest.raises(PictureError) as caught:
        picture_format("loss.txt", PLOTS, "--plot")
    assert str(caught.value) == "no format writes .txt files (--plot loss.txt); use .svg, " \
                                ".png or .pdf"


@pytest.mark.parametrize("path", ["g.html", "g.tex", "g.json"])
def test_a_format_this_picture_is_not_drawn_in(path):
    with pytest.raises(PictureError, match="--diagram draws no .*; use .svg, .png, .pdf or "
                                           r"\.dot \(.* is a format of graphdraw render\)"):
        picture_format(path, DIAGRAMS, "--diagram")


def test_a_plot_is_not_a_dot_file():
    with pytest.raises(PictureError, match="--plot draws no dot"):
        picture_format("loss.dot", picture_files.PLOTS, "--plot")


@pytest.mark.parametrize("args", [
    ["render", "-o", "OUT.txt"],
    ["check", "--diagram", "OUT.txt"],
    ["train", "--plot", "OUT.txt"],
    ["train", "--diagram", "OUT.txt"],
    ["train", "--plot-taylor", "OUT.txt"],
    ["train", "--track-hessian", "OUT.txt"],
])
def test_every_command_gives_the_same_error_before_any_work(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    option = args[1]
    assert f"Error: no format writes .txt files ({option} OUT.txt)" in result.output
    assert os.listdir(tmp_path) == []           # nothing computed, nothing written


def test_the_api_says_the_same(tmp_path):
    from graphdraw.api import Graph
    with pytest.raises(ValueError, match=r"^no format writes \.txt files"):
        Graph.example("xor").render(tmp_path / "out.txt")


@pytest.mark.torch
@pytest.mark.parametrize("name, start", [("c.GV", "digraph"), ("c.DOT", "digraph"),
                                         ("c", "<?xml"), ("c.SVG", "<?xml")])
def test_check_diagram_in_any_case_and_without_extension(tmp_path, name, start):
    pytest.importorskip("torch")
    if not name.lower().endswith((".gv", ".dot")):
        import shutil
        if shutil.which("dot") is None:
            pytest.skip("Graphviz is not installed")
    path = tmp_path / name
    result = invoke("check", "--no-structure", "--diagram", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").lstrip().startswith(start)


def test_train_diagram_as_dot_whatever_the_case(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("train", "--steps", "3", "--no-files", "--diagram", "t.GV",
                    "--plot", "loss.PNG")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.GV").read_text(encoding="utf-8").startswith("digraph")
    assert (tmp_path / "loss.PNG").read_bytes().startswith(b"\x89PNG")
