"""Inputs a user can type that once broke graphdraw: each gives its documented exit code, one
message without a traceback, strict JSON, no partial file, and bounded work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT, EXIT_LIMIT, EXIT_OUTPUT

ROOT = Path(__file__).resolve().parent.parent
DIGITS_5000 = "9" * 5000


def run(*args, input=None, env=None):
    """The command's result; it never shows the last-resort message."""
    result = CliRunner().invoke(cli, list(args), input=input, env=env)
    text = result.output + (result.stderr if result.stderr_bytes else "")
    assert "internal error" not in text, text
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    return result, text


def strict_json(text: str):
    """JSON as the standard writes it: no NaN, Infinity or -Infinity."""
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")
    return json.loads(text, parse_constant=refuse)


# -- the last-resort "internal error" ----------------------------------------------------------

def test_1_scalar_grads_of_a_non_scalar_output():
    result, text = run("grads", "--scalar", "-e", "param w[2]; L = 2 w")
    assert result.exit_code == 0, text
    assert "∂L/∂w[1] = 2" in text


def test_2_huge_integer_in_set():
    result, text = run("grads", "--set", "x=1" + "0" * 400, "-e", "L = x w")
    assert result.exit_code == EXIT_INPUT, text
    assert "--set x" in text and "64-bit" in text


def test_2_huge_integer_in_values_file(tmp_path):
    path = tmp_path / "v.json"
    path.write_text('{"x": ' + "9" * 4400 + "}", encoding="utf-8")
    result, text = run("grads", "--values", str(path), "-e", "L = x w")
    assert result.exit_code == EXIT_INPUT, text
    assert "v.json" in text


@pytest.mark.parametrize("model", [
    f"param w[{DIGITS_5000}]; L = sum(w)",
    f"dim H = {DIGITS_5000}; param w[H]; L = sum(w)",
    "param w[9223372036854775808]; L = sum(w)",
    "L = Σ_n^1000000000000000000000000000000 x_n",
])
@pytest.mark.parametrize("command", [["grads"], ["render", "-f", "json", "-o", "-"]])
def test_3_sizes_past_the_limit_are_refused_where_they_are_written(model, command):
    result, text = run(*command, "-e", model)
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_ENTRIES" in text and ":1:" in text


def test_3_dim_option_past_the_limit():
    result, text = run("grads", "--dim", f"H={DIGITS_5000}", "-e", "dim H = 2; param w[H]; "
                       "L = sum(w)")
    assert result.exit_code in (2, EXIT_LIMIT), text


