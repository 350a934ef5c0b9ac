"""Regenerate diagrams/: every built-in example as DOT, SVG and PNG (`make diagrams`).

The DOT files are the record that tests compare against, so a change to rendering that
was not followed by `make diagrams` fails the test suite.
"""

from __future__ import annotations

import os
import sys

from . import examples, graph, parser, render
from .output import write_atomic

DIAGRAMS = "diagrams"


def example_dot(name: str) -> str:
    """The DOT source of a built-in example as the gallery draws it."""
    program = parser.parse(examples.text(name), f"<example {name}>")
    return render.to_dot(graph.build(program, notations=graph.FOR_RENDER))


def targets() -> dict[str, str]:
    """File name (in diagrams/) -> DOT source, for every diagram of the gallery."""
    return {f"{name}.dot": example_dot(name) for name in examples.names()}


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
