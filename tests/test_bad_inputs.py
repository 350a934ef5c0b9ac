"""Every kind of bad input in bad-inputs.md: one message, a non-zero code, no traceback,
and no output file written or changed."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT, EXIT_LIMIT, EXIT_OUTPUT

SYNTAX = {
    "trailing operator": ("a = x +", 1, 7),
    "doubled operator": ("a = x + * y", 1, 9),
    "unclosed parenthesis": ("a = (x + y", 1, 5),
    "stray parenthesis": ("a = x + y)", 1, 10),
    "unknown character": ("a = x § y", 1, 7),
    "two equals": ("x = y = z", 1, 7),
    "lambda": ("a = lambda: 1", 1, 5),
    "comprehension": ("a = [x for x in y]", 1, None),
    "string": ('a = "text"', 1, 5),
    "comparison": ("a = a == b", 1, None),
    "conditional": ("a = x if c else y", 1, None),
    "attribute": ("a = x.foo", 1, 6),
    "dunder call": ("a = __import__('os').system('touch pwned')", 1, None),
    "unknown function": ("a = sigma(x)", 1, 5),
    "unknown name before a parenthesis": ("p = my_layer(z)", 1, 5),
    "short unknown name before a parenthesis": ("y = x + z(1 - z)", 1, 9),
    "arity": ("a = sigmoid(x, y)", 1, None),
    "empty call": ("a = exp()", 1, None),
    "leaf assigned later": ("a = x + 1\nx = 2", 2, 1),
    "look-alike letters": ("a = x + х", 1, None),
    "huge constant": ("a = 3**3**3**50 * x", 1, None),
    "division by zero constant": ("a = x + 1/0", 1, None),
    "output missing": ("output q\na = x", 1, None),
    "shape mismatch": ("param W[2, 3], v[4]\na = W @ v", 2, None),
    "no statement": ("x", 1, None),
    "subscript on a call's value": ("p = exp(z)_k", 1, 11),
    "name starting with an underscore": ("p = x _k", 1, 7),
    "inverse function": ("p = tanh^(-1)(z)", 1, 5),
    "keepdim": ("p = sum(x, dim=0, keepdim=True)", 1, 19),
    "unknown keyword": ("p = sum(x, foo=1)", 1, 12),
    "apostrophe transpose": ("p = w' x", 1, 6),
}


def render(args, **kw):
    return CliRunner().invoke(cli, ["render", *args], catch_exceptions=False, **kw)


@pytest.mark.parametrize("case", sorted(SYNTAX))
def test_bad_model_gives_one_located_message(case, tmp_path):
    text, line, col = SYNTAX[case]
    model = tmp_path / "model.gd"
    model.write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = render([str(model), "-f", "json", "-o", str(out)])
    finally:
        os.chdir(cwd)
    assert result.exit_code == EXIT_INPUT, result.output
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    where = f"{model}:{line}:" + (f"{col}:" if col else "")
    assert first.startswith(where), first
    assert "^" in result.stderr                    # the caret under the problem
    assert out.read_text(encoding="utf-8") == "previous"
    assert not (tmp_path / "pwned").exists()
    assert sorted(os.listdir(tmp_path)) == ["model.gd", "out.json"]


@pytest.mark.parametrize("text", ["", "# only a comment\n# and another\n", "\n\n  \n"])
def test_empty_models(text):
    result = render(["-e", text, "-f", "json", "-o", "-"])
    assert result.exit_code == EXIT_INPUT
    assert "no equations" in result.stderr


def test_line_numbers_survive_crlf_tabs_and_bom(tmp_path):
    model = tmp_path / "m.gd"
    model.write_bytes("\ufeff# comment\r\n\ta = x\r\n\tb = a +\r\n".encode("utf-8"))
    result = render([str(model), "-f", "json", "-o", "-"])
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.startswith(f"{model}:3:")


def test_unknown_function_suggests_the_closest_name():
    result = render(["-e", "a = sigma(x)", "-f", "json", "-o", "-"])
    assert "did you mean 'sigmoid'" in result.stderr


@pytest.mark.parametrize("text", ["p = my_layer(z)", "L = nll_loss_of(p)", "y = g(x)"])
def test_an_unknown_name_before_a_parenthesis_is_never_a_product(text):
    result = render(["-e", text, "-f", "json", "-o", "-"])
    assert result.exit_code == EXIT_INPUT and result.stdout == ""
    assert "<-e>:1:5: error: unknown function" in result.stderr
    assert "^" in result.stderr and "with a space" in result.stderr


def test_products_before_a_parenthesis_written_on_purpose_still_render():
    for text in ["z = 2 x\ny = z(1 - z)", "y = W_o (a - t)", "y = W_o * (a - t)",
                 "param w\ny = w(x + 1)"]:
        result = render(["-e", text, "-f", "json", "-o", "-"])
        assert result.exit_code == 0, result.stderr


def test_look_alike_names_are_explained():
    result = render(["-e", "a = x + х", "-f", "json", "-o", "-"])
    assert "Cyrillic" in result.stderr and "Latin" in result.stderr


def test_leaf_assigned_later_names_both_lines():
    result = render(["-e", "a = x + 1\nb = a\nx = 2", "-f", "json", "-o", "-"])
    assert "line 3" in result.stderr and "line 1" in result.stderr


def test_deep_nesting_and_long_sums_work():
    deep = "a = " + "(" * 5000 + "x" + ")" * 5000
    assert render(["-e", deep, "-f", "json", "-o", "-"]).exit_code == 0
    wide = "a = " + " + ".join(f"x{i}" for i in range(20000))
    result = render(["-e", wide, "-f", "json", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.count('"kind": "param"') == 20000


@pytest.mark.parametrize("title", ['"', "\\", "<b>", "&amp;", "]", "{", "|", ":", "a\nb",
                                   "\\N", "<script>alert(1)</script>",
                                   '"];\nevil [label="x'])
def test_titles_are_literal_in_dot(title):
    result = render(["--example", "linear", "-f", "dot", "-o", "-", "--title", title])
    assert result.exit_code == 0
    assert "evil" not in result.stdout.split("label=")[0]
    # no line of the DOT source starts a new statement with the title's text
    assert not any(line.strip().startswith("evil") for line in result.stdout.splitlines())


def test_output_path_is_a_directory(tmp_path):
    result = render(["-f", "json", "-o", str(tmp_path)])
    assert result.exit_code == EXIT_OUTPUT
    assert len(result.stderr.strip().splitlines()) <= 2


def test_layout_timeout_is_reported(tmp_path):
    wide = "a = " + " + ".join(f"tanh(x{i})" for i in range(1500))
    result = render(["-e", wide, "-f", "svg", "-o", str(tmp_path / "g.svg"),
                     "--layout-timeout", "0.1"])
    assert result.exit_code == EXIT_LIMIT
    assert "--format" in result.stderr
    assert os.listdir(tmp_path) == []
