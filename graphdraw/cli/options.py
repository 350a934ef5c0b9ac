"""Options shared by the commands: where the model and the leaves' values come from."""

from __future__ import annotations

import math

import click

from graphdraw.errors import GraphdrawError
from graphdraw.language import examples
from graphdraw.language.source import read_model


class Finite(click.FloatRange):
    """A float option that is a finite number (click's FloatRange lets nan and inf through)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class Text(click.ParamType):
    """A line of text for a picture (a title), at most `most` characters (Graphviz's labels
    stop at 16,384)."""

    name = "text"

    def __init__(self, most: int) -> None:
        self.most = most

    def convert(self, value, param, ctx):
        if len(value) > self.most:
            self.fail(f"{len(value):,} characters; a picture's text has at most {self.most:,}",
                      param, ctx)
        return value


def _syntax_option(ctx: click.Context, param, value: str) -> str:
    """Leave --syntax where parser.parse finds it (model.requested_syntax)."""
    from graphdraw.language.source import SYNTAX_KEY
    ctx.meta[SYNTAX_KEY] = value
    return value


def _dim_option(ctx: click.Context, param, value: tuple) -> tuple:
    """Leave --dim's sizes where source.read_model finds them (sizes.requested_dims)."""
    from graphdraw.language.sizes import DIMS_KEY, parse_dims
    try:
        ctx.meta[DIMS_KEY] = parse_dims(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


def model_options(func, *, many: bool = False):
    """The ways to give a model, shared by every command that reads one.

    With `many` the command takes any number of model files (`models`, a tuple).
    """
    # --dim, like --syntax, reaches the model's text through click's context.
    func = click.option("--dim", "dims", multiple=True, metavar="NAME=N", expose_value=False,
                        callback=_dim_option, is_eager=True,
                        help="Set a size the model declares (dim NAME = ...), e.g. --dim H=8 "
                             "(repeatable).")(func)
    # --syntax reaches the parser through click's context (not a parameter of the command).
    func = click.option("--syntax", type=click.Choice(["auto", "latex", "plain"]),
                        default="auto", show_default=True, expose_value=False,
                        callback=_syntax_option, is_eager=True,
                        help="How the model is written: graphdraw's language (plain), LaTeX "
                             r"such as \frac{1}{2}(\hat{y} - y)^2 (latex), or auto: LaTeX "
                             "when the text has a LaTeX command or a $.")(func)
    func = click.option("--example", "example", metavar="NAME",
                        help=f"A built-in model: {', '.join(examples.names())}.")(func)
    func = click.option("-e", "--expr", "inline", metavar="TEXT",
                        help="The model given inline, e.g. -e 'L = (w x - y)^2'.")(func)
    if many:
        return click.argument("models", nargs=-1, metavar="[MODEL]...")(func)
    return click.argument("model", required=False, metavar="[MODEL]")(func)


def models_options(func):
    """`model_options` for a command that takes several model files."""
    return model_options(func, many=True)


def value_options(func):
    """Where the leaves' values come from, shared by the commands that compute."""
    func = click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                        help="Seed for the random values of leaves given no value.")(func)
    func = click.option("--values", "values_file", metavar="FILE.json",
                        help="A JSON object of name -> number or nested list.")(func)
    func = click.option("--set", "settings", multiple=True, metavar="NAME=JSON",
                        help="A leaf's value, e.g. --set x=[1,0] (repeatable).")(func)
    return func


def data_option(func):
    """--data FILE.csv: the samples of a model with Σ_n, one row per sample (numeric/datafile)."""
    return click.option("--data", "data_path", metavar="FILE.csv",
                        help="The samples of a model that sums over them (Σ_n): a header "
                             "naming the values per sample (x1,x2,y or x[1],x[2],y for x_n "
                             "and y_n), then one row per sample; N is the number of rows."
                        )(func)


def values_note(settings, values_file, seed: int, data_path: str | None = None) -> str:
    """Where the leaves' values came from, as the reports' first line says it."""
    data = f"samples from {data_path}, " if data_path else ""
    given = "--set/--values and " if settings or values_file else ""
    return f"{data}values from {given}seed {seed}"


def picture(path: str, allowed: tuple[str, ...], option: str) -> str:
    """The format of a picture named by `option` (check --diagram, --plot), from its
    extension as render's -o takes it; the same usage error for one that names none."""
    from graphdraw.formats.picture_files import PictureError, picture_format
    try:
        return picture_format(path, allowed, option)
    except PictureError as exc:
        raise click.UsageError(str(exc)) from None


def load(model, inline, example, settings, values_file, seed, data_path: str | None = None):
    """Parse the model and give every leaf a value (the values per sample from the CSV file
    `data_path`, when given); (source, program, leaf values)."""
    from graphdraw.language import parser
    from graphdraw.numeric import values as values_mod
    source = read_model(model, inline, example)
    program = parser.parse(source.text, source.name)
    given = given_values(settings, values_file)
    if data_path is not None:
        from graphdraw.numeric import datafile
        given = datafile.with_samples(program, given, data_path)
    return source, program, values_mod.leaf_values(program, given, seed)


def given_values(settings, values_file: str | None) -> dict:
    """The leaves' values given with --values FILE and --set NAME=JSON (--set wins)."""
    from graphdraw.numeric import values as values_mod
    given = values_mod.load_values(values_file) if values_file else {}
    given.update(values_mod.parse_set(settings))
    return given


def wrt(program, names_text: str | None) -> list[str]:
    """The leaves asked for with --wrt (default: every gradient leaf)."""
    from graphdraw.numeric import backprop
    from graphdraw.language import names
    leaves = backprop.gradient_leaves(program)
    if not names_text:
        return leaves
    chosen = [names.canonical(n.strip()) for n in names_text.split(",") if n.strip()]
    all_leaves = [n.id for n in program.nodes.values() if n.is_leaf]
    for name in chosen:
        if name not in all_leaves:
            import difflib
            close = difflib.get_close_matches(name, all_leaves, n=1)
            raise GraphdrawError(f"--wrt: '{name}' is not a leaf of the model",
                                 hint=f"did you mean '{close[0]}'?" if close else
                                 f"leaves: {', '.join(all_leaves)}")
    from graphdraw.core.class_targets import index_targets
    indices = [name for name in chosen if name in index_targets(program)]
    if indices:
        raise GraphdrawError(f"--wrt: '{names.pretty(indices[0])}' holds class indices, which "
                             "have no gradient (whole numbers, as torch's long targets)",
                             hint="differentiate with respect to the scores' parameters; for "
                             "a gradient of the target, give probability targets of the "
                             "scores' shape")
    return chosen
