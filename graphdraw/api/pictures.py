"""The pictures of a Graph: DOT, SVG, TikZ, HTML, files in any format, and Jupyter's display."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable

from graphdraw import errors
from graphdraw.formats import registry
from graphdraw.formats.graphviz import draw
from graphdraw.formats.graphviz.themes import PAGE_READY

if TYPE_CHECKING:
    from graphdraw.formats.base import Format, Job

# What .dot(), .svg(), .render() and the notebook display accept, besides to_dot's own.
DRAW_OPTIONS = ("rankdir", "title", "caption", "theme", "style", "font", "edge_labels",
                "shapes", "show", "values", "seed", "legend", "fit")
FILE_FORMATS = registry.names()
RANKDIRS = ("LR", "TB", "RL", "BT")        # .render() also knows them by extension (tex, htm)
LEGENDS = {"compact": "compact", "full": True, "none": False, True: True, False: False}


class Pictures:
    """What a Graph draws: mixed into `graphdraw.Graph`, which holds `program`, `nx`,
    `options` and `_leaf_values`."""

    def dot(self, **options: Any) -> str:
        """The Graphviz DOT source of the picture.

        The defaults are `graphdraw render`'s (themes.PAGE_READY): the named view
        (style="named"), the direction that keeps the larger text on a 16 cm × 22 cm page
        (rankdir="auto", which may lay the figure out with Graphviz's dot to decide, and
        is left to right without it), and the compact legend (legend="compact").
        Options: rankdir ("auto", "LR", "TB"), title, caption, theme ("default", "print",
        "colorblind"), style ("named", "textbook", "ops"), legend ("compact", "full",
        "none"), font, edge_labels, shapes, fit ((width, height) in pt), and show
        ("values,grads" or a list of values/grads/shapes) with values (a dict of leaf
        values) and seed for the numbers, as `graphdraw render` has them. The drawing
        before the page-ready defaults: style="textbook", rankdir="LR", legend="full".
        """
        made: dict[str, str] = {}
        opts = self._render_options(options, made=made)
        return made.get(opts.get("rankdir")) or draw.to_dot(self.nx, **opts)

    def svg(self, **options: Any) -> str:
        """The picture as SVG text (needs Graphviz's dot); options as for `dot`."""
        made: dict[str, str] = {}
        opts = self._render_options(options, ahead=("svg",), made=made)
        source = made.get(opts.get("rankdir")) or draw.to_dot(self.nx, **opts)
        return draw.layout(source, "svg").decode("utf-8")

    def tikz(self, *, snippet: bool = False, **options: Any) -> str:
        """The picture as a standalone LaTeX document with TikZ (with `snippet`, only the
        tikzpicture), laid out by Graphviz exactly as the SVG (needs Graphviz's dot)."""
        from graphdraw.formats import tikz
        return tikz.to_tikz(self.nx, snippet=snippet, **self._render_options(options))

    def html(self, values: dict[str, Any] | None = None, *, seed: int = 0,
             title: str = "", caption: str | None = None, **options: Any) -> str:
        """One self-contained HTML page: the picture with a tooltip on every node and edge,
        and the backward equations, at the leaves' values (as for `grads`)."""
        fmt = registry.get("html")
        job = self._job(fmt, {**options, "values": values, "seed": seed, "title": title,
                              "caption": caption})
        return fmt.write(job).decode("utf-8")

    def render(self, path: str | os.PathLike, format: str | None = None,
               **options: Any) -> str:
        """Write the picture (svg, png, pdf, dot, tex, html) or the JSON to `path`; returns
        the path. The format comes from the file's extension unless `format` says it (a
        format's name or extension: "tikz" or "tex"); `options` as for `dot`, or for html
        as for `html`. `steps=True` walks backprop a step a picture, as `render --steps`
        (pdf: a page a step; tex: Beamer; html: a stepper).
        """
        from graphdraw.formats.output import write_atomic
        path = os.fspath(path)
        fmt = _file_format(path, format)
        writer = {k: options.pop(k) for k in ("snippet", "layout_timeout") if k in options}
        steps = options.pop("steps", False)
        if steps:                        # render --steps: every number, a step at a time
            if fmt.steps is None:
                raise ValueError(f"steps are drawn as pdf, tikz or html, not {fmt.name}")
            options["show"] = "values,grads" + (",shapes" if options.get("shapes", True)
                                                else "")
        job = self._job(fmt, options)
        job.options.update(writer)
        if steps:
            from graphdraw.core.named import view
            from graphdraw.numeric.steps import walk
            job.steps = walk(view(job.graph, job.options.get("style")), job.numbers)
        write_atomic(path, fmt.steps(job) if steps else fmt.write(job))
        return path

    def _job(self, fmt: Format, options: dict[str, Any]) -> Job:
        """The `formats.base.Job` of a picture in format `fmt`: the graph `.nx`, the drawing
        options, and for a format that needs them (html) the leaves' values, from
        `values` and `seed` as for `grads`."""
        from graphdraw.formats.base import Job
        options, leaf_values, note = dict(options), None, ""
        if fmt.values:
            given, seed = options.pop("values", None), options.pop("seed", 0)
            leaf_values = self._leaf_values(dict(given or {}), seed)
            note = draw.values_note(seed, bool(given))
        opts = self._render_options(options, decide=False)     # the Job decides rankdir
        return Job(self.program, self.nx, opts, numbers=opts.get("numbers"),
                   leaf_values=leaf_values, note=note)

    def _render_options(self, options: dict[str, Any], *, decide: bool = True,
                        ahead: tuple[str, ...] = (), made: dict | None = None
                        ) -> dict[str, Any]:
        """to_dot's keyword arguments: render's defaults, under the object's options, under
        a call's; rankdir "auto" decided unless not to `decide` (the trial layouts also made
        in the formats `ahead`, the trial sources left in `made`)."""
        opts = check_options({**PAGE_READY, **self.options, **options})
        show = opts.pop("show", None)
        given = opts.pop("values", None)
        seed = opts.pop("seed", 0)
        shown = _shown(show)
        if show is not None and "shapes" not in opts:
            opts["shapes"] = "shapes" in shown
        if shown & {"values", "grads"}:
            numbers = draw.numbers_for(self.program, self._leaf_values(dict(given or {}),
                                                                         seed),
                                         values="values" in shown, grads="grads" in shown,
                                         local=opts.get("edge_labels", True))
            numbers["note"] = draw.values_note(seed, bool(given))
            opts["numbers"] = numbers
        elif given:
            raise ValueError("values are drawn only with show='values' or 'grads'")
        if decide:
            opts = draw.decide_rankdir(self.nx, opts, ahead=ahead, made=made)
        return opts

    # --- display --------------------------------------------------------------------------------

    def __repr__(self) -> str:
        g = self.nx
        return (f"<graphdraw.Graph {self.name}: {g.number_of_nodes()} nodes, "
                f"{g.number_of_edges()} edges, output {self.program.output}>")

    def _repr_svg_(self) -> str | None:
        """The SVG a notebook shows; None (the text form) when Graphviz is missing."""
        try:
            return self.svg()
        except errors.ToolMissing:
            return None

    def _repr_mimebundle_(self, include: Iterable[str] | None = None,
                          exclude: Iterable[str] | None = None, **kwargs: Any) -> dict:
        """{"image/svg+xml": the picture, "text/plain": the summary} for Jupyter.

        Without Graphviz's dot only the text, with a note on how to get the picture.
        """
        bundle = {"text/plain": repr(self)}
        try:
            bundle["image/svg+xml"] = self.svg()
        except errors.ToolMissing as exc:
            bundle["text/plain"] += (f"\n(no picture: {exc.message}; {exc.hint}. "
                                     ".dot() gives the DOT source without it.)")
        if include is not None:
            bundle = {k: v for k, v in bundle.items() if k in set(include)}
        if exclude is not None:
            bundle = {k: v for k, v in bundle.items() if k not in set(exclude)}
        return bundle


def check_options(options: dict[str, Any]) -> dict[str, Any]:
    """The drawing options, or a TypeError naming the one that is not known; rankdir in
    either case ("tb" is "TB"), as on the command line."""
    unknown = sorted(set(options) - set(DRAW_OPTIONS))
    if unknown:
        raise TypeError(f"unknown drawing option {unknown[0]!r}; the options are "
                        f"{', '.join(DRAW_OPTIONS)}")
    options = dict(options)
    if "legend" in options:
        if options["legend"] not in LEGENDS:
            raise ValueError("legend must be 'compact', 'full' or 'none', not "
                             f"{options['legend']!r}")
        options["legend"] = LEGENDS[options["legend"]]
    if isinstance(options.get("rankdir"), str) and options["rankdir"] != "auto":
        options["rankdir"] = options["rankdir"].upper()
        if options["rankdir"] not in RANKDIRS:
            raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not "
                             f"{options['rankdir']!r}")
    return options


def _file_format(path: str, name: str | None) -> Format:
    """The format of `render(path, format)`: as the command line decides it, from the
    extension unless `format` is given, and an error when the two disagree."""
    ext = registry.extension_of(path)
    by_ext = registry.find(ext) if ext else None
    fmt = registry.find(name) if name else by_ext or (None if ext else
                                                      registry.get(registry.DEFAULT))
    if fmt is None:
        word = name or ext
        raise ValueError(f"no format writes .{word} files; give format=, one of "
                         f"{', '.join(FILE_FORMATS)}" if not name else
                         f"format must be one of {', '.join(FILE_FORMATS)}, not {word!r}")
    if name and by_ext is not None and by_ext.name != fmt.name:
        raise ValueError(f"format {name!r} disagrees with {path}, whose extension says "
                         f"{by_ext.name}: leave format out, or change the extension")
    return fmt


def _shown(show: Any) -> frozenset[str]:
    """`show` as a set: None, "values,grads", or an iterable of items."""
    if show is None:
        return frozenset({"shapes"})
    if isinstance(show, str):
        return draw.parse_show(show)
    return draw.parse_show(",".join(str(item) for item in show) or "none")