def test_3_csv_header_index_past_the_limit(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x[99999999999999999999],y\n1,2\n", encoding="utf-8")
    result, text = run("train", "--steps", "1", "--no-files", "--data", str(data),
                       "-e", "param w; L = (w x - y)^2")
    assert result.exit_code == EXIT_INPUT, text
    assert "d.csv" in text and "x[99999999999999999999]" in text


@pytest.mark.parametrize("command", [["grads"], ["grads", "--format", "latex"],
                                     ["render", "-f", "json", "-o", "-"]])
def test_4_a_derivative_coefficient_that_overflows(command):
    result, text = run(*command, "-e", "L = 1e308 w + 1e308 w")
    assert result.exit_code in (0, EXIT_INPUT), text
    if result.exit_code == EXIT_INPUT:
        assert "line 1" in text or ":1:" in text


@pytest.mark.dot
def test_4_html_of_a_derivative_coefficient_that_overflows(tmp_path):
    result, text = run("render", "-f", "html", "-o", str(tmp_path / "g.html"),
                       "-e", "L = 1e308 w + 1e308 w")
    assert result.exit_code in (0, EXIT_INPUT), text


@pytest.mark.parametrize("model", ["param b[0]; L = sum(b)", "dim K = 0; param b[K]; L = sum(b)"])
def test_6_a_size_of_zero_is_an_input_error(model):
    result, text = run("grads", "-e", model)
    assert result.exit_code == EXIT_INPUT, text
    assert ":1:" in text


def test_7_train_a_model_with_samples_and_no_data():
    result, text = run("train", "--steps", "5", "--no-files", "-e", "param b; L = Σ_n b y_n")
    assert result.exit_code in (0, EXIT_INPUT), text


@pytest.mark.parametrize("option, value", [
    ("--layout-timeout", "nan"), ("--layout-timeout", "inf"), ("--layout-timeout", "1e308"),
    ("--layout-timeout", "-inf")])
def test_8_render_option_values_that_are_not_finite(option, value):
    result, text = run("render", "-f", "dot", "-o", "-", option, value, "-e", "L = w")
    assert result.exit_code == 2, text


@pytest.mark.parametrize("args", [
    ["saddle", "--damping", "nan"], ["saddle", "--lr-gd", "inf"], ["saddle", "--lr", "nan"],
    ["train", "--lr", "inf"], ["train", "--momentum", "nan"], ["train", "--damping", "inf"],
    ["check", "--rtol", "nan"], ["check", "--fd-step", "inf"],
    ["taylor", "exp", "--at", "nan"], ["taylor", "exp", "--xlim", "0", "inf"],
])
def test_8_option_values_that_are_not_finite_are_usage_errors(args):
    result, text = run(*args, "-e", "L = w^2") if args[0] != "taylor" else run(*args)
    assert result.exit_code == 2, text
    assert "finite" in text


def test_9_taylor_far_from_zero():
    result, text = run("taylor", "σ(x)", "--at", "1e308")
    assert result.exit_code in (0, EXIT_INPUT), text


# -- limits that say what they are -------------------------------------------------------------

@pytest.mark.parametrize("model", ["param W[3000,3000]; L = sum(W)",
                                   "param W[8000,8000]; L = sum(W)"])
def test_12_hessian_limit_is_checked_before_listing_entries(model):
    start = time.perf_counter()
    result, text = run("hessian", "-e", model)
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_HESSIAN" in text or "GRAPHDRAW_MAX_ENTRIES" in text
    assert time.perf_counter() - start < 5


def test_12_hessian_limit_names_its_variable():
    result, text = run("hessian", "-e", "param W[12,12]; L = sum(W)",
                       env={"GRAPHDRAW_MAX_HESSIAN": "100"})
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_HESSIAN" in text and "--wrt" in text and "144" in text
    result, text = run("hessian", "-e", "param W[12,12]; L = sum(W)",
                       env={"GRAPHDRAW_MAX_HESSIAN": "200"})
    assert result.exit_code == 0, text


@pytest.mark.parametrize("model", ["param W[8000, 8000]; L = sum(W)", "L = Σ_n^100000000 x_n",
                                   "param U[3000, 3000], W[3000, 3000], V[3000, 3000]; L = sum(U) + sum(W) + sum(V)"])
def test_16_declared_shapes_have_a_cap(model):
    start = time.perf_counter()
    result, text = run("grads", "-e", model)
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_ENTRIES" in text or "GRAPHDRAW_MAX_TOTAL_ENTRIES" in text
    assert time.perf_counter() - start < 5


def test_16_cap_lifted_by_its_variable():
    model = "param W[400, 400]; L = sum(W)"
    result, text = run("grads", "-e", model, env={"GRAPHDRAW_MAX_ENTRIES": "1000"})
    assert result.exit_code == EXIT_LIMIT, text
    assert "160,000" in text and "1,000" in text
    result, text = run("grads", "-e", model)
    assert result.exit_code == 0, text


def test_a_bad_limit_variable_is_an_input_error():
    result, text = run("grads", "-e", "L = w", env={"GRAPHDRAW_MAX_ENTRIES": "lots"})
    assert result.exit_code == EXIT_INPUT, text
    assert "GRAPHDRAW_MAX_ENTRIES" in text


def test_model_file_size_cap(tmp_path):
    path = tmp_path / "big.gd"
    path.write_text("L = w\n" + "# x\n" * 5000, encoding="utf-8")
    result, text = run("render", "-f", "json", "-o", "-", str(path),
                       env={"GRAPHDRAW_MAX_MODEL_BYTES": "1000"})
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_MODEL_BYTES" in text


@pytest.mark.slow
def test_render_dev_zero_stops_at_the_model_size_cap():
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "graphdraw", "render", "-f", "json", "-o", "-",
                           "/dev/zero"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == EXIT_LIMIT, done.stderr
    assert "GRAPHDRAW_MAX_MODEL_BYTES" in done.stderr
    assert time.perf_counter() - start < 20


# -- output files ------------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_19_train_writes_nothing_when_saving_params_fails(tmp_path):
    model = tmp_path / "m.gd"
    model.write_text("param w\nL = (w - 1)^2\n", encoding="utf-8")
    pictures = [tmp_path / "m-loss.svg", tmp_path / "m-trained.svg"]
    for picture in pictures:
        picture.write_text("before", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result, text = run("train", str(model), "--steps", "5", "--lr", "0.1",
                           "--save-params", "/dev/full")
    finally:
        os.chdir(cwd)
    assert result.exit_code == EXIT_OUTPUT, text
    assert [p.read_text(encoding="utf-8") for p in pictures] == ["before", "before"]


# -- non-finite or wrong results with exit 0 ---------------------------------------------------

@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_20_hessian_not_finite_is_an_error(extra):
    result, text = run("hessian", *extra, "-e", "param w = 0; L = 0^w")
    assert result.exit_code == EXIT_INPUT, text
    assert "inf" not in text.replace("infinite", "")


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_21_training_stops_at_an_infinity(extra):
    result, text = run("train", "--steps", "5", "--no-files", *extra, "-e", "L = exp(1000 w)")
    assert result.exit_code == EXIT_INPUT, text
    assert "Infinity" not in text and "--lr" in text


@pytest.mark.torch
def test_22_check_of_an_overflowing_gradient():
    result, text = run("check", "-e", "L = 1e308 w + 1e308 w")
    assert result.exit_code == EXIT_INPUT, text
    assert "✓" not in text


@pytest.mark.torch
def test_22_check_json_with_a_nan_gradient():
    result, text = run("check", "--json", "-e", "param w = 0; L = 0^w")
    assert result.exit_code == 0, text
    leaf = strict_json(result.stdout)["leaves"][0]
    assert leaf["finite_differences"]["entries"] == 0 and "torch only" in leaf["note"]


@pytest.mark.torch
@pytest.mark.parametrize("model", ["L = -step(w)", "L = 2 step(w) + w", "L = -size(w)"])
def test_23_ops_after_step_are_matched_with_torch(model):
    result, text = run("check", "-e", model)
    assert result.exit_code == 0, text


# -- text that breaks its format ---------------------------------------------------------------

@pytest.mark.dot
@pytest.mark.parametrize("title", ["]]]]", "]]", "]", "a\\", "\\", '"', "<b>", "a" * 17000,
                                   "{}}]\n[x"])       # ']' and ']]' found by make fuzz
def test_25_titles_stay_inside_their_format(title, tmp_path):
    result, text = run("render", "-f", "dot", "-o", str(tmp_path / "g.dot"), "--title", title,
                       "--caption", title, "-e", "L = w")
    assert result.exit_code in (0, 2), text
    if result.exit_code == 0:
        done = subprocess.run(["dot", "-Tsvg", str(tmp_path / "g.dot")], capture_output=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("model", ["L = _", "_ = w", "L = __ + w"])
def test_26_a_name_needs_a_letter(model):
    result, text = run("grads", "-e", model)
    assert result.exit_code == EXIT_INPUT, text
    assert ":1:" in text


def test_27_transposed_base_of_a_power_in_tikz():
    result, text = run("render", "-f", "tikz", "-o", "-", "-e", "L = xᵀ^y")
    assert result.exit_code == 0, text
    assert "^\\top^" not in text


def test_27_non_ascii_names_in_latex():
    result, text = run("grads", "--format", "latex", "-e", "L = é w")
    assert result.exit_code == 0, text
    assert "\\partial é" not in text


# -- smaller -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["1_0", "٣", "1e999", "0x10", "inf", "nan", "１"])
def test_csv_cells_are_plain_decimal_numbers(cell, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(f"x,y\n{cell},2\n", encoding="utf-8")
    result, text = run("train", "--steps", "1", "--no-files", "--data", str(data),
                       "-e", "param w; L = (w x - y)^2")
    assert result.exit_code == EXIT_INPUT, text
    assert "d.csv:2" in text


def test_numpy_warnings_do_not_reach_stderr():
    for args in (["hessian", "-e", "param w = 0; L = 0^w"], ["train", "--steps", "3",
                 "--no-files", "-e", "L = exp(1000 w)"]):
        result, text = run(*args)
        assert "RuntimeWarning" not in text and "encountered" not in text, text


def test_api_refuses_an_unknown_syntax():
    import graphdraw
    from graphdraw.errors import GraphdrawError
    with pytest.raises(GraphdrawError, match="syntax"):
        graphdraw.Graph.from_text("L = w", syntax="nope")


def test_api_refuses_complex_values():
    import numpy as np

    import graphdraw
    from graphdraw.errors import GraphdrawError
    graph = graphdraw.Graph.from_text("L = w x")
    with pytest.raises(GraphdrawError, match="complex"):
        graph.grads({"w": np.array(1 + 2j), "x": 1.0})


# -- every limit: refused past it with its variable named, lifted by the variable ------------

LIMIT_CASES = {
    "GRAPHDRAW_MAX_TOTAL_ENTRIES": (["grads", "-e", "param U[20], W[20]; L = sum(U) + sum(W)"],
                                    "30"),
    "GRAPHDRAW_MAX_HESSIAN_WORK": (["hessian", "-e", "param W[4]; L = sum(W W)"], "10"),
    "GRAPHDRAW_MAX_TERMS": (["grads", "-e", "L = x x x x x x"], "3"),
    "GRAPHDRAW_MAX_SCALAR": (["grads", "--scalar", "-e", "param W[3]; L = sum(W)"], "2"),
    "GRAPHDRAW_MAX_VERSIONS": (["render", "-f", "json", "-o", "-", "-e",
                                "c = x\n" + "c = c + c\n" * 150 + "L = c"], "120"),
    "GRAPHDRAW_MAX_FORMULA": (["grads", "--example", "mlp"], "100"),
    "GRAPHDRAW_MAX_MODEL_BYTES": (["render", "-f", "json", "-o", "-", "-e", "L = w + b"], "5"),
    "GRAPHDRAW_MAX_STEPS": (["train", "--steps", "30", "--lr", "0.1", "--no-files", "-e",
                             "L = w^2"], "20"),
}


@pytest.mark.parametrize("variable", sorted(LIMIT_CASES))
def test_each_limit_names_its_variable_and_is_lifted_by_it(variable):
    args, low = LIMIT_CASES[variable]
    result, text = run(*args, env={variable: low})
    assert result.exit_code == EXIT_LIMIT, text
    assert variable in text and "past the limit" in text
    result, text = run(*args)
    assert result.exit_code == 0, text


def test_data_rows_limit(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n" + "1,2\n" * 30, encoding="utf-8")
    args = ["train", "--steps", "1", "--no-files", "--data", str(data), "-e",
            "param w; L = (w x - y)^2"]
    result, text = run(*args, env={"GRAPHDRAW_MAX_ROWS": "20"})
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_ROWS" in text and "30 rows" in text


@pytest.mark.parametrize("command", [["grads"], ["train", "--steps", "1", "--no-files"],
                                     ["verify", "--claim", "∂L/∂w = 1"]])
def test_values_file_bytes_limit(command, tmp_path):
    values = tmp_path / "v.json"
    values.write_text('{"w": [' + "1, " * 30 + "1]}", encoding="utf-8")
    args = [*command, "-e", "L = sum(w)", "--values", str(values)]
    result, text = run(*args, env={"GRAPHDRAW_MAX_VALUES_BYTES": "50"})
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_VALUES_BYTES" in text and "100 bytes" in text, text
    result, text = run(*args)
    assert result.exit_code in (0, 8), text


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_values_from_dev_zero_stop_at_the_cap():
    result, text = run("grads", "-e", "L = w", "--values", "/dev/zero",
                       env={"GRAPHDRAW_MAX_VALUES_BYTES": "1000"})
    assert result.exit_code == EXIT_LIMIT and "GRAPHDRAW_MAX_VALUES_BYTES" in text, text


def test_training_steps_limit_counts_every_run_of_a_sweep():
    result, text = run("train", "--steps", "30000", "--sweep-hidden", "2,3", "--no-files")
    assert result.exit_code == EXIT_LIMIT, text
    assert "40 runs" in text and "1,200,000 steps" in text and "GRAPHDRAW_MAX_STEPS" in text
    result, text = run("train", "--steps", "99999999999", "--no-files", "-e", "L = w^2")
    assert result.exit_code == EXIT_LIMIT and "GRAPHDRAW_MAX_STEPS" in text, text


def test_readme_lists_every_limit():
    from graphdraw import limits
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Errors and exit codes"):]
    for limit in limits.LIMITS.values():
        assert f"`{limit.variable}` | {limit.default:,} |" in section, limit.variable


@pytest.mark.slow
def test_a_long_product_prints_in_linear_size():
    model = "L = " + " * ".join(["x"] * 1000)
    start = time.process_time()
    result, text = run("grads", "-e", model)
    assert result.exit_code == 0, text
    assert len(text) < 400_000
    assert time.process_time() - start < 10


@pytest.mark.torch
@pytest.mark.slow
def test_check_of_a_wide_model_stays_bounded():
    """Found by the fuzzer: a hidden size of 159,916 took check past 10 s of finite
    differences; their number now shrinks with the model's size."""
    model = ("dim H = 159916\ninput x[3]\ntarget y[2]\nparam W_1[H, 3], b_1[H], W_2[2, H], b_2[2]\n"
             "h = tanh(W_1 x + b_1)\nŷ = W_2 h + b_2\nL = mean((ŷ - y)^2)\n")
    start = time.process_time()
    result, text = run("check", "--no-structure", "-e", model)
    assert result.exit_code == 0, text
    assert time.process_time() - start < 10


@pytest.mark.slow
def test_training_on_many_rows_checks_the_layout_on_a_few(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n" + "".join(f"{i % 7},{i % 3}\n" for i in range(100_000)),
                    encoding="utf-8")
    start = time.process_time()
    result, text = run("train", "--steps", "1", "--lr", "1e-12", "--no-files", "--data",
                       str(data), "-e", "L = (w x + b - y)^2")
    assert result.exit_code == 0, text
    assert time.process_time() - start < 10


def test_17_version_ids_grow_by_their_digits():
    """c = c + c rebound 3,000 times: ids c, c', c'', c''', c'4, …, c'3000, so the JSON grows
    linearly (one prime per version made it quadratic: 260 MB for 8,000 versions)."""
    model = "c = x\n" + "c = c + c\n" * 3000 + "L = c"
    result, text = run("render", "-f", "json", "-o", "-", "-e", model)
    assert result.exit_code == 0, text[-2000:]
    nodes = strict_json(result.stdout)["nodes"]
    ids = {n["id"]: n["version"] for n in nodes if n["name"] == "c"}
    assert ids["c"] == 0 and ids["c'''"] == 3 and ids["c'4"] == 4 and ids["c'3000"] == 3000
    assert max(map(len, ids)) == len("c'3000")
    assert len(result.stdout) < 3_000_000


def test_17_versions_past_three_print_and_read_back_in_every_format():
    from graphdraw.language import names
    assert [names.split_id(names.version_id("W_i", v)) for v in (0, 1, 3, 4, 57)] == \
        [("W_i", v) for v in (0, 1, 3, 4, 57)]
    model = "c = x; c = c+c; c = c*c; c = c+1; c = c*c; c = 2c; L = c"
    result, text = run("grads", "-e", model)
    assert result.exit_code == 0 and "∂L/∂c^(5) = 1" in text and "∂L/∂c‴" in text, text
    result, text = run("render", "-f", "tikz", "-o", "-", "-e", model)
    assert result.exit_code == 0 and "c-prime5" in text and "c-prime3" in text, text
    result, text = run("verify", "-e", model, "--claim", "∂L/∂c‴ = 4 c‴")
    assert result.exit_code == 0, text


# -- found by `make fuzz` ----------------------------------------------------------------------

@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_taylor_coefficient_past_64_bit_floats_is_an_error(extra):
    """`taylor exp --at 1324` printed exp(1324) ≈ inf with exit 0: the coefficient is exact,
    its decimal value past 64-bit floats."""
    result, text = run("taylor", "exp", "--at", "1324", "-n", "1", *extra)
    assert result.exit_code == EXIT_INPUT, text
    assert "past 64-bit floats" in text and "inf" not in text.replace("information", ""), text
    result, text = run("taylor", "exp", "--at", "700", "-n", "2", *extra)
    assert result.exit_code == 0, text


@pytest.mark.dot
@pytest.mark.parametrize("style", ["textbook", "ops"])
def test_14_a_layout_past_dot_reach_is_refused_before_dot_runs(style, tmp_path):
    """A 500-factor product: dot peaked at 830 MB (textbook) to 1.6 GB (ops) before the
    layout time limit; its long edges are counted first now, and dot never starts."""
    out = tmp_path / "p.svg"
    start = time.monotonic()
    result, text = run("render", "--style", style, "-f", "svg", "-o", str(out), "-e",
                       "L = " + " * ".join(["x"] * 500))
    assert result.exit_code == EXIT_LIMIT, text
    assert "GRAPHDRAW_MAX_LAYOUT" in text and "249,500" in text or "498,501" in text, text
    assert time.monotonic() - start < 20 and not out.exists()
    result, text = run("render", "--style", style, "-f", "svg", "-o", str(out), "-e",
                       "L = " + " * ".join(["x"] * 12))
    assert result.exit_code == 0, text


def test_14_crossed_ranks_of_a_chain_that_reuses_one_value():
    from graphdraw.formats.graphviz.work import crossed_ranks
    for n in (10, 40):
        chain = "".join(f"\ta{i} -> a{i + 1}\n\tx -> a{i + 1}\n" for i in range(n))
        assert crossed_ranks("digraph {\n" + chain + "\tx -> a0\n}") == n * (n + 1) // 2      # x -> a(i+1) crosses i + 1 ranks


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (dot)."""
    import resource
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@pytest.mark.slow
@pytest.mark.dot
def test_11_html_of_five_hundred_rebindings(tmp_path):
    """c = x, then 500 lines of c = c + c (5 KB): the HTML page took 34 s."""
    model = "c = x\n" + "c = c + c\n" * 500
    start = _cpu_seconds()
    result, text = run("render", "-f", "html", "-o", str(tmp_path / "c.html"), "-e", model)
    assert result.exit_code == 0, text
    assert _cpu_seconds() - start < 10


@pytest.mark.slow
@pytest.mark.torch
def test_13_two_thousand_leaves(tmp_path):
    """L = w0 + … + w1999 (14 KB): hessian took 56 s, check 24 s."""
    model = "L = " + " + ".join(f"w{i}" for i in range(2000))
    start = _cpu_seconds()
    result, text = run("hessian", "-e", model)
    assert result.exit_code == EXIT_LIMIT and "GRAPHDRAW_MAX_HESSIAN" in text, text
    assert _cpu_seconds() - start < 10
    start = _cpu_seconds()
    result, text = run("check", "--no-structure", "-e", model)
    assert result.exit_code == 0, text
    assert _cpu_seconds() - start < 10


@pytest.mark.parametrize("command, model, place, statement", [
    (["grads"], "param w = 1000\nL = exp(w) + 1", "<-e>:2:", "L = exp(w) + 1"),
    (["grads"], "param w = 400\nh = exp(w)\nL = h * h", "<-e>:3:", "L = h * h"),
    (["grads"], "param w = 0\nL = 3 + sqrt(w)", "<-e>:2:", "L = 3 + sqrt(w)"),
    (["hessian"], "param w = 0\nL = norm(w) + w", "<-e>:2:", "L = norm(w) + w"),
    (["hessian", "--json"], "param w = 0\nL = 0^w", "<-e>:2:", "L = 0^w"),
])
def test_numeric_errors_name_their_statement(command, model, place, statement):
    """An overflow, a NaN, or a gradient or Hessian that is not finite: the error shows the
    statement where it appears (file:line:col, the line, a caret), as a syntax error does."""
    result, text = run(*command, "-e", model)
    assert result.exit_code == EXIT_INPUT, text
    assert text.startswith(place) and f"\n  {statement}\n" in text and "^" in text, text


@pytest.mark.parametrize("args", [["σ(x)", "--at", "882667", "-n", "3"],
                                  ["tanh(1e308 x)", "--at", "1", "-n", "6"]])
def test_taylor_where_an_argument_is_huge_is_refused_at_once(args):
    """Found by `make fuzz`: sympy took minutes over exact coefficients such as exp(−882667)
    (simplify, then evalf escalating its precision); they are 0 or past 64-bit floats."""
    start = time.process_time()
    result, text = run("taylor", *args)
    assert result.exit_code == EXIT_INPUT and "past ±100,000" in text, text
    assert time.process_time() - start < 10
    result, text = run("taylor", "σ(x)", "--at", "3", "-n", "2")
    assert result.exit_code == 0 and "0.952574" in text, text


@pytest.mark.torch
@pytest.mark.parametrize("model", ["param h[2]\nL = sum(sign(h))",
                                   "param h[2]\nL = sum(sign(h) * h + h^2)"])
def test_check_skips_a_jump_of_sign_at_zero(model):
    """Found by `make fuzz` (exit 6): sign at 0 jumps from −1 to 1, the same on both sides,
    so no kink showed and finite differences gave 1/step = 1e6 against autograd's 0."""
    result, text = run("check", "--no-structure", "--set", "h=[1.0, 0.0]", "-e", model)
    assert result.exit_code == 0, text
    assert "1 entry at a kink" in text, text
    result, text = run("check", "--no-structure", "--set", "h=[1.0, 0.5]", "-e", model)
    assert result.exit_code == 0 and "kink" not in text, text
