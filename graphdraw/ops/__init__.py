"""The op table and its shape rules: the layer every other stage reads.

Adding an op is adding one row to `table.ROWS`; everything else (parsing its name, printing,
backprop, the checks against torch, `graphdraw ops`) follows from the row.
"""

from graphdraw.ops.table import (ADD, ATOM, COMBINES, FUNCTIONS, MUL, NEG, OPS, POSTFIX, POW,
                                 ROWS, SUM, T, Op, function_names, sample_sum, unbroadcast)

__all__ = ["ADD", "ATOM", "COMBINES", "FUNCTIONS", "MUL", "NEG", "OPS", "POSTFIX", "POW", "ROWS",
           "SUM", "T", "Op", "function_names", "sample_sum", "unbroadcast"]
