r"""What `graphdraw grads` prints: the backward equations and the numbers, in four formats.

text for the terminal; json for programs; latex, an `align*` block to paste into a report
(needs amsmath); markdown, the equations in `$$ ... $$` blocks and the numbers as a table.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from graphdraw import limits
from graphdraw.numeric import numbers
from graphdraw.numeric import adjoint
from graphdraw.numeric import backprop, evaluate
from graphdraw.core import plates
from graphdraw.lazy import np
from graphdraw.numeric.numbers import show, to_json as number_json
from graphdraw.language.notation import name as print_name
from graphdraw.language.program import Program

FORMATS = ("text", "json", "latex", "markdown")


@dataclass
class Gradients:
    """The gradients of a model's output at given values, and how to write them down."""

    program: Program
    source_name: str
    values: dict                 # every leaf's value
    leaves: list[str]            # the leaves differentiated with respect to
    scalar: bool = False         # one explicit formula per entry
    note: str = ""               # where the values came from
    shapes: dict = field(default_factory=dict)
    vals: dict = field(default_factory=dict)
    gradient: dict = field(default_factory=dict)
    entries: dict = field(default_factory=dict)      # 'W_i[1,2]' -> number (scalar only)
    samples: int | None = None
    _equations: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        program = self.program
        self.shapes = evaluate.check_shapes(program, self.values)
        self.vals = evaluate.forward(program, self.values, shapes_checked=True)
        grads = backprop.backward(program, self.vals, wrt=set(self.leaves))
        self.gradient = {leaf: grads.get(leaf, 0.0 * self.vals[leaf]) for leaf in self.leaves}
        self.samples = plates.sample_count(program, self.values)
        if self.scalar:
            for leaf in self.leaves:
                array = np.asarray(self.gradient[leaf], dtype=float)
                for idx in itertools.product(*[range(n) for n in array.shape]):
                    key = leaf if not idx else f"{leaf}[{','.join(str(i + 1) for i in idx)}]"
                    self.entries[key] = float(array[idx])

    @property
    def summed(self) -> bool:
        return self.shapes[self.program.output] != ()

    def equations(self, mode: str) -> list[adjoint.Equation]:
        """The equations in one notation (plain, pretty, latex), computed once."""
        if mode not in self._equations:
            if self.scalar:
                eqs = adjoint.scalar_equations(self.program, self.shapes, mode, self.leaves)
            else:
                wants = backprop.needs_grad(self.program, set(self.leaves))
                eqs = adjoint.equations(self.program, self.shapes, mode, wants=wants)
            limits.check("formula", sum(len(e.lhs) + len(e.rhs) for e in eqs),
                         "the backward equations", hint="choose fewer leaves with --wrt, or "
                         f"set {limits.LIMITS['formula'].variable}=N to raise the limit")
            self._equations[mode] = eqs
        return self._equations[mode]

    def output_name(self, mode: str) -> str:
        return print_name(self.program.nodes[self.program.output], mode)[0]

    def title(self) -> str:
        what = "Partial derivatives of" if self.scalar else "Gradients of"
        return f"{what} {self.output_name('pretty')} — {self.source_name}, {self.note}"

    def sample_note(self) -> str | None:
        """'L sums over n = 1…N, here N = 4 samples', for a model with a plate."""
        if self.samples is None:
            return None
        labels = ", ".join(self.program.plate_label(i) for i in self.program.plates)
        upper = next(iter(self.program.plates.values()), "N")
        return (f"{self.output_name('pretty')} sums over {labels}; here {upper} = "
                f"{self.samples} samples")


def write(result: Gradients, fmt: str) -> str:
    """The report in one of FORMATS."""
    return {"text": to_text, "json": to_json, "latex": to_latex,
            "markdown": to_markdown}[fmt](result)


# -- text ------------------------------------------------------------------------------------

