"""The exercise's sentences, shared by the Markdown and the LaTeX sheet (math in LaTeX)."""

from __future__ import annotations

from graphdraw.analyses.exercise.sheet import ROLES, Sheet, shape_words


def model_name(sheet: Sheet) -> str:
    """The model file's name without its folders ('mlp.gd'), or '<example xor>'."""
    name = sheet.source_name
    return name if name.startswith("<") else name.replace("\\", "/").rsplit("/", 1)[-1]


def where(sheet: Sheet) -> str:
    """'where $x$ (a vector of 2) is the input, ... and $W_i$ (...), ... are the parameters'."""
    parts = []
    for role in ("input", "target"):
        named = [leaf for leaf in sheet.leaves if leaf.role == role]
        if named:
            words = ", ".join(f"${leaf.latex}$ ({shape_words(leaf.shape)})" for leaf in named)
            verb = "is" if len(named) == 1 else "are"
            parts.append(f"{words} {verb} {ROLES[role]}" + ("s" if len(named) > 1 else ""))
    params = ", ".join(f"${leaf.latex}$ ({shape_words(leaf.shape)})" for leaf in sheet.params)
    parts.append(f"{params} {'is the parameter' if len(sheet.params) == 1 else 'are the parameters'}")
    return "where " + "; ".join(parts) + "."


def part_a(sheet: Sheet) -> str:
    """(a): draw the graph."""
    out = sheet.output[1]
    symbols = [latex for pretty, latex in _named(sheet)]
    hint = (" You may use intermediate symbols for computation steps, as the model does ("
            + ", ".join(f"${s}$" for s in symbols) + ").") if symbols else ""
    return (f"Draw a computation graph of ${out}$, explicitly name each leaf and annotate each "
            f"node with the corresponding computation.{hint}")


def part_b(sheet: Sheet) -> str:
    """(b): the partial derivatives, the entries counted as the sheet counts them."""
    out = sheet.output[1]
    count = sheet.entry_count()
    return (f"Based on the computation graph you obtained in (a), write down the partial "
            f"derivatives of ${out}$ with respect to the model parameters. Consider that "
            f"{sheet.counting('latex')}. The partial derivatives should be with respect to "
            f"these {count} parameter{'s' if count != 1 else ''}"
            + _numbering(sheet))


def _numbering(sheet: Sheet) -> str:
    """How entries are numbered: from 1, and row first only when there is a matrix."""
    ranks = [len(p.shape) for p in sheet.params]
    if max(ranks) >= 2:
        return " (number the entries from 1, row first)."
    return " (number the entries from 1)." if max(ranks) == 1 else "."


def hand_in(sheet: Sheet, verify: str) -> str:
    """How to write the answers to (b) so that `verify` (its name as markup) can grade them."""
    out = sheet.output[1]
    leaf = next((p for p in sheet.params if p.shape), sheet.params[0])
    if not sheet.scalar:        # an op not written entry by entry: whole arrays
        return (f"Write the derivative with respect to each parameter as a whole array on a "
                f"line of its own, as $\\partial {out}/\\partial {leaf.latex} = \\ldots$, in "
                f"plain text or LaTeX, over the names of the model; {verify} checks such a "
                f"file line by line.")
    index = ("[" + ",".join(["1"] * (len(leaf.shape) - 1) + [str(min(2, leaf.shape[-1]))])
             + "]" if leaf.shape else "")
    return (f"Write each partial derivative of (b) on a line of its own, as "
            f"$\\partial {out}/\\partial {leaf.latex}{index} = \\ldots$, in plain text or "
            f"LaTeX, over the names of the model; {verify} checks such a file line by line.")


def part_c(sheet: Sheet) -> str:
    """(c): the numbers."""
    return (f"Compute the partial derivatives of (b) at the following values "
            f"(the forward pass first: the value of every node of your graph).")


def _named(sheet: Sheet) -> list[tuple[str, str]]:
    """The named intermediate values (a, z, ŷ): (pretty, latex)."""
    graph, output = sheet.graph, sheet.program.output
    return [(d["label"], d.get("label_latex") or d["label"]) for n, d in graph.nodes(data=True)
            if d.get("op") is not None and d.get("label") and n != output]


def value_text(value: object, decimals: int) -> str:
    """A value as the sheet prints it: 0.3, [1, 0], [[0.1, 0.2], [0.3, 0.4]]."""
    from graphdraw.lazy import np
    array = np.asarray(value, dtype=float)

    def one(x: float) -> str:
        text = f"{x:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{x:.0f}"
        return "0" if text in ("-0", "") else text
    if array.ndim == 0:
        return one(float(array))
    if array.ndim == 1:
        return "[" + ", ".join(one(float(x)) for x in array) + "]"
    return "[" + ", ".join(value_text(row, decimals) for row in array) + "]"
