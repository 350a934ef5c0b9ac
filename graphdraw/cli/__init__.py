"""The command line: `graphdraw render | grads | check | ops | examples | ...` (a click group)."""

from __future__ import annotations

import json
import os
import sys

import click

from graphdraw import __version__, ops
from graphdraw.language import examples
from graphdraw.errors import EXIT_LIMIT, EXIT_OUTPUT, GraphdrawError, OutputError, SourceError
from graphdraw.language.source import read_model

FORMATS = ("svg", "png", "pdf", "dot", "json", "html", "tikz")


class _Group(click.Group):
    """A click group that turns graphdraw's errors into one message and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraphdrawError as exc:
            message = str(exc)
            if not isinstance(exc, SourceError) or ": error: " not in message:
                message = "graphdraw: error: " + message
            click.echo(message, err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:           # `graphdraw ops | head -1`
            from graphdraw.formats.output import silence_stdout
            silence_stdout()
            click.echo("graphdraw: error: output pipe closed before all output was written",
                       err=True)
            ctx.exit(EXIT_OUTPUT)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except RecursionError:
            click.echo("graphdraw: error: the model is nested too deeply to process", err=True)
            ctx.exit(EXIT_LIMIT)
        except MemoryError:
            click.echo("graphdraw: error: the model is too large for this machine's memory",
                       err=True)
            ctx.exit(EXIT_LIMIT)
        except Exception as exc:  # noqa: BLE001 - the last guard: no traceback for users
            if os.environ.get("GRAPHDRAW_DEBUG"):
                raise
            click.echo(f"graphdraw: internal error: {type(exc).__name__}: {exc}\n"
                       "  please report it with the model; GRAPHDRAW_DEBUG=1 shows the "
                       "traceback", err=True)
            ctx.exit(1)


def _syntax_option(ctx: click.Context, param, value: str) -> str:
    """Leave --syntax where parser.parse finds it (model.requested_syntax)."""
    from graphdraw.language.source import SYNTAX_KEY
    ctx.meta[SYNTAX_KEY] = value
    return value


def model_options(func):
    """The ways to give a model, shared by every command that reads one."""
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
    func = click.argument("model", required=False, metavar="[MODEL]")(func)
    return func


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="graphdraw")
def cli() -> None:
    """Turn a model equation into a named computation-graph diagram.

    A model is a file (any extension), '-' for standard input, -e TEXT, or a built-in
    example; with none, graphdraw uses the XOR network of exercise 6.2.

    \b
    Examples:
      graphdraw render --format svg          # draw the default model to xor.svg
      graphdraw render model.gd -o model.png
      graphdraw render -e 'L = 1/2 (σ(wᵀ x + b) − y)²' --format pdf
      graphdraw ops                          # every operation and its local derivative
      graphdraw examples                     # the built-in models
    """


THEMES = ("default", "print", "colorblind")          # render.THEMES (a test keeps them equal)
DRAW_STYLES = ("textbook", "ops")                    # render.DRAW_STYLES


def _font_option(ctx, param, value):
    """--font: a name Graphviz can be given (render.font_name), or a usage error."""
    if value is None:
        return None
    from graphdraw.formats.render import font_name
    try:
        return font_name(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def value_options(func):
    """Where the leaves' values come from, shared by the commands that compute."""
    func = click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                        help="Seed for the random values of leaves given no value.")(func)
    func = click.option("--values", "values_file", metavar="FILE.json",
                        help="A JSON object of name -> number or nested list.")(func)
    func = click.option("--set", "settings", multiple=True, metavar="NAME=JSON",
                        help="A leaf's value, e.g. --set x=[1,0] (repeatable).")(func)
    return func


@cli.command()
@model_options
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="svg",
              show_default=True, help="Output format.")
@click.option("-o", "--output", "output", metavar="PATH",
              help="Where to write; '-' for standard output. [default: MODEL.FORMAT in the "
                   "current directory]")
@click.option("--rankdir", type=click.Choice(["LR", "TB"]),
              default="LR", show_default=True, help="Left to right or top to bottom.")
@click.option("--title", help="A title drawn above the graph.")
@click.option("--caption", help="A caption drawn below the graph.")
@click.option("--theme", type=click.Choice(THEMES), default="default", show_default=True,
              help="Colours: default; print (greyscale, thin lines, kinds told apart by "
                   "shape and line); colorblind (the Okabe-Ito palette).")
