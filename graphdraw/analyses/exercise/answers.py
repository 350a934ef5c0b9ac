"""The solutions of part (b) as an answers file: what `graphdraw verify --answers` grades.

One claim a line, `∂L/∂W_i[1,2] = …` in graphdraw's pretty notation (which its parser reads
back), `#` comments. A teaching assistant hands out the sheet, students write the same
lines, and verify grades them against backprop.
"""

from __future__ import annotations

from graphdraw.analyses.exercise.sheet import Sheet


def write(sheet: Sheet, model_hint: str) -> str:
    """The answers file of a sheet; `model_hint` is how to name the model to verify."""
    from graphdraw.errors import GraphdrawError
    grads = sheet.gradients
    if not sheet.scalar:
        raise GraphdrawError("this model's derivatives cannot be written one entry at a time "
                             "(grads --scalar cannot expand one of its ops), so it has no "
                             "answers file",
                             hint="leave --answers-template out; the sheet's key gives the "
                                  "backward equations")
    lines = [f"# Solutions to (b) of the exercise on {sheet.source_name}: "
             f"∂{sheet.output[0]}/∂ each parameter entry, one a line",
             f"# grade a file like this one with: graphdraw verify {model_hint}--answers FILE"]
    lines += [f"{e.lhs} = {e.rhs}" for e in grads.equations("pretty") if e.node in grads.entries]
    return "\n".join(lines) + "\n"
