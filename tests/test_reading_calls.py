"""Calls as textbooks and Python write them (language/calls.py): σ^2(z) is (σ(z))² with a note,
softmax(z)_k is an entry inside Σ_k and an error elsewhere, sum(x, dim=0) is sum(x, 0); never a
product with a leaf, never an internal error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from graphdraw import ops
from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT, SourceError
from graphdraw.language.parser import parse


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def structure(text: str, syntax: str | None = None) -> list[tuple]:
    """The program's nodes, without where they were written: equal for equal readings."""
    return [(n.id, n.op, n.args, n.value, n.name) for n in parse(text, syntax=syntax)
            .nodes.values()]


def refused(text: str, syntax: str | None = None) -> SourceError:
    with pytest.raises(SourceError) as info:
        parse(text, syntax=syntax)
    return info.value


def leaves(text: str) -> set[str]:
    return {n.id for n in parse(text).nodes.values() if n.is_leaf}


# -- σ^2(z): the power of the function's value -------------------------------------------------

@pytest.mark.parametrize("text, plain", [
    ("y = σ^2(z)", "y = σ(z)^2"),
    ("y = tanh²(z)", "y = tanh(z)^2"),
    ("y = tanh^3(a + b) + 1", "y = tanh(a + b)^3 + 1"),
    ("y = 2 sin^2(x) cos(x)", "y = 2 sin(x)^2 cos(x)"),
    (r"y = \frac{1}{2}\sigma^2(z)", "y = (1/2) σ(z)^2"),
    (r"y = \tanh^2(z)", "y = tanh(z)^2"),
    (r"y = \sin^{2}\left(x\right)", "y = sin(x)^2"),
    (r"y = \sigma^{2} (z)", "y = σ(z)^2"),
])
def test_a_power_between_a_function_and_its_argument_is_the_power_of_its_value(text, plain):
    assert structure(text) == structure(plain, syntax="plain")
    assert "σ" not in leaves(text) and "sigma" not in leaves(text)
    assert any("the power of the function's value" in note for note in parse(text).notes)


def test_a_declared_sigma_is_a_variable_and_its_square_a_product():
    program = parse("param σ\ny = σ^2(z)")
    assert {"sigma", "z"} <= {n.id for n in program.nodes.values() if n.is_leaf}
    assert not any("power of the function" in note for note in program.notes)


@pytest.mark.parametrize("text, message", [
    (r"y = \sigma^{-1}(z)", "the inverse function of σ"),
    ("y = tanh^(-1)(z)", "the inverse function of tanh"),
    ("y = tanh^0.5(z)", "is a whole number"),
    ("y = tanh^n(z)", "is a whole number"),
    ("y = tanh^0(z)", "is a whole number"),
])
def test_other_powers_before_an_argument_are_refused_with_the_fix(text, message):
    error = refused(text)
    assert message in error.message
    assert "for a power of the value write tanh(x)^" in error.hint or "σ(x)^(-1)" in error.hint


@pytest.mark.parametrize("text, message", [
    (r"y = \tanh^2 z", r"write the argument of \tanh^2 in parentheses: \tanh^2(x), which is "
                       r"\tanh(x)^2"),
    ("y = tanh² z", "write the argument of tanh² in parentheses: tanh²(x)"),
])
def test_a_powered_function_without_parentheses_says_where_they_go(text, message):
    assert message in refused(text).message


def test_the_trial_model_with_sigma_squared_computes_the_square_of_the_sigmoid(tmp_path):
    path = tmp_path / "m21.tex"
    path.write_text(r"L = \frac{1}{2}\sigma^2(z) + (y - z)^2" + "\n", encoding="utf-8")
    result = run("grads", str(path), "--set", "z=1", "--set", "y=2")
    assert result.exit_code == 0, result.output
    assert "L = 1.26722" in result.stdout           # ½ σ(1)² + 1, not ½ σ² · z
    assert "∂L/∂σ" not in result.stdout and "∂L/∂sigma" not in result.stdout
    assert "read 'σ^2(…)' as σ(…)^2" in result.stderr


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(r.name for r in ops.ROWS
                              if r.style == "call" and r.arity == 1 and r.name in ops.FUNCTIONS)),
       st.integers(1, 9), st.sampled_from(["^", "**"]))
