"""The one place graphdraw runs Graphviz: lay DOT source out with the `dot` program."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from graphdraw import errors, limits
from graphdraw.formats.graphviz.browser import for_browsers
from graphdraw.formats.graphviz.legend import LEGEND_ID
from graphdraw.formats.graphviz.work import crossed_ranks

ENGINES = ("dot", "neato", "fdp", "sfdp", "circo", "twopi")


# Outputs laid out ahead of being asked for (render's --rankdir auto lays the figure out both
# ways, and in the same dot run in the format the writer will want): (engine, fmt, source).
_AHEAD: dict[tuple[str, str, str], bytes] = {}
AHEAD_KEPT = 8


def layout(dot_source: str, fmt: str, *, timeout: float = 30.0, engine: str = "dot") -> bytes:
    """Run Graphviz (`dot -T<fmt>`, no shell) on DOT source and return the output bytes.

    SVG comes back made to draw in browsers as in cairo (`browser.for_browsers`).
    """
    ahead = _AHEAD.pop((engine, fmt, dot_source), None)
    if ahead is not None:
        return ahead
    return layouts(dot_source, (fmt,), timeout=timeout, engine=engine)[fmt]


def layouts(dot_source: str, fmts: tuple[str, ...], *, timeout: float = 30.0,
            engine: str = "dot", ahead: tuple[str, ...] = ()) -> dict[str, bytes]:
    """One Graphviz run writing the layout in each of `fmts` (format -> bytes); the formats
    in `ahead` are kept for a later `layout` of the same source instead of returned."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    for fmt in (*fmts, *ahead):
        if not re.fullmatch(r"[a-z0-9]+(:[a-z0-9]+)*", fmt):
            raise ValueError(f"not a Graphviz output format: {fmt!r}")
    program = shutil.which(engine)
    if program is None:
        raise missing(engine)
    if engine == "dot":
        _check_work(dot_source)
    every = list(dict.fromkeys((*fmts, *ahead)))
    if len(every) == 1:
        out = {every[0]: _run([program, f"-T{every[0]}"], dot_source, timeout, engine)}
    else:
        with tempfile.TemporaryDirectory(prefix="graphdraw-") as folder:
            paths = {fmt: os.path.join(folder, f"out{i}") for i, fmt in enumerate(every)}
            command = [program] + [arg for fmt in every
                                   for arg in (f"-T{fmt}", f"-o{paths[fmt]}")]
            _run(command, dot_source, timeout, engine, to_files=True)
            out = {}
            for fmt, path in paths.items():
                with open(path, "rb") as handle:
                    out[fmt] = handle.read()
                if not out[fmt]:
                    raise errors.GraphdrawError(
                        f"Graphviz's {engine} wrote no {fmt}",
                        hint="write --format dot to see the source it was given")
    out = {fmt: for_browsers(data) if fmt == "svg" else data for fmt, data in out.items()}
    if ahead:
        if len(_AHEAD) >= AHEAD_KEPT:
            _AHEAD.clear()
        _AHEAD.update({(engine, fmt, dot_source): out.pop(fmt) for fmt in ahead
                       if fmt not in fmts})
    return out


def forget(dot_source: str, fmts: tuple[str, ...], engine: str = "dot") -> None:
    """Drop the layouts of `dot_source` made ahead (a trial figure that will not be written)."""
    for fmt in fmts:
        _AHEAD.pop((engine, fmt, dot_source), None)


def _run(command: list[str], dot_source: str, timeout: float, engine: str, *,
         to_files: bool = False) -> bytes:
    """Run one Graphviz command on `dot_source`: its standard output, or the errors."""
    try:
        done = subprocess.run(command, input=dot_source.encode("utf-8"),
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
    if done.returncode != 0 or not (done.stdout or to_files):
        lines = [ln.strip() for ln in done.stderr.decode("utf-8", "replace").splitlines()]
        first = next((ln for ln in lines if ln), f"exit status {done.returncode}")
        raise errors.GraphdrawError(f"Graphviz's {engine} failed: {first}",
                                    hint="write --format dot to see the source it was given")
    return done.stdout


def _check_work(dot_source: str) -> None:
    """Refuse, before dot runs, a layout whose long edges would cross too many ranks."""
    crossed = crossed_ranks(dot_source)
    if crossed > limits.cap("layout"):
        limits.check("layout", crossed, f"laying out {count_nodes(dot_source):,} nodes",
                     hint="write --format dot or --format json (no layout needed), give the "
                     "reused value a name per step (with --style ops: draw fewer nodes with "
                     f"--style named), or set {limits.LIMITS['layout'].variable}=N and a "
                     "longer --layout-timeout")


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
