"""`graphdraw exercise`: the exercise of sheet 6.2 for any model, its solutions, its answers."""

from __future__ import annotations

import click

from graphdraw.cli.group import cli
from graphdraw.cli.options import load, model_options, value_options

FORMATS = ("md", "tex")
EXTENSIONS = {"md": "md", "markdown": "md", "tex": "tex", "latex": "tex"}


@cli.command()
@model_options
@value_options
@click.option("--solutions", is_flag=True, help="Add the solution key: the computation "
              "graph, one formula per parameter entry (as grads --scalar) and the numbers.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="md (Markdown) or tex (a LaTeX document for pdflatex). [default: -o's "
                   "extension, else md]")
@click.option("-o", "--output", metavar="PATH", help="Where to write ('-': standard "
              "output). [default: standard output]")
@click.option("--answers-template", "answers", metavar="FILE", help="Also write the "
              "solutions of (b) as an answers file for graphdraw verify --answers.")
@click.option("--decimals", type=click.IntRange(0, 6), default=1, show_default=True,
              help="The leaves' values are rounded to this many decimals (the students "
                   "compute with them, and so does the solution).")
@click.option("--title", help="The exercise's heading.")
def exercise(model, inline, example, settings, values_file, seed, solutions, fmt, output,
             answers, decimals, title) -> None:
    """Write the exercise of sheet 6.2 for a model: (a) draw its computation graph, (b)
    write the partial derivatives with respect to each parameter entry, (c) compute them at
    given values.

    The values are the leaves' (--set, --values, declared, else random from --seed), rounded
    to --decimals. --solutions adds the key; --answers-template FILE writes the solutions
    of (b) as an answers file that `graphdraw verify MODEL --answers FILE` grades, so a
    student's answers in the same format are graded the same way.

    \b
    Examples:
      graphdraw exercise                               # sheet 6.2 for the XOR network
      graphdraw exercise --solutions -o key.tex        # pdflatex key.tex
      graphdraw exercise model.gd -o sheet.md --answers-template answers.txt
      graphdraw exercise --example micrograd --set a=2 --set b=-3 --decimals 0
    """
    from graphdraw.analyses.exercise import answers as answers_mod
    from graphdraw.analyses.exercise import make_sheet
    from graphdraw.formats import output as out
    fmt = _format(fmt, output)
    if answers == "-":
        raise click.UsageError("--answers-template needs a file name (the sheet itself goes "
                               "to standard output)")
    for path in (output, answers):
        if path not in (None, "-"):
            out.check_target(path)
    source, program, leaf_values = load(model, inline, example, settings, values_file, seed)
    leaf_values = _undegenerate(program, leaf_values, settings, values_file, seed, decimals)
    sheet = make_sheet(program, source.name, leaf_values, decimals=decimals)
    if fmt == "tex":
        from graphdraw.analyses.exercise import latex
        text = latex.write(sheet, solutions=solutions, title=title)
    else:
        from graphdraw.analyses.exercise import markdown
        text = markdown.write(sheet, solutions=solutions, title=title)
    if answers:
        hint = f"{source.path} " if source.path else (
            f"--example {example} " if example else "")
        claims = answers_mod.write(sheet, hint)
        out.write_atomic(answers, claims.encode("utf-8"))
        count = sum(1 for line in claims.splitlines() if line and not line.startswith("#"))
        click.echo(f"wrote {answers} ({count} answers)", err=True)
    if output in (None, "-"):
        click.echo(text, nl=False)
        return
    out.write_atomic(output, text.encode("utf-8"))
    click.echo(f"wrote {output} (exercise{' and solutions' if solutions else ''}, {fmt})",
               err=True)


def _undegenerate(program, leaf_values, settings, values_file, seed, decimals) -> dict:
    """The values drawn again from seed + 1, … when the seed's make a degenerate sheet (every
    ReLU dead, a unit at a kink, every derivative 0); the values given are kept."""
    from graphdraw.analyses.exercise import choose
    from graphdraw.cli.options import given_values
    from graphdraw.numeric import values as values_mod
    given = given_values(settings, values_file)
    return choose.choose(program, lambda k: leaf_values if k == 0 else
                         values_mod.leaf_values(program, given, seed + k), decimals)


def _format(fmt: str | None, output: str | None) -> str:
    """--format, else -o's extension, else md; a usage error when they disagree."""
    from graphdraw.formats.registry import extension_of
    ext = "" if output in (None, "-") else extension_of(output)
    named = EXTENSIONS.get(ext)
    if ext and named is None:
        raise click.UsageError(f"exercise writes .md or .tex, not .{ext} (-o {output}); "
                               "give -o FILE.md or -o FILE.tex")
    if fmt and named and fmt != named:
        raise click.UsageError(f"--format {fmt} disagrees with -o {output}: leave --format "
                               "out, or change the extension")
    return fmt or named or "md"
