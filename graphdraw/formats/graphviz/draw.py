"""Render a graph as Graphviz source (pure): the drawing of nodes, edges, plates and legend.

`to_digraph` / `to_dot` never run a program, so the DOT text is testable without Graphviz;
`layout` (formats/layout.py) is the only place graphdraw talks to the binary. The pieces
live beside this module: labels.py (label markup and its escaping), themes.py (THEMES, the
one table of how each kind of node looks, and fonts), nodes.py (node labels, operation
nodes, plates), numbers_shown.py (`render --show values,grads`: `numbers_for` computes what
`to_digraph(numbers=...)` draws), legend.py. The ops style (`style="ops"`) adds an
operation node per computed value, named `op_id`; nodes sharing a `plate` attribute are
drawn in a cluster `cluster_plate<i>`. The names other modules use are importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import graphviz
import networkx as nx

from graphdraw.core.named import view as named_view
from graphdraw.formats.graphviz import labels
from graphdraw.formats.graphviz import nodes
from graphdraw.formats.graphviz import stepped
from graphdraw.formats.graphviz.labels import (EDGE_NUMBER_SIZE, EDGE_SIZE, EXPR_SIZE, NAME_SIZE,  # noqa: F401
                                      NUMBER_SIZE, SMALL_SIZE)
from graphdraw.formats.graphviz.measure import size_attribute
from graphdraw.formats.graphviz.layout import ENGINES, count_nodes, layout  # noqa: F401
from graphdraw.formats.graphviz.legend import (LEGEND_ID, add_compact_legend, add_legend,
                                              key_table)  # noqa: F401
from graphdraw.formats.graphviz.nodes import dot_id, op_id, op_symbol  # noqa: F401
from graphdraw.formats.graphviz.numbers_shown import (DIGITS, SHOW_ITEMS, SHOW_LIMIT,  # noqa: F401
                                             number_lines, number_rows, numbers_for,
                                             parse_show, value_shape, values_note)
from graphdraw.formats.graphviz.themes import (DEFAULT_STYLE, DEFAULT_THEME, DRAW_STYLES,  # noqa: F401
                                      FONT, GRAD, INK, KIND_WORDS, KINDS, MUTED, STYLES,
                                      THEMES, Theme, font_name, theme_named)

RANKDIRS = ("LR", "TB", "RL", "BT")
EDGE_LABEL_MARGIN = 3        # points of white around an edge's label, off every line
VALUE_GAP = 2                # points between a local derivative and its value under it


def to_digraph(graph: nx.MultiDiGraph, *, rankdir: str = "LR", title: str | None = None,
               edge_labels: bool = True, shapes: bool = True,
               numbers: dict | None = None, theme: str = DEFAULT_THEME,
               style: str = DEFAULT_STYLE, font: str | None = None,
               caption: str | None = None, step: object = None, legend: bool | str = True,
               fit: tuple[float, float] | None = None) -> graphviz.Digraph:
    """The Graphviz drawing of an annotated graph (no program is run).

    `title` None uses the graph's own title, "" draws none; `caption` is drawn below the
    graph. Nodes are styled by kind in the colours of `theme` (see THEMES), edges labelled
    with the local derivative of their head with respect to their tail. `style` "ops" draws
    each operation as a node of its own, with the local derivatives on the edges into it.
    Nodes that share a `plate` attribute are drawn in one dashed box labelled with it.
    `numbers` (see `numbers_for`) adds values and gradients to the nodes and the value of
    each local derivative under its label: {"values": {node: array}, "grads": {node: array},
    "local": {(tail, head, position): array}, "note": text for the legend}; any part may
    be missing. `step` (numeric.steps.Step, `render --steps`) hides the numbers it does not
    show yet and highlights what it does (graphviz/stepped.py).
    `legend` False draws none, "compact" one small node beside or below the graph
    (legend.add_compact_legend), True a framed box of sample nodes (TikZ reads it); `fit`
    (width, height in pt) scales the drawing to fit that box (dot's `size`, measure.py).
    """
    if rankdir == "auto":       # callers that can run dot decide (measure.choose_rankdir)
        rankdir = "TB"
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    if style not in DRAW_STYLES:
        raise ValueError(f"style must be one of {', '.join(DRAW_STYLES)}, not {style!r}")
    look, fontname, ops_style = theme_named(theme), font_name(font), style == "ops"
    graph = named_view(graph, style)
    if title is None:
        title = graph.graph.get("title") or ""
    numbers = numbers or {}
    dot = graphviz.Digraph(name="graphdraw")
    graph_attrs = {"charset": "UTF-8", "rankdir": rankdir, "fontname": fontname,
                   "bgcolor": "white", "pad": "0.25", "nodesep": "0.3",
                   "ranksep": "0.3" if edge_labels and style != "ops" else "0.4",
                   "outputorder": "edgesfirst", "newrank": "true"}
    if fit is not None:
        graph_attrs["size"] = size_attribute(fit)
    title_label = f"<{labels.plain(title, NAME_SIZE + 2)}>" if title else None
    if caption:
        # The root graph has one label: the caption takes it, and a title goes on a frameless
        # cluster around everything else.
        graph_attrs.update(label=f"<{labels.plain(caption, EXPR_SIZE + 2)}>", labelloc="b")
    elif title_label:
        graph_attrs.update(label=title_label, labelloc="t")
    dot.attr("graph", **graph_attrs)
    dot.attr("node", fontname=fontname, fontsize=str(EXPR_SIZE), margin="0.12,0.06",
             **look.node)
    dot.attr("edge", fontname=fontname, fontsize=str(SMALL_SIZE), **look.edge)
    if caption and title_label:
        with dot.subgraph(name="cluster_title") as canvas:
            canvas.attr(label=title_label, labelloc="t", peripheries="0", margin="0")
            _Drawing(canvas, graph, rankdir, edge_labels, shapes, numbers, look, ops_style,
                     step, legend).draw()
    else:
        _Drawing(dot, graph, rankdir, edge_labels, shapes, numbers, look, ops_style, step,
                 legend).draw()
    return dot


def _add_nodes(dot: graphviz.Digraph, statements: list[tuple[str | None, str, dict]],
               look: Theme) -> tuple[str, ...]:
    """Write the node statements; those of a plate together, in a cluster labelled with it.

    A plate's cluster (cluster_plate0, cluster_plate1, ... in order of first appearance)
    is written where its first node would be. Edges stay outside: an edge statement inside
    a cluster would pull its other end in too. Returns the plates drawn.
    """
    members: dict[str, list[tuple[str, dict]]] = {}
    for plate, name, attrs in statements:
        if plate is not None:
            members.setdefault(plate, []).append((name, attrs))
    written: set[str] = set()
    for plate, name, attrs in statements:
        if plate is None:
            dot.node(name, **attrs)
            continue
        if plate in written:
            continue
        written.add(plate)
        with dot.subgraph(name=f"cluster_plate{len(written) - 1}") as box:
            # The label in the bottom-right corner, as plates are drawn in the literature.
            box.attr(label=f"<{labels.plain(plate, EXPR_SIZE + 1)}>", labeljust="r",
                     labelloc="b", margin="10", **look.plate)
            for member, member_attrs in members[plate]:
                box.node(member, **member_attrs)
    return tuple(members)


def skip_edges(graph: nx.MultiDiGraph) -> frozenset:
    """The edges from a leaf that skip a step: the leaf feeds a value, and also the value
    computed from it (W -> h_1 -> h_2 and W -> h_2: a weight shared by two steps, a
    penalty on a weight beside the loss). A leaf with one such edge only.

    dot ranks the leaf right above its first consumer, among that consumer's other
    operands, and runs the long edge down through their row of edge labels, where it
    crossed one (rnn: U -> h_2 through the label of W -> h_1). minlen 3 lifts the leaf a
    rank above them and weight 0 lets the edge bend round the labels. A leaf fed to many
    later values (micrograd's a and b) is left where dot puts it."""
    found = []
    pred = graph.pred
    for tail, data in graph.nodes(data=True):
        if data.get("op") is not None:
            continue
        heads = set(graph.successors(tail))
        # a head the leaf skips to is fed by another of its heads: asked of the head's few
        # operands, not of every other head (a weight shared by 2,000 steps)
        skipping = [head for head in heads
                    if any(other in heads for other in pred[head] if other != head)]
        if len(skipping) == 1:
            found.append((tail, skipping[0]))
    return frozenset(found)


def to_dot(graph: nx.MultiDiGraph, **options) -> str:
    """The DOT source of `to_digraph(graph, **options)`: the same bytes for the same graph."""
    return to_digraph(graph, **options).source


def decide_rankdir(graph: nx.MultiDiGraph, options: dict, box: tuple[float, float] | None = None,
                   *, timeout: float = 30.0, ahead: tuple[str, ...] = (),
                   made: dict | None = None) -> dict:
    """`options` (to_dot's) with a rankdir of "auto" decided, as every writer decides it:
    the direction that keeps the larger text once the figure fits `box` (else `fit`'s box,
    else a 16 cm × 22 cm page; measure.choose_rankdir). Other options are returned as given.
    The DOT sources made on the way are left in `made` (rankdir -> source), for the caller
    to use the winner's rather than make it again."""
    if options.get("rankdir") != "auto":
        return options
    from graphdraw.formats.graphviz import measure
    made = {} if made is None else made

    def make(rankdir: str) -> str:
        if rankdir not in made:
            made[rankdir] = to_dot(graph, **{**options, "rankdir": rankdir})
        return made[rankdir]
    return {**options, "rankdir": measure.choose_rankdir(
        make, named_view(graph, options.get("style")), box or options.get("fit") or measure.PAGE,
        timeout=timeout, ahead=ahead)}


@dataclass
class _Drawing:
    """One `to_digraph` call drawing a graph into `dot`: what it draws with, what it drew."""

    dot: graphviz.Digraph
    graph: nx.MultiDiGraph
    rankdir: str
    edge_labels: bool
    shapes: bool
    numbers: dict
    look: Theme
    ops_style: bool
    step: object = None                            # render --steps: one step's numbers
    legend: bool | str = True
    ids: dict = field(default_factory=dict)        # graph node -> its DOT name
    ops: dict = field(default_factory=dict)        # ops style: value -> its op node's name
    order: dict = field(default_factory=dict)      # graph node -> its position in the graph
    present: set = field(default_factory=set)      # the kinds of node drawn
    plates: tuple = ()
    labelled: bool = False                         # some edge shows its local derivative
    dashed: bool = False                           # some edge comes from a constant
    local_shown: bool = False                      # some edge shows its derivative's value
    skips: frozenset = frozenset()                 # edges from a leaf that skip a step

    def __post_init__(self) -> None:
        output = self.graph.graph.get("output")
        out_data = self.graph.nodes[output] if output in self.graph else None
        self.output, self.grad_of = output, f"∂{nodes.name_markup(out_data, 'L')}/∂"
        self.value_shapes = {node: value_shape(self.numbers, node) for node in self.graph.nodes} \
            if self.numbers else {}
        # A column of "scalar" under every node of an all-scalar model says nothing.
        self.shapes = self.shapes and any(
            (d.get("shape") or self.value_shapes.get(n)) not in (None, [], ())
            for n, d in self.graph.nodes(data=True))

    def draw(self) -> None:
        """The nodes, edges, plates and legend, added to `dot`."""
        self.skips = skip_edges(self.graph)
        self.plates = _add_nodes(self.dot, self._statements(), self.look)
        for node, name in self.ops.items():   # op -> the value it makes: the main chain
            self.dot.edge(name, self.ids[node], weight="4")
        # Edges in the order of their head, then operand position, so operands keep their order.
        order = self.order
        for edge in sorted(self.graph.edges(keys=True, data=True),
                           key=lambda e: (order[e[1]], e[3].get("arg", e[2]), order[e[0]])):
            self._edge(*edge)
        if self.legend:
            self._legend()

    def _statements(self) -> list[tuple[str | None, str, dict[str, str]]]:
        """(plate, DOT name, attributes) of every node, in the graph's order."""
        graph, look, numbers = self.graph, self.look, self.numbers
        referenced = nodes.referenced_ids(graph)
        plate_of = nodes.node_plates(graph)
        statements = []
        for index, (node, data) in enumerate(graph.nodes(data=True)):
            self.ids[node], self.order[node] = dot_id(node, index), index
            kind = data.get("kind", "intermediate")
            kind = kind if kind in STYLES else "intermediate"
            self.present.add(kind)
            if self.ops_style and data.get("op") is not None:
                self.ops[node] = op_id(node, index)
                self.present.add("op")
                statements.append((plate_of[node], self.ops[node], nodes.op_node(data, look)))
            tag = node if data.get("label") is None and node in referenced else None
            shape = self.value_shapes.get(node) if data.get("shape") is None else None
            rows = stepped.rows(nodes.node_numbers(node, data, numbers, self.grad_of, look),
                                node, self.step)
            label, extra = nodes.node_label(data, self.shapes, tag, shape, rows, look,
                                            forward=not self.ops_style)
            statements.append((plate_of[node], self.ids[node],
                               {"label": label, **look.kinds[kind], **extra,
                                **stepped.node_attrs(node, self.step, look)}))
        return statements

    def _edge(self, tail: object, head: object, key: int, data: dict) -> None:
        """One edge: dashed from a constant, else labelled with its local derivative."""
        dot, ids = self.dot, self.ids
        target = self.ops.get(head, ids[head])
        if self.graph.nodes[tail].get("kind") == "constant":
            self.dashed = True
            style = self.look.constant_edge
            if self.rankdir in ("LR", "RL"):
                # The constant shares its consumer's rank and sits right under it. Written
                # head -> tail with dir=back, because dot puts the tail of an edge within a
                # rank above its head, where the consumer's other operands usually are.
                dot.edge(target, ids[tail], dir="back", minlen="0", **style)
            else:
                # Across ranks: a short flat arrow would look like a minus sign (- 3).
                dot.edge(ids[tail], target, **style)
            return
        # Heavy edges between computed values keep the main chain straight; leaves hang off it.
        attrs = {} if self.graph.nodes[tail].get("op") is None else {"weight": "4"}
        if (tail, head) in self.skips:
            attrs.update(weight="0", minlen="3")
        attrs.update(stepped.edge_attrs((tail, head, data.get("arg", key)), self.step, self.look))
        if self.edge_labels:
            label = self._edge_label(tail, head, key, data)
            if label:
                attrs["label"] = label
        dot.edge(ids[tail], target, **attrs)

    def _edge_label(self, tail: object, head: object, key: int, data: dict) -> str | None:
        """An edge's local derivative, with its value under it when numbers are shown."""
        grad = labels.fragment(data.get("local_grad_html"), data.get("local_grad_pretty"))
        if not grad:
            return None
        self.labelled = True
        symbolic = labels.line(grad, EDGE_SIZE)
        value = (self.numbers.get("local") or {}).get((tail, head, data.get("arg", key)))
        if len(data.get("via") or ((tail, head, key),)) != 1:
            value = None        # a composed derivative: the numbers are those of single steps
        # A constant derivative (1, −1, ½) is its own value: no second line.
        if value is not None and any(ch.isalpha() for ch in
                                     data.get("local_grad_pretty") or grad):
            self.local_shown = True
            colour = stepped.local_colour((tail, head, data.get("arg", key)), self.step,
                                          self.look)
            numbers_cell = number_rows([("=", number_lines(value), colour)], EDGE_NUMBER_SIZE)
            symbolic = (f"{labels.PLAIN_TABLE}<TR><TD>{symbolic}</TD></TR>"
                        f'<TR><TD CELLPADDING="{VALUE_GAP}">{numbers_cell}</TD></TR></TABLE>')
        # Graphviz puts an edge's label right against its line (beside it top to bottom):
        # a margin all round keeps the line off the text.
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" '
                f'CELLPADDING="{EDGE_LABEL_MARGIN}"><TR><TD>{symbolic}</TD></TR></TABLE>>')

    def _legend(self) -> None:
        """The legend: the kinds of node drawn, then a key to everything else."""
        numbers, present, ids, output = self.numbers, self.present, self.ids, self.output
        kinds = [k for k in (*KINDS[:-2], "op", *KINDS[-2:]) if k in present]
        out_shape = value_shape(numbers, output)
        summed = out_shape is not None and any(n != 1 for n in out_shape)
        table = key_table(constant="constant" in present, shaped=self.shapes,
                          labelled=self.labelled, dashed=self.dashed,
                          valued=bool(numbers.get("values")), graded=bool(numbers.get("grads")),
                          local=self.local_shown, grad_of=self.grad_of, summed=summed,
                          note=numbers.get("note"), theme=self.look, ops=self.ops_style,
                          plates=self.plates)
        anchor = ids.get(output) if output in ids else (ids[next(reversed(ids))] if ids else None)
        if self.legend == "compact":
            below = anchor if self.rankdir in ("TB", "BT") else None
            add_compact_legend(self.dot, kinds, table, self.look, below=below)
        else:
            add_legend(self.dot, kinds, table, self.rankdir, anchor, self.look)
