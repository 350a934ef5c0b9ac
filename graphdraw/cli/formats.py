"""`graphdraw formats`: the output formats of the registry, with what each writes."""

from __future__ import annotations

import json

import click

from graphdraw.cli.group import cli


@cli.command("formats")
@click.option("--json", "as_json", is_flag=True, help="Print the formats as JSON.")
def formats_command(as_json: bool) -> None:
    """List the output formats of `graphdraw render`: name, file extension, what it is.

    \b
    Examples:
      graphdraw formats
      graphdraw formats --json | jq '.[].extension'
    """
    from graphdraw.formats import registry
    rows = []
    for name in registry.names():
        fmt = registry.get(name)
        rows.append({"name": fmt.name, "extension": fmt.extension, "summary": fmt.summary,
                     "needs_values": fmt.values, "shows_numbers": fmt.numbers})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    name_width = max(6, *(len(row["name"]) for row in rows))
    extension_width = max(6, *(len(row["extension"]) + 1 for row in rows))
    for row in rows:
        click.echo(f"{row['name']:<{name_width}} {'.' + row['extension']:<{extension_width}} "
                   f"{row['summary']}")
