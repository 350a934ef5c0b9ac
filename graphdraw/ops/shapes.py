"""Shape rules for the op table: broadcasting, matrix products, transposes, reductions."""

from __future__ import annotations

Shape = tuple[int, ...]


class ShapeMismatch(ValueError):
    """Two shapes that an operation cannot combine."""


def broadcast(*shapes: Shape | None) -> Shape | None:
    """numpy broadcasting of known shapes; None when any is unknown."""
    if any(s is None for s in shapes):
        return None
    ndim = max(len(s) for s in shapes)
    out = []
    for dims in zip(*[(1,) * (ndim - len(s)) + tuple(s) for s in shapes]):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            raise ShapeMismatch("cannot broadcast")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


BATCH_VECTOR = ("a batch of matrices multiplies a matrix or a batch, not a vector (write the "
                "vector as a matrix of one column)")


def matmul(a: Shape | None, b: Shape | None) -> Shape | None:
    """The shape of a @ b, as numpy and torch.matmul compute it, for vectors, matrices and
    batches of matrices (3-D: a leading batch axis, of one size on both sides; a matrix is
    shared by the whole batch)."""
    if any(s is not None and not 1 <= len(s) <= 3 for s in (a, b)):
        raise ShapeMismatch("a matrix product needs vectors, matrices or batches of matrices "
                            "(3-D)")
    if a is None or b is None:
        return None
    if 3 in (len(a), len(b)) and 1 in (len(a), len(b)):
        raise ShapeMismatch(BATCH_VECTOR)
    inner_a = a[-1]
    inner_b = b[0] if len(b) == 1 else b[-2]
    if inner_a != inner_b:
        raise ShapeMismatch("inner sizes differ")
    if len(a) == len(b) == 3 and a[0] != b[0]:
        raise ShapeMismatch("the two batches have different sizes (a matrix shared by the "
                            "whole batch is written 2-D)")
    batch = tuple(a[:-2]) or tuple(b[:-2])
    return batch + tuple(a[-2:-1]) + tuple(b[-1:] if len(b) >= 2 else ())


def outer(a: Shape | None, b: Shape | None) -> Shape | None:
    """The shape of the outer product of two vectors."""
    if a is None or b is None:
        return None
    if len(a) != 1 or len(b) != 1:
        raise ShapeMismatch("an outer product needs two vectors")
    return a + b


def transpose(a: Shape | None) -> Shape | None:
    """The shape of aᵀ (a vector stays a vector, as in numpy; a batch transposes each
    matrix, as torch's mT)."""
    if a is None:
        return None
    return tuple(a[:-2]) + (a[-1], a[-2]) if len(a) >= 3 else tuple(reversed(a))


def same(a: Shape | None) -> Shape | None:
    """Elementwise functions keep the shape."""
    return a


def last_axis(a: Shape | None) -> Shape | None:
    """A function over the last axis that keeps the shape (softmax, as torch's dim=-1): a
    vector's entries, or each row of a matrix (each row of the last two axes of a batch)."""
    if a is not None and len(a) == 0:
        raise ShapeMismatch("it works over the last axis of a vector or of each row of a "
                            "matrix, not a scalar")
    return a


vector = last_axis      # the name of this rule when it took vectors only


def reduce(a: Shape | None) -> Shape | None:
    """Reductions to a scalar."""
    return ()


class Along:
    """The shape rule of a reduction along one axis, a parameter of its row (ops/along.py):
    the operand loses that axis, which is any axis of a vector or a matrix, or the first of
    a 3-D tensor (its local derivative is written with transposes for the last axis, and a
    batch's transpose swaps its last two axes only). 0 and -rank are the first axis, -1 and
    rank - 1 the last: `first` tells which one the row means."""

    __name__ = "along"

    def __init__(self, axis: int) -> None:
        self.axis = axis
        self.first = axis == 0 or axis < -1

    def __repr__(self) -> str:
        return f"Along({self.axis})"

    def check(self, rank: int) -> int:
        """The axis counted from 0 in a tensor of `rank` axes; ShapeMismatch if it has none."""
        if not -rank <= self.axis < rank:
            axes = "a scalar has no axis" if rank == 0 else \
                f"a {'vector' if rank == 1 else f'{rank}-D tensor'} has axes " + \
                ", ".join(str(k) for k in range(rank)) + " (or " + \
                ", ".join(str(k) for k in range(-rank, 0)) + " from the end)"
            raise ShapeMismatch(f"axis {self.axis} is out of range: {axes}")
        axis = self.axis % rank
        if axis != (0 if self.first else rank - 1) or (axis > 0 and rank > 2):
            raise ShapeMismatch(f"a reduction goes along any axis of a vector or a matrix and "
                                f"along the first axis (the batch) of a 3-D tensor, not axis "
                                f"{self.axis} of a {rank}-D tensor")
        return axis

    def __call__(self, a: Shape | None) -> Shape | None:
        if a is None:
            return None
        axis = self.check(len(a))
        return tuple(a[:axis]) + tuple(a[axis + 1:])


