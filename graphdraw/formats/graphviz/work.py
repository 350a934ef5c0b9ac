"""An estimate of Graphviz's work on a DOT source before `dot` runs: the ranks its long edges
cross. dot adds a virtual node for each rank an edge crosses and orders them all to reduce
crossings, so a value used at every step of a deep chain (x · x · … · x, an RNN's W) grows its
time and memory with the square of the depth (a 500-factor product: 830 MB to 1.6 GB)."""

from __future__ import annotations

import re
from collections import defaultdict

_ID = r'("(?:[^"\\]|\\.)*"|[^\s"\[\]{}=-][^\s\[\]{}=]*)'
_EDGE = re.compile(r"\t+" + _ID + " -> " + _ID + r"(?: \[(.*)\])?$")
_NO_LENGTH = re.compile(r'\bminlen="?0(?:\.0*)?"?(?=[\s\]]|$)')


def crossed_ranks(dot_source: str) -> int:
    """The virtual nodes dot would add for the edges of `dot_source`, estimated: ranks from the
    longest paths, each source pulled down next to its first consumer (as dot's ranking does),
    and twice the ranks when edges carry labels (dot puts a label on a rank of its own).

    Below, x -> c crosses the ranks of a and b:

    >>> crossed_ranks('digraph {\\n\\ta -> b\\n\\tb -> c\\n\\tx -> c\\n\\tx -> a\\n}')
    2
    """
    edges = []
    for line in dot_source.splitlines():
        match = _EDGE.match(line)
        if match:
            attrs = match.group(3) or ""
            edges.append((match.group(1), match.group(2), 0 if _NO_LENGTH.search(attrs) else 1,
                          "label=" in attrs))
    after: dict[str, list] = defaultdict(list)
    waiting: dict[str, int] = defaultdict(int)
    for tail, head, length, _ in edges:
        after[tail].append((head, length))
        waiting[head] += 1
    nodes = set(after) | set(waiting)
    order = [n for n in nodes if not waiting[n]]
    sources = set(order)
    rank = dict.fromkeys(nodes, 0)
    for node in order:                  # grows while it is walked: Kahn's topological order
        for head, length in after[node]:
            rank[head] = max(rank[head], rank[node] + length)
            waiting[head] -= 1
            if not waiting[head]:
                order.append(head)
    if len(order) < len(nodes):         # a cycle: dot reverses an edge; no estimate
        return 0
    for node in sources:
        rank[node] = min(rank[head] - length for head, length in after[node])
    factor = 2 if any(labelled for *_, labelled in edges) else 1
    return sum(max(0, factor * (rank[head] - rank[tail]) - 1) for tail, head, _, _ in edges)
