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
from typing import Any

import networkx as nx

from graphdraw import errors
from graphdraw.api.pictures import DRAW_OPTIONS, FILE_FORMATS, Pictures, check_options
from graphdraw.core import graph as graph_mod
from graphdraw.language import parser
from graphdraw.language import source as model
from graphdraw.language.program import Program

__all__ = ["DRAW_OPTIONS", "FILE_FORMATS", "Graph", "load"]


class Graph(Pictures):
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
        self.options = check_options(options or {})
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
        from graphdraw.numeric import backprop, evaluate
        leaf_values = self._leaf_values({**(values or {}), **named}, seed)
        vals = evaluate.forward(self.program, leaf_values)
        leaves = backprop.gradient_leaves(self.program)
        grads = backprop.backward(self.program, vals, wrt=set(leaves))
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
              fd_atol: float = 1e-7, fd_step: float = 1e-6, structure: bool = True,
              **named: Any):
        """`graphdraw check`: the gradients against torch autograd and finite differences,
        and the graph against torchviz's. Needs torch and torchviz.

        Returns the report: `.ok`, `.format()` (the command's text), `.to_json()`.
        """
        from graphdraw.analyses.check import run_check
        given = {**(values or {}), **named}          # leaf values also as keywords, as grads
        return run_check(self.program, self._leaf_values(given, seed), rtol=rtol,
                         atol=atol, fd_rtol=fd_rtol, fd_atol=fd_atol, fd_step=fd_step,
                         structure=structure)

    def verify(self, *claims: str, values: dict[str, Any] | None = None, seed: int = 0,
               points: int = 100, show_answer: bool = False, **named: Any):
        """`graphdraw verify`: each claim '∂U/∂V = EXPR' against graphdraw's derivative, at
        the leaves' values (as for `grads`) and at `points` random points.

        Returns the result: `.ok`, `.score` ('6/8'), `.verdicts` (each with `.ok`,
        `.diagnosis`, `.max_rel_error`), `.to_json()`. A claim that cannot be read raises
        the same error as the command (with the claim's line and a caret).
        """
        from graphdraw.analyses.verify.report import verify as run
        texts = [(text, errors.Source(text, "<claim>"), 1, 0) for text in claims]
        given = self._given({**(values or {}), **named})
        return run(self.program, given, texts, count=points, seed=seed,
                   show_answer=show_answer, source_name=self.name)

    def train(self, data: str | os.PathLike | None = None, *, values: dict[str, Any] | None = None,
              seed: int = 0, reduce: str = "sum", dims: dict[str, int] | None = None,
              init_scale: float = 1.0, predict: str | None = None, **settings: Any):
        """`graphdraw train`: fit the parameters on graphdraw's own backprop.

        `data` a CSV file whose header names inputs and targets (for a model over samples,
        Σ_n, each row is one sample n; default: the model's own samples, else the four XOR
        samples); `values` starting values; `dims` sizes the model
        declares (`{"H": 8}`); `settings` optimizer, lr, steps, momentum, damping as the
        command's options. Returns a `Trained`: params, loss, predictions, learned, history.
        """
        from graphdraw.analyses.train import fit, prepare
        if self.text is None and dims:
            raise errors.GraphdrawError("dims= needs the model's text: make the Graph with "
                                        "from_text, example or load")
        setup = prepare(self.text or "", self.name, syntax=self.syntax, dims=dims,
                        data_path=None if data is None else os.fspath(data),
                        given=self._given(values), seed=seed, reduce=reduce,
                        init_scale=init_scale, predict=predict,
                        program=None if self.text is not None else self.program)
        return fit(setup, **_train_settings(settings))

    def _given(self, values: dict[str, Any] | None) -> dict:
        from graphdraw.numeric import values as values_mod
        from graphdraw.language.names import canonical
        return {canonical(str(name)): values_mod.as_array(_plain(value), f"value of {name}")
                for name, value in (values or {}).items()}


def load(path: str | os.PathLike, *, syntax: str | None = None, **options: Any) -> Graph:
    """The Graph of the model in a file: `graphdraw.load("model.gd")`."""
    return Graph.load(path, syntax=syntax, **options)


def _plain(value: Any) -> Any:
    """A number, nested list or numpy array as plain Python numbers and lists."""
    tolist = getattr(value, "tolist", None)
    return tolist() if callable(tolist) else value


def _train_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """train()'s optimizer settings, checked as the command checks its options."""
    from graphdraw.analyses.train import OPTIMIZERS
    known = ("optimizer", "lr", "steps", "momentum", "damping")
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise TypeError(f"train() got an unexpected keyword argument {unknown[0]!r}; "
                        f"it takes data, values, seed, reduce, dims, init_scale, predict, "
                        f"{', '.join(known)}")
    if settings.get("optimizer", "gd") not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not "
                         f"{settings['optimizer']!r}")
    return settings
