"""Hints for a claim that cannot be read, from habits of hand-written derivatives:
W1_{2,3} for an entry, softmax(z)[2], σ′(u), (a > 0) for a ReLU's derivative."""

from __future__ import annotations

import re

from graphdraw.language.program import Program

_SUBSCRIPT = re.compile(r"(?<![\w\\])([A-Za-z]\w*?)_\{?\s*(\d+(?:\s*,\s*\d+)*)\s*\}?")
_PRIME = re.compile(r"(\\?[\w]+)\s*(′|'|\^\{?\\prime\}?)\s*(\\left)?\s*\(")
_COMPARE = re.compile(r"[<>]|\\[lg]eq?\b|≥|≤|\\mathbb\{1\}|𝟙")


def hint_for(model: Program, text: str) -> str | None:
    """A hint for a claim the reader refused, or None when no habit explains it."""
    for match in _SUBSCRIPT.finditer(text):
        name, index = match.group(1), re.sub(r"\s+", "", match.group(2))
        node = model.nodes.get(name)
        if node is not None and node.shape is not None and len(node.shape) == len(
                index.split(",")):
            return (f"an entry is written with brackets, numbered from 1: {name}[{index}] "
                    f"(not {match.group(0).strip()})")
    if re.search(r"\)\s*\[", text):
        return ("an entry of a call's value is not read: name the value in the model "
                "(p = softmax(z)) and write p[2], or write the entry's own formula")
    match = _PRIME.search(text)
    if match:
        return ("write the derivative of the function out: σ′(u) is σ(u) (1 − σ(u)), "
                "tanh′(u) is 1 − tanh(u)², relu′(u) is step(u)")
    if _COMPARE.search(text.split("=", 1)[-1]):
        return "a ReLU's derivative is written step(a) (1 where a > 0, else 0), not (a > 0)"
    return None
