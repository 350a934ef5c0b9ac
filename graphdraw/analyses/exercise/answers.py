"""The solutions of part (b) as an answers file: what `graphdraw verify --answers` grades.

One claim a line, `∂L/∂W_i[1,2] = …` (or `∂L/∂b = …` for a whole array) in graphdraw's pretty notation (which its parser reads
back), `#` comments. A teaching assistant hands out the sheet, students write the same
lines, and verify grades them against backprop.
"""

from __future__ import annotations

from graphdraw.analyses.exercise.sheet import Sheet


def _json(value) -> str:
    """A value as --set takes it, without spaces: 1, -0.5, [1,0]."""
    import json
    import re
    from graphdraw.lazy import np
    text = json.dumps(np.asarray(value, dtype=float).tolist(), separators=(",", ":"))
    return re.sub(r"(?<=\d)\.0(?=[,\]]|$)", "", text)


def write(sheet: Sheet, model_hint: str) -> str:
    """The answers file of a sheet; `model_hint` is how to name the model to verify. When
    an op cannot be written one entry at a time, one whole-array claim a parameter
    (∂L/∂b = …, written out in full), which verify grades the same way."""
    grads = sheet.gradients
    what = "each parameter entry" if sheet.scalar else "each parameter, as a whole array"
    lines = [f"# Solutions to (b) of the exercise on {sheet.source_name}: "
             f"∂{sheet.output[0]}/∂ {what}, one a line",
             f"# grade a file like this one with: graphdraw verify {model_hint}--answers FILE",
             "# the sheet's values (verify reads them: a number copied from the key is judged "
             "at them)",
             "# values: " + " ".join(f"{leaf.id}={_json(leaf.value)}" for leaf in sheet.leaves)]
    if sheet.scalar:
        lines += [f"{e.lhs} = {e.rhs}" for e in grads.equations("pretty")
                  if e.node in grads.entries]
    else:
        from graphdraw.numeric import adjoint, backprop
        program = sheet.program
        wanted = {leaf.id for leaf in sheet.params}
        equations = adjoint.equations(program, grads.shapes, "pretty", inline=True,
                                      wants=backprop.needs_grad(program, wanted))
        lines += [f"{e.lhs} = {e.rhs}" for e in equations if e.node in wanted]
    return "\n".join(lines) + "\n"
