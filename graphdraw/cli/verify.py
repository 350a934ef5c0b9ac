"""`graphdraw verify`: a person's derivative checked against graphdraw's, with a diagnosis."""

from __future__ import annotations

import json
import os

import click

from graphdraw.cli.group import cli
from graphdraw.cli.options import given_values, model_options, value_options


@cli.command()
@model_options
@value_options
@click.option("--claim", "claim_texts", multiple=True, metavar="'∂U/∂V = EXPR'",
              help="A derivative to check (repeatable): ∂U/∂V = EXPR, dU/dV = EXPR or "
                   r"\frac{\partial U}{\partial V} = EXPR, V may be an entry (W_i[1,2]).")
@click.option("--answers", "answers_file", metavar="FILE",
              help="A file of claims, one a line (# and % start comments), graded as a table "
                   "with a score.")
@click.option("--only-answered", is_flag=True,
              help="With --answers: grade only the claims in the file (by default the "
                   "parameters' entries it does not answer count as wrong and are listed).")
@click.option("--points", type=click.IntRange(min=0, max=10_000), default=100,
              show_default=True, help="How many random points both sides are compared at, "
                                      "besides the given values.")
@click.option("--show-answer", is_flag=True, help="Also print the right formula.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
def verify(model, inline, example, settings, values_file, seed, claim_texts, answers_file,
           only_answered, points, show_answer, as_json) -> None:
    """Check a derivative worked out by hand against graphdraw's own.

    A claim is ∂U/∂V = EXPR, with U and V names of the model and EXPR in graphdraw's
    language (plain or LaTeX) over the model's names. Both sides are evaluated at the given
    values (--set, --values, --seed) and at --points random points. A wrong claim gets a
    diagnosis: the sign, a constant factor, transposed, a missing or extra factor of the
    chain rule (named), the entries that are wrong. Exit 0 when every claim holds, 8 when
    one does not.

    \b
    Examples:
      graphdraw verify --claim '∂L/∂W_o = (ŷ − y) ŷ (1 − ŷ) z'
      graphdraw verify --claim 'dL/db_o = (y_hat - y) y_hat (1 - y_hat)'
      graphdraw verify --claim '\\frac{\\partial L}{\\partial b_o} = (\\hat{y} - y)'
      graphdraw verify --answers answers.txt       # a graded table and a score
      graphdraw verify --claim '∂L/∂b_a = 0' --show-answer --json
    """
    from graphdraw.analyses.verify.report import to_text
    from graphdraw.errors import EXIT_CLAIM, GraphdrawError, Source
    if not claim_texts and not answers_file:
        raise click.UsageError("give a claim to check: --claim '∂L/∂b_o = …' or --answers "
                               "FILE")
    if answers_file and not os.path.isfile(answers_file):
        raise click.BadParameter(f"no such answers file: {answers_file}",
                                 param_hint="--answers")
    texts = [(text, Source(text, "<claim>" if len(claim_texts) == 1 else f"<claim {k}>"),
              1, 0) for k, text in enumerate(claim_texts, start=1)]
    try:
        result = _run(model, inline, example, settings, values_file, seed, texts,
                      answers_file, only_answered, points, show_answer)
    except GraphdrawError as exc:
        if not as_json:
            raise
        from graphdraw.errors import user_message
        click.echo(json.dumps({"ok": False, "error": user_message(exc)}, ensure_ascii=False,
                              indent=1))
        click.get_current_context().exit(exc.exit_code)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(to_text(result), nl=False)
    if not result.ok:
        click.get_current_context().exit(EXIT_CLAIM)


def _run(model, inline, example, settings, values_file, seed, texts, answers_file,
         only_answered, points, show_answer):
    """Read the model and the answers file, and verify every claim."""
    from graphdraw.analyses.verify import answers as answers_mod
    from graphdraw.analyses.verify.report import verify as run
    from graphdraw.language import parser
    from graphdraw.language.source import read_model
    source = read_model(model, inline, example)
    program = parser.parse(source.text, source.name)
    prose: list[int] = []
    given, sheet = given_values(settings, values_file), {}
    if answers_file:
        found, prose, sheet = answers_mod.read_answers(answers_file)
        texts = texts + found
        given = {**sheet, **given}            # --set and --values win over the file's values
    note = (f"{'--set/--values and ' if settings or values_file else ''}"
            f"{'the values in ' + answers_file + ' and ' if sheet else ''}seed {seed}")
    return run(program, given, texts, count=points,
               seed=seed, show_answer=show_answer, keep_going=bool(answers_file),
               source_name=source.name, note=note, answers=answers_file, prose=prose,
               complete=bool(answers_file) and not only_answered)
