"""graphdraw taylor: Taylor series of the op table's elementwise functions (exercise 6.1)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw import ops
from graphdraw.numeric import evaluate
from graphdraw.language import parser
from graphdraw.analyses import taylor
from graphdraw.cli import cli

sympy = pytest.importorskip("sympy")


def run(*args: str):
    return CliRunner().invoke(cli, ["taylor", *args], catch_exceptions=False)


def series(function: str, order: int = 3, at: float = 0.0) -> taylor.Series:
    return taylor.expand(taylor.resolve(function), order, at)


# -- exercise 6.1(b) ----------------------------------------------------------------------

def test_sigmoid_three_terms_plain_is_exact():
    result = run("sigmoid", "--order", "3", "--plain")
    assert result.exit_code == 0
    assert result.output == "1/2 + x/4 - x^3/48\n"


def test_sigmoid_three_terms_pretty_with_derivation():
    result = run("sigmoid", "--order", "3")
    assert result.exit_code == 0
    out = result.output
    assert "  σ(x) = 1/2 + x/4 − x³/48 + O(x⁵)\n" in out
    assert "the first 3 non-zero terms" in out
    # the derivation: c_3 = f'''(0)/3! = (−1/8)/6, and σ''' in terms of σ (hint of 6.1(b))
    assert "σ − 7σ² + 12σ³ − 6σ⁴" in out and "−1/8" in out and "−1/48" in out
    # exercise 6.1(a): σ′ = σ − σ², the op table's derivative, confirmed by sympy
    assert "σ′ = σ (1 − σ) = σ − σ²" in out and "sympy's derivative agrees" in out


def test_default_function_is_sigmoid_and_order_counts_non_zero_terms():
    assert run("--plain").output == "1/2 + x/4 - x^3/48\n"
    assert run("-n", "5", "--plain").output == \
        "1/2 + x/4 - x^3/48 + x^5/480 - 17*x^7/80640\n"
    assert run("σ", "-n", "1", "--plain").output == "1/2\n"


def test_the_plain_series_parses_back_and_approximates_the_function():
    text = run("sigmoid", "-n", "4", "--plain").output.strip()
    program = parser.parse(f"s = {text}")
    for x in (-0.3, 0.1, 0.4):
        approx = float(evaluate.forward(program, {"x": np.array(x)})[program.output])
        assert approx == pytest.approx(1 / (1 + math.exp(-x)), abs=abs(x) ** 7 / 1000 + 1e-15)


KNOWN = [
    ("tanh", 4, 0.0, "x - x^3/3 + 2*x^5/15 - 17*x^7/315"),
    ("exp", 4, 0.0, "1 + x + x^2/2 + x^3/6"),
    ("softplus", 4, 0.0, "log(2) + x/2 + x^2/8 - x^4/192"),
    ("log", 3, 1.0, "(x - 1) - (x - 1)^2/2 + (x - 1)^3/3"),
    ("ln", 2, 2.0, "log(2) + (x - 2)/2"),
    ("sqrt", 3, 4.0, "2 + (x - 4)/4 - (x - 4)^2/64"),
    ("relu", 3, 1.5, "3/2 + (x - 1.5)"),
    ("abs", 2, -2.0, "2 - (x + 2)"),
    ("x σ(x)", 3, 0.0, "x/2 + x^2/4 - x^4/48"),
    ("(1 + x)^3", 6, 0.0, "1 + 3*x + 3*x^2 + x^3"),
    ("tanh(tanh(x))", 3, 0.0, "x - 2*x^3/3 + 3*x^5/5"),
]


@pytest.mark.parametrize("function, order, at, expected", KNOWN)
def test_known_series(function, order, at, expected):
    assert taylor.polynomial_text(series(function, order, at), "plain") == expected


def test_at_a_point_where_the_coefficients_are_irrational():
    s = series("sigmoid", 4, 1.0)
    sig = 1 / (1 + math.exp(-1))
    d1 = sig * (1 - sig)
    d2 = d1 * (1 - 2 * sig)
    d3 = d1 * (1 - 6 * sig + 6 * sig ** 2)
    assert [t.power for t in s.terms] == [0, 1, 2, 3]
    np.testing.assert_allclose([t.value for t in s.terms], [sig, d1, d2 / 2, d3 / 6],
                               rtol=1e-14)
    out = run("sigmoid", "--at", "1", "-n", "2").output
    assert "σ(x) = 0.731059 + 0.196612 (x − 1) + O((x − 1)²)" in out


def test_negative_and_fractional_points():
    assert run("exp", "--at", "-2", "-n", "2", "--plain").output.endswith("*(x + 2)\n")
    assert "(x − 0.5)" in run("tanh", "--at", "0.5").output


def test_polynomials_end_and_say_so():
    s = series("(1 + x)^3", 6)
    assert s.complete and s.next_power is None and len(s.terms) == 4
    assert "all 4 non-zero terms (it is a polynomial there)" in taylor.format_text(s)
    assert "it is 0 there" in run("relu", "--at", "-1").output


def test_json():
    data = json.loads(run("sigmoid", "-n", "3", "--json").output)
    assert data["series"] == "1/2 + x/4 - x^3/48"
    assert [t["power"] for t in data["terms"]] == [0, 1, 3]
    assert [t["exact"] for t in data["terms"]] == ["1/2", "1/4", "-1/48"]
    assert data["next_power"] == 5 and data["derivative"]["agrees"] is True
    assert data["latex"] == r"\dfrac{1}{2} + \dfrac{x}{4} - \dfrac{x^{3}}{48}"


# -- the op table, row by row -------------------------------------------------------------

def test_every_elementwise_row_has_a_sympy_mapping():
    table = taylor.sympy_functions()
    rows = taylor.elementwise_rows()
    assert {r.name for r in rows} >= {"sigmoid", "tanh", "relu", "exp", "log", "sqrt", "abs",
                                      "softplus", "add", "mul", "pow", "max", "min"}
    missing = [r.name for r in rows if r.name not in table]
    assert not missing, f"rows without a sympy mapping in taylor.sympy_functions: {missing}"


def _domain_points(row, position_count, rng):
    points = []
    for _ in range(6):
        args = []
        for position in range(position_count):
            v = float(rng.uniform(0.2, 2.5) * rng.choice([-1.0, 1.0]))
            if (row.name, position) in {("log", 0), ("sqrt", 0), ("pow", 0), ("log1p", 0)}:
                v = abs(v)
            args.append(v)
        points.append(args)
    return points


@pytest.mark.parametrize("row", taylor.elementwise_rows(), ids=lambda r: r.name)
def test_sympy_mapping_agrees_with_the_rows_numpy_forward(row):
    table = taylor.sympy_functions()
    rng = np.random.default_rng(len(row.name))
    symbols = sympy.symbols("a b", real=True)[:row.arity]
    expr = table[row.name](*symbols)
    for args in _domain_points(row, row.arity, rng):
        expected = float(row.forward(*[np.array(a) for a in args]))
        got = float(sympy.N(expr.subs(dict(zip(symbols, args))), 30))
        assert got == pytest.approx(expected, rel=1e-13, abs=1e-15), (row.name, args)


UNARY = [r for r in taylor.elementwise_rows()
         if r.arity == 1 and r.style == "call" and r.differentiable]


@pytest.mark.parametrize("row", UNARY, ids=lambda r: r.name)
def test_op_table_derivative_agrees_with_sympy(row):
    """The local-derivative template of every differentiable unary row (σ′ = out (1 − out),
    tanh′ = 1 − out², …) equals sympy's derivative of the row's function."""
    identity = taylor.derivative_identity(taylor.resolve(row.name))
    assert identity["agrees"], (row.name, identity)


def test_a_wrong_derivative_would_be_caught():
    x = sympy.Symbol("x", real=True)
    function = taylor.Function(1 / (1 + sympy.exp(-x)), x, "x", "σ(x)", "sigmoid(x)",
                               lambda xs: xs, row=ops.OPS["tanh"])       # tanh's template
    assert not taylor.derivative_identity(function)["agrees"]


# -- what FUNCTION may be, and what is refused ---------------------------------------------

def test_unknown_function_suggests_the_closest():
    result = run("sigmod")
    assert result.exit_code == 3
    assert "unknown function 'sigmod'" in result.output
    assert "did you mean 'sigmoid'?" in result.output
    assert "did you mean 'sigmoid'?" in run("sigma").output       # σ spelt out, as the parser
    assert "did you mean 'softplus'?" in run("softplu").output


@pytest.mark.parametrize("name, words", [
    ("sum", "a reduction"), ("mean", "a reduction"), ("transpose", "a transpose"),
    ("max", "takes 2 operands"), ("outer", "takes 2 operands"), ("matmul", "takes 2 operands"),
    ("pow", "takes 2 operands")])
def test_non_elementwise_or_binary_ops_are_refused(name, words):
    result = run(name)
    assert result.exit_code == 3
    assert words in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("function, at, words", [
    ("relu", 0.0, "kink"), ("abs", 0.0, "kink"), ("sqrt", 0.0, "not analytic"),
    ("log", 0.0, "not defined"), ("log", -1.0, "not defined"), ("σ(x)/x", 0.0, "not defined"),
    ("max(x, 1)", 1.0, "kink")])
def test_points_without_a_series_are_refused(function, at, words):
    result = run(function, "--at", str(at))
    assert result.exit_code == 3, result.output
    assert words in result.output and "--at" in result.output


def test_expressions_go_through_graphdraws_parser_never_sympify():
    result = run("__import__('os').system('echo hacked')")
    assert result.exit_code == 3
    assert "hacked" not in result.output.splitlines() and "<FUNCTION>:1:" in result.output
    result = run("x y")
    assert result.exit_code == 3 and "2 variables" in result.output


def test_the_variable_takes_the_expressions_name():
    assert run("t^2 + σ(t)", "-n", "3", "--plain").output == "1/2 + t/4 + t^2\n"


def test_order_is_bounded():
    assert run("--order", "0").exit_code == 2
    assert run("--order", "21").exit_code == 2


# -- the picture --------------------------------------------------------------------------

@pytest.mark.parametrize("ext, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"),
                                        ("pdf", b"%PDF")])
def test_plot_writes_the_function_and_its_truncations(tmp_path, ext, magic):
    pytest.importorskip("matplotlib")
    path = tmp_path / f"sigmoid.{ext}"
    result = run("sigmoid", "-n", "3", "--plot", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(magic)
    assert f"wrote {path}" in result.output


def test_svg_plots_are_reproducible(tmp_path):
    pytest.importorskip("matplotlib")
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    run("tanh", "-n", "3", "--plot", str(a))
    run("tanh", "-n", "3", "--plot", str(b))
    assert a.read_bytes() == b.read_bytes()
    assert "3 terms" in a.read_text()


def test_plot_options_are_checked_before_any_work(tmp_path):
    assert run("--plot", str(tmp_path / "x.gif")).exit_code == 2     # a usage error, as render -o x.gif
    assert run("--plot", str(tmp_path / "missing" / "x.png")).exit_code == 5
    assert run("--plot", str(tmp_path / "x.png"), "--xlim", "3", "1").exit_code == 2


def test_plot_respects_xlim_and_domain(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "log.png"
    result = run("log", "--at", "1", "--plot", str(path), "--xlim", "-1", "3")
    assert result.exit_code == 0 and path.stat().st_size > 1000


def test_the_gallery_has_the_taylor_picture_the_command_draws(tmp_path):
    import os

    from graphdraw import gallery
    pytest.importorskip("matplotlib")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    assert os.path.exists(os.path.join(root, gallery.DIAGRAMS, "sigmoid-taylor.svg")), \
        "diagrams/sigmoid-taylor.svg is missing: run `make diagrams`"
    path = tmp_path / "sigmoid-taylor.svg"
    assert run("sigmoid", "--order", "4", "--plot", str(path)).exit_code == 0
    assert path.read_bytes() == gallery.analysis_pictures()["sigmoid-taylor.svg"]()


def test_an_op_without_a_sympy_form_is_an_error_that_says_how_to_add_one():
    from graphdraw.analyses.taylor.sympy_ops import sympy_of
    from graphdraw.errors import GraphdrawError
    with pytest.raises(GraphdrawError) as caught:
        sympy_of({}, "tan")
    assert "'tan' has no sympy form" in caught.value.message
    assert "sympy=lambda sp, a: sp.tan(a)" in caught.value.hint
