"""The symbolic form of each shape rule of ops/shapes.py: constraints for the solver.

A rule of the op table (`shapes.broadcast`, `shapes.matmul`, ...) computes a result's shape
from known operand shapes. Its form here states the same rule as constraints between shape
variables (core/unify.py), so that sizes flow both ways and unknown sizes stay variables.
Forms are keyed by the rule, never by an op's name: a new row that uses an existing rule is
inferred at once; a row with a rule that has no form is inferred only once its operands'
shapes are known (core/infer.py, `concrete_form`).

A form is called as `form(solver, out, args, level)` and returns True once the constraint
holds for good, False while it waits for more knowledge. `level` says which defaults the form
may choose when nothing forces a choice (see core/infer.py for the order):
  FORCED   only what the constraint implies
  RANKS    an operand of a matrix product (or of softmax) of unknown rank takes the rank its
           names suggest (a capital name reads as a matrix, as in juxtaposition; solver.hints)
  RESULTS  an elementwise result whose rank is known needs an operand of that rank: the
           operand that looks like it (solver.hints), else the first, takes the result's shape
           (a class loss: its target's rank, see `classes`)
  SIZES    broadcast sizes that could be 1 or equal are taken equal
"""

from __future__ import annotations

import functools
from typing import Callable

from graphdraw.core.unify import Contradiction, Solver
from graphdraw.ops import shapes

FORCED, RANKS, RESULTS, SIZES = 0, 1, 2, 4
MATMUL_RANKS = (1, 2, 3)    # as shapes.matmul: vectors, matrices, batches of matrices

Form = Callable[[Solver, int, tuple, int], bool]


def same(s: Solver, out: int, args: tuple, level: int) -> bool:
    s.unify(out, args[0])
    return True


def reduce(s: Solver, out: int, args: tuple, level: int) -> bool:
    """A whole tensor to a scalar (core/infer.py makes a leaf of unknown rank reduced here a
    tensor before any leaf is taken for a scalar)."""
    s.unify(out, s.shape(()))
    return True


def transpose(s: Solver, out: int, args: tuple, level: int) -> bool:
    """Axes swapped (a vector stays a vector; core/infer.py makes a leaf of unknown rank
    transposed here a vector or a matrix: wᵀ marks w as one)."""
    for src, dst in ((args[0], out), (out, args[0])):
        dims = s.dims(src)
        if dims is not None:
            swapped = dims[:-2] + (dims[-1], dims[-2]) if len(dims) >= 3 else dims[::-1]
            s.unify(dst, s.shape(tuple(swapped)))
            return True
    return False


def outer(s: Solver, out: int, args: tuple, level: int) -> bool:
    a, b = s.fresh(1), s.fresh(1)
    try:
        s.unify(args[0], a)
        s.unify(args[1], b)
    except Contradiction:
        raise Contradiction("an outer product needs two vectors") from None
    s.unify(out, s.shape(s.dims(a) + s.dims(b)))
    return True


def matmul(s: Solver, out: int, args: tuple, level: int) -> bool:
    for t in args:
        if s.rank(t) is not None and s.rank(t) not in MATMUL_RANKS:
            raise Contradiction("a matrix product needs vectors, matrices or batches of "
                                "matrices (3-D)")
    if level >= RANKS:
        for t in args:
            if s.rank(t) is None:
                hint = s.hints.get(t) or 1
                s.unify(t, s.fresh(min(max(hint, MATMUL_RANKS[0]), 2)))
    da, db = s.dims(args[0]), s.dims(args[1])
    if da is None or db is None:
        return False
    if 3 in (len(da), len(db)) and 1 in (len(da), len(db)):
        raise Contradiction(shapes.BATCH_VECTOR)
    try:
        s.unify_sizes(da[-1], db[0] if len(db) == 1 else db[-2])
    except Contradiction:
        raise Contradiction("inner sizes differ") from None
    batch = _batch(s, da[:-2], db[:-2])
    s.unify(out, s.shape(batch + da[-2:-1] + db[-1:] if len(db) >= 2 else batch + da[-2:-1]))
    return True


def _batch(s: Solver, ba: tuple, bb: tuple) -> tuple:
    """The batch axis of a product (at most one): of one size on both sides, or shared by a
    matrix."""
    if ba and bb:
        try:
            s.unify_sizes(ba[0], bb[0])
        except Contradiction:
            raise Contradiction("the two batches have different sizes") from None
    return ba or bb