def test_every_function_reads_a_leading_power_as_the_power_of_its_value(f, n, mark):
    assert structure(f"y = {f}{mark}{n}(a + b)") == structure(f"y = ({f}(a + b))^{n}")


# -- softmax(z)_k: an entry, inside Σ_k only ---------------------------------------------------

def test_a_calls_entry_inside_a_sum_over_entries_is_read_as_y_k_is():
    text = r"L = -\sum_k y_k \log \operatorname{softmax}(z)_k"
    assert structure(text) == structure("L = -Σ_k y_k log(softmax(z))", syntax="plain")
    assert any("read 'softmax(z)_k' as the entries k of softmax(z)" in note
               for note in parse(text).notes)


@pytest.mark.parametrize("text, shown", [
    ("p = exp(z)_k", "exp(z)_k"),
    ("L = -sum(y * log(softmax(z)_k))", "softmax(z)_k"),
    ("L = (a + b)_1", "(a + b)_1"),
    ("L = 2_k", "2_k"),
    ("L = -Σ_k y_k log(softmax(z)_j)", "softmax(z)_j"),
])
def test_a_subscript_on_a_value_outside_its_sum_is_refused(text, shown):
    error = refused(text)
    assert f"a subscript on a value ('{shown}') is not read" in error.message


@pytest.mark.parametrize("text", ["L = x _k", "_k = 2\nL = _k", "L = sum(_k)"])
def test_no_name_starts_with_an_underscore(text):
    assert "a name starts with a letter" in refused(text).message


def test_the_trial_models_subscripted_softmax_is_an_error_not_a_leaf(tmp_path):
    path = tmp_path / "m20.py"
    path.write_text("L = -sum(y * log(softmax(z)_k))\n", encoding="utf-8")
    result = run("grads", str(path), "--set", "z=[1,2,3]", "--set", "y=[0,0,1]",
                 "--set", "_k=1")
    assert result.exit_code == EXIT_INPUT
    assert "hint: name the value first, p = softmax(z)" in result.stderr
    assert "∂L/∂_k" not in result.output


def test_the_latex_cross_entropy_with_an_entry_of_a_call_is_no_internal_error():
    result = run("grads", "-e", r"L = -\sum_k y_k \log \operatorname{softmax}(z)_k",
                 "--set", "z=[1,2,3]", "--set", "y=[0,0,1]")
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    assert "L = 0.407606" in result.stdout            # −log softmax(z)_3


# -- sum(x, dim=0): Python's and torch's keywords -----------------------------------------------

@pytest.mark.parametrize("text, same", [
    ("param x[2, 3]\nL = sum(sum(x, dim=0))", "param x[2, 3]\nL = sum(sum(x, 0))"),
    ("param x[2, 3]\nL = sum(mean(x, axis=1))", "param x[2, 3]\nL = sum(mean(x, 1))"),
    ("param x[2, 3]\nL = sum(max(x, dim=1))", "param x[2, 3]\nL = sum(amax(x, 1))"),
    ("L = sum(max(x, dim=0))", "L = sum(amax(x, 0))"),
    ("L = sum(logsumexp(x, dim = -1))", "L = sum(logsumexp(x, -1))"),
    ("L = sum(softmax(z, dim=-1))", "L = sum(softmax(z))"),
    ("param X[2, 3]\nL = sum(log_softmax(X, dim=1))", "param X[2, 3]\nL = sum(log_softmax(X))"),
    ("L = sum(softmax(z, -1))", "L = sum(softmax(z))"),
])
def test_an_axis_keyword_is_the_positional_axis(text, same):
    assert structure(text) == structure(same)


def test_the_attention_line_with_dim_reads():
    program = parse("param Q[4, 2], K[4, 2]\nA = softmax(Q @ K.T / sqrt(d), dim=-1)")
    assert [n.op for n in program.nodes.values() if n.op][-1] == "softmax"


