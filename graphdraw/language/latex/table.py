r"""The LaTeX the reader knows: Greek letters, functions, fonts, accents, spaces, environments."""

from __future__ import annotations

from graphdraw.language.names import GREEK_BY_NAME

# Greek letters as commands; σ and Σ are also functions (sigmoid, sum) when called.
GREEK = dict(GREEK_BY_NAME)
GREEK.update({"varepsilon": "ε", "vartheta": "θ", "varphi": "φ", "varrho": "ρ",
              "varpi": "π", "ell": "ℓ"})
FUNCTIONS = {"exp": "exp", "log": "log", "ln": "log", "tanh": "tanh", "max": "max",
             "min": "min", "sin": "sin", "cos": "cos", "erf": "erf"}
FONTS = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf", "mathnormal", "mathbfit",
         "pmb", "text", "textbf", "textit", "textrm", "vec", "mathcal"}
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar",
           "tilde": "tilde", "widetilde": "tilde"}
FRACS = {"frac", "dfrac", "tfrac", "cfrac"}
SPACES = {",": " ", ";": " ", ":": " ", ">": " ", " ": " ", "!": "", "quad": " ",
          "qquad": " ", "enspace": " ", "thinspace": " ", "medspace": " ",
          "thickspace": " ", "negthinspace": "", "displaystyle": "", "textstyle": "",
          "limits": "", "nolimits": "", "nonumber": "", "notag": ""}
OPERATORS = {"times": " * ", "ast": " * ", "odot": " * ", "circ": " * ", "div": " / "}
TRANSPOSES = {"top", "intercal", "T"}
SIZES = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
         "big", "Big", "bigg", "Bigg", "middle"}
DELIMITERS = {"(": "(", ")": ")", "[": "(", "]": ")", ".": ""}
SKIPPED = {"label", "tag", "tag*"}        # equation labels and numbers: dropped
MATH_ENVS = {"equation", "equation*", "align", "align*", "aligned", "gather", "gather*",
             "gathered", "multline", "multline*", "split", "eqnarray", "eqnarray*",
             "displaymath", "math", "flalign", "flalign*"}
STARRED = {"operatorname", "tag"}
SUPPORTED = (r"\frac{a}{b}, \sqrt{x}, \left( \right), \cdot, \times, ^\top, ^{T}, "
             r"\sigma(...), \exp, \log, \ln, \tanh, \sin, \cos, \max, \min, \operatorname{ReLU}, "
             r"any function of `graphdraw ops` by its name (\erf, \softplus), "
             r"\mathbf, \boldsymbol, \mathrm, \hat{y}, \bar, \tilde, Greek letters (\alpha "
             r"... \Omega), \sum_{n=1}^{N}, spaces (\, \; \quad), $...$, $$...$$, \[ \], "
             r"align environments with & and \\")


def shown(cmd: str) -> str:
    """A command as the user wrote it, with its backslash."""
    return cmd if cmd.startswith(("\\", "^")) else "\\" + cmd


def example(cmd: str) -> str:
    """A command with an argument in braces, for messages."""
    return {"^": "x^{2}", "\\frac": "\\frac{1}{2}", "\\sqrt": "\\sqrt{x}",
            "\\operatorname": "\\operatorname{ReLU}"}.get(cmd, f"{shown(cmd)}{{x}}")