def to_text(r: Gradients) -> str:
    lines = [r.title()]
    out_name = r.output_name("pretty")
    if r.summed:
        lines.append(f"note: {out_name} is not a scalar; graphdraw differentiates the sum of "
                     "its entries")
    if r.sample_note():
        lines.append("note: " + r.sample_note())
    lines.append("\nBackward equations, from the output down:" if not r.scalar else
                 "\nOne formula per entry of each parameter:")
    top = r.equations("pretty")
    width = max(len(e.lhs) for e in top)
    # the values in one column, after the longest formula up to VALUE_COLUMN characters
    column = max((_width(e.rhs) for e in top if _width(e.rhs) <= VALUE_COLUMN), default=0)
    for e in top:
        value = ""
        if r.scalar and e.node in r.entries:
            pad = " " * max(column - _width(e.rhs), 0)
            value = f"{pad}   = {r.entries[e.node]:.6g}"
        lines.append(f"  {e.lhs:<{width}} = {e.rhs}{value}")
    lines.append(f"\nAt these values {out_name} = {show(r.vals[r.program.output], 6)}")
    names_ = {leaf: adjoint.symbol(r.program, leaf, "pretty")[0] for leaf in r.leaves}
    lw = max(len(n) for n in names_.values())
    for leaf in r.leaves:
        lines.append(f"  {names_[leaf]:<{lw}} = {show(r.gradient[leaf], 6)}   "
                     f"({_shape(r, leaf)}; value {show(r.values[leaf], 4)})")
    return "\n".join(lines) + "\n"


VALUE_COLUMN = 72        # a longer formula has its value right after it


def _width(text: str) -> int:
    """How many columns a text takes in a terminal (combining accents take none)."""
    return sum(1 for ch in text if not unicodedata.combining(ch))


def _shape(r: Gradients, leaf: str) -> str:
    return "×".join(map(str, r.shapes[leaf])) or "scalar"


# -- json ------------------------------------------------------------------------------------

def to_json(r: Gradients) -> str:
    data = {"output": r.program.output, "value": number_json(r.vals[r.program.output]),
            "summed": r.summed,
            "grads": {leaf: number_json(g) for leaf, g in r.gradient.items()},
            "values": {leaf: number_json(r.values[leaf]) for leaf in r.leaves},
            "equations": [{"node": e.node, "lhs": e.lhs, "rhs": e.rhs}
                          for e in r.equations("plain")]}
    if r.scalar:
        data["scalar"] = r.entries
    if r.samples is not None:
        data["samples"] = r.samples
    return numbers.dumps(data, ensure_ascii=False, indent=1) + "\n"


# -- latex -----------------------------------------------------------------------------------

def latex_number(value: float) -> str:
    r"""A number for LaTeX math: 0.5, -0.000197267, 1.5 \cdot 10^{-7}.

    >>> latex_number(0.5), latex_number(-1.5e-07), latex_number(3e20)
    ('0.5', '-1.5 \\cdot 10^{-7}', '3 \\cdot 10^{20}')
    """
    text = f"{float(value):.6g}"
    match = re.fullmatch(r"(-?[\d.]+)e([-+]\d+)", text)
    if match:
        return rf"{match.group(1)} \cdot 10^{{{int(match.group(2))}}}"
    return text


