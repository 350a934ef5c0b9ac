"""`graphdraw ops` and `graphdraw examples`: the op table and the built-in models."""

from __future__ import annotations

import json

import click

from graphdraw import ops
from graphdraw.cli.group import cli
from graphdraw.errors import GraphdrawError
from graphdraw.language import examples


@cli.command("ops")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def ops_command(as_json: bool) -> None:
    """List the operations: names, arity, local derivatives, torch autograd nodes.

    Local derivatives are written over the operands a, b and the result out, in the
    equation language; 'combine' says how each meets the adjoint ḡ of the result
    (elementwise: ḡ ⊙ D; matmul_left: ḡ D; matmul_right: Dᵀ ḡ; transpose: (ḡ ⊙ D)ᵀ;
    softmax: D ⊙ (ḡ − ⟨ḡ, D⟩); log_softmax: ḡ − D ⟨ḡ, 1⟩).

    \b
    Examples:
      graphdraw ops
      graphdraw ops --json | jq '.[] | select(.name == "sigmoid")'
    """
    from graphdraw.language.templates import print_template
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
    from graphdraw.language.notation import apply
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
        width = max(len(item) for item in examples.names())
        for item in examples.names():
            mark = " (default)" if item == examples.DEFAULT else ""
            click.echo(f"{item:<{width}} {examples.summary(item)}{mark}")
        return
    if name not in examples.names():
        raise GraphdrawError(f"no built-in example named '{name}'",
                             hint=f"the examples are: {', '.join(examples.names())}")
    click.echo(examples.text(name), nl=False)
