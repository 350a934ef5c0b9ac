"""Hypothesis strategies for what a user can type: models from the language's grammar (plain,
Python-ish and LaTeX notation), mutations of the examples, extreme numbers and shapes, odd
option values, and malformed --set, --values and CSV text."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "graphdraw" / "examples").glob("*.gd"))


def _readme_models() -> list[str]:
    """The one-line models of the README's command examples (-e '...')."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"-e '([^'\n]{1,200})'", text)))


SEEDS = [p.read_text(encoding="utf-8") for p in EXAMPLES] + _readme_models()

NAMES = ["x", "w", "b", "y", "W", "h", "z", "ŷ", "y_hat", "α", "x_1", "W_2", "h_t", "c", "L"]
UNARY = ["σ", "sigmoid", "tanh", "relu", "exp", "log", "sqrt", "abs", "softplus", "sum",
         "mean", "step", "sign", "size", "erf", "gelu", "sin", "cos", "log1p", "amax",
         "logsumexp", "norm", "softmax", "log_softmax", "ones", "leaky_relu"]
BINARY = ["max", "min", "outer", "mse", "bce", "cross_entropy"]
KEYWORDS = ["dim=0", "axis=-1", "dim = 1", "keepdim=True", "foo=1", "dim=x"]
LATEX_UNARY = [r"\sigma", r"\tanh", r"\exp", r"\log", r"\sqrt", r"\sum", r"\max"]
EXTREME = ["0", "1", "2", "0.5", "1e308", "1e-308", "5e-324", "1e309", "9" * 30,
           "123456789012345678901234567890", "0.000", "1e+3", "3.", ".5", "1_0", "٣",
           "1e99999", "-0", "1E5", "0x10", "nan", "inf"]
SIZES = ["1", "2", "3", "0", "10", "9223372036854775808", "99999999999", "1" + "0" * 40, "H",
         "N", "-1", "2.5", "ٲ"]

numbers = st.sampled_from(EXTREME) | st.integers(0, 10 ** 6).map(str) \
    | st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr)
names = st.sampled_from(NAMES)


def _plain_expr(leaves):
    """Expressions in graphdraw's own notation (and the Python habits it reads)."""
    def extend(inner):
        return (st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", " ", "@", "**", "·",
                                                  "−", "×"]), inner)
                .map(lambda t: f"{t[0]} {t[1]} {t[2]}" if t[1] != " " else f"{t[0]} {t[2]}")
                | st.tuples(st.sampled_from(UNARY), inner).map(lambda t: f"{t[0]}({t[1]})")
                | st.tuples(st.sampled_from(BINARY), inner, inner)
                .map(lambda t: f"{t[0]}({t[1]}, {t[2]})")
                | inner.map(lambda e: f"({e})")
                | inner.map(lambda e: f"-{e}")
                | inner.map(lambda e: f"{e}ᵀ")
                | inner.map(lambda e: f"{e}²")
                | inner.map(lambda e: f"‖{e}‖")
                | inner.map(lambda e: f"Σ_n {e}")
                # σ^2(z), softmax(z)_k, sum(z, dim=0): calls as textbooks and Python write them
                | st.tuples(st.sampled_from(UNARY), st.sampled_from(["^2", "²", "^(-1)", "^n"]),
                            inner).map(lambda t: f"{t[0]}{t[1]}({t[2]})")
                | st.tuples(st.sampled_from(UNARY), inner, st.sampled_from(["_k", "_1"]))
                .map(lambda t: f"{t[0]}({t[1]}){t[2]}")
                | st.tuples(st.sampled_from(["sum", "mean", "max", "softmax", "exp"]), inner,
                            st.sampled_from(KEYWORDS)).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"))
    return st.recursive(leaves, extend, max_leaves=12)


def _latex_expr(leaves):
    """Expressions in LaTeX notation."""
    def extend(inner):
        return (st.tuples(inner, st.sampled_from(["+", "-", r"\cdot", r"\times", " "]), inner)
                .map(lambda t: f"{t[0]} {t[1]} {t[2]}")
                | st.tuples(inner, inner).map(lambda t: rf"\frac{{{t[0]}}}{{{t[1]}}}")
                | st.tuples(inner, inner).map(lambda t: f"{{{t[0]}}}^{{{t[1]}}}")
                | st.tuples(st.sampled_from(LATEX_UNARY), inner)
                .map(lambda t: rf"{t[0]}\left({t[1]}\right)")
                | inner.map(lambda e: rf"\sum_{{n}} {e}")
                | inner.map(lambda e: f"{e}^\\top")
                | st.tuples(st.sampled_from(LATEX_UNARY), inner)
                .map(lambda t: rf"{t[0]}^{{2}}\left({t[1]}\right)")
                | inner.map(lambda e: rf"\operatorname{{softmax}}({e})_k"))
    latex_leaves = leaves | st.sampled_from([r"\hat{y}", r"\alpha", "W_{1}", r"x_{n}"])
    return st.recursive(latex_leaves, extend, max_leaves=10)


