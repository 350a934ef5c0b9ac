"""Build the networkx graph of a program and annotate it from the op table.

Node ids are the user's names (c, c', c'' for versions; %1, %2 for unnamed values). Edges
run from operand to result, one per use (x * x has two), keyed by the operand position.
"""

from __future__ import annotations

import weakref

import networkx as nx

from graphdraw import ops
from graphdraw.lazy import gc_paused
from graphdraw.language.printer import Printer
from graphdraw.language.notation import all_scalars
from graphdraw.language.notation import name as print_name
from graphdraw.language.notation import number
from graphdraw.language.templates import NUMBERS
from graphdraw.language.program import Node, Program

KINDS = ("input", "param", "target", "constant", "intermediate", "output")
_ROLE_KIND = {None: "param", "param": "param", "input": "input", "target": "target",
              "const": "constant"}


NOTATIONS = ("plain", "pretty", "html", "latex")
FOR_JSON = ("plain", "pretty")          # what jsonout writes
FOR_RENDER = ("pretty", "html")         # what render draws
FOR_TIKZ = FOR_RENDER + ("latex",)      # tikz: render's DOT for the layout, LaTeX for the text
_SUFFIX = {"plain": "", "pretty": "_pretty", "html": "_html", "latex": "_latex"}


def build(program: Program, *, title: str | None = None,
          notations: tuple[str, ...] = NOTATIONS, values: dict | None = None
          ) -> nx.MultiDiGraph:
    """The annotated graph of a program: kinds, ops, forward text, shapes, local derivatives.

    A shape nobody declared is the one shape inference finds (core/infer.py), from the model
    and the shapes of the leaves' `values` (default: the values last given for the program;
    without any, sizes may take their default).

    Texts are made in each of `notations` (attribute suffixes: none for plain, `_pretty`,
    `_html`, `_latex`); a caller that needs fewer asks for fewer, which matters for large
    models. Named nodes also get `label_html` / `label_latex` with the html / latex notations.
    """
    with gc_paused():
        inferred = _inferred(program, values)
        scalars = not any(inferred.values()) and not any(n.shape for n in program.nodes.values())
        with all_scalars(scalars):       # LaTeX: a product of scalars is juxtaposed
            graph = _build(program, title, notations, inferred)
    _MADE_FROM[graph] = program
    return graph


# What a built graph was made from, and the views made from it (core/named.py), kept beside
# the graph rather than in graph.graph, whose attributes are the graph's own (JSON, DOT).
_MADE_FROM: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_DERIVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def program_of(graph: nx.MultiDiGraph) -> Program | None:
    """The program `build` made `graph` from (None for a graph made otherwise)."""
    return _MADE_FROM.get(graph)


def derived(graph: nx.MultiDiGraph, name: str, made: object = None) -> object:
    """A view of `graph` kept with it: the one stored under `name` (None when there is
    none), or, given `made`, store that one and return it."""
    views = _DERIVED.setdefault(graph, {})
    if made is not None:
        views[name] = made
    return views.get(name)


def _inferred(program: Program, values: dict | None) -> dict:
    """The inferred shapes of the nodes without one ({} when every shape is known or when
    nothing can make a value more than a scalar, as in most scalar models)."""
    if all(node.shape is not None for node in program.nodes.values()):
        from graphdraw.core import class_targets       # declared: the rows their ranks say
        class_targets.choose_rows(program, lambda node_id: len(program.nodes[node_id].shape))
        return {}
    from graphdraw.core import infer
    return infer.shapes_for(program, values)


def _build(program: Program, title: str | None, notations: tuple[str, ...],
           inferred: dict) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(output=program.output, title=title or "", source=program.source.name)
    texts = _Texts({mode: Printer(program, mode, known=inferred) for mode in notations})
    # networkx's add_node and add_edge check and copy their arguments on every call, which
    # costs large models more than printing does. The graph is new and every operand is
    # defined before its use, so its dicts are filled directly, as those calls fill them:
    # node -> attributes, and successor / predecessor -> edge key -> attributes.
    attributes, succ, pred = graph._node, graph._succ, graph._pred
    for node in program.nodes.values():     # operands come first: their dicts are there
        attributes[node.id] = _node_attrs(node, program, texts, inferred)
        succ[node.id], pred[node.id] = {}, {}
        if node.op is not None:
            _add_edges(succ, pred, node, texts)
    return graph