def same_pair(a: Shape | None, b: Shape | None) -> Shape | None:
    """A loss of two operands of one shape (prediction and target), reduced to a scalar."""
    if a is not None and b is not None and tuple(a) != tuple(b):
        raise ShapeMismatch("the two operands need the same shape")
    return ()


CLASS_TARGETS = ("a target holds probabilities (the scores' shape) or class indices (one "
                 "axis less: a number for a vector of C scores, a vector of N for an N×C "
                 "matrix, one row a sample)")


def classes(a: Shape | None, b: Shape | None) -> Shape | None:
    """A class loss as written (cross_entropy, nll_loss), to a scalar: one sample's vector of
    scores with probability (or one-hot) targets of its shape, or class indices (one axis
    less: a number for a vector of scores, a vector of N for N×C scores). Which it is, is
    chosen once the shapes are known (core/class_targets.py: the rows class_indices and
    probabilities)."""
    if a is not None and b is not None:
        return class_indices(a, b) if len(b) == len(a) - 1 else probabilities(a, b)
    if a is not None and len(a) not in (1, 2):
        raise ShapeMismatch("the scores are a vector (one sample) or a matrix (one row a "
                            "sample)")
    if b is not None and len(b) > 1:
        raise ShapeMismatch(CLASS_TARGETS)
    return ()


def probabilities(a: Shape | None, b: Shape | None) -> Shape | None:
    """A loss over the classes of one sample with probability (or one-hot) targets: two
    vectors of one length, to a scalar (for a batch, sum or average over the samples:
    1/N Σ_n cross_entropy(z_n, y_n), or give class indices)."""
    for s in (a, b):
        if s is not None and len(s) != 1:
            raise ShapeMismatch("the scores and the probability targets of one sample are "
                                "vectors (for a batch, write 1/N Σ_n cross_entropy(z_n, y_n), "
                                "or give class indices); " + CLASS_TARGETS)
    return same_pair(a, b)


def class_indices(a: Shape | None, b: Shape | None) -> Shape | None:
    """A loss of class scores a and class indices b: a vector of C and a number, or an N×C
    matrix and a vector of N (one row a sample), to a scalar."""
    if a is not None and len(a) not in (1, 2):
        raise ShapeMismatch("the scores are a vector (one sample) or a matrix (one row a "
                            "sample)")
    if a is not None and b is not None and tuple(b) != tuple(a[:-1]):
        raise ShapeMismatch(CLASS_TARGETS)
    return ()


def one_hot(b: Shape | None, a: Shape | None) -> Shape | None:
    """onehot(c, z): c's shape and z's last axis (the number of classes)."""
    if a is not None and not a:
        raise ShapeMismatch("the scores have an axis of classes, not a scalar")
    if a is None or b is None:
        return None
    return tuple(b) + tuple(a[-1:])


def described(shape: Shape) -> str:
    """A shape in words: 'a scalar', 'a vector of 2', 'a 2×3 matrix'."""
    if shape == ():
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return f"a {fmt(shape)} {'matrix' if len(shape) == 2 else 'tensor'}"


def example(shape: Shape) -> str:
    """A value of this shape to type: 0.5, [1, 2], [[1, 2], [3, 4]]."""
    if shape == ():
        return "0.5"
    inner = example(shape[1:]) if len(shape) > 1 else "1"
    return "[" + ", ".join([inner] * min(shape[0], 3)) + (", …" if shape[0] > 3 else "") + "]"


def declared_mismatch(name: str, role: str | None, declared: Shape,
                      given: Shape) -> tuple[str, str]:
    """The message and hint for a value whose shape is not the declared one."""
    decl = f"{role or 'param'} {name}" + (f"[{', '.join(map(str, declared))}]" if declared
                                          else "")
    message = (f"'{name}' is declared {described(declared)} (`{decl}`) but the value given "
               f"is {described(given)}")
    fixed = f"{role or 'param'} {name}" + (f"[{', '.join(map(str, given))}]" if given else "")
    hint = (f"give {described(declared)} (--set {name}={example(declared)}), or declare "
            f"`{fixed}` for this value")
    return message, hint


def fmt(shape: Shape | None) -> str:
    """A shape for messages and labels: 'scalar', '2', '2×3', '?'."""
    if shape is None:
        return "?"
    return "scalar" if shape == () else "×".join(str(d) for d in shape)
