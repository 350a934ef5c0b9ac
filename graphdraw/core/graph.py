"""Build the networkx graph of a program and annotate it from the op table.

Node ids are the user's names (c, c', c'' for versions; %1, %2 for unnamed values). Edges
run from operand to result, one per use (x * x has two), keyed by the operand position.
"""

from __future__ import annotations

import networkx as nx

from graphdraw import ops
from graphdraw.lazy import gc_paused
from graphdraw.language.printer import Printer
from graphdraw.language.printing import name as print_name
from graphdraw.language.program import Program

KINDS = ("input", "param", "target", "constant", "intermediate", "output")
_ROLE_KIND = {None: "param", "param": "param", "input": "input", "target": "target",
              "const": "constant"}


NOTATIONS = ("plain", "pretty", "html", "latex")
FOR_JSON = ("plain", "pretty")          # what jsonout writes
FOR_RENDER = ("pretty", "html")         # what render draws
FOR_TIKZ = FOR_RENDER + ("latex",)      # tikz: render's DOT for the layout, LaTeX for the text
_SUFFIX = {"plain": "", "pretty": "_pretty", "html": "_html", "latex": "_latex"}


def build(program: Program, *, title: str | None = None,
          notations: tuple[str, ...] = NOTATIONS) -> nx.MultiDiGraph:
    """The annotated graph of a program: kinds, ops, forward text, shapes, local derivatives.

    Texts are made in each of `notations` (attribute suffixes: none for plain, `_pretty`,
    `_html`, `_latex`); a caller that needs fewer asks for fewer, which matters for large
    models. Named nodes also get `label_html` / `label_latex` with the html / latex notations.
    """
    with gc_paused():
        return _build(program, title, notations)


def _build(program: Program, title: str | None, notations: tuple[str, ...]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(output=program.output, title=title or "", source=program.source.name)
    printers = {mode: Printer(program, mode) for mode in notations}
    for node in program.nodes.values():
        if node.id == program.output:
            kind = "output"
        elif node.is_leaf:
            kind = _ROLE_KIND[node.role]
        elif node.is_const:
            kind = "constant"
        else:
            kind = "intermediate"
        attrs = {
            "kind": kind,
            "op": node.op,
            "name": node.name,
            "version": node.version,
            "shape": None if node.shape is None else list(node.shape),
            "line": node.line,
            "label": print_name(node, "pretty")[0] if node.name else None,
        }
        for mode, printer in printers.items():
            attrs["forward" + _SUFFIX[mode]] = printer.forward(node)
        if "html" in printers:
            attrs["label_html"] = print_name(node, "html")[0] if node.name else None
        if "latex" in printers:
            attrs["label_latex"] = print_name(node, "latex")[0] if node.name else None
        if node.is_const:
            attrs["value"] = node.value
        if node.default is not None:
            attrs["default"] = node.default
        if node.plate is not None:      # one value per sample: drawn inside the plate
            attrs["plate"] = program.plate_label(node.plate)
        graph.add_node(node.id, **attrs)
        if node.op is None:
            continue
        row = ops.OPS[node.op]
        for position, (arg, combine) in enumerate(zip(node.args, row.combines())):
            graph.add_edge(arg, node.id, key=position, arg=position, combine=combine,
                           **_local_grads(row, position, node, printers))
    return graph


def _local_grads(row: ops.Op, position: int, node, printers: dict[str, Printer]) -> dict:
    """The local derivative of `node` with respect to operand `position`, in each notation."""
    operands = dict(zip("ab", node.args), out=node.id)
    template = row.derivs[position]
    return {"local_grad" + _SUFFIX[mode]: printer.template(template, operands)[0]
            for mode, printer in printers.items()}


def leaves(graph: nx.MultiDiGraph) -> list[str]:
    """The leaves that receive a gradient, in definition order."""
    return [n for n, d in graph.nodes(data=True) if d["kind"] in ("param",)]
