"""The output formats: format name -> the module that declares it, imported when first used.

A format module declares `FORMATS: dict[str, Format]` (formats/base.py). Adding a format is
one new module and one line in `MODULES`; `graphdraw render --format`, its default output
name and the Python API's `Graph.render` all read this table, so rendering SVG never imports
the TikZ or HTML code.
"""

from __future__ import annotations

import importlib
import os

from graphdraw.formats.base import Format

MODULES: dict[str, str] = {
    "svg": "graphdraw.formats.diagram",
    "png": "graphdraw.formats.diagram",
    "pdf": "graphdraw.formats.diagram",
    "dot": "graphdraw.formats.diagram",
    "json": "graphdraw.formats.jsonout",
    "html": "graphdraw.formats.html",
    "tikz": "graphdraw.formats.tikz",
}
DEFAULT = "svg"
# File extensions that name a format besides each format's own (Format.extension).
OTHER_EXTENSIONS = {"htm": "html", "gv": "dot"}


def names() -> tuple[str, ...]:
    """The formats' names, as --format takes them (no module is imported)."""
    return tuple(MODULES)


def where(test) -> list[str]:
    """The names of the formats for which `test(format)` holds (this imports them all)."""
    return [name for name in MODULES if test(get(name))]


def get(name: str) -> Format:
    """The format called `name`; ValueError names the formats."""
    if name not in MODULES:
        raise ValueError(f"format must be one of {', '.join(MODULES)}, not {name!r}")
    return importlib.import_module(MODULES[name]).FORMATS[name]


def find(word: str) -> Format | None:
    """The format a name or a file extension stands for (svg, tikz, tex, htm), or None.

    >>> find("SVG").name, find(".tex").name, find("htm").name, find("gv").name, find("gif")
    ('svg', 'tikz', 'html', 'dot', None)
    """
    word = word.lower().lstrip(".")
    if word in OTHER_EXTENSIONS:
        return get(OTHER_EXTENSIONS[word])
    if word in MODULES:
        return get(word)
    # An extension that is no format's name: look at each format (this imports them all).
    return next((fmt for fmt in map(get, MODULES) if fmt.extension == word), None)


def extension_of(path: str) -> str:
    """A path's file extension without the dot, lower case ('' for none).

    >>> extension_of("out/fig.PNG"), extension_of("fig"), extension_of(".hidden")
    ('png', '', '')
    """
    return os.path.splitext(os.path.basename(path))[1].lstrip(".").lower()


def for_path(path: str) -> Format | None:
    """The format an output file's extension names (fig.png -> png), or None."""
    ext = extension_of(path)
    return find(ext) if ext else None