def broadcast(s: Solver, out: int, args: tuple, level: int) -> bool:
    """numpy broadcasting: shapes align from the right, a size 1 stretches."""
    ranks = [s.rank(t) for t in args]
    if None in ranks:
        return _broadcast_ranks(s, out, args, ranks, level)
    rank = max(ranks)
    if s.dims(out) is None:
        s.unify(out, s.fresh(rank))
    out_dims = s.dims(out)
    if len(out_dims) != rank:
        raise Contradiction("cannot broadcast")
    settled = True
    for pos in range(1, rank + 1):
        column = [s.dims(t)[-pos] for t in args if len(s.dims(t)) >= pos]
        settled &= _broadcast_size(s, out_dims[-pos], column, level)
    return settled


def _broadcast_ranks(s: Solver, out: int, args: tuple, ranks: list, level: int) -> bool:
    """Broadcasting while some operand's rank is unknown: scalars drop out (a scalar with X
    gives X); a result of known rank may, at level RESULTS, give its shape to an operand."""
    rest = [t for t, r in zip(args, ranks) if r != 0]
    if len(rest) == 1:
        s.unify(out, rest[0])
        return True
    out_rank = s.rank(out)
    if level >= RESULTS and out_rank is not None and out_rank not in ranks:
        unknown = [t for t, r in zip(args, ranks) if r is None]
        alike = [t for t in unknown if s.hints.get(t) == out_rank]
        s.unify((alike or unknown)[0], out)
        return broadcast(s, out, args, FORCED) if None not in map(s.rank, args) else False
    return False


def _broadcast_size(s: Solver, out: int, column: list[int], level: int) -> bool:
    """One aligned position: the operands' sizes `column` give the result's size `out`."""
    known = {s.size_value(d) for d in column} - {None}
    unknown = [d for d in column if s.size_value(d) is None]
    stretched = known - {1}
    if len(stretched) > 1:
        raise Contradiction("cannot broadcast")
    if stretched:
        s.set_size(out, stretched.pop())
    elif not unknown:
        s.set_size(out, 1)
    elif len({s.find_size(d) for d in unknown}) == 1:
        s.unify_sizes(out, unknown[0])
        return True
    if not unknown:
        return True
    if level >= SIZES:                 # 1 or equal: taken equal
        for d in unknown:
            s.unify_sizes(out, d)
        return True
    return False


def same_pair(s: Solver, out: int, args: tuple, level: int) -> bool:
    try:
        s.unify(args[0], args[1])
    except Contradiction:
        raise Contradiction("the two operands need the same shape") from None
    s.unify(out, s.shape(()))
    return True


def classes(s: Solver, out: int, args: tuple, level: int) -> bool:
    """A class loss (cross_entropy, nll_loss) of scores a and a target b, by torch's rule: b
    holds probabilities when it has a's shape (one sample's vector), class indices when it
    has one axis less (a number for a vector of scores; N for N×C scores, one row a sample).
    A target of unknown rank beside a vector of scores holds probabilities (at RANKS); a
    vector target beside scores of unknown rank holds class indices when its values say so
    (whole numbers, not one-hot: solver.class_values) or the scores' name reads as a matrix,
    and the choice is kept for a note (solver.class_choices)."""
    a, b = args
    s.unify(out, s.shape(()))
    ra, rb = s.rank(a), s.rank(b)
    if ra is not None and ra not in (1, 2):
        raise Contradiction("the scores are a vector (one sample) or a matrix (one row a "
                            "sample)")
    if rb is not None and rb > 2:
        raise Contradiction(shapes.CLASS_TARGETS)
    if ra is None:
        if rb == 0:
            s.unify(a, s.fresh(1))
        elif rb == 2:
            s.unify(a, b)
        elif rb is None or level < RANKS:
            if rb is None and level >= RANKS:
                s.unify(a, s.fresh(2 if s.hints.get(a) == 2 else 1))
                return classes(s, out, args, level)
            return False
        else:
            given = [k for t, k in s.class_values.items() if s.find(t) == s.find(b)]
            index = given == ["indices"] or s.hints.get(a) == 2
            s.unify(a, s.shape(s.dims(b) + (s.size(),)) if index else b)
            s.class_choices.append((out, index))
        return classes(s, out, args, FORCED)
    if rb is None:
        if ra == 1 and level < RANKS:
            return False
        s.unify(b, a if ra == 1 else s.shape(s.dims(a)[:-1]))
        return True
    if rb == ra == 2:
        raise Contradiction("probability targets are one sample's vector (for a batch, write "
                            "1/N Σ_n cross_entropy(z_n, y_n), or give class indices: a vector "
                            "of N for N×C scores)")
    try:
        if rb == ra:
            s.unify(a, b)
        elif rb == ra - 1:
            s.unify(b, s.shape(s.dims(a)[:-1]))
        else:
            raise Contradiction(shapes.CLASS_TARGETS)
    except Contradiction as exc:
        raise Contradiction(f"{exc}; {shapes.CLASS_TARGETS}" if str(exc) !=
                            shapes.CLASS_TARGETS else str(exc)) from None
    return True