# Mostly names and plain numbers, so that many models parse and reach the deeper stages.
leaf_tokens = st.one_of(names, names, names, names, st.sampled_from(["2", "0.5", "1", "3"]),
                        numbers, st.sampled_from(["x_n", "y_n", "W[1]", "_", "x'", "é"]))


@st.composite
def declarations(draw) -> str:
    """A few declarations with odd sizes and values."""
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["param", "input", "target", "const", "dim", "output"]))
        if kind == "dim":
            lines.append(f"dim {draw(st.sampled_from(['H', 'N', 'K']))} = {draw(st.sampled_from(SIZES))}")
        elif kind == "output":
            lines.append(f"output {draw(names)}")
        else:
            name = draw(names)
            shape = draw(st.lists(st.sampled_from(SIZES), max_size=3))
            text = f"{kind} {name}" + (f"[{', '.join(shape)}]" if shape else "")
            if draw(st.booleans()):
                text += " = " + draw(numbers | st.sampled_from(["[1, 2]", "[[1, 2], [3]]",
                                                              "[]", "1/0", "-[2]"]))
            lines.append(text)
    return "\n".join(lines)


@st.composite
def plain_models(draw) -> str:
    """A model in graphdraw's notation: declarations, then equations."""
    head = draw(declarations())
    body = [f"{draw(names)} = {draw(_plain_expr(leaf_tokens))}"
            for _ in range(draw(st.integers(1, 4)))]
    sep = draw(st.sampled_from(["\n", "; ", "\r\n"]))
    return sep.join(([head] if head else []) + body)


@st.composite
def latex_models(draw) -> str:
    """A model in LaTeX notation, sometimes between $ signs."""
    lhs = draw(st.sampled_from(["L", r"\mathcal{L}", r"\hat{y}", "h"]))
    text = f"{lhs} = {draw(_latex_expr(leaf_tokens))}"
    return draw(st.sampled_from(["{}", "${}$", "\\[{}\\]"])).format(text)


@st.composite
def mutated_examples(draw) -> str:
    """An example model or README model with a few edits: a piece cut, doubled or replaced."""
    return mutate(draw, draw(st.sampled_from(SEEDS)), draw(st.integers(1, 4)))


def mutate(draw, text: str, edits: int) -> str:
    """`text` with `edits` edits: a piece cut, doubled, a number, a token or a character."""
    for _ in range(edits):
        if not text:
            break
        i = draw(st.integers(0, len(text)))
        j = min(len(text), i + draw(st.integers(0, 12)))
        edit = draw(st.sampled_from(["cut", "double", "number", "token", "char"]))
        if edit == "cut":
            text = text[:i] + text[j:]
        elif edit == "double":
            text = text[:j] + text[i:j] + text[j:]
        elif edit == "number":
            text = re.sub(r"\d+(\.\d+)?", draw(numbers), text, count=1)
        elif edit == "token":
            text = text[:i] + draw(st.sampled_from(
                ["(", ")", "[", "]", "^", "ᵀ", "Σ_n", ",", "=", "\n", "@", "‖", "_", "..."
                 ] + UNARY + NAMES)) + text[i:]
        else:
            text = text[:i] + draw(st.characters(codec="utf-8")) + text[j:]
    return text


models = st.one_of(plain_models(), latex_models(), mutated_examples())

json_values = st.recursive(
    numbers | st.sampled_from(["true", "null", '"a"', "NaN", "-Infinity", "1e400", "[]"]),
    lambda inner: st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    max_leaves=8)


@st.composite
def set_options(draw) -> list[str]:
    """--set NAME=VALUE options, some malformed."""
    out = []
    for _ in range(draw(st.integers(0, 2))):
        good = f"{draw(names)}={draw(st.sampled_from(['0.5', '[1, 2]', '-1', '[[1, 0], [0, 1]]']))}"
        out += ["--set", draw(st.sampled_from([good, good, good, f"{draw(names)}="
                                               f"{draw(json_values)}", "=1", "x", "x=",
                                               f"x={'9' * 5000}"]))]
    return out


@st.composite
def values_files(draw) -> str:
    """The text of a --values file, sometimes not JSON or not an object."""
    pairs = [f'"{draw(names)}": {draw(json_values)}' for _ in range(draw(st.integers(0, 3)))]
    return draw(st.sampled_from(["{{{}}}", "[{}]", "{{{}", "{}"])).format(", ".join(pairs))


@st.composite
def csv_files(draw) -> str:
    """The text of a --data file: a header of leaves and entries, rows of cells."""
    header = draw(st.lists(st.sampled_from(["x", "y", "x1", "x2", "x[1]", "x[2]", "w",
                                            "x[0]", "x[99999999999999999999]", "", "z",
                                            "x_n[1]", "y_n", "x_n"]),
                           min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(numbers | st.sampled_from(["", "a", " 1 "]),
                                  min_size=len(header), max_size=len(header) + 1),
                         max_size=5))
    return "\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n"


odd_floats = st.sampled_from(["nan", "inf", "-inf", "1e308", "-1", "0", "1e-320", "abc", "",
                              "0.5", "2"])
odd_ints = st.sampled_from(["0", "-1", "1", "3", "99999999999999999999", "x", "1.5"])
