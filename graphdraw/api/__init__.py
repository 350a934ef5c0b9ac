"""The Python API: a model's graph as an object that draws itself, in Jupyter too.

    >>> import graphdraw
    >>> g = graphdraw.Graph.from_text("input x\\nparam w, b\\ny = tanh(w x + b)")
    >>> g
    <graphdraw.Graph <text>: 6 nodes, 5 edges, output y>
    >>> sorted(g.grads(x=1.0, w=0.5, b=0.0))
    ['b', 'w']
    >>> g.dot(theme="print", style="ops").startswith("digraph graphdraw {")
    True

A notebook shows a Graph as its SVG (`_repr_mimebundle_`); without Graphviz's dot it
shows the text form and says what to install. Everything a picture shows comes from `.nx`,
the annotated networkx graph, so attributes set there (a `plate`, a `title`) are drawn.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import networkx as nx

from graphdraw import errors
from graphdraw.core import graph as graph_mod
from graphdraw.language import source as model
from graphdraw.language import parser
from graphdraw.formats import registry, render
from graphdraw.language.program import Program

if TYPE_CHECKING:
    from graphdraw.formats.base import Format, Job

# What .dot(), .svg(), .render() and the notebook display accept, besides to_dot's own.
DRAW_OPTIONS = ("rankdir", "title", "caption", "theme", "style", "font", "edge_labels",
                "shapes", "show", "values", "seed")
FILE_FORMATS = registry.names()        # .render() also knows them by extension (tex, htm)


class Graph:
    """A parsed model and its computation graph.

    Make one with `Graph.from_text`, `Graph.example` or `graphdraw.load`. `options` are
    the drawing options every picture of this object uses unless a call overrides them
    (see `dot`); `with_options` returns a copy with others.
    """

    def __init__(self, program: Program, *, name: str = "<text>",
                 options: dict[str, Any] | None = None, text: str | None = None,
                 syntax: str | None = None) -> None:
        self.program = program
        self.name = name
        self.text, self.syntax = text, syntax     # the source, for train(dims=...)
        self.options = _check_options(options or {})
        self._nx: nx.MultiDiGraph | None = None

    # --- making one ---------------------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str, name: str = "<text>", *, syntax: str | None = None,
                  **options: Any) -> "Graph":
        """The graph of a model in graphdraw's equation language or in LaTeX.

        `syntax` "plain" or "latex"; by default LaTeX when the text has a LaTeX command
        or a $ (as `graphdraw render --syntax auto`).
        """
        return cls(parser.parse(text, name, syntax=syntax), name=name, options=options,
                   text=text, syntax=syntax)

    @classmethod
    def example(cls, name: str = "xor", **options: Any) -> "Graph":
        """A built-in example model (`graphdraw examples` lists them)."""
        source = model.read_model(None, None, name)
        return cls(parser.parse(source.text, source.name), name=source.name, options=options,
                   text=source.text)

    @classmethod
    def load(cls, path: str | os.PathLike, *, syntax: str | None = None,
             **options: Any) -> "Graph":
        """The model in a file (UTF-8 text, any extension; `syntax` as for `from_text`)."""
        source = model.read_model(os.fspath(path), None, None)
        return cls(parser.parse(source.text, source.name, syntax=syntax), name=source.name,
                   options=options, text=source.text, syntax=syntax)

    def with_options(self, **options: Any) -> "Graph":
        """The same graph, drawn with these options on top of this one's."""
        copy = Graph(self.program, name=self.name, options={**self.options, **options},
                     text=self.text, syntax=self.syntax)
        copy._nx = self._nx
        return copy

    # --- the graph --------------------------------------------------------------------------

    @property
    def nx(self) -> nx.MultiDiGraph:
        """The annotated networkx MultiDiGraph (built once; the pictures are drawn from it)."""
        if self._nx is None:
            self._nx = graph_mod.build(self.program)
        return self._nx

    @property
    def output(self) -> str:
        """The id of the output node."""
        return self.program.output

    def grads(self, values: dict[str, Any] | None = None, *, seed: int = 0,
              **named: Any) -> dict[str, Any]:
        """∂output/∂leaf for every parameter, as float64 numpy arrays.

        Leaf values come from `values` and keyword arguments (numbers or nested lists),
        then a value declared in the model, then random ones from `seed`, as for
        `graphdraw grads`. A non-scalar output is differentiated as the sum of its entries.
        """
        from graphdraw.numeric import evaluate
        leaf_values = self._leaf_values({**(values or {}), **named}, seed)
        vals = evaluate.forward(self.program, leaf_values)
        leaves = evaluate.gradient_leaves(self.program)
        grads = evaluate.backward(self.program, vals, wrt=set(leaves))
        return {leaf: grads.get(leaf, 0.0 * vals[leaf]) for leaf in leaves}

    def value(self, values: dict[str, Any] | None = None, *, seed: int = 0,
              **named: Any) -> Any:
        """The output's value at the leaves' values (as for `grads`)."""
        from graphdraw.numeric import evaluate
        leaf_values = self._leaf_values({**(values or {}), **named}, seed)
        return evaluate.forward(self.program, leaf_values)[self.program.output]

    def _leaf_values(self, given: dict[str, Any], seed: int) -> dict:
        from graphdraw.numeric import values as values_mod
        return values_mod.leaf_values(self.program, self._given(given), seed)

    # --- analyses, as the commands have them ------------------------------------------------

    def check(self, values: dict[str, Any] | None = None, *, seed: int = 0,
              rtol: float = 1e-7, atol: float = 1e-9, fd_rtol: float = 1e-5,
              fd_atol: float = 1e-7, fd_step: float = 1e-6, structure: bool = True):
        """`graphdraw check`: the gradients against torch autograd and finite differences,
        and the graph against torchviz's. Needs torch and torchviz.

        Returns the report: `.ok`, `.format()` (the command's text), `.to_json()`.
        """
        from graphdraw.analyses.check import run_check
        return run_check(self.program, self._leaf_values(dict(values or {}), seed), rtol=rtol,
                         atol=atol, fd_rtol=fd_rtol, fd_atol=fd_atol, fd_step=fd_step,
                         structure=structure)

    def train(self, data: str | os.PathLike | None = None, *, values: dict[str, Any] | None = None,
              seed: int = 0, optimizer: str = "gd", lr: float | None = None,
              steps: int | None = None, reduce: str = "sum", dims: dict[str, int] | None = None,
              **settings: Any) -> "Trained":
        """`graphdraw train`: fit the parameters on graphdraw's own backprop.

        `data` a CSV file whose header names inputs and targets (default: the model's own
        samples, else the four XOR samples); `values` starting values; `dims` sizes the model
        declares (`{"H": 8}`); `settings` momentum, damping, init_scale, predict as the
        command's options. Returns a `Trained`: params, loss, predictions, learned.
        """
        from graphdraw.analyses import train as train_mod
        if self.text is None and dims:
            raise errors.GraphdrawError("dims= needs the model's text: make the Graph with "
                                        "from_text, example or load")
        setup = train_mod.prepare(self.text if self.text is not None else "", self.name,
                                  syntax=self.syntax, dims=dims,
                                  data_path=None if data is None else os.fspath(data),
                                  given=self._given(values), seed=seed, reduce=reduce,
                                  **_pick(settings, ("init_scale", "predict")),
                                  program=None if self.text is not None else self.program)
        lr = train_mod.DEFAULT_LR[optimizer] if lr is None else lr
        theta, history = train_mod.train(
            setup.objective, setup.theta, optimizer=optimizer, lr=lr,
            steps=train_mod.DEFAULT_STEPS if steps is None else steps,
            **_pick(settings, ("momentum", "damping")))
        rows = train_mod.predictions(setup.objective, theta, setup.node, setup.target)
        return Trained(theta, history.loss, rows, train_mod.learned(rows), history)

    def _given(self, values: dict[str, Any] | None) -> dict:
        from graphdraw.numeric import values as values_mod
        from graphdraw.language.names import canonical
        return {canonical(str(name)): values_mod.as_array(_plain(value), f"value of {name}")
                for name, value in (values or {}).items()}

    # --- pictures ---------------------------------------------------------------------------

    def dot(self, **options: Any) -> str:
        """The Graphviz DOT source of the picture; needs no Graphviz.

        Options: rankdir ("LR", "TB"), title, caption, theme ("default", "print",
        "colorblind"), style ("textbook", "ops"), font, edge_labels, shapes, and
        show ("values,grads" or a list of values/grads/shapes) with values (a dict of leaf
        values) and seed for the numbers, as `graphdraw render` has them.
        """
        return render.to_dot(self.nx, **self._render_options(options))

    def svg(self, **options: Any) -> str:
        """The picture as SVG text (needs Graphviz's dot)."""
        return render.layout(self.dot(**options), "svg").decode("utf-8")

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
        as for `html`.
        """
        from graphdraw.formats.output import write_atomic
        path = os.fspath(path)
        word = format or registry.extension_of(path) or registry.DEFAULT
        fmt = registry.find(word)
        if fmt is None:
            raise ValueError(f"format must be one of {', '.join(FILE_FORMATS)}, not "
                             f"{word.lower()!r}")
        write_atomic(path, fmt.write(self._job(fmt, options)))
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
            note = render.values_note(seed, bool(given))
        opts = self._render_options(options)
        return Job(self.program, self.nx, opts, numbers=opts.get("numbers"),
                   leaf_values=leaf_values, note=note)

    def _render_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """to_dot's keyword arguments from the object's options and a call's."""
        opts = _check_options({**self.options, **options})
        show = opts.pop("show", None)
        given = opts.pop("values", None)
        seed = opts.pop("seed", 0)
        shown = _shown(show)
        if show is not None and "shapes" not in opts:
            opts["shapes"] = "shapes" in shown
        if shown & {"values", "grads"}:
            numbers = render.numbers_for(self.program, self._leaf_values(dict(given or {}),
                                                                         seed),
                                         values="values" in shown, grads="grads" in shown,
                                         local=opts.get("edge_labels", True))
            numbers["note"] = render.values_note(seed, bool(given))
            opts["numbers"] = numbers
        elif given:
            raise ValueError("values are drawn only with show='values' or 'grads'")
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


