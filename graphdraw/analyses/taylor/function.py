"""What FUNCTION names: an elementwise op of the table, or an expression in one variable."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from graphdraw import ops
from graphdraw.analyses.taylor.sympy_ops import load_sympy, program_sympy, sympy_functions, sympy_of
from graphdraw.errors import GraphdrawError, LimitError
from graphdraw.lazy import np
from graphdraw.ops import shapes

MAX_EXPRESSION_OPS = 200   # a FUNCTION expression's size (sympy recurses over it)


@dataclass
class Function:
    """A function of one variable: its sympy form, its numpy form and how it prints."""

    expr: object                  # sympy expression in `symbol`
    symbol: object                # the sympy Symbol
    variable: str                 # its name, pretty (x)
    pretty: str                   # σ(x)
    plain: str                    # sigmoid(x)
    numeric: object               # numpy: array -> array
    row: ops.Op | None = None     # when FUNCTION names an op
    latex: str = ""


def resolve(text: str) -> Function:
    """The function FUNCTION names: an elementwise op, or an expression in one variable."""
    text = text.strip()
    if not text:
        raise GraphdrawError("give a function: an op such as sigmoid, or an expression in x "
                             "such as 'x σ(x)'")
    if re.fullmatch(r"[^\W\d]\w*|σ|√|Σ", text):
        return _op_function(text)
    return _expression_function(text)


def _op_function(name: str) -> Function:
    sp = load_sympy()
    row = ops.FUNCTIONS.get(name)
    if row is None:
        row = ops.OPS.get(name)
    if row is None:
        raise _unknown(name)
    if row.arity != 1:
        raise GraphdrawError(f"'{name}' takes {row.arity} operands; taylor expands a function "
                             "of one variable",
                             hint="write it as an expression in x, e.g. graphdraw taylor "
                                  + (f"'{name}(x, 0)'" if row.style == "call" else "'x^3'"))
    if row.shape is not shapes.same:
        kind = {shapes.reduce: "a reduction of a tensor to a number",
                shapes.transpose: "a transpose"}.get(row.shape, "not elementwise")
        raise GraphdrawError(f"'{name}' is {kind}, not an elementwise function: taylor "
                             "expands elementwise functions of one variable (sigmoid, tanh, "
                             "exp, …)", hint="graphdraw ops lists the operations")
    x = sp.Symbol("x", real=True)
    symbol = row.symbol_pretty if row.style == "call" else row.name
    forward = row.forward

    def numeric(xs):
        with np.errstate(all="ignore"):       # outside the domain: NaN, left out of plots
            return np.asarray(forward(np.asarray(xs, dtype=float)), dtype=float)

    expanded = sympy_of(sympy_functions(), row.name)(x)
    return Function(expanded, x, "x", f"{symbol}(x)", f"{row.name}(x)", numeric, row=row,
                    latex=_latex_call(row))


def _unknown(name: str) -> GraphdrawError:
    """The error for a name no row has, with the closest unary function as a hint."""
    # As the parser does: aliases spelt out (sigma for σ) lead to their row's own name.
    from graphdraw.language.names import canonical
    unary = {alias: r.name for alias, r in ops.FUNCTIONS.items()
             if r.arity == 1 and r.shape is shapes.same}
    unary.update({canonical(alias): row_name for alias, row_name in list(unary.items())})
    close = difflib.get_close_matches(name, list(unary), n=1, cutoff=0.5)
    return GraphdrawError(f"unknown function '{name}'",
                          hint=f"did you mean '{unary[close[0]]}'?" if close else
                          f"the elementwise functions are: "
                          f"{', '.join(sorted(set(unary.values())))}; or write an "
                          "expression in x, e.g. 'x^2 σ(x)'")


def _latex_call(row: ops.Op) -> str:
    command = row.latex or row.name
    if "{0}" in command:
        return command.replace("{{{0}}}", "{x}").replace("{0}", "x")
    return rf"{command}(x)" if command.startswith("\\") else rf"\mathrm{{{command}}}(x)"


def _expression_function(text: str) -> Function:
    from graphdraw.language import names
    from graphdraw.language import parser
    sp = load_sympy()
    program = parser.parse(f"f_ = {text}", "<FUNCTION>")
    leaves = [n for n in program.nodes.values() if n.is_leaf]
    if len(leaves) > 1:
        raise GraphdrawError(f"the function has {len(leaves)} variables "
                             f"({', '.join(n.id for n in leaves)}); taylor expands a function "
                             "of one variable",
                             hint="replace the others by numbers")
    computed = [n for n in program.nodes.values() if n.op is not None]
    if len(computed) > MAX_EXPRESSION_OPS:
        raise LimitError(f"the function has {len(computed)} operations; taylor expands "
                         f"expressions of at most {MAX_EXPRESSION_OPS}")
    name = leaves[0].id if leaves else "x"
    x = sp.Symbol(name, real=True)
    expr = program_sympy(program, {n.id: x for n in leaves})
    return Function(expr, x, names.pretty(name), text, text, _program_numeric(program),
                    latex=sp.latex(expr))


def _program_numeric(program):
    """The program as a numpy function of its one leaf (NaN outside the domain)."""
    def numeric(xs):
        xs = np.asarray(xs, dtype=float)
        out: dict = {}
        with np.errstate(all="ignore"):
            for node in program.nodes.values():
                if node.is_leaf:
                    out[node.id] = xs
                elif node.is_const:
                    out[node.id] = np.asarray(node.value, dtype=float)
                else:
                    out[node.id] = np.asarray(ops.OPS[node.op].forward(
                        *[out[a] for a in node.args]), dtype=float)
        return np.broadcast_to(out[program.output], xs.shape)

    return numeric
