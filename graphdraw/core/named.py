"""The named view: one node per name the user wrote, the unnamed steps composed away.

`named_graph` turns the full graph (a node per value, core/graph.py) into a graph whose nodes
are the named values only (x, W_i, b_a, a, z, W_o, b_o, ŷ, y, L for the XOR network) with
their attributes unchanged, so a named node still shows its forward computation
(`a = W_iᵀ x + b_a`). Unnamed constants are dropped: they are already printed inside the
labels that use them (`½ (ŷ − y)²`). An edge runs from a named tail to a named head when the
head is computed from the tail through unnamed values only, and carries ∂head/∂tail composed
by the chain rule over those values: the sum over paths of the product of the op rows' local
derivative templates, printed with the constants multiplied out (∂L/∂ŷ = ½ · 2 (ŷ − y) · 1
prints as ŷ − y). Each edge lists the full graph's edges it stands for (`via`, as
[tail, head, key]), so its value can be checked step by step against the op table.
"""

from __future__ import annotations

import heapq
import math

import networkx as nx

from graphdraw import ops
from graphdraw.core import graph as graph_mod
from graphdraw.core.simplify import fuse, simplify
from graphdraw.language.printer import Printer
from graphdraw.language.notation import apply, name as print_name, number
from graphdraw.language.program import Node, Program
from graphdraw.language.terms import Term, merge, to_piece

VIEW = "named"          # graph.graph["view"] of a named graph
LABEL_LIMIT = 40        # a longer composed derivative is drawn as its symbol, ∂L/∂w
_SUFFIX = {"plain": "", "pretty": "_pretty", "html": "_html", "latex": "_latex"}


def kept(node: Node, program: Program) -> bool:
    """Whether the named view draws a node: a name the user wrote, or the output."""
    return node.name is not None or node.id == program.output


def named_graph(program: Program, graph: nx.MultiDiGraph,
                notations: tuple[str, ...] | None = None) -> nx.MultiDiGraph:
    """The named view of `graph`, the full graph of `program` (see the module's docstring).

    The texts are made in `notations` (default: the ones the full graph has).
    """
    if notations is None:
        notations = tuple(m for m in _SUFFIX
                          if any(("local_grad" + _SUFFIX[m]) in d
                                 for _, _, d in graph.edges(data=True))) or ("plain",)
    # every unnamed value inlined: the view has no node that an id (%7) could refer to
    # the nodes' shapes (per sample in a plate) fold size(·): σ − y, not (σ − y) / size(σ)
    shapes = {node: tuple(data["shape"]) for node, data in graph.nodes(data=True)
              if data.get("shape") is not None}
    printers = {mode: Printer(program, mode, shapes, inline_limit=10**9) for mode in notations}
    named = nx.MultiDiGraph(**graph.graph)
    named.graph["view"] = VIEW
    for node in program.nodes.values():
        if kept(node, program):
            attrs = dict(graph.nodes[node.id])
            for mode, printer in printers.items():
                if "forward" + _SUFFIX[mode] in attrs:
                    attrs["forward" + _SUFFIX[mode]] = printer.forward(node)
            named.add_node(node.id, **attrs)
    index = {node_id: i for i, node_id in enumerate(program.nodes)}
    for node in program.nodes.values():
        if node.op is not None and kept(node, program):
            for tail, terms, via in _composed(program, node, printers, index, shapes):
                # the operand position through which the head is reached (first one)
                entry = min(key for _, head, key in via if head == node.id)
                attrs = {"arg": entry, "combine": _combine(program, via),
                         "via": [list(edge) for edge in sorted(via, key=_edge_order(index))]}
                for mode, found in terms.items():
                    _finite(found, node)
                    found = simplify(found, mode)
                    attrs["local_grad" + _SUFFIX[mode]] = to_piece(found, mode)[0]
                jacobian = _jacobian(program, via)
                _shorten(attrs, program, tail, node.id, jacobian is not None)
                if jacobian is not None:
                    _jacobian_formula(attrs, program, jacobian, node.id, tail, printers, index,
                                      shapes)
                named.add_edge(tail, node.id, key=0, **attrs)
    return named


