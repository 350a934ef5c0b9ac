"""Answers files for `graphdraw verify --answers`: one claim a line, # and % comments."""

from __future__ import annotations

import re

from graphdraw.errors import GraphdrawError, Source


def read_answers(path: str) -> tuple[list[tuple[str, Source, int, int]], list[int], dict]:
    """The claims of an answers file: (text, the file as a Source, line, start column); the
    numbers of the lines skipped as prose (a name, "(b)", a Markdown heading: a line that
    does not begin with a derivative ∂…, d…/d…, \\frac{\\partial …} or \\partial); and the
    values the sheet gave, from a comment `# values: x=[1,0] y=1` (as --set takes them).

    A line's text from a # or a % on is a comment (a LaTeX \\% is kept); blank lines and the
    lines of a LaTeX document around the claims (\\begin{align*}, \\section{…}) are skipped;
    math delimiters ($, \\[, \\], a trailing \\\\ or ,) and align's & are dropped. What
    `grads --format latex` writes reads as claims: a row `&\\quad …` continues the formula
    of the row above, a row `&= NUMBER` (a formula's value) and the block of numbers after
    `% at these values` are skipped.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise GraphdrawError(f"no such answers file: {path}") from None
    except UnicodeDecodeError:
        raise GraphdrawError(f"{path} is not a UTF-8 text file") from None
    except OSError as exc:
        raise GraphdrawError(f"cannot read the answers file {path}: "
                             f"{exc.strerror or type(exc).__name__}") from None
    source = Source(text, path)
    out, prose, given = [], [], {}
    numbers_block, last = False, -1        # in grads' block of numbers; the last claim's line
    for number, line in enumerate(source.text.split("\n"), start=1):
        values = _VALUES.match(line)
        if values:
            from graphdraw.numeric.values import parse_set
            given.update(parse_set(tuple(values.group(1).split())))
            continue
        if _NUMBERS_START.match(line):
            numbers_block = True
        if numbers_block:           # grads --format latex: the numbers, not claims
            numbers_block = r"\end{align" not in line
            continue
        if _VALUE_ROW.match(line):  # grads --scalar --format latex: a formula's value
            continue
        row = _CONTINUED.match(line)
        if row and out and last == number - 1:
            # a long formula broken over align rows (grads --format latex): one claim
            span = _claim_span(line[row.end():])
            if span is not None:
                claim, _, first, start = out[-1]
                out[-1] = (claim + " " + line[row.end():][span[0]:span[1]], source, first, start)
            last = number
            continue
        span = _claim_span(line)
        if span is None:
            continue
        if not _DERIVATIVE.match(line[span[0]:span[1]]):
            prose.append(number)
            continue
        out.append((line[span[0]:span[1]], source, number, span[0]))
        last = number
    return out, prose, given


# The sheet's values, which the exercise's answers template records: `# values: x=[1,0] y=1`
_VALUES = re.compile(r"\s*[#%]\s*values:\s*(.*\S)\s*$")


# grads --format latex: the comment before its align* block of numbers, which is skipped
_NUMBERS_START = re.compile(r"\s*%\s*at these values")
# … and, with --scalar, a formula's value on the row under it: `&= -0.000197267 \\`
_VALUE_ROW = re.compile(r"\s*&\s*=\s*[-+−]?[0-9.]+([eE][-+]?[0-9]+)?\s*(\\\\)?\s*$")
# the next row of a formula that grads --format latex broke: `&\quad + …`
_CONTINUED = re.compile(r"\s*&\s*\\q?quad\b")


# How a claim begins: ∂L/…, 𝜕L/…, dL/db, \frac{\partial …}{…}, \partial L / …, \mathrm{d}L/…
_DERIVATIVE = re.compile(r"\s*(∂|𝜕|\\partial|\\[dt]?frac\b|\\mathrm\{d\}|"
                         r"d[^\s/=]+\s*/\s*d)")


def _claim_span(line: str) -> tuple[int, int] | None:
    """Where the claim on a line is, without its comment and math delimiters, or None."""
    end = len(line)
    for i, ch in enumerate(line):
        if ch == "#" or (ch == "%" and (i == 0 or line[i - 1] != "\\")):
            end = i
            break
    start = 0
    changed = True
    while changed:
        changed = False
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
        for mark in ("$$", "$", r"\[", r"\(", r"\begin{equation*}", r"\begin{equation}"):
            if line.startswith(mark, start):
                start, changed = start + len(mark), True
        for mark in ("$$", "$", r"\]", r"\)", "\\\\", ",", ";", ".",
                     r"\end{equation*}", r"\end{equation}"):
            if end - len(mark) >= start and line[end - len(mark):end] == mark:
                end, changed = end - len(mark), True
    if end <= start or _STRUCTURE.fullmatch(line[start:end]):
        return None
    return start, end


# Lines of a LaTeX document around the claims: \begin{align*}, \section{…}, \item, …
_STRUCTURE = re.compile(r"(\\(begin|end|documentclass|usepackage|(sub)*section\*?|paragraph|"
                        r"item|maketitle|title|author|date|label|noindent|newpage|[vh]space)"
                        r"\b[^=]*)+")
