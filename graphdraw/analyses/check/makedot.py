"""torchviz's make_dot run on an output, and its DOT source read back into nodes and edges."""

from __future__ import annotations

import re
import sys
import warnings
from dataclasses import dataclass

from graphdraw.analyses.check.torchmodel import _torchviz

MAX_NODES = 200_000  # make_dot recurses per node: past this, the structure is not compared

# torchviz's fill colours say what kind of node it drew (see torchviz/dot.py).
_VARIABLE, _SAVED, _OUTPUT, _BASE = "lightblue", "orange", "darkolivegreen1", "darkolivegreen3"
# A merged node is what it is in graphdraw's terms first: a variable, the output.
_KINDS = ((_VARIABLE, "variable"), (_OUTPUT, "output"), (_BASE, "base"), (_SAVED, "saved"))

_STATEMENT = re.compile(r"\t(\S+?)(?: -> (\S+?))?(?: \[(.*)\])?\s*\Z", re.S)
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"\]]+)', re.S)


class Undrawable(Exception):
    """make_dot cannot draw this autograd graph (the message says why)."""


@dataclass
class Drawing:
    """What make_dot drew: {dot id: [attrs of each node statement]}, [(src, dst, attrs)].

    `pinned` holds every autograd function while the drawing is in use, so that
    `id(tensor.grad_fn)` stays the id make_dot drew (see `_pin_functions`).
    """

    nodes: dict[str, list[dict]]
    edges: list[tuple[str, str, dict]]
    pinned: list


def draw(output, params: dict, show_saved: bool) -> Drawing:
    """make_dot of `output`, read back; raises Undrawable for a graph it cannot walk."""
    torchviz = _torchviz()
    keep = _pin_functions(output) if output.grad_fn is not None else []
    if len(keep) > MAX_NODES:
        raise Undrawable(f"the autograd graph has {len(keep):,} nodes; the structure check "
                         f"walks at most {MAX_NODES:,} (torchviz recurses once per node)")
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 4 * len(keep) + 1000))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dot = torchviz.make_dot(output, params=params, show_saved=show_saved)
    except RecursionError:
        raise Undrawable(f"torchviz's make_dot cannot walk an autograd graph of {len(keep)} "
                         "nodes (it recurses once per node)") from None
    finally:
        sys.setrecursionlimit(limit)
    nodes, edges = _parse_make_dot(dot.body)
    return Drawing(nodes, edges, keep)


def kind(statements: list[dict]) -> str:
    """What torchviz drew a node as, from its fill colours: variable, output, base, saved
    or function."""
    colors = {s.get("fillcolor") for s in statements}
    return next((k for c, k in _KINDS if c in colors), "function")


def _attrs(text: str | None) -> dict[str, str]:
    out = {}
    for key, value in _ATTR.findall(text or ""):
        if value.startswith('"'):
            value = re.sub(r'\\(["\\])', r"\1", value[1:-1])
        out[key] = value
    return out


def _parse_make_dot(body: list[str]):
    """torchviz's DOT body as ({id: [attrs of each node statement]}, [(src, dst, attrs)])."""
    nodes: dict[str, list[dict]] = {}
    edges = []
    for statement in body:
        match = _STATEMENT.match(statement)
        if not match:
            continue
        first, second, attrs = match.group(1), match.group(2), _attrs(match.group(3))
        if second is None:
            nodes.setdefault(first, []).append(attrs)
        else:
            edges.append((first, second, attrs))
    return nodes, edges


def _pin_functions(output) -> list:
    """Hold every autograd function of the graph, so ids stay theirs while make_dot runs.

    torch makes a Python object for an autograd node when one is asked for and drops it when
    no one holds it; ids of dropped objects are reused. Holding them all (as make_dot's own
    `seen` set does while it runs) makes `id(tensor.grad_fn)` the id make_dot draws.
    """
    keep, stack, seen = [], [output.grad_fn], set()
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        keep.append(fn)
        stack.extend(u for u, _ in getattr(fn, "next_functions", ()))
    return keep
