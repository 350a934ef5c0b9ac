"""One DOT picture of both graphs: graphdraw's and torchviz's, matched nodes numbered alike."""

from __future__ import annotations

from dataclasses import dataclass

from graphdraw.analyses.check.report import _pretty
from graphdraw.analyses.check.structure import StructureReport, compare_structure
from graphdraw.formats.graphviz import labels
from graphdraw.formats.graphviz.themes import FONT, INK, STYLES
from graphdraw.language.program import Program

# Ten distinct colours (Tableau's, without its red: red marks what does not match).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79")
BAD = "#cc0000"
OFF = "#b0b0b0"
_FILLS = {"variable": "lightblue", "saved": "orange", "output": "darkolivegreen1",
          "base": "darkolivegreen3", "function": "lightgrey"}


def side_by_side(program: Program, tensors: dict, report=None) -> str:
    """DOT source of graphdraw's graph (left) and torchviz's graph (right), matched alike.

    Each graphdraw node a gradient flows through and the torch nodes it accounts for carry
    the same number and colour; what does not match is red. `report` is a CheckReport or
    StructureReport (computed when None). Labels hold no ids; DOT names are g1.., t1...
    """
    import graphviz

    if getattr(report, "program", None) is not None:
        program = report.program        # as checked: a plate written out sample by sample
    structure = getattr(report, "structure", report)
    if structure is None:
        structure = compare_structure(program, tensors)
    marks = _Marks.of(program, structure)
    dot = graphviz.Digraph(name="check")
    dot.attr("graph", charset="UTF-8", rankdir="TB", fontname=FONT, bgcolor="white",
             pad="0.25", nodesep="0.3", ranksep="0.35", newrank="true",
             label=f"<{labels.font(labels.text(_caption(structure)), 12)}>", labelloc="b")
    dot.attr("node", fontname=FONT, fontsize="12", color=INK, penwidth="1.2",
             margin="0.1,0.05")
    dot.attr("edge", color=INK, arrowsize="0.7")
    with dot.subgraph(name="cluster_graphdraw") as left:
        _graphdraw_side(left, program, marks)
    with dot.subgraph(name="cluster_torchviz") as right:
        _torchviz_side(right, program, structure, marks)
    return dot.source


@dataclass
class _Marks:
    """What the picture marks: numbers of matched graphdraw nodes, and what did not match."""

    numbers: dict[str, int]
    bad_ops: set[str]
    bad_leaves: set[str]
    through: dict[str, str]          # torch passes the value of one node through another
    in_scope: set[str]
    missing: set[tuple[str, str]]

    @classmethod
    def of(cls, program: Program, structure: StructureReport) -> _Marks:
        owners = dict.fromkeys(n.owner for n in structure.nodes if n.owner is not None)
        order = [n for n in program.nodes if n in owners]
        return cls(numbers={n: i + 1 for i, n in enumerate(order)},
                   bad_ops={m.node for m in structure.ops if not m.ok},
                   bad_leaves={leaf for leaf, key in structure.leaves.items() if key is None},
                   through={m.node: m.via for m in structure.ops if m.status == "passthrough"},
                   in_scope={m.node for m in structure.ops} | set(structure.leaves),
                   missing=set(structure.missing_edges))


def _colour(k: int) -> str:
    return PALETTE[(k - 1) % len(PALETTE)]


def _tag(k: int | None, text: str | None = None) -> str:
    """A number cell in the pair's colour; a red ✗ for what did not match."""
    shown = text or ("✗" if k is None else str(k))
    background = BAD if k is None else _colour(k)
    return (f'<TD BGCOLOR="{background}">'
            f'{labels.font(labels.text(shown), 10, "white")}</TD>')


def _wrap(inner: str, cell: str | None) -> str:
    inner = inner[1:-1] if inner.startswith("<") and inner.endswith(">") else inner
    head = f"<TR>{cell}</TR>" if cell else ""
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{head}'
            f"<TR><TD>{inner}</TD></TR></TABLE>>")


