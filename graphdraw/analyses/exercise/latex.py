r"""The exercise as a LaTeX document (article; amsmath and TikZ), compiles with pdflatex.

The solution's diagram is the TikZ of `graphdraw render --style named -f tikz --snippet`; the
formulas and numbers are those of `graphdraw grads --scalar --format latex`.
"""

from __future__ import annotations

from graphdraw.analyses.exercise import text
from graphdraw.analyses.exercise.sheet import Sheet


def write(sheet: Sheet, *, solutions: bool = False, title: str | None = None,
          timeout: float = 30.0) -> str:
    """The exercise sheet as a standalone document; with `solutions`, its solution key."""
    from graphdraw.formats.tikz import PREAMBLE, escape
    body = [r"\documentclass[11pt]{article}", r"\usepackage[margin=2.2cm]{geometry}",
            PREAMBLE.rstrip("\n"), r"\usepackage{adjustbox}",
            r"\allowdisplaybreaks", r"\setlength{\parindent}{0pt}",
            r"\setlength{\parskip}{0.6em}", r"\begin{document}",
            rf"\section*{{{escape(title or 'Exercise: computation graphs')}}}",
            rf"Consider the following model ({escape(text.model_name(sheet).strip('<>'))}):",
            r"\begin{align*}"]
    body.append(" \\\\\n".join(f"  {_aligned(latex)}" for _, latex in sheet.equations))
    body += [r"\end{align*}", _words(text.where(sheet))]
    if sheet.functions:
        body += [r"\begin{itemize}"] + [rf"\item {_outside_math(line)}" for line in sheet.functions] + \
            [r"\end{itemize}"]
    body += [r"\begin{enumerate}", rf"\item[a)] {_words(text.part_a(sheet))}",
             rf"\item[b)] {_words(text.part_b(sheet))}"
             + " " + _words(text.hand_in(sheet, r"\texttt{graphdraw verify -{}-answers}")),
             rf"\item[c)] {_words(text.part_c(sheet))}", r"\begin{center}",
             r"\begin{tabular}{ll}", r"leaf & value \\ \hline"]
    body += [rf"${leaf.latex}$ & ${_value(leaf.value, sheet.decimals)}$ \\"
             for leaf in sheet.leaves]
    body += [r"\end{tabular}", r"\end{center}", r"\end{enumerate}"]
    if solutions:
        body += _solutions(sheet, timeout)
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def _solutions(sheet: Sheet, timeout: float) -> list[str]:
    """The key: the graph, the forward values, then one display per answer (a display
    never breaks across pages, so a long list of answers in one would run off the page)."""
    from graphdraw.formats.tikz import to_tikz
    from graphdraw.numeric.derivatives import break_lines, latex_array, latex_number
    picture = to_tikz(sheet.graph, snippet=True, timeout=timeout, style="named", title="")
    grads = sheet.gradients
    displays = []
    for e in grads.equations("latex"):
        if e.node in grads.entries:
            displays.append(f"  {e.lhs} &= {break_lines(e.rhs)} \\\\\n"
                            f"  &= {latex_number(grads.entries[e.node] + 0.0)}")
        elif not sheet.scalar:
            displays.append(f"  {e.lhs} &= {break_lines(e.rhs)}")
    if not sheet.scalar:                # the gradients' values, after the equations
        from graphdraw.numeric.adjoint import symbol
        displays += [f"  {symbol(sheet.program, leaf.id, 'latex')[0]} &= "
                     f"{latex_array(_no_minus_zero(grads.gradient[leaf.id]))}" for leaf in sheet.params]
    forward = [f"  {latex} &= {latex_array(_no_minus_zero(value))}" for _, latex, value in sheet.forward()]
    return [r"\section*{Solutions}",
            r"\textbf{a)} The computation graph: a node per name, each edge labelled with "
            r"its local derivative.",
            r"\begin{center}",
            r"\begin{adjustbox}{max width=\linewidth, max totalheight=0.8\textheight}",
            picture.rstrip("\n"), r"\end{adjustbox}", r"\end{center}",
            r"\textbf{c)} The forward pass at the values of (c), the value of every node:",
            r"\begin{align*}", " \\\\\n".join(forward), r"\end{align*}",
            (rf"\textbf{{b)}} and \textbf{{c)}} One formula per parameter entry "
             rf"({sheet.entry_count()} in all), and its value at the values of (c):"
             if sheet.scalar else
             rf"\textbf{{b)}} and \textbf{{c)}} The backward equations from the output down "
             rf"(one of this model's ops is not written one entry at a time), then the "
             rf"gradients at the values of (c):")] + \
        [line for d in displays for line in (r"\begin{align*}", d, r"\end{align*}")]


def _aligned(latex: str) -> str:
    """'a = W x' as an align* row: 'a &= W x' (the first = only)."""
    head, sep, rest = latex.partition("=")
    return f"{head}&={rest}" if sep else latex


def _words(sentence: str) -> str:
    """A sentence of `text` (math already in $…$) for LaTeX: × and ∂ outside math."""
    return sentence.replace("×", r"$\times$").replace("∂", r"$\partial$")


def _outside_math(line: str) -> str:
    """A line of math in $…$ and Unicode words, for pdflatex: the words escaped."""
    from graphdraw.formats.tikz import escape
    parts = line.split("$")
    return "$".join(escape(p) if i % 2 == 0 else p for i, p in enumerate(parts))


def _no_minus_zero(value: object) -> object:
    from graphdraw.lazy import np
    return np.asarray(value, dtype=float) + 0.0


def _value(value: object, decimals: int) -> str:
    return text.value_text(value, decimals).replace("-", "{-}")
