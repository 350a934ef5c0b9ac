"""The op table and its shape rules: the layer every other stage reads.

Adding an op is adding one row to a family's `ROWS` (table.py, elementwise.py,
reductions.py, losses.py); everything else (parsing its name, printing,
backprop, the checks against torch, `graphdraw ops`) follows from the row.
"""

from graphdraw.ops.table import (ADD, ATOM, CALLS, COMBINES, FUNCTIONS, MUL, NEG, OPS, POSTFIX,
                                 POW, ROWS, SUM, T, Op, call, function_names, sample_sum,
                                 unbroadcast)
from graphdraw.ops.along import along
from graphdraw.ops.clamp import clamp

__all__ = ["along", "clamp", "ADD", "ATOM", "CALLS", "COMBINES", "FUNCTIONS", "MUL", "NEG", "OPS", "POSTFIX", "POW",
           "ROWS", "SUM", "T", "Op", "call", "function_names", "sample_sum", "unbroadcast"]
