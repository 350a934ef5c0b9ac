"""The LaTeX of a program's names, gradients and local derivatives, for tooltips and tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphdraw.language.program import Program


class Tex:
    """LaTeX for the nodes and edges of a program (names, computations, derivatives)."""

    def __init__(self, program: Program, shapes: dict) -> None:
        from graphdraw.language.printer import Printer
        self.program = program
        self.printer = Printer(program, "latex", shapes)
        out = program.nodes[program.output]
        self.out = self.name(out.id)
        self.out_is_named = out.name is not None

    def name(self, node_id: str, wrap: bool = True) -> str:
        """A node's name, or its expression (in parentheses, to follow a ∂) if it has none."""
        from graphdraw import ops
        from graphdraw.language.notation import name as print_name
        node = self.program.nodes[node_id]
        if node.name is not None or node.is_leaf:
            return print_name(node, "latex")[0]
        piece = self.printer.pieces[node_id]
        return piece[0] if piece[1] >= ops.ATOM or not wrap else rf"\left({piece[0]}\right)"

    def grad(self, node_id: str) -> str:
        """∂L/∂name, inline."""
        return rf"\partial {self.out} / \partial {self.name(node_id)}"

    def local(self, tail: str, head: str, position: int) -> str:
        """The local derivative ∂head/∂tail as the op table writes it."""
        from graphdraw import ops
        node = self.program.nodes[head]
        operands = dict(zip("ab", node.args), out=node.id)
        return self.printer.template(ops.OPS[node.op].derivs[position], operands)[0]


def grad_header(tex: Tex) -> str:
    """∂L/∂·: the heading of a column of gradients."""
    return rf"\partial {tex.out} / \partial \cdot"
