"""Notes: where the parser read the text one way among several, it says which (README, "How
graphdraw reads what could be read two ways").

A note is collected while reading (one per rule and name, however often the text repeats it),
kept on the Program, and printed to standard error once per model and command run:

    graphdraw: note: read 'W x' as a matrix product because W looks like a matrix (capital
    letter); write W * x for a scaling

Notes never change standard output, and outside a command (the Python API) they are only kept
on `Program.notes`.
"""

from __future__ import annotations

import sys

NOTES_KEY = "graphdraw.notes"        # click's ctx.meta: the notes already printed in this run


def report(source_name: str, text: str, notes: list[str]) -> None:
    """Print the model's notes to standard error, each once per command run."""
    if not notes:
        return
    click = sys.modules.get("click")
    ctx = click.get_current_context(silent=True) if click is not None else None
    if ctx is None:
        return
    printed = ctx.find_root().meta.setdefault(NOTES_KEY, set())
    for note in notes:
        key = (source_name, hash(text), note)
        if key in printed:
            continue
        printed.add(key)
        print(f"graphdraw: note: {note}", file=sys.stderr)
