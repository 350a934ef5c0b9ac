"""The model built from torch ops: each op row's `torch_forward` (or `forward`), in float64.

The one place that imports torch and torchviz, and only inside functions, so every other
command runs without them.
"""

from __future__ import annotations

import warnings
from typing import Iterable

from graphdraw import ops
from graphdraw.core import plates
from graphdraw.errors import GraphdrawError, ToolMissing
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import backprop
from graphdraw.numeric.hessian import flatten

INSTALL_HINT = ("install them with 'pip install torch==2.13.0 torchviz' (and setuptools on "
                "Python 3.12+); graphdraw render and graphdraw grads work without them")

# Operand positions where a constant must stay a tensor: torch computes `10.0 / f` as
# reciprocal(f) * 10 (two autograd nodes, neither a DivBackward0).
_TENSOR_OPERANDS = {("div", 0)}


# -- imports ---------------------------------------------------------------------------------

def _torch():
    try:
        import torch
    except ImportError as exc:
        raise ToolMissing(f"graphdraw check needs PyTorch, which could not be imported ({exc})",
                          hint=INSTALL_HINT) from None
    return torch


def _torchviz():
    _torch()
    try:
        with warnings.catch_warnings():
            # torchviz 0.0.3 imports distutils, deprecated in 3.10 and gone from 3.12 on.
            warnings.simplefilter("ignore")
            import torchviz
    except Exception as exc:  # noqa: BLE001 - any import failure means the same fix
        raise ToolMissing(f"graphdraw check needs torchviz, which could not be imported "
                          f"({type(exc).__name__}: {exc})", hint=INSTALL_HINT) from None
    return torchviz


# -- the torch build -------------------------------------------------------------------------

def build_torch(program: Program, values: dict) -> dict:
    """The value of every node as a float64 torch tensor, built from torch ops.

    Leaves that get a gradient (undeclared or `param`) have `requires_grad=True`; inputs,
    targets and constants do not. Unnamed constants enter operator rows as Python floats,
    as a user would write them (`x**2` is one PowBackward0 with one input); the dict still
    holds a 0-d tensor for each.
    """
    torch = _torch()
    gradient = set(backprop.gradient_leaves(program))
    leaves = {}
    for node in program.nodes.values():
        if node.is_leaf:
            array = np.array(values[node.id], dtype=float)
            leaves[node.id] = torch.tensor(array, dtype=torch.float64,
                                           requires_grad=node.id in gradient)
    return torch_values(program, leaves)


def torch_values(program: Program, leaves: dict) -> dict:
    """Every node's tensor computed from given leaf tensors (usable under gradcheck)."""
    torch = _torch()
    out: dict = {}
    for node in program.nodes.values():
        if node.is_leaf:
            out[node.id] = leaves[node.id]
        elif node.is_const:
            out[node.id] = torch.tensor(node.value, dtype=torch.float64)
        else:
            row = ops.OPS[node.op]
            args = [_operand(program, row, node, i, out) for i in range(len(node.args))]
            try:
                result = (row.torch_forward or row.forward)(*args)
            except RuntimeError as exc:           # torch refuses values graphdraw computes
                raise _refused(program, node, row, exc) from None
            if not torch.is_tensor(result):
                result = torch.as_tensor(result, dtype=torch.float64)
            out[node.id] = result
    return out


def _refused(program: Program, node, row: ops.Op, exc: RuntimeError) -> GraphdrawError:
    """torch's own error for values it does not take (bce's targets outside [0, 1])."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    unit = [program.nodes[node.args[i]] for i in row.extra.get("unit", ())]
    named = ", ".join(n.name or n.id for n in unit)
    hint = (f"give {named} values in [0, 1] (probabilities and targets), e.g. --set "
            f"{unit[-1].name or unit[-1].id}=[0, 1]; for scores use bce_with_logits"
            if unit else "give values torch accepts for this op")
    return GraphdrawError(f"torch's {row.name} (line {node.line}) refuses these values: "
                          f"{reason}", hint=hint)


def _operand(program: Program, row: ops.Op, node, position: int, out: dict):
    arg = program.nodes[node.args[position]]
    others = [program.nodes[a] for i, a in enumerate(node.args) if i != position]
    if (arg.is_const and row.torch_forward is None and others
            and not all(o.is_const for o in others)
            and (row.name, position) not in _TENSOR_OPERANDS):
        return float(arg.value)
    return out[arg.id]


def torch_hessian(program: Program, leaf_values: dict, leaves: Iterable[str]):
    """torch.autograd.functional.hessian of the same model (built from each row's torch
    forward), with respect to the same flattened entries as numeric.hessian: the reference."""
    torch = _torch()
    leaves = list(leaves)
    program, leaf_values = plates.unroll(program, leaf_values)
    shapes = {leaf: np.shape(leaf_values[leaf]) for leaf in leaves}
    sizes = [int(np.prod(shapes[leaf], dtype=int)) for leaf in leaves]
    fixed = {n.id: torch.tensor(np.asarray(leaf_values[n.id], dtype=float),
                                dtype=torch.float64)
             for n in program.nodes.values() if n.is_leaf}

    def f(flat):
        tensors = dict(fixed)
        for leaf, part in zip(leaves, torch.split(flat, sizes)):
            tensors[leaf] = part.reshape(shapes[leaf])
        return torch_values(program, tensors)[program.output].sum()

    start = torch.tensor(flatten(leaf_values, leaves), dtype=torch.float64)
    return torch.autograd.functional.hessian(f, start).detach().numpy()
