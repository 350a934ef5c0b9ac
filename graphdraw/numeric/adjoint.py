"""The backward equations as formulas in the user's names, from the op table's derivatives.

An adjoint is kept as a sum of terms, each a number times a product of factors, so that
constants multiply out (½ · 2 (ŷ − y) prints as ŷ − y) and equal terms add up. Named values
get their own equation and are referred to by their adjoint's symbol (∂L/∂ŷ) further down;
unnamed values are inlined. `scalar=True` programs (see scalarize.py) inline everything, so
each entry's derivative is one explicit formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graphdraw import limits, ops
from graphdraw.core import simplify
from graphdraw.lazy import scalar_op
from graphdraw.language.printer import TEXT_LIMIT, Printer
from graphdraw.language.notation import (Piece, all_scalars, apply, name as print_name, number,
                                         transposed, untransposed)
from graphdraw.language.program import Program
from graphdraw.language.terms import Term, merge as _merge, to_piece



@dataclass
class Equation:
    """∂output/∂node = rhs, in one notation."""

    node: str
    lhs: str
    rhs: str
    is_leaf: bool


def symbol(program: Program, node_id: str, mode: str) -> Piece:
    """The name of an adjoint: ∂L/∂ŷ (pretty), dL_dy_hat (plain)."""
    out = program.nodes[program.output]
    node = program.nodes[node_id]
    if mode == "plain":
        return f"d{out.id}_d{node.id}", ops.ATOM
    top, bottom = print_name(out, mode)[0], print_name(node, mode)[0]
    if mode == "latex":
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}", ops.ATOM
    return f"∂{top}/∂{bottom}", ops.ATOM


def _scale(terms: list[Term], factor: Piece, value: float | None) -> list[Term]:
    """Multiply every term by a factor (a number when `value` is known)."""
    if value is not None:
        if value == 0:
            return []
        return [(c * value, f) for c, f in terms]
    return [(c, f + (factor,)) for c, f in terms]


def _number_value(piece: Piece) -> float | None:
    try:
        return float(piece[0].replace("−", "-"))
    except ValueError:
        return None


SHARE_WEIGHT = 24      # an unnamed adjoint with more terms and factors gets its own equation


def equations(program: Program, shapes: dict, mode: str, *, wants: set[str],
              inline: bool = False) -> list[Equation]:
    """The backward equations (see _equations); of a model of scalars only, LaTeX juxtaposes
    its products (`a \\, b`), else it writes an elementwise product `\\odot`."""
    with all_scalars(not any(shapes.values())):
        return _equations(program, shapes, mode, wants=wants, inline=inline)


def _equations(program: Program, shapes: dict, mode: str, *, wants: set[str],
               inline: bool = False) -> list[Equation]:
    """The backward equations from the output down, for named values and gradient leaves.

    `shapes` gives every node's shape (evaluate.check_shapes); `wants` the nodes whose
    adjoint is needed. With `inline`, no symbols are introduced: every equation is explicit.
    """
    # No diagram beside these formulas: an unnamed value is written out, not shown by id.
    printer = Printer(program, mode, shapes, inline_limit=TEXT_LIMIT)
    most_terms = limits.cap("terms")
    output = program.output
    adj: dict[str, list[Term]] = {output: [(1.0, ())]}
    # The shape the printed adjoint has: a reduction's adjoint prints as a scalar that
    # broadcasts, which a matrix product must expand with ones(...).
    adj_shape: dict[str, tuple] = {output: ()}
    result: list[Equation] = []
    for node_id in reversed(list(program.nodes)):
        node = program.nodes[node_id]
        if node_id not in adj:
            continue
        terms = adj.pop(node_id)
        # An unnamed value whose adjoint has grown long gets its own equation, so that
        # the adjoints below it name it instead of repeating it (x·x·…·x stays linear).
        named = node.name is not None or node.is_leaf or (
            not inline and node_id != output and _weight(terms) > SHARE_WEIGHT)
        if named:
            lhs = symbol(program, node_id, mode)[0]
            shown = sorted(terms, key=lambda t: [p[0] for p in t[1]]) if inline else terms
            shown = simplify.simplify(shown, mode)
            result.append(Equation(node_id, lhs, to_piece(shown, mode)[0], node.is_leaf))
            if not inline and not node.is_leaf and node_id != output:
                terms = [(1.0, (symbol(program, node_id, mode),))]
                adj_shape[node_id] = tuple(shapes[node_id])
        if node.op is None:
            continue
        row = ops.OPS[node.op]
        for position, arg in enumerate(node.args):
            if arg not in wants:
                continue
            contribution, shape = _contribution(printer, shapes, adj_shape.get(node_id, ()),
                                                node, row, position, terms, mode)
            if node.plate is not None and program.nodes[arg].plate is None and contribution:
                # A value shared by all samples (a parameter) collects the sum over them.
                total = apply(ops.sample_sum(node.plate), [to_piece(contribution, mode)], mode)
                contribution = [(1.0, (total,))]
            adj[arg] = _merge(adj.get(arg, []), contribution)
            if not all(math.isfinite(c) for c, _ in adj[arg]):
                from graphdraw.errors import GraphdrawError
                raise GraphdrawError(
                    f"a constant factor of the derivative through {node.op} on line "
                    f"{node.line} is past the range of 64-bit floats (about 1.8e308)",
                    hint="scale the constants of the model down")
            adj_shape[arg] = _broadcast(adj_shape.get(arg, ()), shape)
            if len(adj[arg]) > most_terms:
                limits.check("terms", len(adj[arg]), f"the derivative with respect to {arg}",
                             hint="drop --scalar or choose fewer leaves with --wrt, or set "
                                  f"{limits.LIMITS['terms'].variable}=N")
    return result


def _weight(terms: list[Term]) -> int:
    """How long a sum of terms prints, roughly: its terms and factors."""
    return sum(1 + len(factors) for _, factors in terms)


def _broadcast(a: tuple, b: tuple) -> tuple:
    return a if len(a) >= len(b) else b


def _contribution(printer, shapes, g_shape, node, row, position, terms, mode):
    """What the adjoint of `node` sends to its operand at `position`, and its printed shape."""
    operands = dict(zip("ab", node.args), out=node.id)
    local, (coef, factors) = printer.template_product(row.derivs[position], operands)
    combine = row.combines()[position]
    arg = node.args[position]
    out_shape, arg_shape = tuple(shapes[node.id]), tuple(shapes[arg])
    if combine.startswith("matmul") and out_shape == ():
        # a dot product of vectors: the other vector, elementwise (its transpose is itself)
        coef, factors = 1.0, (_column(printer, node.args[1 - position], mode),)
    if row.name == "norm" and all(_has(f, printer.ref(node.id)) for _, f in terms):
        # ḡ = c ‖x‖ …, as ‖x‖² gives: ḡ x/‖x‖ is c … x (‖x‖² differentiates to 2x)
        x = printer.ref(arg)
        return [(c, _without(f, printer.ref(node.id)) + (x,)) for c, f in terms], arg_shape
    fused = simplify.fuse(printer, node, terms) if position == 0 else None
    if fused is not None:       # a fused pair of the op table: σ then BCE is σ(z) − y
        if combine != "elementwise":
            return fused, arg_shape
        terms, coef, factors = fused, 1.0, ()
    if combine == "elementwise" or (combine.startswith("matmul") and out_shape == ()):
        scaled = [(c * coef, f + factors) for c, f in terms] if coef != 0 else []
        shape = _broadcast(g_shape, out_shape if factors else ())
        if combine.startswith("matmul"):
            shape = arg_shape
        if arg_shape != shape and arg_shape == () and scaled:
            # A scalar broadcast over a tensor collects the sum of the adjoint: of two
            # vectors' product, their inner product (sum(w · wᵀ) would read as an outer one)
            inner = _inner_product(printer, shapes, scaled, mode)
            if inner is not None:
                return inner, ()
            return [(1.0, (apply(ops.OPS["sum"], [to_piece(scaled, mode)], mode),))], ()
        if scaled and 0 < len(arg_shape) < len(shape) and \
                tuple(shape[len(shape) - len(arg_shape):]) == arg_shape:
            # a bias added to each row of a batch collects the sum over the rows
            piece = to_piece(scaled, mode)
            for _ in range(len(shape) - len(arg_shape)):
                piece = apply(ops.along("sum", 0), [piece], mode)
            return [(1.0, (piece,))], arg_shape
        return scaled, shape
    if combine.startswith("along:") and out_shape == ():
        # a vector reduced to a scalar: ḡ broadcasts over it as it is, ⊙ D
        scaled = [(c * coef, f + factors) for c, f in terms] if coef != 0 else []
        return scaled, (arg_shape if factors else g_shape)
    g = to_piece(terms, mode)
    if combine.startswith("along:"):
        return [(1.0, (_along_piece(printer, node, g, local, mode, coef),))], arg_shape
    if g_shape != out_shape and combine != "transpose":
        g = apply(ops.OPS["mul"], [g, apply(ops.OPS["ones"], [printer.ref(node.id)], mode)],
                  mode)
    if combine in ("softmax", "log_softmax"):
        piece = _softmax_piece(combine, g, local, mode, len(out_shape))
        return [(1.0, (piece,))], out_shape
    a_shape, b_shape = shapes[node.args[0]], shapes[node.args[-1]]
    if combine == "transpose":
        if len(arg_shape) < 2:          # a vector's transpose is the vector itself
            return terms, g_shape
        return [(1.0, (apply(ops.OPS["transpose"], [g], mode),))], tuple(reversed(g_shape))
    if combine == "matmul_left":
        if len(b_shape) == 1 and len(a_shape) == 2:
            piece = apply(ops.OPS["outer"], [g, printer.ref(node.args[1])], mode)
        else:
            piece = apply(ops.OPS["matmul"], [g, local], mode)
    else:  # matmul_right
        if len(a_shape) == 1 and len(b_shape) == 2:
            piece = apply(ops.OPS["outer"], [printer.ref(node.args[0]), g], mode)
        else:
            piece = apply(ops.OPS["matmul"], [_transposed(printer, node.args[0], local, mode), g],
                          mode)
    if len(out_shape) == 3 and len(arg_shape) == 2:     # shared by a batch: its sum
        piece = apply(ops.along("sum", 0), [piece], mode)
    return [(1.0, (piece,))], arg_shape


def _inner_product(printer, shapes, terms, mode) -> list | None:
    """sum(u ⊙ v) of one term whose factors are two vectors u and v, as the inner product
    uᵀ v (a transpose on either vector is dropped: a vector's transpose is itself), else
    None."""
    if len(terms) != 1 or len(terms[0][1]) != 2:
        return None
    coef, factors = terms[0]
    by_piece = printer.__dict__.get("_node_of_piece")
    if by_piece is None:
        by_piece = printer.__dict__["_node_of_piece"] = {}
        for node_id, piece in printer.refs.items():
            by_piece.setdefault(piece, node_id)
    found = [by_piece.get(f) for f in factors]
    if None in found or any(len(shapes.get(n) or ()) != 1 for n in found):
        return None
    u, v = (untransposed(f, mode) if transposed(f, mode) else f for f in factors)
    tr, mm = ops.OPS["transpose"], ops.OPS["matmul"]
    return [(coef, (apply(mm, [apply(tr, [u], mode), v], mode),))]


def _has(factors: tuple, piece: Piece) -> bool:
    return any(f[0] == piece[0] for f in factors)


def _without(factors: tuple, piece: Piece) -> tuple:
    """The factors with one occurrence of `piece` taken out."""
    at = next(i for i, f in enumerate(factors) if f[0] == piece[0])
    return factors[:at] + factors[at + 1:]


def _softmax_piece(combine: str, g: Piece, d: Piece, mode: str, rank: int) -> Piece:
    """softmax's rule D ⊙ (ḡ − sum(ḡ ⊙ D)) and log_softmax's ḡ − D sum(ḡ), printed. Over
    the rows of a matrix, each row's sum is X ones(ḡᵀ ḡ): X times a square of ones."""
    mul, sub = ops.OPS["mul"], ops.OPS["sub"]

    def total(x: Piece) -> Piece:
        if rank < 2:
            return apply(ops.OPS["sum"], [x], mode)
        square = apply(ops.OPS["matmul"], [apply(ops.OPS["transpose"], [g], mode), g], mode)
        return apply(ops.OPS["matmul"], [x, apply(ops.OPS["ones"], [square], mode)], mode)

    if rank == 2:       # each row's sum, sum(X, -1), lines up with the rows of Xᵀ
        tr, rows = ops.OPS["transpose"], ops.along("sum", -1)
        if combine == "softmax":
            inner = apply(sub, [apply(tr, [g], mode), apply(rows, [apply(mul, [g, d], mode)],
                                                              mode)], mode)
            return apply(mul, [d, apply(tr, [inner], mode)], mode)
        scaled = apply(mul, [apply(tr, [d], mode), apply(rows, [g], mode)], mode)
        return apply(sub, [g, apply(tr, [scaled], mode)], mode)
    if combine == "softmax":
        return apply(mul, [d, apply(sub, [g, total(apply(mul, [g, d], mode))], mode)], mode)
    return apply(sub, [g, apply(mul, [d, total(g)], mode)], mode)


def _along_piece(printer, node, g: Piece, d: Piece, mode: str, coef: float) -> Piece:
    """A reduction along an axis: ḡ with the axis put back, as ḡ ⊙ ones(a) along the first
    axis (broadcasting lines ḡ up with a's last axes), else (ḡᵀ ⊙ ones(a)ᵀ)ᵀ; then ⊙ D."""
    mul, tr, ones = ops.OPS["mul"], ops.OPS["transpose"], ops.OPS["ones"]
    full = apply(ones, [printer.ref(node.args[0])], mode)
    if ops.OPS[node.op].shape.first:
        spread = apply(mul, [g, full], mode)
    else:
        spread = apply(tr, [apply(mul, [apply(tr, [g], mode), apply(tr, [full], mode)], mode)],
                       mode)
    return spread if coef == 1 and d[0] == "1" else apply(mul, [spread, d], mode)


def _column(printer, node_id: str, mode: str) -> Piece:
    """The other vector of a dot product, printed without its transposes (−yᵀ of −yᵀ log ŷ
    sends −y, λ/2 wᵀ of λ/2 wᵀ w sends λ/2 w: printed with ᵀ next to a column, it would read
    back as an inner product); transposes are dropped through −, · and / of the vector."""
    node = printer.program.nodes[node_id]
    if node.name is not None or node.op not in _THROUGH:
        return printer.ref(node_id)
    if node.op == "transpose":
        return printer.ref(node.args[0])
    if not any(_has_transpose(printer.program, arg) for arg in node.args):
        return printer.ref(node_id)
    return apply(ops.OPS[node.op], [_column(printer, arg, mode) for arg in node.args], mode)


_THROUGH = ("transpose", "neg", "mul", "div")


def _has_transpose(program: Program, node_id: str) -> bool:
    node = program.nodes[node_id]
    return node.name is None and node.op in _THROUGH and (
        node.op == "transpose" or any(_has_transpose(program, a) for a in node.args))


def _transposed(printer, node_id: str, local: Piece, mode: str) -> Piece:
    """Aᵀ printed; when A is itself a transpose Bᵀ, just B (never W_iᵀᵀ)."""
    node = printer.program.nodes[node_id]
    if node.op == "transpose" and node.name is None:
        return printer.ref(node.args[0])
    return apply(ops.OPS["transpose"], [local], mode)


def scalar_equations(program: Program, shapes: dict, mode: str,
                     leaves: list[str]) -> list[Equation]:
    """∂output/∂ each entry of the given leaves, each one explicit formula (see scalarize)."""
    from graphdraw.numeric.backprop import needs_grad
    from graphdraw.core.scalarize import scalarize
    scalar = scalarize(program, shapes)
    wanted = {n.id for n in scalar.nodes.values()
              if n.is_leaf and (n.name or n.id) in leaves}
    wants = {n for n in needs_grad(scalar, wanted)}
    found = {e.node: e for e in equations(scalar, {k: () for k in scalar.nodes}, mode,
                                          wants=wants, inline=True) if e.is_leaf}
    # Leaves that the output does not depend on have the derivative 0.
    out = []
    for node_id, node in scalar.nodes.items():
        if node_id in wanted:
            out.append(found.get(node_id) or
                       Equation(node_id, symbol(scalar, node_id, mode)[0],
                                number("0", mode)[0], True))
    return out


__all__ = ["Equation", "equations", "scalar_equations", "symbol", "to_piece", "scalar_op"]