def latex_array(value) -> str:
    """A value for LaTeX math: a number, a column vector or a matrix (pmatrix), or a summary."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return latex_number(float(array))
    if array.ndim <= 2 and array.shape[0] <= 10 and (array.ndim == 1 or array.shape[1] <= 8):
        rows = array.reshape(array.shape[0], -1)
        body = r" \\ ".join(" & ".join(latex_number(x) for x in row) for row in rows)
        return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"
    shape = r" \times ".join(map(str, array.shape))
    return (rf"\text{{({shape} array, mean }} {latex_number(array.mean())}\text{{, range }} "
            rf"[{latex_number(array.min())}, {latex_number(array.max())}]\text{{)}}")


LINE_WIDTH = 110          # characters of LaTeX source per line of an align* row


def break_lines(rhs: str, width: int = LINE_WIDTH) -> str:
    r"""A long right-hand side broken into align* rows before a + or − (or a product).

    TeX cannot set a line wider than about 5 m ("Dimension too large"), and a formula of
    several thousand characters is. Breaks go only where \left ... \right pairs and
    braces are closed; plain parentheses, as in \exp(...), may span rows.

    >>> print(break_lines("a + b + c", width=4))
    a \\
      &\quad + b \\
      &\quad + c
    """
    if len(rhs) <= width:
        return rhs
    sums = set(_break_points(rhs, (" + ", " - ")))
    points = sorted(sums | set(_break_points(rhs, (r" \, ",))))
    rows, start, candidates = [], 0, []
    for point in points + [len(rhs)]:
        if point - start > width and candidates:
            # Before the last + or − in the second half of the row, else the last product.
            late = [p for p in candidates if p in sums and p - start > width // 2]
            cut = late[-1] if late else candidates[-1]
            rows.append(rhs[start:cut])
            start = cut
            candidates = [p for p in candidates if p > cut]
        candidates.append(point)
    rows.append(rhs[start:])
    return " \\\\\n  &\\quad ".join(row.strip() for row in rows)


def _break_points(text: str, marks: tuple[str, ...]) -> list[int]:
    r"""Where text may break: before a mark outside braces and \left ... \right."""
    depth, points, i = 0, [], 0
    while i < len(text):
        if text.startswith(r"\left", i):
            depth, i = depth + 1, i + len(r"\left")
            continue
        if text.startswith(r"\right", i):
            depth, i = depth - 1, i + len(r"\right")
            continue
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and any(text.startswith(mark, i) for mark in marks):
            points.append(i)
        i += 1
    return points


def _comment(text: str) -> str:
    return "% " + " ".join(text.split())


def to_latex(r: Gradients) -> str:
    r"""An align* block of the equations, then one of the numbers (needs amsmath).

    Each formula of --scalar is followed by its value on a line of its own.
    """
    lines = [_comment(r.title()), _comment(r"needs \usepackage{amsmath}")]
    if r.summed:
        lines.append(_comment(f"{r.output_name('pretty')} is not a scalar: these are the "
                              "derivatives of the sum of its entries"))
    if r.sample_note():
        lines.append(_comment(r.sample_note()))
    lines.append(r"\begin{align*}")
    rows = []
    for e in r.equations("latex"):
        rows.append(f"  {e.lhs} &= {break_lines(e.rhs)}")
        if r.scalar and e.node in r.entries:
            rows.append(rf"  &= {latex_number(r.entries[e.node])}")
    lines.append(" \\\\\n".join(rows))
    lines.append(r"\end{align*}")
    lines.append(_comment("at these values"))
    lines.append(r"\begin{align*}")
    rows = [f"  {r.output_name('latex')} &= {latex_array(r.vals[r.program.output])}"]
    for leaf in r.leaves:
        symbol = adjoint.symbol(r.program, leaf, "latex")[0]
        rows.append(f"  {symbol} &= {latex_array(r.gradient[leaf])}")
    lines.append(" \\\\\n".join(rows))
    lines.append(r"\end{align*}")
    return "\n".join(lines) + "\n"


# -- markdown --------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def to_markdown(r: Gradients) -> str:
    """A heading, the equations in $$ blocks, and the numbers as a table."""
    what = "Partial derivatives of" if r.scalar else "Gradients of"
    out = [f"### {what} ${r.output_name('latex')}$", "",
           f"`{r.source_name}`, {r.note}.", ""]
    if r.summed:
        out += ["The output is not a scalar: these are the derivatives of the sum of its "
                "entries.", ""]
    if r.sample_note():
        out += [r.sample_note() + ".", ""]
    out += ["One formula per entry of each parameter:" if r.scalar else
            "Backward equations, from the output down:", ""]
    for e in r.equations("latex"):
        out += [f"$${e.lhs} = {e.rhs}$$", ""]
    out += [f"At these values ${r.output_name('latex')} = "
            f"{latex_array(r.vals[r.program.output])}$.", ""]
    if r.scalar:
        out += ["| entry | derivative |", "|---|---|"]
        for e in r.equations("latex"):
            if e.node in r.entries:
                out.append(f"| ${_cell(e.lhs)}$ | {r.entries[e.node]:.6g} |")
        out.append("")
    out += ["| parameter | shape | value | gradient |", "|---|---|---|---|"]
    for leaf in r.leaves:
        name = print_name(r.program.nodes[leaf], "latex")[0]
        out.append(f"| ${_cell(name)}$ | {_shape(r, leaf)} | {_cell(show(r.values[leaf], 4))} "
                   f"| {_cell(show(r.gradient[leaf], 6))} |")
    return "\n".join(out) + "\n"
