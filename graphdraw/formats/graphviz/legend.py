"""The legend: a framed box of sample nodes, one per kind drawn, and a key to the rest."""

from __future__ import annotations

import graphviz

from graphdraw.formats.graphviz import labels
from graphdraw.formats.graphviz.labels import EXPR_SIZE, NUMBER_SIZE, SMALL_SIZE
from graphdraw.formats.graphviz.themes import DEFAULT_THEME, KIND_WORDS, THEMES, Theme

LEGEND_ID = "%legend"       # user ids never contain '%', generated ones are '%<digits>'


def key_table(*, constant: bool, shaped: bool, labelled: bool, dashed: bool,
              valued: bool, graded: bool, local: bool, grad_of: str, summed: bool,
              note: str | None, theme: Theme | None = None, ops: bool = False,
              plates: tuple[str, ...] = ()) -> str | None:
    """The legend's table of what is not a kind of node: constants, shapes, labels, numbers."""
    look = theme or THEMES[DEFAULT_THEME]
    rows = []

    def row(sample: str, words: str) -> None:
        rows.append(f'<TR><TD ALIGN="RIGHT">{sample}</TD><TD ALIGN="LEFT">'
                    f"{labels.plain(words, SMALL_SIZE)}</TD></TR>")

    if constant:
        row(labels.plain("½", EXPR_SIZE, look.muted), KIND_WORDS["constant"])
    if shaped:
        row(labels.plain("2×3", SMALL_SIZE, look.muted),
            "shape: rows × columns; one number: a vector")
    if valued:
        row(labels.plain("= 0.73", NUMBER_SIZE, look.ink), "value (forward pass)")
    if graded:
        of = "the output (the sum of its entries)" if summed else "the output"
        row(labels.line(grad_of + "<i>v</i>", NUMBER_SIZE, look.grad),
            f"gradient of {of} with respect to the value v (backward pass)")
    if labelled:
        value = ", and its value" if local else ""
        words = ("arrow into an operation: local derivative ∂result / ∂operand" if ops
                 else "arrow label: local derivative ∂head / ∂tail")
        row(labels.plain("∂", SMALL_SIZE + 1, look.grad), words + value)
    if dashed:
        row(labels.plain("- - →", SMALL_SIZE, look.muted), "from a constant: no gradient flows")
    for plate in plates:
        row(labels.plain(plate, SMALL_SIZE, look.plate.get("fontcolor", look.muted)),
            "dashed box (plate): what is inside is repeated for each sample")
    if note:
        rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT">'
                    f"{labels.plain(note, SMALL_SIZE, look.muted)}</TD></TR>")
    if not rows:
        return None
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
            f'{"".join(rows)}</TABLE>>')


def add_legend(dot: graphviz.Digraph, kinds: list[str], table: str | None, rankdir: str,
               anchor: str | None, theme: Theme | None = None) -> None:
    """The legend: a framed box of one sample node per kind present, then `table`.

    The samples are real nodes, so an input looks exactly like an input (an ellipse); HTML
    table cells can only be rectangles. The box takes the last rank, after the output, and an
    invisible edge from `anchor` (the output) to its middle entry centres it there: a column
    at the right for LR, a row at the bottom for TB.
    """
    look = theme or THEMES[DEFAULT_THEME]
    entries: list[tuple[str, dict[str, str]]] = []
    for kind in kinds:
        if kind == "constant":
            continue
        attrs = dict(look.kinds[kind])
        if kind == "op":                # a circle around the words would be a big one
            attrs["shape"] = "ellipse"
        entries.append((f"{LEGEND_ID}-{kind}",
                        {**attrs, "label": f"<{labels.plain(KIND_WORDS[kind], SMALL_SIZE)}>",
                         "margin": "0.08,0.02", "height": "0.25", "width": "0"}))
    if table is not None:
        entries.append((LEGEND_ID, {"shape": "plain", "label": table}))
    if not entries:
        return
    # dot stacks a rank's unconnected nodes in the reverse of their order in the file:
    # right to left for TB/BT, top to bottom for LR/RL (where the internal left is the bottom).
    if rankdir in ("TB", "BT"):
        entries.reverse()
    heading = labels.font("<B>" + labels.text("Legend") + "</B>", SMALL_SIZE + 1)
    with dot.subgraph(name="cluster_legend") as box:
        # labelloc: a cluster's label otherwise follows the root's, at the bottom with a caption
        box.attr(label=f"<{heading}>", labeljust="l", labelloc="t", margin="8", **look.legend)
        for name, attrs in entries:
            box.node(graphviz.nohtml("n" + name), **attrs)
    with dot.subgraph() as last:
        last.attr(rank="max")
        for name, _ in entries:
            last.node(graphviz.nohtml("n" + name))
    if anchor is not None:
        middle = entries[(len(entries) - 1) // 2][0]
        dot.edge(anchor, graphviz.nohtml("n" + middle), style="invis")



def add_compact_legend(dot: graphviz.Digraph, kinds: list[str], table: str | None,
                       theme: Theme | None = None, *, below: str | None = None) -> None:
    """The legend as one small node: a column of swatches, one per kind drawn, and `table`.

    The node is a component of its own, which dot packs across the ranks: below a graph
    drawn left to right; a graph drawn top to bottom gives the node `below` (its output),
    and the legend hangs under it, so that the figure does not grow wider than a page.
    """
    look = theme or THEMES[DEFAULT_THEME]
    rows = []
    for kind in kinds:
        if kind == "constant":
            continue
        attrs = look.kinds[kind]
        fill = attrs.get("fillcolor", "white") if "filled" in attrs.get("style", "") \
            else "white"
        swatch = (f'<TABLE BORDER="{_border(attrs)}" CELLBORDER="0" CELLPADDING="2" '
                  f'CELLSPACING="0" STYLE="rounded" BGCOLOR="{fill}" '
                  f'COLOR="{attrs.get("color", look.ink)}"><TR><TD>'
                  f'{labels.plain(KIND_WORDS[kind], SMALL_SIZE)}</TD></TR></TABLE>')
        rows.append(f'<TD ALIGN="LEFT">{swatch}</TD>')
    # beside the graph: a column of swatches; under it: rows of three, a wide short box
    across = 3 if below is not None else 1
    span = max(2, across)
    rows = [f'<TR>{"".join(rows[i:i + across])}</TR>' for i in range(0, len(rows), across)]
    if across == 1:
        rows = [row.replace("<TD ", '<TD COLSPAN="2" ', 1) for row in rows]
    if table is not None:
        rows.append(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{table[1:-1]}</TD></TR>')
    if not rows:
        return
    heading = labels.font("<B>" + labels.text("Legend") + "</B>", SMALL_SIZE + 1)
    label = ('<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1" '
             f'STYLE="rounded" COLOR="{look.muted}">'
             f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{heading}</TD></TR>{"".join(rows)}'
             '</TABLE>>')
    dot.node(graphviz.nohtml("n" + LEGEND_ID), shape="plain", label=label)
    if below is not None:
        dot.edge(graphviz.nohtml(below), graphviz.nohtml("n" + LEGEND_ID), style="invis")


def _border(attrs: dict) -> str:
    try:
        return str(max(1, round(float(attrs.get("penwidth", "1")))))
    except ValueError:
        return "1"
