"""The one place graphdraw runs Graphviz: lay DOT source out with the `dot` program."""

from __future__ import annotations

import re
import shutil
import subprocess

from graphdraw import errors
from graphdraw.formats.graphviz.browser import for_browsers
from graphdraw.formats.graphviz.legend import LEGEND_ID

ENGINES = ("dot", "neato", "fdp", "sfdp", "circo", "twopi")


def layout(dot_source: str, fmt: str, *, timeout: float = 30.0, engine: str = "dot") -> bytes:
    """Run Graphviz (`dot -T<fmt>`, no shell) on DOT source and return the output bytes.

    SVG comes back made to draw in browsers as in cairo (`browser.for_browsers`).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if not re.fullmatch(r"[a-z0-9]+(:[a-z0-9]+)*", fmt):
        raise ValueError(f"not a Graphviz output format: {fmt!r}")
    program = shutil.which(engine)
    if program is None:
        raise missing(engine)
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=dot_source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise missing(engine) from None
    except subprocess.TimeoutExpired:
        nodes = count_nodes(dot_source)
        raise errors.LimitError(
            f"{engine} did not finish laying out {nodes} nodes within {timeout:g} s",
            hint="allow more time with --layout-timeout, write --format dot or --format json "
                 "(no layout needed; sfdp lays out big .dot files faster), or draw a smaller "
                 "model") from None
    except OSError as exc:
        raise errors.ToolMissing(f"could not run Graphviz's {engine} program: {exc.strerror}",
                                 hint="check that Graphviz is installed and working") from None
    if done.returncode != 0 or not done.stdout:
        lines = [ln.strip() for ln in done.stderr.decode("utf-8", "replace").splitlines()]
        first = next((ln for ln in lines if ln), f"exit status {done.returncode}")
        raise errors.GraphdrawError(f"Graphviz's {engine} failed: {first}",
                                    hint="write --format dot to see the source it was given")
    return for_browsers(done.stdout) if fmt == "svg" else done.stdout


def missing(engine: str) -> errors.ToolMissing:
    """The error for a Graphviz program that is not installed, with how to get it."""
    return errors.ToolMissing(
        f"Graphviz's {engine} program is not installed",
        hint="install it with 'sudo apt-get install graphviz' (Debian/Ubuntu); "
             "--format dot and --format json work without it")


def count_nodes(dot_source: str) -> int:
    r"""How many node statements a DOT source has, as `to_dot` writes them, at any depth.

    Used for messages only; the legend's nodes are not counted.

    >>> count_nodes('digraph {\n\tnode [x=1]\n\ta [label=x]\n\t"n%1"\n\ta -> "n%1"\n'
    ...             '\tsubgraph cluster_plate0 {\n\t\tb [label=y]\n\t}\n'
    ...             '\tsubgraph cluster_legend {\n\t\t"n%legend" [label=z]\n\t}\n}')
    3
    """
    count = 0
    for line in dot_source.splitlines():
        match = _NODE_LINE.match(line)
        if match and match.group(1) not in _KEYWORDS \
                and not match.group(1).startswith(f'"n{LEGEND_ID}'):
            count += 1
    return count


_NODE_LINE = re.compile(r'\t+("(?:[^"\\]|\\.)*"|[^\s"\[\]{}=-][^\s\[\]{}=]*)(?: \[.*)?$')
_KEYWORDS = ("graph", "node", "edge", "subgraph")
