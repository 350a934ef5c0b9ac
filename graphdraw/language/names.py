"""Names: the canonical id of a user's name and how it is displayed (ŷ, W_i, α, c′)."""

from __future__ import annotations

import functools
import html
import unicodedata

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
    "ϵ": "epsilon", "ϑ": "theta", "ϕ": "phi",
}
GREEK_BY_NAME = {name: letter for letter, name in GREEK.items() if letter not in "ϵϑϕ"}
HAT = "\u0302"
PRIMES = ["", "′", "″", "‴"]
LOOKALIKES = str.maketrans("аеорсхуіјѕԁһԛԝАВЕКМНОРСТХІЈЅ", "aeopcxyijsdhqwABEKMHOPCTXIJS")
SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SHIFTS = {"minus": "−", "plus": "+"}      # h_t_minus_1 is shown h with subscript t−1


def canonical(raw: str) -> str:
    """The id of a name as written: NFKC, Greek letters spelt out, hats as `_hat`.

    NFKC, as for Python identifiers, makes look-alikes pasted from PDFs the same name
    (math italic 𝑥 is x, µ is μ, ℓ is l). A Greek letter is spelt out when it stands alone
    between underscores (α_1 is alpha_1); inside a word it stays, so Δw still shows as Δw.
    An ASCII name (most names of large models) is its own id.

    >>> canonical("ŷ"), canonical("α_1"), canonical("W_i"), canonical("𝑥"), canonical("Δw")
    ('y_hat', 'alpha_1', 'W_i', 'x', 'Δw')
    """
    return raw if raw.isascii() else _canonical(raw)


@functools.lru_cache(maxsize=1 << 16)
def _canonical(raw: str) -> str:
    text = unicodedata.normalize("NFKD", raw)
    hat = HAT in text[1:]
    name = unicodedata.normalize("NFC", text[:1] + text[1:].replace(HAT, ""))
    name = "_".join(GREEK.get(part, part) for part in name.split("_"))
    if hat:
        # A hat sits on the letter before it: put `_hat` after the first part (ŷ_1 -> y_hat_1).
        head, sep, tail = name.partition("_")
        name = head + "_hat" + (sep + tail if sep else "")
    return name


def script_of(name: str) -> str:
    """The writing system of a name's letters ('Latin', 'Cyrillic', 'mixed', ...).

    Greek letters are at home among Latin ones in mathematics (W_α, σ_x): they count as Latin.

    >>> script_of("W_α"), script_of("х"), script_of("xх")
    ('Latin', 'Cyrillic', 'mixed')
    """
    return "Latin" if name.isascii() else _script_of(name)


@functools.lru_cache(maxsize=1 << 16)
def _script_of(name: str) -> str:
    scripts = set()
    for ch in unicodedata.normalize("NFKC", name):
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ")[0].capitalize()
            scripts.add("Latin" if script == "Greek" else script)
    if not scripts:
        return "Latin"
    return scripts.pop() if len(scripts) == 1 else "mixed"


def latin_lookalike(name: str) -> str:
    """The name with Cyrillic letters that look Latin replaced by those Latin letters.

    >>> latin_lookalike("х_1")
    'x_1'
    """
    return name.translate(LOOKALIKES)


def _parts(ident: str) -> tuple[str, bool, list[str]]:
    """Split an id into (base, has_hat, subscripts)."""
    parts = ident.split("_")
    base, rest = parts[0], [p for p in parts[1:] if p != ""]
    hat = "hat" in rest
    subs = [p for p in rest if p != "hat"]
    if base == "" and rest:  # a name such as `_x`
        base, subs = "_" + rest[0], rest[1:]
    return base, hat, _shifts(subs)


def _shifts(subs: list[str]) -> list[str]:
    """`t_minus_1` in a subscript is t−1 (LaTeX h_{t-1}), `t_plus_1` is t+1.

    >>> _shifts(["t", "minus", "1"]), _shifts(["minus", "1"])
    (['t−1'], ['minus', '1'])
    """
    out: list[str] = []
    i = 0
    while i < len(subs):
        if subs[i] in SHIFTS and out and i + 1 < len(subs):
            out[-1] += SHIFTS[subs[i]] + subs[i + 1]
            i += 2
        else:
            out.append(subs[i])
            i += 1
    return out


def _greek(word: str) -> str:
    return GREEK_BY_NAME.get(word, word)


