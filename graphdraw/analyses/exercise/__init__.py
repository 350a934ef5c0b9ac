"""`graphdraw exercise`: the exercise of sheet 6.2 written for any model, with its solution key.

`sheet` gathers what the exercise says (the model, its leaves and their values, how many
parameters each holds, the per-entry derivatives and their numbers); `markdown` and `latex`
write it; `answers` writes the solutions as an answers file that `graphdraw verify --answers`
grades.
"""

from graphdraw.analyses.exercise.sheet import Sheet, make_sheet

__all__ = ["Sheet", "make_sheet"]
