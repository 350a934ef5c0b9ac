"""Picture files the analyses write beside their report (`check --diagram`, `train --plot` and
`--diagram`, `saddle --plot`, `taylor --plot`): the format comes from the file's extension, as
for `render -o` and the Python API's `Graph.render` (registry.for_path: in either case, `.gv`
for dot), svg when the name has no extension, and an extension that names no format is the
same error everywhere.
"""

from __future__ import annotations

from graphdraw.formats import registry

DIAGRAMS = ("svg", "png", "pdf", "dot")     # a Graphviz picture (check's, train's diagram)
PLOTS = ("svg", "png", "pdf")               # a matplotlib figure


class PictureError(ValueError):
    """A picture's file name names no format this picture is written in."""


def picture_format(path: str, allowed: tuple[str, ...], option: str) -> str:
    """The format `path`'s extension names, one of `allowed` (svg without an extension).

    >>> picture_format("loss.PNG", PLOTS, "--plot"), picture_format("g.gv", DIAGRAMS, "x")
    ('png', 'dot')
    """
    ext = registry.extension_of(path)
    if not ext:
        return registry.DEFAULT
    fmt = registry.find(ext)
    choices = _choices(allowed)
    if fmt is None:
        raise PictureError(f"no format writes .{ext} files ({option} {path}); use {choices}")
    if fmt.name not in allowed:
        raise PictureError(f"{option} {path}: {option} draws no {fmt.name}; use {choices} "
                           f"({fmt.name} is a format of graphdraw render)")
    return fmt.name


def _choices(allowed: tuple[str, ...]) -> str:
    """'.svg, .png or .pdf'."""
    names = [f".{name}" for name in allowed]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
