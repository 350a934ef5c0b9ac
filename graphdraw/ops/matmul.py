"""Matrix products with a leading batch axis (as torch.matmul and numpy's @): the numbers of
the matmul and transpose rows.

A 3-D operand is a batch of matrices: `A @ B` multiplies them batch by batch, a 2-D operand
(or a batch of size 1) is shared by the whole batch, and a vector is a row on the left or a
column on the right, as in numpy. The transpose of a batch, `Bᵀ`, transposes each matrix
(torch's `B.mT`), so `Q Kᵀ` is attention's scores batch by batch; up to 2-D it is the usual
transpose (a vector stays a vector).
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops.row import unbroadcast

MAX_RANK = 3        # vectors, matrices and batches of matrices


def mT(x):
    """The transpose: of each matrix of a batch, else numpy's (a vector stays itself)."""
    x = np.asarray(x)
    return np.swapaxes(x, -1, -2) if x.ndim >= 3 else x.T


def _promoted(a, b):
    """a as a row (1, k) and b as a column (k, 1) when they are vectors."""
    return (a if a.ndim >= 2 else a[None, :]), (b if b.ndim >= 2 else b[:, None])


def _g2(g, a2, b2):
    """ḡ in the shape of the product of the promoted operands."""
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    return np.reshape(g, batch + (a2.shape[-2], b2.shape[-1]))


def grad_left(g, b, a_shape: tuple[int, ...]):
    """∂L/∂A = ḡ Bᵀ for A @ B, summed over the batch where A is shared."""
    b = np.asarray(b, dtype=float)
    a2, b2 = _promoted(np.zeros(a_shape), b)
    ga = _g2(g, a2, b2) @ np.swapaxes(b2, -1, -2)
    return np.reshape(unbroadcast(ga, a2.shape), a_shape)


def grad_right(g, a, b_shape: tuple[int, ...]):
    """∂L/∂B = Aᵀ ḡ for A @ B, summed over the batch where B is shared."""
    a = np.asarray(a, dtype=float)
    a2, b2 = _promoted(a, np.zeros(b_shape))
    gb = np.swapaxes(a2, -1, -2) @ _g2(g, a2, b2)
    return np.reshape(unbroadcast(gb, b2.shape), b_shape)


def vjp(g, out, a, b):
    """The matmul row's VJP, for every rank from vectors to batches."""
    return grad_left(g, b, np.shape(a)), grad_right(g, a, np.shape(b))