def _graphdraw_side(left, program: Program, marks: _Marks) -> None:
    """graphdraw's graph as `render` draws it, each node tagged with its number or a ✗."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.formats.graphviz.nodes import node_label

    left.attr(label=f"<{labels.font('<B>graphdraw</B>', 16)}>", color="#999999",
              style="rounded")
    g = graph_mod.build(program, notations=graph_mod.FOR_RENDER)
    gd_ids = {node: f"g{i + 1}" for i, node in enumerate(g.nodes)}
    numbers, bad = marks.numbers, marks.bad_ops | marks.bad_leaves
    for node, data in g.nodes(data=True):
        kind = data.get("kind", "intermediate")
        label, extra = node_label(data, True)
        attrs = {**STYLES.get(kind, STYLES["intermediate"])[0], **extra}
        if node in numbers and node not in bad:
            cell = _tag(numbers[node])
            attrs.update(color=_colour(numbers[node]), penwidth="2.5")
        elif node in bad:
            cell = _tag(None, f"✗ {numbers[node]}" if node in numbers else None)
            attrs.update(color=BAD, penwidth="2.5", style=_add_style(attrs, "dashed"))
        elif node in marks.through:
            via = numbers.get(marks.through[node])
            cell = _tag(via, f"→{via}") if via else None
        else:
            cell = None
            if node not in marks.in_scope and attrs.get("shape") != "plaintext":
                attrs.update(color=OFF)
        left.node(gd_ids[node], label=_wrap(label, cell), **attrs)
    for tail, head, data in g.edges(data=True):
        attrs = {}
        if g.nodes[tail].get("kind") == "constant" or tail not in marks.in_scope:
            attrs.update(style="dashed", color=OFF)
        elif (tail, head) in marks.missing:
            attrs.update(color=BAD, penwidth="2")
        left.edge(gd_ids[tail], gd_ids[head], **attrs)


def _torchviz_side(right, program: Program, structure: StructureReport,
                   marks: _Marks) -> None:
    """torchviz's graph in its own colours, each node tagged with its owner's number."""
    right.attr(label=f"<{labels.font('<B>torchviz (autograd)</B>', 16)}>",
               color="#999999", style="rounded")
    numbers = marks.numbers
    for n in structure.nodes:
        label = n.label.strip().replace("\n ", "\n")
        if n.kind == "output" and not n.name:      # torchviz leaves the output unnamed
            label = f"{_pretty(program, program.output)}\n{label}"
        text = labels.text(label)
        if n.role == "unmatched" or n.owner in marks.bad_ops:
            cell = _tag(None, f"✗ {numbers[n.owner]}" if n.owner in numbers else None)
            attrs = {"color": BAD, "penwidth": "2.5", "style": "filled,dashed"}
        elif n.owner is not None and n.owner in numbers:
            cell = _tag(numbers[n.owner])
            attrs = {"color": _colour(numbers[n.owner]), "penwidth": "2.5",
                     "style": "filled"}
        else:
            cell, attrs = None, {"style": "filled"}
        right.node(n.key, label=_wrap(f"<{labels.font(text, 11)}>", cell), shape="box",
                   fillcolor=_FILLS.get(n.kind, "lightgrey"), **attrs)
    for e in structure.edges:
        attrs = {}
        if e.kind == "saved":
            attrs.update(dir="none", style="dashed", color="orange")
        elif e.kind == "view":
            attrs.update(style="dotted")
        elif e.status == "unmatched":
            attrs.update(color=BAD, penwidth="2")
        right.edge(e.source, e.target, **attrs)


def _add_style(attrs: dict, style: str) -> str:
    current = attrs.get("style", "")
    return f"{current},{style}" if current else style


def _caption(structure: StructureReport) -> str:
    if structure.error:
        return f"structure not compared: {structure.error}"
    verdict = "all matched" if structure.ok else "red: not matched"
    return (f"{structure.summary()} — {verdict}\nthe same number and colour mark a graphdraw "
            "node and the torch nodes made for it\n→k: torch makes no node, the value of k "
            "passes through; grey: no gradient flows")
