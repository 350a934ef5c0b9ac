"""The lexer: token kinds, positions, Unicode forms, and the characters it refuses."""

from __future__ import annotations

import pytest

from graphdraw.errors import Source, SourceError
from graphdraw.language.lexer import reads_as_transpose, tokenize


def toks(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every token but the line ends."""
    return [(t.kind, t.text) for t in tokenize(Source(text)) if t.kind not in ("NL", "END")]


def kinds(text: str) -> list[str]:
    return [k for k, _ in toks(text)]


def lex_error(text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        tokenize(Source(text))
    return info.value


# -- positions ---------------------------------------------------------------------------------

def test_every_token_has_its_line_and_column():
    tokens = tokenize(Source("a = W x\n  b = a + 1"))
    where = [(t.text, t.line, t.col) for t in tokens if t.kind not in ("NL", "END")]
    assert where == [("a", 1, 1), ("=", 1, 3), ("W", 1, 5), ("x", 1, 7),
                     ("b", 2, 3), ("=", 2, 5), ("a", 2, 7), ("+", 2, 9), ("1", 2, 11)]


def test_spaced_flag_records_whitespace_before_a_token():
    tokens = [t for t in tokenize(Source("a = f(x) + g (y)")) if t.kind == "("]
    assert [t.spaced for t in tokens] == [False, True]


@pytest.mark.parametrize("text", ["a = x\r\nb = y § 1\r\n", "\ufeffa = x\nb = y § 1",
                                  "\ufeffa = x\r\nb = y § 1", "a = x\rb = y § 1"])
def test_crlf_cr_and_bom_keep_line_and_column(text):
    err = lex_error(text)
    assert (err.line, err.col) == (2, 7)


def test_a_tab_counts_as_one_column_and_the_caret_lines_up():
    err = lex_error("a = x\n\tb =\ty § 1")
    assert (err.line, err.col) == (2, 8)
    shown, caret = str(err).splitlines()[1:3]
    assert shown[caret.index("^")] == "§"


def test_a_bom_in_the_middle_is_an_error_not_ignored():
    err = lex_error("a = x\nb = \ufeffy")
    assert (err.line, err.col) == (2, 5)
    assert "U+FEFF" in err.message or "no-break" in err.message


# -- numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2", "0.5", ".5", "5.", "1e-3", "2.5E+4", "10"])
def test_numbers(text):
    assert toks(text) == [("NUMBER", text)]


def test_a_number_before_dot_t_leaves_the_transpose():
    assert toks("2.T") == [("NUMBER", "2"), ("TRANSPOSE", ".T")]


def test_an_exponent_without_digits_is_not_part_of_the_number():
    assert toks("2e") == [("NUMBER", "2"), ("NAME", "e")]
    assert toks("2ex") == [("NUMBER", "2"), ("NAME", "ex")]


@pytest.mark.parametrize("char, text", [("½", "1/2"), ("¼", "1/4"), ("¾", "3/4"),
                                        ("⅓", "1/3")])
def test_vulgar_fractions_are_numbers(char, text):
    assert toks(char) == [("NUMBER", text)]


# -- symbols -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind", [("−", "-"), ("–", "-"), ("×", "*"), ("·", "*"),
                                        ("÷", "/"), ("⋅", "@"), ("**", "^"), ("^", "^"),
                                        ("@", "@")])
def test_symbol_spellings(text, kind):
    assert kinds(f"x {text} y") == ["NAME", kind, "NAME"]


@pytest.mark.parametrize("text", ["xᵀ", "x⊤", "x^T", "x ^ T", "x.T", "x^ᵀ"])
def test_transpose_spellings(text):
    assert kinds(text) == ["NAME", "TRANSPOSE"]


def test_caret_t_followed_by_a_name_character_is_a_power():
    assert toks("x^Tx") == [("NAME", "x"), ("^", "^"), ("NAME", "Tx")]
    assert toks("x^T_1") == [("NAME", "x"), ("^", "^"), ("NAME", "T_1")]


def test_double_star_t_is_always_a_power():
    assert toks("x**T") == [("NAME", "x"), ("^", "**"), ("NAME", "T")]


def test_superscript_digits_are_one_power_token_as_written():
    assert toks("x²³ + y") == [("NAME", "x"), ("SUPER", "²³"), ("+", "+"), ("NAME", "y")]


def test_transpose_mark_is_never_part_of_a_name():
    assert toks("W_iᵀx") == [("NAME", "W_i"), ("TRANSPOSE", "ᵀ"), ("NAME", "x")]
    assert toks("Wᵀᵀ") == [("NAME", "W"), ("TRANSPOSE", "ᵀ"), ("TRANSPOSE", "ᵀ")]


def test_comments_end_the_line():
    assert toks("a = x  # σ(x) § anything\nb = y") == [
        ("NAME", "a"), ("=", "="), ("NAME", "x"), ("NAME", "b"), ("=", "="), ("NAME", "y")]


# -- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["x", "W_i", "b_a", "y_hat", "ŷ", "α", "α_1", "_x", "h2",
                                  "Δw", "х"])
def test_names(name):
    assert toks(name) == [("NAME", name)]


def test_a_combining_hat_is_composed_into_the_name():
    assert toks("y\u0302") == [("NAME", "ŷ")]


def test_digits_after_a_name_are_part_of_it_but_a_leading_digit_is_a_number():
    assert toks("x1 2x") == [("NAME", "x1"), ("NUMBER", "2"), ("NAME", "x")]


def test_superscript_letters_are_not_names():
    err = lex_error("a = xⁿ")
    assert (err.line, err.col) == (1, 6)
    assert "x^n" in err.hint


# -- refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["lambda", "if", "for", "import", "def", "return", "None"])
def test_python_keywords_are_refused_with_where(word):
    err = lex_error(f"a = x\nb = {word} y")
    assert (err.line, err.col) == (2, 5)
    assert word in err.message and "Python" in err.message


@pytest.mark.parametrize("text, col, hint", [
    ('a = "text"', 5, "no strings"), ("a = 'x'", 5, "no strings"),
    ("W: matrix", 2, "param W[2, 2]"), ("a = {x}", 5, "parentheses"),
    (r"a = \sigma(x)", 5, "LaTeX"), ("a = x § y", 7, None), ("a = x ! y", 7, None),
    ("a = x $ y", 7, None), ("a = x % y", 7, None)])
def test_unknown_characters(text, col, hint):
    err = lex_error(text)
    assert (err.line, err.col) == (1, col)
    assert "unexpected character" in err.message
    assert text[col - 1] in err.message
    if hint:
        assert hint in err.hint


def test_unknown_character_message_names_the_character():
    assert "section sign" in lex_error("a = x § y").message


@pytest.mark.parametrize("text, col", [("a = x.foo", 6), ("a = x.__class__", 6),
                                       ("a = x.Tx", 6), ("a = x..T", 6), ("a = x.", 6)])
def test_attribute_access_other_than_dot_t(text, col):
    err = lex_error(text)
    assert (err.line, err.col) == (1, col)
    assert "only '.T'" in err.message


@pytest.mark.parametrize("text, expected", [("T", True), (" T", True), ("T^2", True),
                                            ("T)", True), ("ᵀ", True), ("Tx", False),
                                            ("T_1", False), ("(T)", False), ("", False),
                                            ("2", False)])
def test_reads_as_transpose(text, expected):
    assert reads_as_transpose(text) is expected
    # It agrees with the lexer.
    got = kinds("x^" + text)[1] == "TRANSPOSE"
    assert got is expected


@pytest.mark.parametrize("text", ["L = w' x", "L = (a + b)' c", "L = W_1' x"])
def test_an_apostrophe_after_a_value_is_told_to_be_a_transpose(text):
    with pytest.raises(SourceError) as info:
        tokenize(Source(text, "<e>"))
    assert "write wᵀ or w^T or w.T for a transpose" in info.value.hint


def test_an_apostrophe_elsewhere_is_still_no_string():
    with pytest.raises(SourceError) as info:
        tokenize(Source("L = 'a'", "<e>"))
    assert info.value.hint == "equations have no strings"


def test_the_cli_says_how_to_write_a_matlab_transpose():
    from click.testing import CliRunner

    from graphdraw.cli import cli
    result = CliRunner().invoke(cli, ["grads", "-e", "L = w' x"])
    assert result.exit_code == 3
    assert "hint: an apostrophe is MATLAB's transpose: write wᵀ or w^T or w.T" in result.stderr


@pytest.mark.parametrize("text, hint", [
    ("L = torch.softmax(x, dim=-1)", "write softmax(…) without 'torch.'"),
    ("L = F.relu(x)", "write relu(…) without 'F.'"),
    ("L = x.sum()", "write sum(x, …) for x.sum(…)"),
])
def test_python_attribute_calls_say_how_to_call_the_function(text, hint):
    with pytest.raises(SourceError) as info:
        tokenize(Source(text, "<e>"))
    assert hint in info.value.hint


# -- the regex pass for simple lines reads as the character-by-character pass ----------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from graphdraw.language import lexer  # noqa: E402

_PIECES = ["x", "W_1", "h12", "tanh", "_", "2", "10", "2e", "lambda", "if", "x2if", "2if",
           " ", "  ", "\t", "+", "-", "*", "**", "/", "@", "(", ")", ",", "=", ";", "[", "]"]


def _read(line: str, simple: bool) -> list:
    """The tokens of one line by the regex pass (None when it declines) or by the other."""
    out: list = []
    if simple:
        return [tuple(t) for t in out] if lexer._simple_line(line, 1, out) else None
    try:
        lexer._tokenize_line(Source(line, "<m>"), line, 1, out)
    except SourceError as exc:
        return [("error", exc.message)]
    return [tuple(t) for t in out]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_the_regex_pass_reads_a_line_as_the_character_pass(line):
    fast = _read(line, simple=True) if lexer._SIMPLE_CHARS.fullmatch(line) else None
    if fast is not None and "**" not in line:
        assert fast == _read(line, simple=False)


def test_the_regex_pass_leaves_python_words_to_the_other():
    for line in ("y = lambda x", "y = 2if", "y = x if x"):
        assert lexer._simple_line(line, 1, []) is False
    assert _read("y = x2if + if2", simple=True) is None or \
        _read("y = x2if + if2", simple=True) == _read("y = x2if + if2", simple=False)


# -- lines of one shape (the same but for their digits) are cut at the places of the first ----

def _line_by_line(text: str) -> list:
    """tokenize() without its shapes: every line read by itself, or the error."""
    out: list = []
    try:
        for line_no, line in enumerate(text.split("\n"), start=1):
            if not (lexer._SIMPLE_CHARS.fullmatch(line) and "**" not in line
                    and lexer._simple_line(line, line_no, out)):
                lexer._tokenize_line(Source(text, "<m>"), line, line_no, out)
            out.append(("NL", "\n", line_no, len(line) + 1, False))
    except SourceError as exc:
        return [("error", exc.message, exc.line, exc.col)]
    return [tuple(t) for t in out] + [("END", "", len(text.split("\n")), 1, False)]


def _tokens(text: str) -> list:
    try:
        return [tuple(t) for t in tokenize(Source(text, "<m>"))]
    except SourceError as exc:
        return [("error", exc.message, exc.line, exc.col)]


# what varies between the lines of a template: digits (the same shape), and look-alikes that
# are no digits (another shape: 1.5 is not 105, 2e3 not 203, ٣ not 3)
_DIGITS = ["0", "7", "12", "105", "1.5", "203", "2e3", "3", "٣", "x7", "07", "h_10", "-1", "+1"]


@st.composite
def _lines_of_few_shapes(draw) -> str:
    """Lines from a few templates whose digits vary (h4 = …, h15 = …) and others."""
    templates = draw(st.lists(st.lists(st.sampled_from(_PIECES + ["{}"]), max_size=12)
                              .map("".join), min_size=1, max_size=2))
    lines = [draw(st.sampled_from(templates)).replace("{}", draw(st.sampled_from(_DIGITS)))
             for _ in range(draw(st.integers(1, 16)))]
    return "\n".join(lines)


@settings(max_examples=1000, deadline=None)
@given(_lines_of_few_shapes())
def test_lines_of_one_shape_read_as_each_line_by_itself(text):
    assert _tokens(text) == _line_by_line(text)


def test_a_shape_is_kept_from_its_second_line():
    text = "\n".join(f"h{i} = tanh(w h{i - 1} + b)" for i in range(1, 14)) + "\nx = ½\ny = ½"
    assert _tokens(text) == _line_by_line(text)


def test_a_text_of_few_repeated_lines_stops_looking_at_shapes_and_reads_the_same():
    unique = [f"v{i} = a" + "".join(f" {'+-*/'[i >> 2 * j & 3]} b" for j in range(5))
              for i in range(260)]      # each of another shape
    chain = [f"h{i} = tanh(w h{i - 1} + b)" for i in range(1, 60)]
    for text in ("\n".join(unique + chain), "\n".join(chain * 5 + unique)):
        assert _tokens(text) == _line_by_line(text)