def load(path: str | os.PathLike, *, syntax: str | None = None, **options: Any) -> Graph:
    """The Graph of the model in a file: `graphdraw.load("model.gd")`."""
    return Graph.load(path, syntax=syntax, **options)


def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(DRAW_OPTIONS))
    if unknown:
        raise TypeError(f"unknown drawing option {unknown[0]!r}; the options are "
                        f"{', '.join(DRAW_OPTIONS)}")
    return dict(options)


def _shown(show: Any) -> frozenset[str]:
    """`show` as a set: None, "values,grads", or an iterable of items."""
    if show is None:
        return frozenset({"shapes"})
    if isinstance(show, str):
        return render.parse_show(show)
    return render.parse_show(",".join(str(item) for item in show) or "none")


def _plain(value: Any) -> Any:
    """A number, nested list or numpy array as plain Python numbers and lists."""
    tolist = getattr(value, "tolist", None)
    return tolist() if callable(tolist) else value


@dataclass
class Trained:
    """What `Graph.train` returns: the trained parameters, the loss before each step and
    after the last, the predictions per sample, whether a 0/1 task is learned (None when
    the targets are not 0 and 1), and the whole history of the run."""

    params: dict[str, Any]
    loss: list[float]
    predictions: list
    learned: bool | None
    history: Any = field(repr=False, default=None)


def _pick(settings: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The settings among `names`; any other is a TypeError, as for a misspelt keyword."""
    known = ("momentum", "damping", "init_scale", "predict")
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise TypeError(f"train() got unexpected keyword arguments: {', '.join(unknown)}")
    return {k: v for k, v in settings.items() if k in names}