def one_hot(s: Solver, out: int, args: tuple, level: int) -> bool:
    """onehot(c, z): c's shape and z's last axis; scores of unknown rank are, at RANKS, a
    vector (or a matrix, when the name reads as one)."""
    if s.dims(args[1]) is None and level >= RANKS:
        s.unify(args[1], s.fresh(2 if s.hints.get(args[1]) == 2 else 1))
    dc, dz = s.dims(args[0]), s.dims(args[1])
    if dz is not None and not dz:
        raise Contradiction("the scores have an axis of classes, not a scalar")
    if dc is None or dz is None:
        return False
    s.unify(out, s.shape(dc + dz[-1:]))
    return True


def concrete_form(rule: Callable) -> Form:
    """The form of a rule that has none here: once every operand's shape is known, the rule
    itself gives the result's shape; until then the result stays unknown."""
    def form(s: Solver, out: int, args: tuple, level: int) -> bool:
        known = [s.concrete(t) for t in args]
        if None in known:
            return False
        try:
            result = rule(*known)
        except shapes.ShapeMismatch as exc:
            raise Contradiction(str(exc)) from None
        if result is None:
            return False
        s.unify(out, s.known(tuple(result)))
        return True
    return form


def last_axis(s: Solver, out: int, args: tuple, level: int) -> bool:
    """A function over the last axis that keeps the shape (softmax): any rank but a scalar;
    an operand of unknown rank takes, at level RANKS, the rank its name suggests (a capital
    name: a matrix, each row a softmax), as a matrix product's operand does."""
    s.unify(out, args[0])
    rank = s.rank(args[0])
    if rank == 0:
        raise Contradiction("it works over the last axis of a vector or of each row of a "
                            "matrix, not a scalar")
    if rank is None:
        if level < RANKS:
            return False
        s.unify(args[0], s.fresh(max(s.hints.get(args[0]) or 1, 1)))
    return True


def along(s: Solver, out: int, args: tuple, level: int, rule: shapes.Along) -> bool:
    """A reduction along an axis (the row's parameter): the operand loses that axis. An
    operand of unknown rank takes, at level RANKS, the rank its name suggests, or the
    fewest axes that have this one."""
    rank = s.rank(args[0])
    if rank is None:
        if level < RANKS:
            return False
        need = rule.axis + 1 if rule.axis >= 0 else -rule.axis
        s.unify(args[0], s.fresh(max(s.hints.get(args[0]) or 1, need)))
        rank = s.rank(args[0])
    try:
        axis = rule.check(rank)
    except shapes.ShapeMismatch as exc:
        raise Contradiction(str(exc)) from None
    dims = s.dims(args[0])
    s.unify(out, s.shape(dims[:axis] + dims[axis + 1:]))
    return True


# The form of each rule of ops/shapes.py, by the rule's name there (a rule added to shapes.py
# later is found as soon as its form is written here; until then it is inferred concretely).
_FORMS: dict[str, Form] = {
    "same": same, "reduce": reduce, "transpose": transpose, "outer": outer, "matmul": matmul,
    "broadcast": broadcast, "same_pair": same_pair, "classes": classes, "last_axis": last_axis,
    "class_indices": classes, "one_hot": one_hot,
}


def symbolic(rule: Callable) -> Form | None:
    """The symbolic form of a shape rule of ops/shapes.py, or None when it has none."""
    if isinstance(rule, shapes.Along):         # a rule with the row's axis in it
        return functools.partial(along, rule=rule)
    name = getattr(rule, "__name__", "")
    form = _FORMS.get(name)
    return form if form is not None and getattr(shapes, name, None) is rule else None


def form_of(rule: Callable) -> tuple[Form, bool]:
    """The form of a rule and whether it is symbolic (False: the concrete fallback)."""
    form = symbolic(rule)
    return (form, True) if form is not None else (concrete_form(rule), False)
