"""Regenerate diagrams/: every built-in example as DOT, SVG and PNG (`make diagrams`).

The DOT files are the record that tests compare against, so a change to rendering that
was not followed by `make diagrams` fails the test suite.
"""

from __future__ import annotations

import os
import sys

from . import examples, graph, parser, render, values
from .output import write_atomic

DIAGRAMS = "diagrams"
# Extra pictures: file stem -> (example, the `graphdraw render` options that draw it).
WITH_NUMBERS = {"xor-values": ("xor", ("--show", "values,grads", "--rankdir", "TB"))}


def example_dot(name: str) -> str:
    """The DOT source of a built-in example as the gallery draws it."""
    program = parser.parse(examples.text(name), f"<example {name}>")
    return render.to_dot(graph.build(program, notations=graph.FOR_RENDER))


def numbers_dot(name: str, seed: int = 0) -> str:
    """A built-in example with values and gradients at seed `seed`, drawn top to bottom.

    The same DOT as `graphdraw render --example NAME --show values,grads --rankdir TB`.
    """
    program = parser.parse(examples.text(name), f"<example {name}>")
    numbers = render.numbers_for(program, values.leaf_values(program, {}, seed))
    numbers["note"] = render.values_note(seed)
    return render.to_dot(graph.build(program, notations=graph.FOR_RENDER), rankdir="TB",
                         shapes=False, numbers=numbers)


def comparison_dot(name: str, seed: int = 0) -> str:
    """graphdraw's graph of an example beside torchviz's (`graphdraw check --diagram`)."""
    from . import check
    program = parser.parse(examples.text(name), f"<example {name}>")
    report = check.run_check(program, values.leaf_values(program, {}, seed))
    return check.side_by_side(program, report.tensors, report)


COMPARISONS = {"xor-vs-torchviz": "xor"}


def targets() -> dict[str, str]:
    """File name (in diagrams/) -> DOT source, for every diagram of the gallery."""
    files = {f"{name}.dot": example_dot(name) for name in examples.names()}
    files.update({f"{stem}.dot": numbers_dot(name) for stem, (name, _) in WITH_NUMBERS.items()})
    files.update({f"{stem}.dot": comparison_dot(name) for stem, name in COMPARISONS.items()})
    return files


def main(directory: str = DIAGRAMS) -> int:
    """Write every diagram; print what was written."""
    os.makedirs(directory, exist_ok=True)
    for filename, dot in targets().items():
        stem = os.path.join(directory, filename[:-4])
        write_atomic(stem + ".dot", dot.encode("utf-8"))
        for fmt in ("svg", "png"):
            write_atomic(f"{stem}.{fmt}", render.layout(dot, fmt))
        print(f"wrote {stem}.dot, .svg, .png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else DIAGRAMS))
