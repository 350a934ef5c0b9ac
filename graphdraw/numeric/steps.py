"""Backprop step by step: the sequence of steps `render --steps` draws, shared by every format.

Step 0 is the graph bare. The forward pass then gives the leaves their values, and computes
one node a step, in the order the model defines them; the backward pass starts at the output
(∂L/∂L = 1) and gives each node its gradient, from the output down, using the edges from that
node to the nodes whose gradient is already known. A step says what is visible after it
(cumulative) and what it just did (the node, the edges), so a format only draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx

PHASES = ("forward", "backward")

Edge = tuple[object, object, int]         # (tail, head, operand position)


@dataclass(frozen=True)
class Step:
    """One picture of the walk: what it adds and everything visible after it."""

    index: int
    phase: str                            # "graph", "forward" or "backward"
    node: object | None                   # the node this step computes (None: bare, leaves)
    edges: tuple[Edge, ...]               # the edges this step uses (highlighted)
    values: frozenset                     # nodes whose value is visible
    grads: frozenset                      # nodes whose gradient is visible
    local: frozenset                      # edges whose local derivative's value is visible
    caption: str                          # one line saying what happens, in plain text
    parts: tuple[tuple[bool, str], ...] = ()   # the caption as (is maths, text) pieces


def walk(graph: nx.MultiDiGraph, numbers: dict, phases: tuple[str, ...] = PHASES
         ) -> list[Step]:
    """The steps for a graph and its numbers (`draw.numbers_for`: values, grads, local).

    Nodes without a value or a gradient in `numbers` get no step (constants, inputs in the
    backward pass); `phases` leaves out the forward or the backward pass.
    """
    values = numbers.get("values") or {}
    grads = numbers.get("grads") or {}
    order = [n for n in graph.nodes if graph.nodes[n].get("kind") != "constant"]
    steps = [Step(0, "graph", None, (), frozenset(), frozenset(), frozenset(),
                  "The computation graph")]
    shown: set = set()
    if "forward" in phases:
        leaves = [n for n in order if graph.in_degree(n) == 0 and n in values]
        if leaves:
            shown.update(leaves)
            steps.append(_step(steps, "forward", None, (), shown, set(), set(),
                               "Forward: the leaves' values " + _names(graph, leaves, True)))
        for node in order:
            if graph.in_degree(node) and node in values:
                shown.add(node)
                if trivial(graph, node):            # shown with the next step
                    continue
                edges = tuple(_in_edges(graph, node))
                forward = graph.nodes[node].get("forward_pretty") or _name(graph, node)
                steps.append(_step(steps, "forward", node, edges, shown, set(), set(),
                                   f"Forward: {_m(forward)}"))
    if "backward" in phases:
        _backward(graph, grads, order, steps, shown)
    return steps


def _backward(graph: nx.MultiDiGraph, grads: dict, order: list, steps: list[Step],
              shown: set) -> None:
    """The backward steps, appended to `steps`: the output first, then down the graph."""
    output = graph.graph.get("output")
    out = _name(graph, output)
    known: set = set()
    used: set = set()
    if output in grads:
        known.add(output)
        steps.append(_step(steps, "backward", output, (), shown, known, used,
                           f"Backward: {_m(f'∂{out}/∂{out} = 1')}"))
    for node in reversed(order):
        if node == output or node not in grads:
            continue
        edges = [e for e in _out_edges(graph, node) if e[1] in known]
        if not edges:
            continue
        known.add(node)
        used.update(edges)
        if trivial(graph, node):                    # shown with the next step
            continue
        terms = [f"{_m(f'∂{out}/∂{_wrt(graph, head)}')} and the local derivative "
                 f"{_m(_local(graph, (tail, head, arg)))}"
                 for tail, head, arg in edges]
        steps.append(_step(steps, "backward", node, tuple(edges), shown, known, used,
                           f"Backward: {_m(f'∂{out}/∂{_wrt(graph, node)}')} from "
                           + "; ".join(terms)))


TRIVIAL = {"transpose", "reshape"}


def trivial(graph: nx.MultiDiGraph, node: object) -> bool:
    """A step that would show nothing new: the transpose (or reshape) of a vector or a
    scalar, whose value is its operand's. It is shown with the step after it."""
    data = graph.nodes[node]
    return data.get("op") in TRIVIAL and len(data.get("shape") or ()) <= 1


OPEN, CLOSE = "\u27e6", "\u27e7"          # ⟦maths⟧ in a caption being made


def _m(text: str) -> str:
    """Marks a caption's maths (a Beamer slide sets it as maths, other formats as it is)."""
    return f"{OPEN}{text}{CLOSE}"


def _step(steps: list[Step], phase: str, node: object, edges: tuple, values: set,
          grads: set, local: set, caption: str) -> Step:
    parts = tuple((i % 2 == 1, piece) for i, piece in
                  enumerate(re.split(f"[{OPEN}{CLOSE}]", caption)) if piece)
    return Step(len(steps), phase, node, tuple(edges), frozenset(values), frozenset(grads),
                frozenset(local), "".join(text for _, text in parts), parts)


def _in_edges(graph: nx.MultiDiGraph, node: object) -> list[Edge]:
    """The edges into a node, by operand position (constants' edges left out)."""
    edges = [(tail, node, data.get("arg", key))
             for tail, _, key, data in graph.in_edges(node, keys=True, data=True)
             if graph.nodes[tail].get("kind") != "constant"]
    return sorted(edges, key=lambda e: e[2])


def _out_edges(graph: nx.MultiDiGraph, node: object) -> list[Edge]:
    """The edges out of a node, in the order of their heads, then operand position."""
    position = {n: i for i, n in enumerate(graph.nodes)}
    edges = [(node, head, data.get("arg", key))
             for _, head, key, data in graph.out_edges(node, keys=True, data=True)]
    return sorted(edges, key=lambda e: (position[e[1]], e[2]))


def _local(graph: nx.MultiDiGraph, edge: Edge) -> str:
    """An edge's local derivative as its label shows it."""
    tail, head, arg = edge
    for key, data in graph.get_edge_data(tail, head).items():
        if data.get("arg", key) == arg:
            return data.get("local_grad_pretty") or data.get("local_grad") or "?"
    return "?"


def _name(graph: nx.MultiDiGraph, node: object) -> str:
    """A node as people call it: its name, else its expression."""
    data = graph.nodes[node]
    return str(data.get("label") or data.get("forward_pretty") or data.get("forward") or node)


def _wrt(graph: nx.MultiDiGraph, node: object) -> str:
    """A node after ∂: its name, or its expression in parentheses when that is more than
    a name (∂L/∂(log(p)) as ∂L/∂(log(1 − p)), ∂L/∂(W_oᵀ z))."""
    name = _name(graph, node)
    return f"({name})" if graph.nodes[node].get("label") is None and not name.isidentifier() \
        else name


def _names(graph: nx.MultiDiGraph, nodes: list, maths: bool = False) -> str:
    names = [_m(_name(graph, n)) if maths else _name(graph, n) for n in nodes]
    return "(" + ", ".join(names) + ")"
