"""Values and gradients (`render --show values,grads`) as LaTeX math, as the SVG shows them."""

from __future__ import annotations

import re

from graphdraw.formats.graphviz import draw
from graphdraw.formats.tikz.styles import SMALL_FONT
from graphdraw.formats.tikz.text import math


def number_lines(value: object) -> list[str]:
    """A value as the lines the SVG shows, in LaTeX math: a matrix one row a line."""
    from graphdraw.lazy import np
    from graphdraw.numeric.numbers import show
    array = np.asarray(value, dtype=float) + 0.0          # + 0.0: no "-0"
    if array.ndim == 2 and array.shape[0] > 1 and array.size <= draw.SHOW_LIMIT:
        lines = [show(row, draw.DIGITS, draw.SHOW_LIMIT) for row in array]
    else:
        lines = show(array, draw.DIGITS, draw.SHOW_LIMIT).split(", range ")
        if len(lines) == 2:
            lines[1] = "range " + lines[1]
    return [number_math(line) for line in lines]


def number_math(line: str) -> str:
    r"""One line of numbers in math mode: 1e-05 as 1\mathrm{e}{-05}, words upright.

    >>> print(number_math("2×3 array, mean -0.5, range [1e-05, -2]"))
    2\times3\ \mathrm{array},\ \mathrm{mean}\ {-}0.5,\ \mathrm{range}\ [1\mathrm{e}{-05},{-}2]
    """
    line = re.sub(r"(\d)e([-+]\d+)", r"\1\\mathrm{e}{\2}", line)
    line = re.sub(r"(?<![\\a-zA-Z])([a-zA-Z]{2,})", r"\\mathrm{\1}", line)
    line = line.replace("×", r"\times").replace("−", "-")
    line = re.sub(r", (?!\\mathrm)", ",", line)       # [0.1, 0.2]: math spaces a comma
    line = re.sub(r"(^|[ \[,])-(?=\d)", r"\1{-}", line)  # a sign, never a binary minus
    return math(line.replace(" ", r"\ "))


def numbers_cell(rows: list[tuple[str, list[str], str | None]],
                 overlays: list[str | None] | None = None) -> str:
    r"""Labelled numbers as a tabular: the label right-aligned, its lines left-aligned.

    `overlays` (Beamer, `render --steps`) gives each row the slides it shows on, e.g. '3-'.
    """
    body = []
    for row, (label, lines, colour) in enumerate(rows):
        spec = overlays[row] if overlays else None
        for i, line in enumerate(lines):
            head = f"${label}$" if i == 0 else ""
            value = f"${line}$"
            if spec:
                head, value = f"\\visible<{spec}>{{{head}}}", f"\\visible<{spec}>{{{value}}}"
            cell = f"{head} & {value}"
            if colour:
                cell = f"\\color{{{colour}}}{head} & \\color{{{colour}}}{value}"
            body.append(cell + r" \\")
    return (f"{{{SMALL_FONT}\\begin{{tabular}}{{@{{}}r@{{\\,}}l@{{}}}}"
            + " ".join(body) + r"\end{tabular}}")


def value_shape(numbers: dict, node: object) -> tuple | None:
    """A node's shape from its value or gradient, when the model does not declare it."""
    for part in ("values", "grads"):
        value = ((numbers or {}).get(part) or {}).get(node)
        if value is not None:
            return tuple(getattr(value, "shape", ()))
    return None
