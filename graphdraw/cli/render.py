"""`graphdraw render`: the diagram, in every format."""

from __future__ import annotations

import click

from graphdraw.cli.group import cli
from graphdraw.cli.options import load, model_options, value_options
from graphdraw.language.source import read_model

FORMATS = ("svg", "png", "pdf", "dot", "json", "html", "tikz")
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
        source, program, leaf_values = load(model, inline, example, settings, values_file,
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
