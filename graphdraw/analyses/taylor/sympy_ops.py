"""Each op row's sympy counterpart, and parsed programs translated through them to sympy.

This package is the only one that imports sympy, and only when a function here is called.
"""

from __future__ import annotations

from fractions import Fraction

from graphdraw import ops
from graphdraw.errors import ToolMissing
from graphdraw.ops import shapes


def load_sympy():
    """The sympy module, imported on first use."""
    try:
        import sympy
    except ImportError as exc:
        raise ToolMissing(f"graphdraw taylor needs sympy, which could not be imported ({exc})",
                          hint="pip install sympy (make demo installs it)") from None
    return sympy


def sympy_functions() -> dict:
    """op name -> the same function on sympy expressions (every elementwise row has one).

    The ops that reshape tensors (transpose, sum, mean, matmul, outer, size) are included in
    their scalar forms, so that any scalar expression in the language translates.
    """
    sp = load_sympy()
    # rows that carry their sympy form (`Op.sympy`), then the first rows of the table
    from_rows = {row.name: (lambda row: lambda *xs: row.sympy(sp, *xs))(row)
                 for row in ops.ROWS if row.sympy is not None}
    return from_rows | {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "pow": lambda a, b: a ** b,
        "neg": lambda a: -a,
        "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
        # tanh as 1 − 2/(exp(2a) + 1): sympy's derivatives of tanh itself swell quickly
        "tanh": lambda a: 1 - 2 / (sp.exp(2 * a) + 1),
        "relu": lambda a: sp.Max(a, 0),
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "abs": sp.Abs,
        "softplus": lambda a: sp.log(1 + sp.exp(a)),
        "max": sp.Max,
        "min": sp.Min,
        "ones": lambda a: sp.Integer(1),
        "id": lambda a: a,
        "step": lambda a: sp.Heaviside(a, 0),        # step(0) = 0, as the row
        "sign": sp.sign,
        # scalar forms: a scalar is its own transpose, sum and mean; its size is 1
        "transpose": lambda a: a,
        "sum": lambda a: a,
        "mean": lambda a: a,
        "size": lambda a: sp.Integer(1),
        "matmul": lambda a, b: a * b,
        "outer": lambda a, b: a * b,
    }


def elementwise_rows() -> list[ops.Op]:
    """The rows that act entry by entry (unary or binary, broadcasting)."""
    return [row for row in ops.ROWS if row.shape in (shapes.same, shapes.broadcast)]


def exact_constant(sp, node):
    """A folded constant as an exact rational: its text (1/3) when that is a plain number."""
    for candidate in (node.text, repr(node.value)):
        try:
            return sp.Rational(Fraction(candidate.replace("−", "-")))
        except (ValueError, ZeroDivisionError, TypeError):
            continue
    return sp.Float(node.value)


def sympy_of(table: dict, op_name: str):
    """The sympy form of an op from `sympy_functions()`, or the error saying how to add it."""
    found = table.get(op_name)
    if found is None:
        from graphdraw.errors import GraphdrawError
        raise GraphdrawError(f"the op '{op_name}' has no sympy form, so it cannot be expanded "
                             "or simplified symbolically",
                             hint=f"give its row in graphdraw/ops/ a sympy form, e.g. "
                                  f"sympy=lambda sp, a: sp.{op_name}(a)")
    return found


def program_sympy(program, bindings: dict):
    """A parsed program's output as a sympy expression, its leaves bound by `bindings`."""
    sp = load_sympy()
    table = sympy_functions()
    values: dict = {}
    for node in program.nodes.values():          # the flat node list: no recursion
        if node.is_leaf:
            values[node.id] = bindings[node.id]
        elif node.is_const:
            values[node.id] = exact_constant(sp, node)
        else:
            values[node.id] = sympy_of(table, node.op)(*[values[a] for a in node.args])
    return values[program.output]


def template_sympy(template: str, bindings: dict):
    """A local-derivative template (text over a, b, out) as a sympy expression."""
    from graphdraw.language.parser import parse
    return program_sympy(parse("t_ = " + template, syntax="plain"), bindings)
