"""The command line through click's CliRunner (and a few real subprocesses)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from graphdraw.language import examples
from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT, EXIT_OUTPUT

@contextlib.contextmanager
def _chdir(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, input: str | None = None):
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def test_render_json_to_stdout_has_the_users_names(runner):
    result = invoke(runner, "render", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ids = {n["id"] for n in data["nodes"]}
    assert {"x", "W_i", "b_a", "a", "z", "W_o", "b_o", "y_hat", "y", "L"} <= ids
    assert data["output"] == "L"
    for edge in data["edges"]:
        assert edge["local_grad"], edge


def test_render_default_writes_file_named_after_model(runner, tmp_path):
    with _chdir(tmp_path):
        result = invoke(runner, "render", "--format", "dot")
        assert result.exit_code == 0, result.output
        assert os.path.exists("xor.dot")
        assert "wrote xor.dot" in result.stderr
        assert not [f for f in os.listdir(".") if f.endswith(".gv") or f.startswith(".graphdraw")]


def test_model_from_file_stdin_and_inline_agree(runner, tmp_path):
    text = "a = W^T x + b\nL = sum(a^2)\n"
    path = tmp_path / "m.txt"
    path.write_text(text, encoding="utf-8")
    outs = [invoke(runner, "render", str(path), "-f", "json", "-o", "-").stdout,
            invoke(runner, "render", "-", "-f", "json", "-o", "-", input=text).stdout,
            invoke(runner, "render", "-e", text, "-f", "json", "-o", "-").stdout]
    nodes = [json.loads(o)["nodes"] for o in outs]
    assert nodes[0] == nodes[1] == nodes[2]


def test_both_notations_give_the_same_json(runner):
    math = "a = W_iᵀ x + b_a; z = σ(a); ŷ = σ(W_oᵀ z + b_o); L = ½ (ŷ − y)²"
    py = "a = W_i.T @ x + b_a; z = sigmoid(a); y_hat = sigmoid(W_o.T @ z + b_o); " \
         "L = 0.5 * (y_hat - y)**2"
    a = json.loads(invoke(runner, "render", "-e", math, "-f", "json", "-o", "-").stdout)
    b = json.loads(invoke(runner, "render", "-e", py, "-f", "json", "-o", "-").stdout)
    strip = lambda d: [(n["id"], n["kind"], n["op"]) for n in d["nodes"]]  # noqa: E731
    assert strip(a) == strip(b)
    assert [(e["source"], e["target"], e["arg"]) for e in a["edges"]] == \
        [(e["source"], e["target"], e["arg"]) for e in b["edges"]]


def test_same_input_gives_identical_bytes(runner):
    for fmt in ("json", "dot"):
        one = invoke(runner, "render", "--example", "micrograd", "-f", fmt, "-o", "-").stdout
        two = invoke(runner, "render", "--example", "micrograd", "-f", fmt, "-o", "-").stdout
        assert one == two


@pytest.mark.parametrize("name", examples.names())
def test_every_example_renders_to_dot(runner, name):
    result = invoke(runner, "render", "--example", name, "-f", "dot", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("digraph")


def test_syntax_error_has_location_caret_and_no_traceback(runner):
    result = invoke(runner, "render", "-e", "a = x +\n", "-f", "json", "-o", "-")
    assert result.exit_code == EXIT_INPUT
    assert "<-e>:1:" in result.stderr
    assert "^" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_function_suggests(runner):
    result = invoke(runner, "render", "-e", "a = sigma(x)", "-f", "json", "-o", "-")
    assert result.exit_code == EXIT_INPUT
    assert "sigmoid" in result.stderr


def test_failed_render_keeps_old_file(runner, tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    result = invoke(runner, "render", "-e", "a = (x", "-f", "json", "-o", str(target))
    assert result.exit_code == EXIT_INPUT
    assert target.read_text(encoding="utf-8") == "old"


def test_output_into_missing_directory(runner, tmp_path):
    result = invoke(runner, "render", "-f", "json", "-o", str(tmp_path / "no" / "g.json"))
    assert result.exit_code == EXIT_OUTPUT
    assert "Traceback" not in result.output


def test_output_may_not_overwrite_the_model(runner, tmp_path):
    model = tmp_path / "m.gd"
    model.write_text("a = x + 1\n", encoding="utf-8")
    result = invoke(runner, "render", str(model), "-f", "json", "-o", str(model))
    assert result.exit_code == EXIT_OUTPUT
    assert model.read_text(encoding="utf-8") == "a = x + 1\n"


def test_missing_model_file(runner):
    result = invoke(runner, "render", "no-such-file.gd", "-f", "json", "-o", "-")
    assert result.exit_code == EXIT_INPUT
    assert "no such model file" in result.stderr


def test_two_model_sources_are_refused(runner):
    result = invoke(runner, "render", "-e", "a = x", "--example", "xor")
    assert result.exit_code != 0


def test_not_utf8_model(runner, tmp_path):
    path = tmp_path / "bad.gd"
    path.write_bytes(b"a = x \xff\n")
    result = invoke(runner, "render", str(path), "-f", "json", "-o", "-")
    assert result.exit_code == EXIT_INPUT
    assert "UTF-8" in result.stderr


def test_ops_lists_every_row_with_its_derivative(runner):
    from graphdraw import ops
    result = invoke(runner, "ops", "--json")
    rows = json.loads(result.stdout)
    names = {r["name"] for r in rows}
    for required in ("add", "sub", "neg", "mul", "div", "matmul", "transpose", "pow",
                     "sigmoid", "tanh", "relu", "exp", "log", "sqrt", "abs", "softplus",
                     "sum", "mean"):
        assert required in names
        assert len(next(r for r in rows if r["name"] == required)["local_grads"]) == \
            ops.OPS[required].arity
    text = invoke(runner, "ops").stdout
    assert "∂out/∂a = out (1 − out)" in text


def test_examples_lists_and_prints(runner):
    listing = invoke(runner, "examples").stdout
    assert all(name in listing for name in examples.names())
    assert "(default)" in listing
    assert invoke(runner, "examples", "linear").stdout == examples.text("linear")
    assert invoke(runner, "examples", "nope").exit_code == EXIT_INPUT


@pytest.mark.parametrize("command", ["render", "ops", "examples", None])
def test_help_shows_examples(runner, command):
    args = [command, "--help"] if command else ["--help"]
    result = invoke(runner, *args)
    assert result.exit_code == 0
    assert "Examples:" in result.stdout


@needs_dot
@pytest.mark.dot
def test_render_svg_default(runner, tmp_path):
    with _chdir(tmp_path):
        result = invoke(runner, "render", "--format", "svg")
        assert result.exit_code == 0, result.output
        svg = open("xor.svg", encoding="utf-8").read()
        assert "<svg" in svg and "<script" not in svg


def _run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphdraw", *args], capture_output=True,
                          text=True, timeout=120, **kw)


def test_python_dash_m_works_and_errors_have_no_traceback(tmp_path):
    ok = _run("render", "-f", "json", "-o", "-")
    assert ok.returncode == 0 and json.loads(ok.stdout)["output"] == "L"
    bad = _run("render", "-e", "a = __import__('os').system('touch pwned')", "-f", "json",
               "-o", "-", cwd=tmp_path)
    assert bad.returncode == EXIT_INPUT
    assert "Traceback" not in bad.stderr
    assert not (tmp_path / "pwned").exists()


def test_broken_pipe_is_quiet():
    proc = subprocess.Popen([sys.executable, "-m", "graphdraw", "render", "--example",
                             "tanh2", "-f", "json", "-o", "-"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in stderr


def test_render_imports_no_torch_sympy_or_matplotlib():
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "graphdraw", "render",
                             "-f", "dot", "-o", "-"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "graphdraw" in imported          # the measurement itself works
    assert not imported & {"torch", "sympy", "matplotlib", "torchviz", "numpy"}
