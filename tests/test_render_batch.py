"""`graphdraw render` through the format registry: batches, the format from -o, --rankdir."""

from __future__ import annotations

import doctest
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT
from graphdraw.formats import registry
from graphdraw.formats.base import Format
from graphdraw.language import examples

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def invoke(*args: str, cwd=None, input: str | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture
def models(tmp_path):
    """Three model files, named after examples, in tmp_path/models."""
    folder = tmp_path / "models"
    folder.mkdir()
    paths = []
    for name in ("xor", "linear", "tanh2"):
        path = folder / f"{name}.gd"
        path.write_text(examples.text(name), encoding="utf-8")
        paths.append(str(path))
    return paths


def single(path: str, *args: str) -> str:
    """What rendering one model alone writes to standard output."""
    result = invoke("render", path, *args, "-o", "-")
    assert result.exit_code == 0, result.output
    return result.stdout


# --- the registry ----------------------------------------------------------------------------

def test_every_registered_format_is_declared_by_its_module():
    for name in registry.names():
        fmt = registry.get(name)
        assert isinstance(fmt, Format) and fmt.name == name
        assert fmt.extension and fmt.summary and callable(fmt.write)
    assert registry.DEFAULT in registry.names()


def test_formats_are_found_by_name_or_extension():
    assert registry.find("tex").name == "tikz" and registry.find("TIKZ").name == "tikz"
    assert registry.find("htm").name == "html" and registry.find(".pdf").name == "pdf"
    assert registry.find("gif") is None
    assert registry.for_path("out/fig.PNG").name == "png" and registry.for_path("fig") is None
    with pytest.raises(ValueError, match="format must be one of svg, png"):
        registry.get("gif")


def test_registry_doctests():
    assert doctest.testmod(registry).failed == 0


def test_command_and_api_take_their_formats_from_the_registry():
    from graphdraw import api
    from graphdraw.cli import render
    assert render.FORMATS == api.FILE_FORMATS == registry.names()


def test_rendering_svg_imports_neither_tikz_nor_html():
    code = ("import sys; from graphdraw.cli import cli; "
            "cli(['render', '-f', 'dot', '-o', '-'], standalone_mode=False); "
            "print(sorted(m for m in sys.modules if m.startswith(('graphdraw.formats.tikz', "
            "'graphdraw.formats.html'))), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


# --- the format from -o's extension ------------------------------------------------------------

@needs_dot
def test_format_comes_from_the_extension(tmp_path):
    result = invoke("render", "-o", str(tmp_path / "fig.png"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fig.png").read_bytes().startswith(b"\x89PNG")
    assert "png)" in result.stderr
    invoke("render", "-o", str(tmp_path / "fig.json"))
    assert json.loads((tmp_path / "fig.json").read_text(encoding="utf-8"))["output"] == "L"
    invoke("render", "-o", str(tmp_path / "fig.dot"))
    assert (tmp_path / "fig.dot").read_text(encoding="utf-8").startswith("digraph")


def test_format_and_extension_that_disagree_are_a_usage_error(tmp_path):
    result = invoke("render", "-f", "svg", "-o", str(tmp_path / "fig.png"))
    assert result.exit_code == 2
    assert "--format svg disagrees with -o" in result.stderr and "fig.svg" in result.stderr
    assert os.listdir(tmp_path) == []
    tex = invoke("render", "-f", "dot", "-o", str(tmp_path / "fig.tex"))
    assert tex.exit_code == 2 and "says tikz" in tex.stderr


def test_an_extension_no_format_writes_needs_format(tmp_path):
    result = invoke("render", "-o", str(tmp_path / "fig.gif"))
    assert result.exit_code == 2 and "no format writes .gif files" in result.stderr
    given = invoke("render", "-f", "dot", "-o", str(tmp_path / "fig.gv"))
    assert given.exit_code == 0, given.output
    assert (tmp_path / "fig.gv").read_text(encoding="utf-8").startswith("digraph")


def test_without_output_the_file_is_named_after_the_model(tmp_path):
    result = invoke("render", "-f", "dot", cwd=tmp_path)
    assert result.exit_code == 0 and (tmp_path / "xor.dot").exists()


def test_rankdir_takes_either_case():
    lower = invoke("render", "-f", "dot", "-o", "-", "--rankdir", "tb")
    upper = invoke("render", "-f", "dot", "-o", "-", "--rankdir", "TB")
    assert lower.exit_code == upper.exit_code == 0
    assert lower.stdout == upper.stdout and "rankdir=TB" in lower.stdout
    assert invoke("render", "-f", "dot", "-o", "-", "--rankdir", "up").exit_code == 2


# --- batches ----------------------------------------------------------------------------------

@needs_dot
def test_batch_writes_each_model_into_the_directory(models, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("render", *models, "-o", f"{out}/")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == ["linear.svg", "tanh2.svg", "xor.svg"]
    for path in models:
        stem = os.path.splitext(os.path.basename(path))[0]
        assert (out / f"{stem}.svg").read_text(encoding="utf-8") == single(path, "-f", "svg")
    assert result.stderr.count("wrote ") == 3


def test_batch_takes_format_and_options_for_every_model(models, tmp_path):
    result = invoke("render", *models, "-f", "json", "--title", "T", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    for path in models:
        stem = os.path.splitext(os.path.basename(path))[0]
        data = (tmp_path / f"{stem}.json").read_text(encoding="utf-8")
        assert data == single(path, "-f", "json", "--title", "T")


def test_batch_without_output_writes_to_the_current_directory(models, tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    result = invoke("render", *models, "-f", "dot", cwd=here)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(here)) == ["linear.dot", "tanh2.dot", "xor.dot"]


def test_a_failing_batch_reports_where_and_writes_nothing(models, tmp_path):
    bad = tmp_path / "models" / "bad.gd"
    bad.write_text("a = x +\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("render", models[0], str(bad), models[1], "-f", "dot", "-o", f"{out}/")
    assert result.exit_code == EXIT_INPUT
    assert f"{bad}:1:" in result.stderr and "Traceback" not in result.stderr
    assert os.listdir(out) == []


def test_an_error_without_a_place_names_its_model(models, tmp_path):
    result = invoke("render", *models, "-f", "dot", "--show", "values", "--set", "b_o=0.5",
                    "-o", f"{tmp_path}/")
    assert result.exit_code == EXIT_INPUT
    assert "linear.gd: 'b_o' is not a leaf" in result.stderr
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".dot")]


@pytest.mark.parametrize("output, words", [("-", "-o - writes one model"),
                                           ("fig.dot", "give a directory with -o DIR/")])
def test_batch_to_one_file_is_a_usage_error(models, tmp_path, output, words):
    result = invoke("render", *models, "-f", "dot", "-o", output, cwd=tmp_path)
    assert result.exit_code == 2 and words in result.stderr


def test_two_models_of_one_name_are_a_usage_error(models, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(models[0], other / "xor.gd")
    result = invoke("render", models[0], str(other / "xor.gd"), "-f", "dot", "-o",
                    f"{tmp_path}/")
    assert result.exit_code == 2 and "would both be written to" in result.stderr


def test_one_model_into_a_directory(models, tmp_path):
    result = invoke("render", models[1], "-f", "dot", "-o", f"{tmp_path}/")
    assert result.exit_code == 0 and (tmp_path / "linear.dot").exists()


@needs_dot
def test_batch_in_a_real_process(models, tmp_path):
    out = tmp_path / "figs"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "graphdraw", "render", *models, "-f", "pdf",
                           "-o", f"{out}/"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(out)) == ["linear.pdf", "tanh2.pdf", "xor.pdf"]
    assert all((out / name).read_bytes().startswith(b"%PDF") for name in os.listdir(out))


def test_the_readme_s_new_format_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    """The README's Design section shows how to add a format: that exact code works."""
    import re
    import sys
    from pathlib import Path

    from click.testing import CliRunner

    from graphdraw.cli import cli
    from graphdraw.formats import registry
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"# graphdraw/formats/mermaid.py\n(.*?)\n# graphdraw/formats/registry.py",
                      readme, re.S).group(1)
    (tmp_path / "readme_mermaid.py").write_text(block, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(registry.MODULES, "mermaid", "readme_mermaid")
    out = tmp_path / "xor.mmd"
    result = CliRunner().invoke(cli, ["render", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(("flowchart LR\n", "flowchart TB\n")) and text.endswith("\n")
    assert '"W_iᵀ"' in text and '["a = W_iᵀ x + b_a"]' in text
    # it writes the figure's graph (the named view), and `wrote` counts that graph
    nodes = [line for line in text.splitlines() if '["' in line]
    edges = [line for line in text.splitlines() if "-->" in line]
    assert not any('"%' in line or "[\"%" in line for line in nodes)
    wrote = re.search(r"\((\d+) nodes, (\d+) edges, mermaid\)", result.stderr)
    assert wrote and (int(wrote.group(1)), int(wrote.group(2))) == (len(nodes), len(edges))
    # the options a format declares: --no-edge-labels honoured, --fit refused with a note
    option = next(p for p in cli.commands["render"].params if p.name == "fmt_name")
    monkeypatch.setattr(option.type, "choices", (*option.type.choices, "mermaid"))
    bare = CliRunner().invoke(cli, ["render", "-f", "mermaid", "--no-edge-labels",
                                    "--fit", "16cmx22cm", "-o", str(out)])
    assert bare.exit_code == 0, bare.output
    assert "-->|" not in out.read_text(encoding="utf-8")
    assert "--fit sizes svg, png, pdf, html, tikz, not mermaid" in bare.stderr
    listed = CliRunner().invoke(cli, ["formats"]).output.splitlines()
    assert ["mermaid", ".mmd", "Mermaid", "flowchart"] in [line.split()[:4] for line in listed]
    sys.modules.pop("readme_mermaid", None)


def test_a_new_folder_given_as_dir_slash_is_made_after_drawing(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from graphdraw.cli import cli
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.gd").write_text("y = tanh(w x + b)\n")
    (tmp_path / "b.gd").write_text("L = (w x - y)^2\n")
    (tmp_path / "bad.gd").write_text("L = (w x - \n")
    failed = CliRunner().invoke(cli, ["render", "a.gd", "bad.gd", "-f", "dot", "-o", "new/"])
    assert failed.exit_code != 0 and "bad.gd:1:" in failed.output
    assert not (tmp_path / "new").exists()              # a failing batch leaves no folder
    done = CliRunner().invoke(cli, ["render", "a.gd", "b.gd", "-f", "dot", "-o", "new/deep/"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "new" / "deep").iterdir()) == ["a.dot", "b.dot"]
    (tmp_path / "afile").write_text("")
    blocked = CliRunner().invoke(cli, ["render", "a.gd", "-f", "dot", "-o", "afile/sub/"])
    assert blocked.exit_code != 0 and "is a file, not a folder" in blocked.output


def test_every_broken_model_of_a_batch_is_named(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from graphdraw.cli import cli
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.gd").write_text("y = tanh(w x + b)\n")
    (tmp_path / "bad1.gd").write_text("L = (w x - \n")
    (tmp_path / "bad2.gd").write_text("y = w +* x\n")
    result = CliRunner().invoke(cli, ["render", "bad1.gd", "good.gd", "bad2.gd", "-f", "dot",
                                      "-o", "out/"])
    assert result.exit_code == 3
    assert "bad1.gd:1:" in result.output and "bad2.gd:1:" in result.output
    assert not (tmp_path / "out").exists()


def test_one_model_into_an_existing_folder(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from graphdraw.cli import cli
    monkeypatch.chdir(tmp_path)
    (tmp_path / "figs").mkdir()
    (tmp_path / "m.gd").write_text("y = tanh(w x + b)\n")
    refused = CliRunner().invoke(cli, ["render", "m.gd", "-f", "dot", "-o", "figs"])
    assert refused.exit_code == 5 and "write -o figs/ to put m.dot in it" in refused.output
    result = CliRunner().invoke(cli, ["render", "m.gd", "-f", "dot", "-o", "figs/"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "figs" / "m.dot").read_text().startswith("digraph")
    gv = CliRunner().invoke(cli, ["render", "m.gd", "-o", "m.gv"])
    assert gv.exit_code == 0 and (tmp_path / "m.gv").read_text().startswith("digraph")


def test_formats_lists_the_registry():
    from click.testing import CliRunner

    from graphdraw.cli import cli
    from graphdraw.formats import registry
    listed = json.loads(CliRunner().invoke(cli, ["formats", "--json"]).output)
    assert [row["name"] for row in listed] == list(registry.names())
    assert {row["name"]: row["extension"] for row in listed}["tikz"] == "tex"
    assert all(row["summary"] for row in listed)
    text = CliRunner().invoke(cli, ["formats"]).output
    assert text.splitlines()[0].split()[:2] == ["svg", ".svg"]     # the default first
    columns = {line.index(line.split()[1]) for line in text.splitlines()}
    assert len(columns) == 1                    # extensions in one column, however long a name


def test_in_a_batch_each_note_names_its_model(tmp_path):
    from click.testing import CliRunner

    from graphdraw.cli import cli
    (tmp_path / "a.gd").write_text("y = W x\n")
    (tmp_path / "b.gd").write_text("z = tanh(V h)\n")
    both = CliRunner().invoke(cli, ["render", str(tmp_path / "a.gd"), str(tmp_path / "b.gd"),
                                    "-f", "dot", "-o", f"{tmp_path}/"])
    assert both.exit_code == 0, both.output
    notes = [line for line in both.stderr.splitlines() if line.startswith("graphdraw: note:")]
    assert notes and all(f"note: {tmp_path}/a.gd: " in line or f"note: {tmp_path}/b.gd: " in line
                         for line in notes)
    one = CliRunner().invoke(cli, ["render", str(tmp_path / "a.gd"), "-f", "dot",
                                   "-o", str(tmp_path / "a.dot")])
    assert "graphdraw: note: read 'W x'" in one.stderr          # one model: no name needed


def test_keep_going_writes_every_model_that_can_be_drawn(models, tmp_path, monkeypatch):
    """-k: a model that fails to read (bad.gd) and one that fails to draw (the layout limit)
    are reported, in the models' order, the others written; the exit code is the last one's."""
    bad = tmp_path / "models" / "bad.gd"
    bad.write_text("a = x +\n", encoding="utf-8")
    wide = tmp_path / "models" / "wide.gd"
    wide.write_text("\n".join(["h0 = x"] + [f"h{i} = tanh(w h{i - 1} + b)"
                                            for i in range(1, 60)]) + "\n", encoding="utf-8")
    monkeypatch.setenv("GRAPHDRAW_MAX_LAYOUT", "1000")     # wide.gd crosses 41,538
    out = tmp_path / "out"
    result = invoke("render", str(bad), models[0], str(wide), models[1], "-f", "svg",
                    "--style", "ops", "-o", f"{out}/", "-k")
    assert result.exit_code == 7, result.output                     # the layout limit's
    assert sorted(os.listdir(out)) == sorted(
        os.path.splitext(os.path.basename(m))[0] + ".svg" for m in models[:2])
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 2 and f"{bad}:1:" in errors[0] and "wide.gd" in errors[1]
    assert "Traceback" not in result.stderr
    without = invoke("render", str(bad), models[0], "-f", "dot", "-o", f"{tmp_path}/none/")
    assert without.exit_code == EXIT_INPUT and not (tmp_path / "none").exists()
