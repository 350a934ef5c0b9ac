"""Taylor series of the op table's elementwise functions (exercise 6.1), derived with sympy.

Each elementwise row has a sympy counterpart in `sympy_functions` (a test checks that every
row has one and that it agrees with the row's numpy forward). A function is named by its
op (`sigmoid`, `σ`, `tanh`) or written as an expression in one variable in graphdraw's own
language (`x σ(x)`, `log(1 + exp(x))`); the expression is parsed by graphdraw's parser and
translated node by node, so no user text ever reaches sympy's parser.

From the bottom up: notation (how numbers, powers and sums print), sympy_ops (the rows in
sympy; the only import of sympy, lazy), function (what FUNCTION names), derivative (the op
table's derivative checked against sympy), series (the expansion), text (text and JSON),
plot (the picture, and the matplotlib helpers saddle and train share).
"""

from __future__ import annotations

from graphdraw.analyses.taylor.derivative import derivative_identity
from graphdraw.analyses.taylor.function import MAX_EXPRESSION_OPS, Function, resolve
from graphdraw.analyses.taylor.plot import figure_bytes, plot, plot_format, pyplot
from graphdraw.analyses.taylor.series import (MAX_DERIVATIVE_OPS, MAX_ORDER, MAX_POWER,
                                              NotAnalytic, Series, Term, expand)
from graphdraw.analyses.taylor.sympy_ops import elementwise_rows, sympy_functions
from graphdraw.analyses.taylor.text import (format_text, polynomial_text, remainder_text,
                                            term_text, to_json)

__all__ = ["Function", "Series", "Term", "resolve", "expand", "format_text", "pyplot",
           "figure_bytes", "plot_format",
           "polynomial_text", "remainder_text", "to_json", "plot", "sympy_functions",
           "elementwise_rows", "derivative_identity", "NotAnalytic", "term_text",
           "MAX_ORDER", "MAX_POWER", "MAX_DERIVATIVE_OPS", "MAX_EXPRESSION_OPS"]