def _finite(terms: list[Term], node: Node) -> None:
    """A composed derivative's constants must be numbers (1e308 w + 1e308 w has 2e308)."""
    if not all(math.isfinite(coef) for coef, _ in terms):
        from graphdraw.errors import GraphdrawError
        raise GraphdrawError(
            f"a constant factor of the derivative of {print_name(node, 'pretty')[0]} "
            f"on line {node.line} is past the range of 64-bit floats (about 1.8e308)",
            hint="scale the constants of the model down")


def view(graph: nx.MultiDiGraph, style: str | None) -> nx.MultiDiGraph:
    """The graph a drawing style draws: the named view for "named", else `graph` itself.

    The named view of a graph built by core.graph.build is made once and kept with it.
    """
    if style != VIEW or graph.graph.get("view") == VIEW:
        return graph
    program = graph_mod.program_of(graph)
    if program is None:
        raise ValueError("the named view needs a graph made by graphdraw.core.graph.build")
    cached = graph_mod.derived(graph, VIEW)
    if cached is None:
        cached = graph_mod.derived(graph, VIEW, named_graph(program, graph))
    return cached


def _shorten(attrs: dict, program: Program, tail: str, head: str, jacobian: bool) -> None:
    """A drawn derivative longer than LABEL_LIMIT characters, or one through a softmax (a
    Jacobian, which a product of factors does not show), is drawn as its symbol (∂L/∂w);
    the formula stays in `local_grad` (plain) and `formula_<notation>` (what a table, such as
    the exercise's key, prints instead)."""
    pretty = attrs.get("local_grad_pretty")
    if pretty is None or (len(pretty) <= LABEL_LIMIT and not jacobian):
        return
    for mode in ("pretty", "html", "latex"):
        if "local_grad" + _SUFFIX[mode] in attrs:
            attrs["formula" + _SUFFIX[mode]] = attrs["local_grad" + _SUFFIX[mode]]
            attrs["local_grad" + _SUFFIX[mode]] = _symbol(program, head, tail, mode)


def _symbol(program: Program, top: str, bottom: str, mode: str) -> str:
    """∂top/∂bottom in a notation."""
    upper = print_name(program.nodes[top], mode)[0]
    lower = print_name(program.nodes[bottom], mode)[0]
    if mode == "latex":
        return rf"\partial {upper} / \partial {lower}"
    return f"∂{upper}/∂{lower}"


def _jacobian(program: Program, via: set) -> Node | None:
    """The softmax or log_softmax a composed edge passes through (its printed product of
    factors would read as elementwise: p for ∂p/∂z), else None."""
    for _, head, position in sorted(via):
        node = program.nodes[head]
        if ops.OPS[node.op].combines()[position] in ("softmax", "log_softmax"):
            return node
    return None


def _jacobian_formula(attrs: dict, program: Program, softmax: Node, head: str, tail: str,
                      printers: dict[str, Printer], index: dict, shapes: dict) -> None:
    """The formula of an edge through a softmax: its Jacobian times the derivative of its
    argument, (diag(p) − p pᵀ) W₂ for ∂p/∂h of p = softmax(W₂ h + b₂); only when the
    softmax's value is the edge's head (else the symbol alone)."""
    for mode in ("pretty", "html", "latex"):
        attrs.pop("formula" + _SUFFIX[mode], None)
    if softmax.id != head:
        return
    inner = program.nodes[softmax.args[0]]
    rest = {} if inner.id == tail else next(
        (terms for t, terms, _ in _composed(program, inner, printers, index, shapes)
         if t == tail), None)
    if rest is None:
        return
    for mode, printer in printers.items():
        if mode == "plain":
            continue
        piece, after = _jacobian_piece(printer, softmax, mode), simplify(rest.get(mode, []), mode)
        if after and after != [(1.0, ())]:
            piece = apply(ops.OPS["matmul"], [piece, to_piece(after, mode)], mode)
        attrs["formula" + _SUFFIX[mode]] = piece[0]


def _edge_order(index: dict):
    return lambda edge: (index[edge[1]], edge[2], index[edge[0]])