@click.option("--style", "draw_style", type=click.Choice(DRAW_STYLES), default="textbook",
              show_default=True, help="textbook: a node per value, showing its computation; "
              "ops: each operation as a small node of its own (as torchviz and micrograd "
              "draw), the local derivatives on the arrows into it.")
@click.option("--font", metavar="NAME", callback=_font_option,
              help="The font of all text, e.g. 'DejaVu Sans'. [default: Liberation Serif]")
@click.option("--show", "show", default="shapes", show_default=True, metavar="LIST",
              help="What the nodes show besides name and computation, comma-separated: "
                   "values (forward values), grads (gradients of the output), shapes; or "
                   "none. With values or grads, edges also show the value of their local "
                   "derivative.")
@value_options
@click.option("--no-edge-labels", is_flag=True, help="Hide the local derivatives on edges.")
@click.option("--no-shapes", is_flag=True, help="Hide the shapes of values (as leaving "
              "shapes out of --show).")
@click.option("--layout-timeout", type=click.FloatRange(min=0.1), default=30.0,
              show_default=True, metavar="SECONDS",
              help="Give up when Graphviz takes longer than this to lay the graph out.")
@click.option("--snippet", is_flag=True, help="With --format tikz: only the tikzpicture, to "
              "\\input in a document (its preamble needs amsmath, tikz and "
              "\\usetikzlibrary{arrows.meta,shapes.geometric}).")
def render(model, inline, example, fmt, output, rankdir, title, caption, theme, draw_style,
           font, show, settings, values_file,
           seed, no_edge_labels, no_shapes, layout_timeout, snippet) -> None:
    """Draw the computation graph of a model.

    Each node shows its name and its forward computation; each edge carries the local
    derivative of its result with respect to that operand. svg, png and pdf need Graphviz's
    dot; dot and json work without it. tikz writes a LaTeX document (MODEL.tex) with every
    label typeset by LaTeX, laid out by Graphviz as the SVG; --snippet writes just the
    tikzpicture.

    With --show values,grads the nodes also show their values and the gradient of the
    output, and the edges the value of each local derivative, at the leaves' values from
    --set/--values and, for the others, random ones from --seed (as `graphdraw grads`).

    \b
    Examples:
      graphdraw render                          # the default model, to ./xor.svg
      graphdraw render --example micrograd -f png
      graphdraw render --show values,grads --rankdir TB -o xor-values.svg
      graphdraw render --show values --set x=[1,0] --set y=1
      graphdraw render --theme print --style ops -f pdf --caption 'Figure 1: XOR'
      graphdraw render --format html            # xor.html: tooltips, equations, numbers
      graphdraw render --format tikz            # xor.tex: pdflatex xor.tex
      graphdraw render -f tikz --snippet -o fig.tex   # for \\input{fig.tex} in a report
      graphdraw render model.gd -f json -o -    # JSON on standard output
      echo 'y = tanh(w x + b)' | graphdraw render - -o tanh.svg --rankdir TB
    """
    from graphdraw.core import graph as graph_mod
    from graphdraw.formats import output as out
    from graphdraw.language import parser
    from graphdraw.formats import render as render_mod
    from graphdraw.formats.jsonout import to_json

    try:
        shown = render_mod.parse_show(show)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=click.get_current_context(),
                                 param_hint="'--show'") from None
    if no_shapes:
        shown -= {"shapes"}
    numeric = bool(shown & {"values", "grads"})
    if numeric and fmt == "json":
        click.echo("graphdraw: note: --show values/grads only draw; for the numbers as JSON "
                   "use graphdraw grads --json", err=True)
        numeric = False
    elif not numeric and fmt != "html" and (settings or values_file):
        click.echo("graphdraw: note: --set and --values are used only with --show values "
                   "or grads", err=True)
    if snippet and fmt != "tikz":
        click.echo("graphdraw: note: --snippet is used only with --format tikz", err=True)

    if numeric or fmt == "html":        # the page's tooltips and tables need the numbers
        source, program, leaf_values = _load(model, inline, example, settings, values_file,
                                             seed)
    else:
        source = read_model(model, inline, example)
    path = None if output == "-" else \
        (output or f"{source.stem}.{'tex' if fmt == 'tikz' else fmt}")
    if path is not None:
        out.check_target(path, input_path=source.path)
    if not (numeric or fmt == "html"):
        program = parser.parse(source.text, source.name)
    graph = graph_mod.build(program, title=title or "", notations=graph_mod.FOR_JSON
                            if fmt == "json" else graph_mod.FOR_TIKZ if fmt == "tikz"
                            else graph_mod.FOR_RENDER)
    if fmt == "json":
        data = to_json(graph).encode("utf-8")
    else:
        numbers = None
        if numeric:
            numbers = render_mod.numbers_for(program, leaf_values, values="values" in shown,
                                             grads="grads" in shown, local=not no_edge_labels)
            numbers["note"] = render_mod.values_note(seed, bool(settings or values_file))
        page_text = (title, caption)
        if fmt == "html":              # the page sets its title and caption as HTML text
            title = caption = None
        dot = render_mod.to_dot(graph, rankdir=rankdir.upper(), title=title or "",
                                edge_labels=not no_edge_labels, shapes="shapes" in shown,
                                numbers=numbers, caption=caption, theme=theme,
                                style=draw_style, font=font)
        data = dot.encode("utf-8") if fmt in ("dot", "tikz") else \
            render_mod.layout(dot, "svg" if fmt == "html" else fmt, timeout=layout_timeout)
        if fmt == "tikz":              # Graphviz lays this DOT out; LaTeX sets every label
            from graphdraw.formats.tikz import from_dot
            data = from_dot(graph, dot, snippet=snippet, timeout=layout_timeout,
                            title=title or "", caption=caption,
                            edge_labels=not no_edge_labels, shapes="shapes" in shown,
                            numbers=numbers, theme=theme, style=draw_style).encode("utf-8")
        if fmt == "html":
            from graphdraw.formats.html import page
            data = page(program, graph, data, leaf_values, title=page_text[0],
                        caption=page_text[1], note=render_mod.values_note(
                            seed, bool(settings or values_file))).encode("utf-8")
    if path is None:
        out.write_stdout(data)
        return
    out.write_atomic(path, data, input_path=source.path)
    click.echo(f"wrote {path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} "
               f"edges, {fmt})", err=True)


