"""What a format module declares: what it needs from the model, and how it writes bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import networkx as nx

    from graphdraw.language.program import Program


@dataclass
class Job:
    """One figure to write: the model, its graph, the drawing options and any numbers.

    `options` are `draw.to_dot`'s keyword options (rankdir, title, caption, theme, style,
    font, edge_labels, shapes, numbers) plus the writer's own (`layout_timeout`, `snippet`).
    `numbers` (values, gradients, local-derivative values; `draw.numbers_for`) is set when
    the user asked to show them; `leaf_values` and `note` whenever values were computed.
    """

    program: Program
    graph: nx.MultiDiGraph
    options: dict[str, Any] = field(default_factory=dict)
    numbers: dict | None = None
    leaf_values: dict | None = None
    note: str = ""
    steps: list | None = None         # render --steps: numeric.steps.walk's steps
    layout_format: str | None = None  # the Graphviz format the writer wants (svg, png, pdf)
    _dot: str | None = field(default=None, repr=False)

    def dot(self) -> str:
        """The Graphviz source of the figure, made once and shared by every format."""
        if self._dot is None:
            from graphdraw.formats.graphviz import draw
            made: dict[str, str] = {}
            options = self.dot_options(made)
            self._dot = made.get(options.get("rankdir")) or draw.to_dot(self.graph, **options)
        return self._dot

    def drawn(self) -> nx.MultiDiGraph:
        """The graph as the figure draws it: the named view, or every op with --style ops
        (a figure's format writes this one; `graph` has a node for every value)."""
        from graphdraw.core.named import view
        return view(self.graph, self.options.get("style"))

    def dot_options(self, made: dict | None = None) -> dict[str, Any]:
        """The options `draw.to_dot` takes (the writer's own left out). A rankdir of "auto"
        is decided here, once: the direction that keeps the larger text on a page (or in
        --fit's box); the trial sources are left in `made` (draw.decide_rankdir)."""
        if self.options.get("rankdir") == "auto":
            from graphdraw.formats.graphviz import draw
            options = {k: v for k, v in self.options.items() if k not in WRITER_OPTIONS}
            # --fit's box, or the writer's (a Beamer slide), or a page
            self.options["rankdir"] = draw.decide_rankdir(
                self.graph, options, options.get("fit") or self.options.get("page_box"),
                timeout=self.options.get("layout_timeout", 30.0),
                ahead=(self.layout_format,) if self.layout_format else (), made=made)["rankdir"]
        return {k: v for k, v in self.options.items() if k not in WRITER_OPTIONS}


WRITER_OPTIONS = ("layout_timeout", "snippet", "steps", "page_box")


def lazy(module: str, function: str = "write") -> Callable[[Job], bytes]:
    """A writer that imports its module when first called (rendering SVG never imports the
    steps' or the other formats' code)."""
    def write(job: Job) -> bytes:
        import importlib
        return getattr(importlib.import_module(module), function)(job)
    write.__doc__ = f"{module}.{function}, imported when called."
    return write


@dataclass(frozen=True)
class Format:
    """One output format: its name, its file extension, what it needs, and its writer."""

    name: str                         # as given to --format
    extension: str                    # of the default output file, without the dot
    summary: str                      # one line for --help and the README
    write: Callable[[Job], bytes]
    notations: tuple[str, ...] = ("pretty", "html")   # what core.graph.build must print
    values: bool = False              # needs the leaves' values even without --show values
    numbers: bool = True              # can show values/grads (--show values,grads)
    steps: Callable[[Job], bytes] | None = None   # render --steps: backprop a step a picture
    writes: str = "drawn"             # the graph written: "drawn" (Job.drawn) or "full" (every
    #                                   value, Job.graph), as `render` counts its nodes
    fit: str = "figure"               # what --fit sizes: "figure" (picture and text),
    #                                   "picture" (the text keeps the document's sizes), or ""
    snippet: bool = False             # takes --snippet: a piece to \input, not a document