def _jacobian_piece(printer: Printer, node: Node, mode: str):
    """A softmax's Jacobian as a matrix: diag(p) − p pᵀ (log_softmax: I − 1 softmax(u)ᵀ),
    which a product of factors multiplies as a matrix (∂p/∂h = (diag(p) − p pᵀ) W₂)."""
    if node.op == "softmax":
        p = printer.ref(node.id)
        diag = (rf"\operatorname{{diag}}({p[0]})" if mode == "latex" else f"diag({p[0]})",
                ops.ATOM)
        right = apply(ops.OPS["matmul"], [p, apply(ops.OPS["transpose"], [p], mode)], mode)
    else:
        diag = (r"I" if mode != "html" else "<i>I</i>", ops.ATOM)
        soft = apply(ops.OPS["softmax"], [printer.ref(node.args[0])], mode)
        right = apply(ops.OPS["matmul"], [number("1", mode), apply(ops.OPS["transpose"],
                                                                    [soft], mode)], mode)
    return apply(ops.OPS["sub"], [diag, right], mode)


def _broadcast_scalar(node: Node, arg: str, position: int, shapes: dict) -> bool:
    """Whether a scalar operand is broadcast over the entries of an elementwise op's value
    (λ/2 of λ/2 · wᵀ): ∂L/∂(λ/2) of a scalar L is then the sum over them, as backprop has
    it."""
    combine = ops.OPS[node.op].combines()[position]
    return (combine == "elementwise" and shapes.get(arg) == ()
            and shapes.get(node.id, ()) != ())


def _combine(program: Program, via: set) -> str:
    """The combine rule of a one-step edge (as in the full graph), else "chain"."""
    if len(via) != 1:
        return "chain"
    _, head, position = next(iter(via))
    return ops.OPS[program.nodes[head].op].combines()[position]


def _composed(program: Program, head: Node, printers: dict[str, Printer], index: dict,
              shapes: dict) -> list[tuple[str, dict[str, list[Term]], set]]:
    """(tail, terms per notation, full-graph edges) of each named tail of `head`, in the
    order the tails are first reached (operand order, nearest first).

    The adjoint of `head` (1) is pushed back through the unnamed values, latest first, as
    numeric/adjoint.py pushes the output's: each step multiplies by the local derivative.
    """
    pending: dict[str, dict[str, list[Term]]] = {head.id: {m: [(1.0, ())] for m in printers}}
    scalar_head = shapes.get(head.id) == ()     # else each entry's own derivative is drawn
    routes: dict[str, set] = {head.id: set()}
    found: dict[str, tuple[dict[str, list[Term]], set]] = {}
    queue = [(-index[head.id], head.id)]
    while queue:
        _, node_id = heapq.heappop(queue)
        node = program.nodes[node_id]
        terms, route = pending.pop(node_id), routes.pop(node_id)
        row = ops.OPS[node.op]
        operands = dict(zip("ab", node.args), out=node.id)
        for position, arg in enumerate(node.args):
            source = program.nodes[arg]
            if source.value is not None and source.name is None:
                continue                      # an unnamed constant: printed in the labels
            sent = {}
            for mode, printer in printers.items():
                fused = fuse(printer, node, terms[mode]) if position == 0 else None
                if fused is not None:       # a fused pair of the op table (ops/fused.py)
                    sent[mode] = fused
                    continue
                _, (coef, factors) = printer.template_product(row.derivs[position], operands)
                sent[mode] = [(c * coef, f + factors) for c, f in terms[mode]] if coef else []
                if sent[mode] and scalar_head and _broadcast_scalar(node, arg, position,
                                                                     shapes):
                    # a scalar broadcast over a tensor: its derivative sums over the entries
                    total = apply(ops.OPS["sum"], [to_piece(sent[mode], mode)], mode)
                    sent[mode] = [(1.0, (total,))]
            step = route | {(arg, node_id, position)}
            if kept(source, program) or source.op is None:
                into, path = found.get(arg, ({m: [] for m in printers}, set()))
                found[arg] = ({m: merge(into[m], sent[m]) for m in printers}, path | step)
                continue
            if arg not in pending:
                pending[arg], routes[arg] = {m: [] for m in printers}, set()
                heapq.heappush(queue, (-index[arg], arg))
            pending[arg] = {m: merge(pending[arg][m], sent[m]) for m in printers}
            routes[arg] |= step
    return [(tail, terms, path) for tail, (terms, path) in found.items()]