@pytest.mark.parametrize("text, message, hint", [
    ("L = sum(sum(x, dim=0, keepdim=True))", "sum() has no keepdim", "remove 'keepdim=…'"),
    ("L = sum(x, keepdims=False)", "sum() has no keepdims", "remove 'keepdims=…'"),
    ("L = sum(x, foo=1)", "sum() takes no keyword 'foo'", "dim= (or axis=)"),
    ("L = exp(x, dim=1)", "exp() takes no keyword 'dim'", "takes: none"),
    ("L = sum(dim=0)", "dim= comes once, after the tensor: sum(x, dim=0)", None),
    ("L = sum(x, dim=0, axis=0)", "axis= comes once", None),
    ("L = sum(softmax(z, dim=0))", "softmax() runs along the last axis: dim=-1", "transpose"),
    ("L = sum(x, dim=y)", "the axis of sum(z, axis) is a constant integer", None),
])
def test_other_keywords_are_refused_naming_the_allowed_ones(text, message, hint):
    error = refused(text)
    assert message in error.message
    assert hint is None or hint in (error.hint or "")


def test_an_equals_sign_outside_a_call_is_still_one_equation_per_statement():
    assert "only one '='" in refused("L = a = b").message
    assert "only one '='" in refused("L = (a = b)").message


def test_the_cli_reads_python_keywords():
    result = run("grads", "-e", "L = sum(x, axis=0)", "--set", "x=[1,2]")
    assert result.exit_code == 0, result.output
    result = run("render", "-e", "L = sum(sum(x, dim=0, keepdim=True))", "--format", "dot")
    assert result.exit_code == EXIT_INPUT
    assert "has no keepdim" in result.stderr and "Traceback" not in result.output


# -- a plain model with h_{1} stays plain ---------------------------------------------------------

@pytest.mark.parametrize("text, plain", [
    ("h_1 = 2 x\ny = h_{1} + bias", "h_1 = 2 x\ny = h_1 + bias"),
    ("y = bias_{t-1} + W_{io} x", "y = bias_t_minus_1 + W_io x"),
])
def test_a_braced_subscript_the_plain_language_reads_keeps_the_model_plain(text, plain):
    assert structure(text) == structure(plain, syntax="plain")
    assert "bias" in leaves(text) or "bias_t_minus_1" in leaves(text)
    assert not any("product b i a s" in note for note in parse(text).notes)


@pytest.mark.parametrize("text", ["y = bias + x^{2}", "y = bias + x_{n,k}", "y = Wx + x^{2}"])
def test_a_model_read_as_latex_only_for_its_braces_never_splits_a_name_silently(text):
    error = refused(text)
    assert "would be the product" in error.message
    assert "only for a ^{…} or _{…}" in error.message
    assert r"\mathrm{" in error.hint and "--syntax plain" in error.hint


def test_a_latex_command_still_splits_letters_with_a_note():
    program = parse(r"y = \sigma(bias) + x^{2}")
    assert {"b", "i", "a", "s"} <= {n.id for n in program.nodes.values() if n.is_leaf}
    assert any("read 'bias' as the product b i a s" in note for note in program.notes)
    assert "bias" in leaves("y = bias + x^{2}".replace("x^{2}", "x^2"))


def test_the_cli_keeps_a_plain_model_with_h_1_in_braces_plain():
    result = run("grads", "-e", "h_1 = 2 x\ny = h_{1} + bias", "--set", "x=1",
                 "--set", "bias=1")
    assert result.exit_code == 0, result.output
    assert "∂y/∂bias = 1" in result.stdout and "b i a s" not in result.stderr


def test_torchs_clamp_keywords_are_its_bounds():
    assert structure("L = sum(clamp(x, min=0, max=1))") == structure("L = sum(clamp(x, 0, 1))")
    assert structure("L = sum(clamp(x, -1, max=1))") == structure("L = sum(clamp(x, -1, 1))")
    assert "max= is clamp's third argument" in refused("L = clamp(x, max=1, min=0)").message
    assert "clamp() takes no keyword 'lo'" in refused("L = clamp(x, lo=1, hi=2)").message
    assert "max(x, lo) or min(x, hi)" in refused("L = clamp(x, min=0)").hint


def test_an_entry_in_brackets_says_the_language_takes_no_entries():
    error = refused("L = softmax(z)[1]")
    assert "unexpected '['" in error.message and "takes no entries of a value" in error.hint


@pytest.mark.parametrize("text", ["L = x^2_k", r"L = \sum_k x^2_k", "L = Σ_k x^2_k"])
def test_a_subscript_after_a_power_says_to_write_it_first(text):
    assert "write the subscript first, x_k^2" in refused(text).message