class _Texts:
    """The printers of a build, with the attribute names they fill."""

    def __init__(self, printers: dict[str, Printer]) -> None:
        self.forward = [("forward" + _SUFFIX[m], p) for m, p in printers.items()]
        self.pieces = [(key, p.pieces) for key, p in self.forward]
        self.local_grad = [("local_grad" + _SUFFIX[m], p) for m, p in printers.items()]
        self.local_refs = [(key, p.refs) for key, p in self.local_grad]
        self.pretty = printers.get("pretty")
        self.labels = [("label" + _SUFFIX[m], printers[m], m)
                       for m in ("html", "latex") if m in printers]
        self.by_op: dict[str, tuple] = {}       # op -> edges (see edges)

    def edges(self, op: str) -> tuple:
        """An op's edges as _edge_rows gives them, with the attributes all its edges at that
        position have in place of the combine rule: a constant template (1, -1, 0) prints
        the same on every edge, so once."""
        edges = self.by_op.get(op)
        if edges is None:
            edges = self.by_op[op] = tuple(
                (position, {"arg": position, "combine": combine,
                  **({key: number(template, p.mode)[0] for key, p in self.local_grad}
                     if template in NUMBERS else {})}, template, at)
                for position, combine, template, at in _edge_rows(op))
        return edges

    def label(self, node: Node, printer: Printer | None, mode: str) -> str | None:
        """A named node's name in `mode` (None for an unnamed node)."""
        if node.name is None:
            return None
        # A printer shows every named node by its name: reuse the text it made.
        return printer.pieces[node.id][0] if printer else print_name(node, mode)[0]


def _node_attrs(node: Node, program: Program, texts: _Texts, inferred: dict) -> dict:
    """A node's attributes, the ones JSON writes first and in its order (jsonout.NODE_KEYS)."""
    node_id, name = node.id, node.name
    if node_id == program.output:
        kind = "output"
    elif node.value is not None:        # value and op rather than is_const and is_leaf: the
        kind = "constant"               # properties cost a call for every node
    elif node.op is None:
        kind = _ROLE_KIND[node.role]    # a leaf
    else:
        kind = "intermediate"
    if name is None:                    # its expression: the printer's piece (Printer.forward)
        attrs = {"kind": kind, "op": node.op, "name": None, "version": node.version,
                 "label": None}
        for key, pieces in texts.pieces:
            attrs[key] = pieces[node_id][0]
    else:
        attrs = {"kind": kind, "op": node.op, "name": name, "version": node.version,
                 "label": texts.pretty.pieces[node_id][0] if texts.pretty
                 else print_name(node, "pretty")[0]}
        for key, printer in texts.forward:
            attrs[key] = printer.forward(node)
    shape = node.shape
    if shape is None and inferred:
        shape = inferred.get(node_id)
    attrs["shape"] = None if shape is None else list(shape)
    attrs["line"] = node.line
    if texts.labels:
        for key, printer, mode in texts.labels:
            attrs[key] = texts.label(node, printer, mode)
    if node.value is not None:
        attrs["value"] = node.value
    if node.default is not None:
        attrs["default"] = node.default
    if node.plate is not None:      # one value per sample: drawn inside the plate
        attrs["plate"] = program.plate_label(node.plate)
    return attrs


def _add_edges(succ: dict, pred: dict, node: Node, texts: _Texts) -> None:
    """An edge from each operand, keyed by its position: the position, the combine rule and
    the local derivative in each notation."""
    args, out = node.args, node.id
    operands = None
    into = pred[out]
    # (rows by index, not zip(rows, args): making a zip costs more than the loop; an op's
    # row has a derivative for each of its `arity` operands, and a node has that many)
    for position, common, template, at in texts.by_op.get(node.op) or texts.edges(node.op):
        arg = args[position]
        attrs = common.copy()
        if at is not None:              # a, b or out: the operand as it is referred to
            shown = out if at < 0 else args[at]
            for key, refs in texts.local_refs:
                attrs[key] = refs[shown][0]
        elif template not in NUMBERS:   # (a number is in common)
            operands = operands or _operands(args, out)
            for key, printer in texts.local_grad:
                attrs[key] = printer.template(template, operands)[0]
        keyed = into.get(arg)
        if keyed is None:               # x * x: two edges (keys 0 and 1) share this dict
            keyed = succ[arg][out] = into[arg] = {}
        keyed[position] = attrs


def _operands(args: tuple[str, ...], out: str) -> dict[str, str]:
    """A derivative template's names a, b and out -> the node ids they stand for."""
    if len(args) == 1:                  # (a literal: dict(zip(...)) costs more)
        return {"a": args[0], "out": out}
    return {"a": args[0], "b": args[1], "out": out}


_EDGE_ROWS: dict[str, tuple] = {}
_AT = {"a": 0, "b": 1}


def _edge_rows(op: str) -> tuple:
    """An op's edges as (position, combine rule, derivative template, the index in the args
    of the one operand the template is (-1: out), or None), read from its row once."""
    rows = _EDGE_ROWS.get(op)
    if rows is None:
        row = ops.OPS[op]
        rows = _EDGE_ROWS[op] = tuple(
            (position, combine, template,
             -1 if template == "out" else _AT.get(template) if template in
             ("a", "b")[:row.arity] else None)
            for position, combine in enumerate(row.combines())
            for template in (row.derivs[position],))
    return rows


def leaves(graph: nx.MultiDiGraph) -> list[str]:
    """The leaves that receive a gradient, in definition order."""
    return [n for n, d in graph.nodes(data=True) if d["kind"] in ("param",)]
