"""The numbers a picture shows (`render --show values,grads`): which, computed how, written how."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from graphdraw.formats.graphviz import labels

if TYPE_CHECKING:
    from graphdraw.language.program import Program

DIGITS = 3                   # significant digits of the numbers in a picture
SHOW_LIMIT = 6               # tensors with more entries than this are summarised
SHOW_ITEMS = ("values", "grads", "shapes")   # what `render --show` can add to the nodes


def parse_show(text: str) -> frozenset[str]:
    """The items of a `--show` list such as 'values,grads'; ValueError names the valid ones.

    >>> sorted(parse_show(" Grads, values,"))
    ['grads', 'values']
    >>> parse_show("none")
    frozenset()
    """
    items = [item.strip().lower() for item in str(text).split(",")]
    items = [item for item in items if item and item != "none"]
    for item in items:
        if item not in SHOW_ITEMS:
            close = difflib.get_close_matches(item, SHOW_ITEMS, n=1)
            guess = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown item {item!r}{guess}: choose from "
                             f"{', '.join(SHOW_ITEMS)} (comma-separated, e.g. values,grads), "
                             "or none")
    return frozenset(items)


def numbers_for(program: Program, leaf_values: dict, *, values: bool = True,
                grads: bool = True, local: bool = True) -> dict:
    """The `numbers` that `to_digraph` draws, computed from the leaves' values.

    {"values": {node: array}, "grads": {node: ∂output/∂node}, "local": {(tail, head, position):
    the local derivative's value}}, each part only when asked for.
    """
    from graphdraw.numeric import backprop, evaluate
    vals = evaluate.forward(program, leaf_values)
    numbers: dict = {}
    if values:
        numbers["values"] = vals
    if grads:
        numbers["grads"] = backprop.backward(program, vals)
    if local:
        numbers["local"] = backprop.local_values(program, vals)
    return numbers


def values_note(seed: int, given: bool = False) -> str:
    """The legend's line on where the numbers come from (numbers["note"]).

    >>> values_note(0)
    'leaf values: as declared, else random from seed 0'
    """
    return (f"leaf values: {'--set/--values, else ' if given else ''}as declared, "
            f"else random from seed {seed}")


def number_lines(value: object) -> list[str]:
    """A value as the lines a picture shows: 0.731; [0.12, 0.5]; a matrix one row a line;
    a summary (shape, mean, range) on two lines for big tensors. Plain text, not yet escaped.
    """
    from graphdraw.lazy import np
    from graphdraw.numeric.numbers import show
    array = np.asarray(value, dtype=float) + 0.0          # + 0.0: no "-0"
    if array.ndim == 2 and array.shape[0] > 1 and array.size <= SHOW_LIMIT:
        lines = [show(row, DIGITS, SHOW_LIMIT) for row in array]
    else:
        lines = show(array, DIGITS, SHOW_LIMIT).split(", range ")
        if len(lines) == 2:
            lines[1] = "range " + lines[1]
    return [line.replace("-", "−") for line in lines]


def value_shape(numbers: dict | None, node: object) -> tuple | None:
    """A node's shape from its value or gradient, when the model does not declare it."""
    for part in ("values", "grads"):
        value = ((numbers or {}).get(part) or {}).get(node)
        if value is not None:
            return tuple(getattr(value, "shape", ()))
    return None


def number_rows(rows: list[tuple[str, list[str], str | None]], size: float) -> str:
    """Labelled numbers as a table: the label (markup) right-aligned, the lines left-aligned.

    Every line of numbers goes through `labels.text`.
    """
    body = []
    for label, lines, color in rows:
        text = "<BR/>".join(labels.text(line) for line in lines)
        label = labels.line(label + " ", size, color, "right")
        body.append(f'<TR><TD ALIGN="RIGHT" VALIGN="TOP">{label}</TD>'
                    f'<TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP">{labels.font(text, size, color)}'
                    f"</TD></TR>")
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            f'{"".join(body)}</TABLE>')
