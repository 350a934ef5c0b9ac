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
SEVERAL_KEY = "graphdraw.several"    # ctx.meta: set when a run reads several models


def report(source_name: str, text: str, notes: list[str]) -> None:
    """Print the model's notes to standard error, each once per command run."""
    if not notes:
        return
    click = sys.modules.get("click")
    ctx = click.get_current_context(silent=True) if click is not None else None
    if ctx is None:
        return
    printed = ctx.find_root().meta.setdefault(NOTES_KEY, set())
    whose = prefix(source_name)
    for note in notes:
        key = (source_name, hash(text), note)
        if key in printed:
            continue
        printed.add(key)
        print(f"graphdraw: note: {whose}{note}", file=sys.stderr)


def prefix(source_name: str) -> str:
    """'NAME: ' before a note when the command run reads several models, so that each note
    says which model it is about; '' otherwise."""
    click = sys.modules.get("click")
    ctx = click.get_current_context(silent=True) if click is not None else None
    several = ctx is not None and ctx.find_root().meta.get(SEVERAL_KEY)
    return f"{source_name}: " if several else ""