def _load(model, inline, example, settings, values_file, seed):
    """Parse the model and give every leaf a value; (source, program, leaf values)."""
    from graphdraw.language import parser
    from graphdraw.numeric import values as values_mod
    source = read_model(model, inline, example)
    program = parser.parse(source.text, source.name)
    given = values_mod.load_values(values_file) if values_file else {}
    given.update(values_mod.parse_set(settings))
    return source, program, values_mod.leaf_values(program, given, seed)


def _wrt(program, names_text: str | None) -> list[str]:
    """The leaves asked for with --wrt (default: every gradient leaf)."""
    from graphdraw.numeric import evaluate
    from graphdraw.language import names
    leaves = evaluate.gradient_leaves(program)
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
    return chosen


@cli.command()
@model_options
@value_options
@click.option("--wrt", metavar="NAMES", help="Comma-separated leaves to differentiate "
              "with respect to. [default: every parameter]")
@click.option("--scalar", is_flag=True,
              help="Expand tensor parameters into entries (W_i[1,1], ...) and give ∂L/∂ each "
                   "entry as one explicit formula.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "latex", "markdown"]),
              default=None, help="text (default); json (see README); latex: align* blocks "
              "to paste into a report (needs amsmath); markdown: the equations in $$ blocks "
              "and the numbers as a table.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
def grads(model, inline, example, settings, values_file, seed, wrt, scalar, fmt,
          as_json) -> None:
    """The backward equations and the gradient of the output with respect to each leaf.

    First the adjoints from the output down, in your names (∂L/∂L, ∂L/∂ŷ, ... down to each
    parameter), then the value and gradient of every leaf at the given values (random ones
    from --seed for leaves without a value). A non-scalar output is differentiated as the
    sum of its entries.

    \b
    Examples:
      graphdraw grads                          # exercise 6.2: backward equations
      graphdraw grads --scalar                 # 6.2(b): ∂L/∂W_i[1,1], ..., ∂L/∂b_o
      graphdraw grads --scalar --format latex > answer-6.2b.tex
      graphdraw grads --format markdown        # $$ equations and a table of numbers
      graphdraw grads --set x=[1,0] --set y=1 --wrt W_o,b_o
      graphdraw grads --example micrograd --json
    """
    from graphdraw.numeric.derivatives import Gradients, write
    if as_json and fmt not in (None, "json"):
        raise click.BadParameter(f"--json asks for JSON, --format for {fmt}: give one",
                                 param_hint="'--format'")
    fmt = "json" if as_json else (fmt or "text")
    source, program, leaf_values = _load(model, inline, example, settings, values_file, seed)
    note = (f"values from {'--set/--values and ' if settings or values_file else ''}"
            f"seed {seed}")
    leaves = _wrt(program, wrt)
    if not leaves:
        why = ("every leaf is declared input, target or const"
               if any(n.is_leaf for n in program.nodes.values()) else "it has no leaves")
        raise GraphdrawError(f"no leaf of this model gets a gradient: {why}",
                             hint="use a parameter in the equations ('param w'), or name the "
                                  "leaves to differentiate with respect to: --wrt x")
    result = Gradients(program, source.name, leaf_values, leaves, scalar=scalar, note=note)
    click.echo(write(result, fmt), nl=False)


@cli.command()
@model_options
@value_options
@click.option("--rtol", type=click.FloatRange(min=0), default=1e-7, show_default=True,
              help="Relative tolerance against torch autograd.")
@click.option("--atol", type=click.FloatRange(min=0), default=1e-9, show_default=True,
              help="Absolute tolerance against torch autograd.")
@click.option("--fd-rtol", type=click.FloatRange(min=0), default=1e-5, show_default=True,
              help="Relative tolerance against central finite differences.")
@click.option("--fd-atol", type=click.FloatRange(min=0), default=1e-7, show_default=True,
              help="Absolute tolerance against central finite differences.")
@click.option("--fd-step", type=click.FloatRange(min=0, min_open=True), default=1e-6,
              show_default=True, help="Step of the central finite differences.")
@click.option("--no-structure", is_flag=True, help="Skip the comparison with torchviz.")
@click.option("--diagram", metavar="PATH",
              help="Also draw graphdraw's graph and torchviz's side by side (svg, png, pdf "
                   "or dot, from the extension).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(model, inline, example, settings, values_file, seed, rtol, atol, fd_rtol, fd_atol,
          fd_step, no_structure, diagram, as_json) -> None:
    """Prove the gradients: graphdraw vs torch autograd, finite differences and torchviz.

    Builds the same model from torch ops and compares, leaf by leaf, graphdraw's own
    gradients with torch autograd and with central finite differences (largest absolute and
    relative error against the tolerances), then compares graphdraw's graph with the autograd
    graph that torchviz draws: every op must meet an autograd node the op table allows,
    every leaf an AccumulateGrad, every torchviz edge a graphdraw edge. Exit 0 when all
    agree, 6 when something differs. Needs torch and torchviz.

    \b
    Examples:
      graphdraw check                              # the default model
      graphdraw check --example micrograd --json
      graphdraw check model.gd --seed 3 --diagram compare.svg
    """
    from graphdraw.analyses import check as check_mod
    from graphdraw.errors import EXIT_CHECK
    path = None
    if diagram:
        from graphdraw.formats import output as out
        path = diagram
        out.check_target(path, input_path=model if model not in (None, "-") else None)
    source, program, leaf_values = _load(model, inline, example, settings, values_file, seed)
    report = check_mod.run_check(program, leaf_values, rtol=rtol, atol=atol, fd_rtol=fd_rtol,
                                 fd_atol=fd_atol, fd_step=fd_step, structure=not no_structure)
    if path is not None:
        _write_diagram(path, check_mod.side_by_side(program, report.tensors, report))
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(report.format())
    if path is not None:
        click.echo(f"wrote {path}", err=True)
    if not report.ok:
        ctx = click.get_current_context()
        ctx.exit(EXIT_CHECK)


def _write_diagram(path: str, dot: str) -> None:
    """Write DOT source to `path`, laid out by Graphviz unless the extension is .dot/.gv."""
    from graphdraw.formats import output as out
    from graphdraw.formats import render as render_mod
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext in ("dot", "gv"):
        data = dot.encode("utf-8")
    elif ext in ("svg", "png", "pdf"):
        data = render_mod.layout(dot, ext)
    else:
        raise GraphdrawError(f"--diagram {path}: use a .svg, .png, .pdf or .dot file name")
    out.write_atomic(path, data)


@cli.command("hessian")
@model_options
@value_options
@click.option("--wrt", metavar="NAMES", help="Comma-separated leaves to differentiate "
              "with respect to. [default: every parameter]")
@click.option("--full", is_flag=True, help="Print the whole matrix and every eigenvalue, "
              "however many parameter entries there are (by default only up to 12 and 16).")
@click.option("--check", "against_torch", is_flag=True,
              help="Also compute the Hessian with torch.autograd.functional.hessian and "
                   "compare (needs torch); exit 6 when they differ.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def hessian_command(model, inline, example, settings, values_file, seed, wrt, full,
                    against_torch, as_json) -> None:
    """The Hessian of the output with respect to the parameters, its eigenvalues and index.

    Rows and columns are the parameters' entries, named as in grads --scalar (W_i[1,2]).
    The index is the fraction of negative eigenvalues (Dauphin et al. 2014): 0 at a
    minimum, between 0 and 1 at a saddle. A non-scalar output is differentiated as the sum
    of its entries. graphdraw computes H exactly by forward-mode differentiation of its own
    backprop (one Hessian-vector product per column); --check compares it with torch.

    \b
    Examples:
      graphdraw hessian                        # exercise 6.2's network at seed 0
      graphdraw hessian --example tanh2 --full
      graphdraw hessian --set x=[1,0] --set y=1 --wrt W_o,b_o
      graphdraw hessian --check                # against torch.autograd.functional.hessian
      graphdraw hessian --json | jq .eigenvalues
    """
    from graphdraw.numeric import hessian as hessian_mod
    from graphdraw.errors import EXIT_CHECK
    source, program, leaf_values = _load(model, inline, example, settings, values_file, seed)
    report = hessian_mod.Report(program, leaf_values, _wrt(program, wrt))
    if against_torch:
        report.compare_torch()
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        note = (f"values from {'--set/--values and ' if settings or values_file else ''}"
                f"seed {seed}")
        click.echo(report.format(source.name, note, full=full), nl=False)
    if report.torch is not None and not report.torch["ok"]:
        click.get_current_context().exit(EXIT_CHECK)


@cli.command("taylor")
@click.argument("function", required=False, default="sigmoid", metavar="[FUNCTION]")
@click.option("-n", "--order", type=click.IntRange(1, 20), default=3, show_default=True,
              help="How many non-zero terms to give.")
@click.option("--at", "at", type=float, default=0.0, show_default=True, metavar="X0",
              help="The point to expand about.")
@click.option("--plot", "plot_path", metavar="PATH",
              help="Also draw the function against its truncations after 1, 2, … terms "
                   "(png, svg or pdf, from the extension).")
@click.option("--xlim", nargs=2, type=float, metavar="LO HI",
              help="The plot's range of x. [default: X0 − 4 to X0 + 4]")
@click.option("--plain", is_flag=True, help="Print only the series, in the plain notation "
              "(1/2 + x/4 - x^3/48), which graphdraw parses back.")
@click.option("--json", "as_json", is_flag=True, help="Print the series as JSON.")
def taylor_command(function, order, at, plot_path, xlim, plain, as_json) -> None:
    """The Taylor series of an elementwise function, its first N non-zero terms (sympy).

    FUNCTION is an elementwise op of the table (sigmoid or σ, tanh, exp, log, softplus, …;
    default sigmoid, exercise 6.1) or an expression in one variable in graphdraw's language,
    such as 'x σ(x)'. The derivation lists f⁽ᵏ⁾(X0) and c_k = f⁽ᵏ⁾(X0)/k!; for an op whose
    derivative is a polynomial in its output (σ′ = σ − σ²) it also gives each derivative
    in terms of the output, and it checks the op table's derivative against sympy's.

    \b
    Examples:
      graphdraw taylor sigmoid --order 3      # 1/2 + x/4 − x³/48 + O(x⁵)
      graphdraw taylor tanh -n 4 --plot tanh-taylor.png
      graphdraw taylor log --at 1
      graphdraw taylor 'log(1 + exp(x))' --plain
    """
    from graphdraw.formats import output as out
    from graphdraw.analyses import taylor as taylor_mod
    if plot_path:
        taylor_mod.plot_format(plot_path)
        out.check_target(plot_path)
    if xlim and not xlim[0] < xlim[1]:
        raise click.BadParameter("give the lower end first, e.g. --xlim -4 4",
                                 param_hint="'--xlim'")
    series = taylor_mod.expand(taylor_mod.resolve(function), order, at)
    if as_json:
        click.echo(json.dumps(taylor_mod.to_json(series), ensure_ascii=False, indent=1))
    elif plain:
        click.echo(taylor_mod.polynomial_text(series, "plain"))
    else:
        click.echo(taylor_mod.format_text(series), nl=False)
    if plot_path:
        out.write_atomic(plot_path, taylor_mod.plot(series, plot_path, xlim))
        click.echo(f"wrote {plot_path}", err=True)


@cli.command("saddle")
@model_options
@value_options
@click.option("--steps", type=click.IntRange(1, 10_000), default=80, show_default=True,
              help="Steps of each optimiser.")
@click.option("--lr-gd", type=click.FloatRange(min=0, min_open=True), default=0.1,
              show_default=True, help="The step size of gradient descent.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, help="The step size of Newton and saddle-free Newton.")
@click.option("--damping", type=click.FloatRange(min=0), default=0.1, show_default=True,
              help="δ: Newton solves (H + δI) d = g; saddle-free Newton divides by |λ| + δ.")
@click.option("--plot", "plot_path", metavar="PATH",
              help="Draw the trajectories, the loss and the gradient norm of the three "
                   "(png, svg or pdf, from the extension).")
@click.option("--json", "as_json", is_flag=True, help="Print the trajectories as JSON.")
def saddle_command(model, inline, example, settings, values_file, seed, steps, lr_gd, lr,
                   damping, plot_path, as_json) -> None:
    """Gradient descent, Newton and saddle-free Newton started near a saddle (exercise 6.3).

    Without a model, the built-in demonstration: a two-layer linear network with one unit
    per layer, L = 1/2 (w₂ w₁ x − y)² with x = y = 1, which has a saddle at w₁ = w₂ = 0,
    started at w₁ = 1.2, w₂ = −1.195, close to the saddle's attracting direction. Gradient
    descent slows down on the plateau around the saddle, Newton converges to the saddle,
    saddle-free Newton (Dauphin et al. 2014) escapes to a minimum. Each step uses
    graphdraw's own gradient and Hessian. With a model, the start is its leaves' values
    (--set, --values, declared, --seed); with two scalar parameters the picture includes
    the trajectories on the loss surface.

    \b
    Examples:
      graphdraw saddle --plot saddle.png
      graphdraw saddle --set w_2=-1.1999 --steps 150 --plot saddle.svg
      graphdraw saddle -e 'param u = 0.9, v = 0.01; L = u^2 - v^2 + v^4' --lr-gd 0.05
    """
    from graphdraw.formats import output as out
    from graphdraw.analyses import saddle as saddle_mod
    from graphdraw.analyses import taylor as taylor_mod
    from graphdraw.errors import LimitError
    fmt = None
    if plot_path:
        fmt = taylor_mod.plot_format(plot_path)
        out.check_target(plot_path)
    if model is None and inline is None and example is None:
        from graphdraw.language import parser
        from graphdraw.numeric import values as values_mod
        name = saddle_mod.MODEL_NAME
        program = parser.parse(saddle_mod.MODEL, name)
        given = values_mod.load_values(values_file) if values_file else {}
        given.update(values_mod.parse_set(settings))
        leaf_values = values_mod.leaf_values(program, given, seed)
    else:
        source, program, leaf_values = _load(model, inline, example, settings, values_file,
                                             seed)
        name = source.name
    from graphdraw.numeric import evaluate
    from graphdraw.lazy import np
    leaves = evaluate.gradient_leaves(program)
    size = sum(int(np.size(leaf_values[leaf])) for leaf in leaves)
    if size > 200:
        raise LimitError(f"the model has {size} parameter entries; the demonstration computes "
                         "the Hessian at every step and takes at most 200",
                         hint="use a smaller model")
    demo = saddle_mod.Demo(program, leaf_values, leaves, steps=steps, lr_gd=lr_gd, lr=lr,
                           damping=damping)
    if as_json:
        click.echo(json.dumps(demo.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(demo.format(name), nl=False)
    if plot_path:
        out.write_atomic(plot_path, demo.plot(fmt))
        click.echo(f"wrote {plot_path}", err=True)


@cli.command("train")
@model_options
@value_options
@click.option("--data", "data_path", metavar="FILE.csv",
              help="Samples: a header naming the model's inputs and targets (x1,x2,y or "
                   "x[1],x[2],y), one row per sample. [default: the four XOR samples]")
@click.option("--reduce", type=click.Choice(["sum", "mean"]), default="sum",
              show_default=True, help="Minimise the output summed or averaged over samples.")
@click.option("--optimizer", type=click.Choice(["gd", "momentum", "newton", "sfn"]),
              default="gd", show_default=True,
              help="gd: θ −= ε g; momentum: v = μ v + g, θ −= ε v; newton: θ −= ε H⁻¹g; "
                   "sfn (saddle-free Newton): θ −= ε |H|⁻¹g.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), metavar="ε",
              help="Step size. [default: 2 for gd, 0.5 for momentum, 1 for newton and sfn]")
@click.option("--steps", type=click.IntRange(min=0),
              help="Number of steps. [default: 5000; 2000 with --sweep-hidden]")
@click.option("--hidden", type=click.IntRange(min=1), metavar="H",
              help="Hidden units: sets the model's size H (dim H = 2 in the built-in XOR "
                   "network); the same as --dim H=N.")
@click.option("--dim", "dim_items", multiple=True, metavar="NAME=N",
              help="Set a size the model declares (dim NAME = ...), e.g. --dim H=8 "
                   "(repeatable).")
@click.option("--momentum", type=click.FloatRange(min=0, max=1, max_open=True), default=0.9,
              show_default=True, metavar="μ", help="Momentum of --optimizer momentum.")
@click.option("--damping", type=click.FloatRange(min=0), metavar="λ",
              help="Added to the Hessian (newton) or to its absolute eigenvalues (sfn). "
                   "[default: 0.01]")
@click.option("--init-scale", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, metavar="S",
              help="Scale of the random starting parameters: uniform in [−S, S).")
@click.option("--predict", metavar="NAME", help="The value compared with the targets in "
              "the table of predictions. [default: ŷ, else the last value computed from the "
              "inputs alone]")
@click.option("--plot", metavar="PATH", help="The loss curve (with --sweep-hidden: the "
              "fraction learned per size), .svg, .png or .pdf. [default: MODEL-loss.svg, "
              "MODEL-sweep.svg]")
@click.option("--track-hessian", metavar="PATH", help="Also compute the Hessian along the "
              "way and draw its index (the fraction of negative eigenvalues) against the loss "
              "(Dauphin et al. 2014, fig. 1).")
@click.option("--plot-taylor", metavar="PATH", help="Also draw each step's first-order "
              "prediction of the change in loss against the actual change.")
@click.option("--diagram", metavar="PATH", help="The trained model with values and gradients "
              "at the first sample (.svg, .png, .pdf or .dot). [default: MODEL-trained.svg]")
@click.option("--save-params", metavar="FILE.json", help="The trained parameters, for "
              "--values of the other commands. [default: MODEL-trained.json]")
@click.option("--no-files", is_flag=True, help="Write only the files asked for by name.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.option("--sweep-hidden", metavar="LIST", help="Train once per hidden size and seed and "
              "count the seeds that learn (all predictions on the right side of 0.5), "
              "e.g. 2,3,4,8.")
@click.option("--seeds", type=click.IntRange(min=1), metavar="N",
              help="Seeds per size for --sweep-hidden: --seed, --seed + 1, ... [default: 20]")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes for --sweep-hidden. [default: the CPUs, at most 4]")
def train(model, inline, example, settings, values_file, seed, data_path, reduce, optimizer,
          lr, steps, hidden, dim_items, momentum, damping, init_scale, predict, plot,
          plot_taylor, track_hessian, diagram, save_params, no_files, as_json, sweep_hidden,
          seeds, jobs) -> None:
    """Train the model's parameters by gradient descent on graphdraw's own backprop.

    Minimises the output summed (or averaged) over the samples: the four XOR samples, or a
    CSV file whose header names the inputs and targets. Prints the loss along the way with
    each step's first-order Taylor prediction (−ε‖g‖² for gd) beside the actual change, the
    predictions against the targets, and the trained parameters; writes the loss curve, the
    trained diagram and the parameters (MODEL-loss.svg, MODEL-trained.svg,
    MODEL-trained.json; --no-files writes only those named). A progress bar shows on a
    terminal.

    \b
    Examples:
      graphdraw train                              # learn XOR with the 2-2-1 network
      graphdraw train --hidden 8 --steps 2000 --plot-taylor taylor.svg
      graphdraw train --optimizer momentum --lr 0.5 --save-params trained.json
      graphdraw render --show values,grads --values trained.json --set x=[1,0] --set y=1
      graphdraw train model.gd --data samples.csv --reduce mean --json
      graphdraw train --sweep-hidden 2,3,4,8 --seeds 20   # 6.2(c): how often H units learn
    """
    from graphdraw.analyses import train as train_mod
    source = read_model(model, inline, example)
    train_mod.command(source, settings=settings, values_file=values_file, seed=seed,
                      data_path=data_path, reduce=reduce, hidden=hidden, dim_items=dim_items,
                      lr=lr, steps=steps, optimizer=optimizer, momentum=momentum,
                      damping=damping, init_scale=init_scale, predict=predict, plot=plot,
                      plot_taylor=plot_taylor, track_hessian=track_hessian, diagram=diagram,
                      save_params=save_params,
                      no_files=no_files, as_json=as_json, sweep_hidden=sweep_hidden,
                      seeds=seeds, jobs=jobs)


@cli.command("ops")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def ops_command(as_json: bool) -> None:
    """List the operations: names, arity, local derivatives, torch autograd nodes.

    Local derivatives are written over the operands a, b and the result out, in the
    equation language; 'combine' says how each meets the adjoint ḡ of the result
    (elementwise: ḡ ⊙ D; matmul_left: ḡ D; matmul_right: Dᵀ ḡ; transpose: (ḡ ⊙ D)ᵀ).

    \b
    Examples:
      graphdraw ops
      graphdraw ops --json | jq '.[] | select(.name == "sigmoid")'
    """
    from graphdraw.language.printing import print_template
    rows = []
    for row in ops.ROWS:
        if row.style == "copy":
            continue
        operands = "ab"[:row.arity]
        derivs = [print_template(d, {}, "pretty")[0] for d in row.derivs]
        rows.append({"name": row.name, "aliases": list(row.aliases), "arity": row.arity,
                     "doc": row.doc, "usage": _usage(row),
                     "local_grads": {f"∂out/∂{o}": d for o, d in zip(operands, derivs)},
                     "combine": list(row.combines()), "torch": list(row.torch)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for item in rows:
        aliases = f"  (also {', '.join(item['aliases'])})" if item["aliases"] else ""
        click.echo(f"{item['usage']:<14} {item['name']}: {item['doc']}{aliases}")
        for (wrt, deriv), combine in zip(item["local_grads"].items(), item["combine"]):
            note = "" if combine == "elementwise" else f"   [{combine}]"
            click.echo(f"{'':14}   {wrt} = {deriv}{note}")
        if item["torch"]:
            click.echo(f"{'':14}   torch: {', '.join(item['torch'])}")


def _usage(row: ops.Op) -> str:
    """How an op is written, e.g. 'a + b', 'σ(a)', 'aᵀ'."""
    from graphdraw.language.printing import apply
    args = [("a", ops.ATOM), ("b", ops.ATOM)][:row.arity]
    return apply(row, args, "pretty")[0]


@cli.command("examples")
@click.argument("name", required=False)
def examples_command(name: str | None) -> None:
    """List the built-in models, or print one (use it with --example NAME).

    \b
    Examples:
      graphdraw examples
      graphdraw examples micrograd > micrograd.gd
    """
    if name is None:
        for item in examples.names():
            mark = " (default)" if item == examples.DEFAULT else ""
            click.echo(f"{item:<10} {examples.summary(item)}{mark}")
        return
    if name not in examples.names():
        raise GraphdrawError(f"no built-in example named '{name}'",
                             hint=f"the examples are: {', '.join(examples.names())}")
    click.echo(examples.text(name), nl=False)


def main() -> None:
    """The console script."""
    try:
        cli(prog_name="graphdraw")
    except KeyboardInterrupt:
        click.echo("graphdraw: interrupted", err=True)
        sys.exit(130)


__all__ = ["cli", "main", "OutputError"]
