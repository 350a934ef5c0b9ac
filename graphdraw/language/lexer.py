"""Tokens of the equation language, with line and column for every one."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from graphdraw.errors import Source, SourceError

SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                "⁷": "7", "⁸": "8", "⁹": "9"}
FRACTIONS = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3"}
TRANSPOSE_MARKS = {"ᵀ", "⊤"}
# Symbols with one meaning each; multi-character ones first.
SYMBOLS = [("**", "^"), ("^", "^"), ("+", "+"), ("-", "-"), ("−", "-"), ("–", "-"),
           ("*", "*"), ("×", "*"), ("·", "*"), ("∙", "*"), ("/", "/"), ("÷", "/"),
           ("@", "@"), ("⋅", "@"), ("(", "("), (")", ")"), (",", ","), ("=", "="),
           (";", ";"), ("[", "["), ("]", "]"), ("√", "√")]
PYTHON_WORDS = {"lambda", "if", "else", "elif", "for", "while", "in", "not", "and", "or", "is",
                "import", "from", "def", "class", "return", "yield", "None", "True", "False",
                "with", "as", "try", "except", "raise", "del", "global", "pass", "assert"}
HAT = "\u0302"
DIGITS = "0123456789"
SYMBOL_KIND = {text: kind for text, kind in SYMBOLS if len(text) == 1}
_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Token(NamedTuple):
    """One token: kind is NAME, NUMBER, TRANSPOSE, SUPER (a superscript power, as written), NL,
    END or a symbol."""

    kind: str
    text: str
    line: int
    col: int
    spaced: bool = False   # whitespace came right before it


# Token(...) runs a __new__ written in Python; a large model has hundreds of thousands of
# tokens, so the tokenizer makes the same tuples with tuple.__new__ (all five fields given).
_token = functools.partial(tuple.__new__, Token)


def _is_name_start(ch: str) -> bool:
    return (ch.isalpha() or ch == "_") and ch not in TRANSPOSE_MARKS and not _is_superscript(ch)


def _is_superscript(ch: str) -> bool:
    """Superscripts are powers (x², xⁿ), never part of a name."""
    return not ch.isascii() and "SUPERSCRIPT" in unicodedata.name(ch, "")


def _is_name_char(ch: str) -> bool:
    return _is_name_start(ch) or ch.isdecimal() or ch == HAT or unicodedata.category(ch) == "Mn"


# Lines of ASCII names, whole numbers and one-character symbols only, as large generated
# models are written: read by one regex (see _simple_line).
_SIMPLE_CHARS = re.compile(r"[A-Za-z0-9_ \t+\-*/@(),=;\[\]]*")
_SIMPLE_TOKEN = re.compile(r"([ \t]*)([A-Za-z_][A-Za-z0-9_]*|[0-9]+(?![.eE0-9])"
                           r"|[-+*/@(),=;\[\]])")
# The kind of such a token, by its first character: a name, a number, or the symbol itself.
_SIMPLE_KIND = {**dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_", "NAME"),
                **dict.fromkeys(DIGITS, "NUMBER"), **{ch: ch for ch in "-+*/@(),=;[]"}}
_ZEROS = bytes.maketrans(b"0123456789", b"0000000000")
_SEEN, _NOT_SIMPLE = "seen", "not simple"
_TRIAL = 200


def tokenize(source: Source) -> list[Token]:
    """Split the model text into tokens; raise SourceError at the first character that is not one."""
    tokens: list[Token] = []
    append = tokens.append
    simple = _SIMPLE_CHARS.fullmatch
    # Lines that differ only in their digits (h4 = tanh(w h3 + b), h5 = …) split at the same
    # places: the regex and the kinds treat every ASCII digit alike. A shape seen twice keeps
    # its places (kind, start, end, spaced), so the lines after are cut without the regex. A
    # text that has cut fewer than half of its first _TRIAL lines so stops looking at shapes.
    shapes: dict[bytes, object] | None = {}
    trial, cut = _TRIAL, 0
    for line_no, line in enumerate(source.text.split("\n"), start=1):
        places = shape = None
        if shapes is not None:
            shape = line.encode("utf-8", "surrogatepass").translate(_ZEROS)
            places = shapes.get(shape)
            trial -= 1
            if not trial and cut * 2 < _TRIAL:
                shapes = None
        mark = len(tokens)
        if places.__class__ is tuple:
            cut += 1
            for kind, start, end, spaced in places:
                append(_token((kind, line[start:end], line_no, start + 1, spaced)))
        elif places is _NOT_SIMPLE or not (simple(line) and "**" not in line
                                           and _simple_line(line, line_no, tokens)):
            if shapes is not None:
                shapes[shape] = _NOT_SIMPLE
            _tokenize_line(source, line, line_no, tokens)
        elif shapes is not None:
            shapes[shape] = _SEEN if places is None else tuple(   # (the second line of a shape)
                (t[0], t[3] - 1, t[3] - 1 + len(t[1]), t[4]) for t in tokens[mark:])
        append(_token(("NL", "\n", line_no, len(line) + 1, False)))
    tokens.append(Token("END", "", len(source.text.split("\n")), 1))
    return tokens


def _simple_line(line: str, line_no: int, out: list[Token]) -> bool:
    """Read a line of only names, whole numbers and one-character symbols as _tokenize_line
    does, at regex speed; False (nothing added) when it holds anything else: a number
    _number_end reads further (2.5, 1e-3), or a Python word (an error)."""
    mark = len(out)
    append = out.append
    col = 1                     # where the last token ends (1-based), if they are contiguous
    for space, text in _SIMPLE_TOKEN.findall(line):
        start = col + len(space)
        kind = _SIMPLE_KIND[text[0]]
        if kind == "NAME" and text in PYTHON_WORDS:
            del out[mark:]
            return False
        append(_token((kind, text, line_no, start, space != "" or col == 1)))
        col = start + len(text)
    # findall skips what no token matches: then the tokens' lengths fall short of the line
    if line[col - 1:].strip(" \t"):
        del out[mark:]
        return False
    return True


_BRACED = re.compile(r"\{\s*([^\W_]\w*)\s*(?:([-−+])\s*(\d+)\s*)?\}")


def _braced_subscript(source: Source, line: str, line_no: int, word: str,
                      j: int) -> tuple[str, int]:
    """`h_{t−1}`, as graphdraw prints a shifted subscript: the name h_t_minus_1."""
    match = _BRACED.match(line, j)
    if match is None:
        raise SourceError("a subscript in braces is a name, or a name plus or minus a number, "
                          "such as h_{t-1}", source=source, line=line_no, col=j + 1)
    name, sign, number = match.groups()
    shift = f"_{'plus' if sign == '+' else 'minus'}_{number}" if sign else ""
    return word + name + shift, match.end()


def _tokenize_line(source: Source, line: str, line_no: int, out: list[Token]) -> None:
    i, n, spaced = 0, len(line), True
    while i < n:
        ch = line[i]
        col = i + 1
        if ch in " \t\f\v\u00a0":
            i, spaced = i + 1, True
            continue
        if ch == "#":
            return
        if ch in SYMBOL_KIND and ch != "^" and not line.startswith("**", i):   # + ( = ...
            out.append(_token((SYMBOL_KIND[ch], ch, line_no, col, spaced)))
            i, spaced = i + 1, False
            continue
        match = _ASCII_NAME.match(line, i)       # the common case, at regex speed
        if match and (match.end() == n or line[match.end()].isascii()):
            j = match.end()
            word = line[i:j]
        elif _is_name_start(ch):
            j = i + 1
            while j < n and _is_name_char(line[j]):
                j += 1
            word = unicodedata.normalize("NFC", line[i:j])
        else:
            j = 0
        if j and word.endswith("_") and line.startswith("{", j):
            word, j = _braced_subscript(source, line, line_no, word, j)
        if j:
            if word in PYTHON_WORDS and not _spells_lambda(word, line[j:]) \
                    and not _keyword_value(word, out):
                raise SourceError(f"'{word}' is Python, not part of an equation",
                                  source=source, line=line_no, col=col,
                                  hint="write one equation per line, such as 'a = W^T x + b'")
            out.append(_token(("NAME", word, line_no, col, spaced)))
        elif ch in DIGITS or (ch == "." and i + 1 < n and line[i + 1] in DIGITS):
            j = _number_end(line, i)
            out.append(_token(("NUMBER", line[i:j], line_no, col, spaced)))
        else:
            kind, text, j = _mark(source, line, i, line_no)
            out.append(_token((kind, text, line_no, col, spaced)))
        i, spaced = j, False


def _mark(source: Source, line: str, i: int, line_no: int) -> tuple[str, str, int]:
    """The token at line[i] that is no name, number or one-character symbol: (kind, text, end).

    Fractions (½), transposes (ᵀ, .T, ^T), superscript powers (²), '^' and '**'.
    """
    ch, n = line[i], len(line)
    if ch in FRACTIONS:
        return "NUMBER", FRACTIONS[ch], i + 1
    if ch == "‖" or line.startswith("||", i):         # ‖x‖, ||x||: the norm
        return "NORM", line[i:i + (1 if ch == "‖" else 2)], i + (1 if ch == "‖" else 2)
    if ch in TRANSPOSE_MARKS:
        return "TRANSPOSE", ch, i + 1
    if ch in SUPERSCRIPTS:
        j = i
        while j < n and line[j] in SUPERSCRIPTS:
            j += 1
        return "SUPER", line[i:j], j
    if ch == ".":
        j = i + 1
        while j < n and _is_name_char(line[j]):
            j += 1
        if line[i + 1:j] == "T":
            return "TRANSPOSE", ".T", j
        attr = line[i + 1:j] or line[i + 1:i + 2]
        raise SourceError(f"'.{attr}' is attribute access; only '.T' (transpose) is allowed",
                          source=source, line=line_no, col=i + 1,
                          hint=_attribute_hint(line, i, attr))
    if line.startswith("**", i):
        return "^", "**", i + 2
    if ch == "^":
        # `^T` is a transpose when T stands alone (not `^Tx`, which would be a name).
        j = i + 1
        while j < n and line[j] in " \t":
            j += 1
        if j < n and line[j] in "T⊤ᵀ" and (j + 1 >= n or not _is_name_char(line[j + 1])):
            return "TRANSPOSE", "^T", j + 1
        return "^", "^", i + 1
    raise SourceError(f"unexpected character {_describe(ch)}", source=source,
                      line=line_no, col=i + 1, hint=_char_hint(ch, line[:i]))


def reads_as_transpose(text: str) -> bool:
    """Whether text written right after '^' is read as a transpose (x^T), not as a power.

    >>> reads_as_transpose("T"), reads_as_transpose("T^2"), reads_as_transpose("Tx")
    (True, True, False)
    """
    text = text.lstrip(" \t")
    return text[:1] in ("T", "⊤", "ᵀ") and not _is_name_char(text[1:2] or " ")


def _number_end(line: str, i: int) -> int:
    n, j = len(line), i
    while j < n and line[j] in DIGITS:
        j += 1
    if j < n and line[j] == "." and not (j + 1 < n and line[j + 1] == "T"):
        j += 1
        while j < n and line[j] in DIGITS:
            j += 1
    if j < n and line[j] in "eE":
        k = j + 1
        if k < n and line[k] in "+-":
            k += 1
        if k < n and line[k] in DIGITS:
            j = k
            while j < n and line[j] in DIGITS:
                j += 1
    return j


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
    return f"{shown} ({name.lower()})" if name else shown


def _char_hint(ch: str, before: str = "") -> str | None:
    if ch == "'" and before and (_is_name_char(before[-1]) or before[-1] in ")]"):
        return "an apostrophe is MATLAB's transpose: write wᵀ or w^T or w.T for a transpose"
    if ch in "\"'":
        return "equations have no strings"
    if ch == ":":
        return "declare roles and shapes as 'param W[2, 2]', without ':'"
    if ch in "{}":
        return "group with parentheses ( )"
    if ch == "|":
        return "write abs(x) for |x|; ‖x‖ or ||x|| is the norm"
    if _is_superscript(ch):
        return "write a power as x^n; only the superscript digits (x²) and ᵀ are read"
    if ch == "\\":
        return "this looks like LaTeX: read it with --syntax latex (or auto, the default)"
    return None


_MODULES = ("torch", "F", "np", "numpy", "nn", "functional", "math", "jnp", "tf", "special")


def _attribute_hint(line: str, i: int, attr: str) -> str | None:
    """How to write torch.softmax(x) or x.sum() (the '.' at line[i]) in the language."""
    from graphdraw import ops
    if attr not in ops.FUNCTIONS:
        return None
    k = i
    while k > 0 and _is_name_char(line[k - 1]):
        k -= 1
    before = line[k:i]
    if before in _MODULES:
        return f"write {attr}(…) without '{before}.': the language's functions have no module"
    return f"write {attr}({before or 'x'}, …) for {before or 'x'}.{attr}(…)"


def _keyword_value(word: str, out: list[Token]) -> bool:
    """`keepdim=True`: the value is left to the parser, which says keepdim is not read."""
    return word in ("True", "False") and len(out) >= 2 and out[-1].kind == "=" \
        and out[-2].text in ("keepdim", "keepdims")


def _spells_lambda(word: str, rest: str) -> bool:
    """`lambda` as the plain printer spells λ (`lambda / 2`): no `:` after it on the line and
    no name right after it, so `lambda x: x` and `lambda y` are still refused as Python."""
    after = rest.lstrip()
    return (word == "lambda" and ":" not in rest
            and not (after and _is_name_start(after[0])))