def pretty(ident: str, version: int = 0) -> str:
    """A name for terminals: ŷ, W_i, α₁, c′.

    >>> pretty("y_hat"), pretty("W_i"), pretty("alpha_1"), pretty("c", 2), pretty("h_t_minus_1")
    ('ŷ', 'W_i', 'α₁', 'c″', 'h_{t−1}')
    """
    if "_" not in ident:            # no hat, no subscript: as below, in fewer steps
        text = GREEK_BY_NAME.get(ident, ident)
        if not text.isascii():      # (ASCII is normalized already)
            text = unicodedata.normalize("NFC", text)
        return text + prime(version) if version else text
    base, hat, subs = _parts(ident)
    text = _greek(base) + (HAT if hat else "")
    text = unicodedata.normalize("NFC", text)
    if subs:
        sub = ",".join(_greek(s) for s in subs)
        shifted = any(c in sub for c in "−+")      # h_{t−1}: braces, never h_t − 1
        text += sub.translate(SUBSCRIPT_DIGITS) if sub.isdigit() else \
            ("_{" + sub + "}" if shifted else "_" + sub)
    return text + prime(version)


def version_id(name: str, version: int) -> str:
    """The id of a version of a rebound name: c, c', c'', c''', then c'4, c'5, and so on:
    an id grows by the digits of its version, never by one prime per version.

    >>> version_id("c", 0), version_id("c", 2), version_id("c", 12)
    ('c', "c''", "c'12")
    """
    return name + "'" * version if version <= 3 else f"{name}'{version}"


def split_id(node_id: str) -> tuple[str, int]:
    """The name and the version of a node id (version_id's inverse).

    >>> split_id("c"), split_id("c''"), split_id("c'12")
    (('c', 0), ('c', 2), ('c', 12))
    """
    base, mark, rest = node_id.partition("'")
    if not mark:
        return node_id, 0
    return (base, int(rest)) if rest.isascii() and rest.isdigit() else (base, 1 + len(rest))


def prime(version: int) -> str:
    """The primes that mark the version of a rebound name."""
    return PRIMES[version] if version < len(PRIMES) else f"^({version})"


def html_name(ident: str, version: int = 0) -> str:
    """A name as a Graphviz HTML-like label fragment: W<sub>i</sub>, ŷ.

    >>> html_name("W_i")
    '<i>W</i><sub>i</sub>'
    """
    base, hat, subs = _parts(ident)
    shown = unicodedata.normalize("NFC", _greek(base) + (HAT if hat else ""))
    # Italic for Latin letters, upright for Greek, as in typeset mathematics.
    out = html.escape(shown) if shown[:1] in GREEK else f"<i>{html.escape(shown)}</i>"
    if subs:
        out += "<sub>" + html.escape(",".join(_greek(s) for s in subs)) + "</sub>"
    return out + html.escape(prime(version))


def latex_name(ident: str, version: int = 0) -> str:
    r"""A name for LaTeX math mode: W_{i}, \hat{y}, \alpha_{1}, c'.

    >>> latex_name("W_i"), latex_name("y_hat"), latex_name("alpha_1"), latex_name("c", 2)
    ('W_{i}', '\\hat{y}', '\\alpha_{1}', "c''")
    """
    base, hat, subs = _parts(ident)
    shown = _latex_word(base)
    if hat:
        shown = rf"\hat{{{shown}}}"
    if subs:
        shown += "_{" + ",".join(_latex_word(s) for s in subs) + "}"
    return shown + ("'" * version if version <= 3 else f"^{{({version})}}")


_ACCENTS = {"\u0301": "acute", "\u0300": "grave", "\u0302": "hat", "\u0308": "ddot",
            "\u0303": "tilde", "\u0304": "bar", "\u030c": "check", "\u0306": "breve",
            "\u0307": "dot"}


def _math_accent(ch: str) -> str:
    """A Latin letter with an accent as LaTeX math (é -> \\acute{e}); others as they are."""
    import unicodedata
    parts = unicodedata.normalize("NFD", ch)
    if len(parts) == 2 and parts[0].isascii() and parts[0].isalpha() and parts[1] in _ACCENTS:
        return f"\\{_ACCENTS[parts[1]]}{{{parts[0]}}}"
    return ch


def _latex_word(word: str) -> str:
    """One part of a name: a Greek letter's command, a letter, or upright text; t−1 as t-1."""
    for sign, shown in (("−", "-"), ("+", "+")):
        if sign in word:
            left, _, right = word.partition(sign)
            return _latex_word(left) + shown + _latex_word(right)
    if word in GREEK_BY_NAME:
        return "\\" + word
    if not word.isascii():          # é in math mode is an error in pdflatex: \acute{e}
        word = "".join(_math_accent(ch) for ch in word)
    if len(word) == 1 or word.isdigit():
        return word
    escaped = "".join("\\_" if ch == "_" else ch for ch in word)
    return rf"\mathrm{{{escaped}}}"
