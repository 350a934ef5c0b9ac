"""Calls written as textbooks and Python write them: σ^2(z), softmax(z)_k, sum(x, dim=0).

Each is read one way, with a note, or refused with the fix; never a product with a leaf:
- `σ^2(z)`, `tanh²(z)`, LaTeX's `\\sin^2(x)`: a whole-number power written between a
  function and its argument is the power of the function's value, (σ(z))², as sin²x is;
  `σ^{-1}(z)` (an inverse function) and any other exponent there are refused;
- `softmax(z)_k`: inside a model with Σ_k, the entry k of the value, as y_k is the entry k of
  y (the sum over k then runs over the value's entries); elsewhere refused (name the value);
- `sum(x, dim=0)`, `softmax(x, axis=-1)`: Python's and torch's keywords for the axis, the
  same as the positional `sum(x, 0)`, and `clamp(x, min=0, max=1)`; `keepdim` and any other
  keyword are refused.
"""

from __future__ import annotations

from graphdraw import ops
from graphdraw.language.lexer import SUPERSCRIPTS, Token
from graphdraw.language.reading import Reading
from graphdraw.ops.along import NAMES

AXIS_KEYWORDS = ("dim", "axis")
CLAMP_KEYWORDS = {"min": 2, "max": 3}       # clamp(x, min=lo, max=hi): the argument's place
_DIGITS = str.maketrans(SUPERSCRIPTS)


# -- σ^2(z) ----------------------------------------------------------------------------------
def function_power(reading: Reading, toks: list[Token], i: int) -> tuple[Token, int] | None:
    """For a function's name at toks[i] followed by a power and `(`: (the exponent as a
    NUMBER token, the index of the `(`), with a note; None when no `(` follows the power
    (the caller then says how to call the function). Any exponent but a positive whole
    number is refused."""
    tok, nxt = toks[i], toks[i + 1]
    if nxt.kind == "SUPER":
        at, exponent = i + 2, Token("NUMBER", nxt.text.translate(_DIGITS), nxt.line, nxt.col)
    else:
        at = _after_exponent(toks, i + 2)
        exponent = toks[i + 2]
    if at is None or toks[at].kind != "(":
        return None
    name = tok.text
    written = "".join(t.text for t in toks[i + 2:at]) if nxt.kind == "^" else nxt.text
    if exponent.kind != "NUMBER" or not exponent.text.isdigit() or int(exponent.text) == 0:
        inverse = written.replace(" ", "") in ("(-1)", "-1")
        what = (f"{name}^{written}(…) is the inverse function of {name}, which graphdraw "
                "does not have" if inverse else
                f"a power written between {name} and its argument is a whole number, as in "
                f"{name}^2(x) = ({name}(x))²")
        raise reading.error(what, tok, hint=f"for a power of the value write "
                            f"{name}(x)^{written}")
    shown = f"{name}^{exponent.text}" if nxt.kind == "^" else f"{name}{nxt.text}"
    note = (f"read '{shown}(…)' as {name}(…)^{exponent.text}, the power of the function's "
            f"value (as sin²x is (sin x)²); write {name}(…)^{exponent.text} to say so")
    if name in ("σ", "sigma"):
        note += "; declare 'param σ' for a variable σ times (…)"
    reading.note(f"fpower:{name}", note, tok)
    return exponent, at


def _after_exponent(toks: list[Token], j: int) -> int | None:
    """The index after the exponent that starts at toks[j]: one name or number, or a group
    in parentheses."""
    if toks[j].kind in ("NAME", "NUMBER"):
        return j + 1
    if toks[j].kind != "(":
        return None
    depth = 0
    for k in range(j, len(toks)):
        depth += (toks[k].kind == "(") - (toks[k].kind == ")")
        if depth == 0:
            return k + 1
        if toks[k].kind == "NL":
            return None
    return None


# -- softmax(z)_k ----------------------------------------------------------------------------
def value_subscript(reading: Reading, toks: list[Token], i: int, start: Token) -> None:
    """A subscript `_k` right after a value in parentheses or a number (toks[i]); `start` is
    where the value starts. Inside a model with Σ_k it names the value's entries, as y_k
    does (a note); else an error with the fix."""
    tok = toks[i]
    index = tok.text[1:]
    if i >= 3 and toks[i - 2].kind == "^" and toks[i - 3].kind == "NAME" \
            and toks[i - 1].kind in ("NAME", "NUMBER"):          # x^2_k, as LaTeX allows
        base, power = toks[i - 3].text, toks[i - 1].text
        raise reading.error(f"a subscript after a power ('{base}^{power}{tok.text}'): write the "
                            f"subscript first, {base}{tok.text}^{power}", tok)
    shown = _written(reading, toks, start, tok)
    if index in reading.entries:
        value = shown[:-len(tok.text)]
        reading.note(f"entry:{shown}", f"read '{shown}' as the entries {index} of {value} in "
                     f"Σ_{index}, as y_{index} is y's", tok)
        return
    value = shown[:-len(tok.text)]
    if index.isalpha():
        hint = (f"name the value first, p = {value}, then write p_{index} in a sum over its "
                f"entries (Σ_{index} y_{index} log p_{index}); or use the whole vector, {value}")
    else:
        hint = (f"graphdraw does not take entries of a value; write the whole vector, {value}, "
                "or write the entry's own formula")
    raise reading.error(f"a subscript on a value ('{shown}') is not read: subscripts go on "
                        "names", tok, hint=hint)


def _written(reading: Reading, toks: list[Token], start: Token, tok: Token) -> str:
    """The text of the model from the value that starts at `start` (with the function's
    name before a call's `(`) to the end of `tok`, when both are on one line."""
    begin = start
    if start.kind == "(":
        at = next((k for k, t in enumerate(toks) if t is start), 0)
        if at and toks[at - 1].kind == "NAME" and toks[at - 1].text in ops.FUNCTIONS:
            begin = toks[at - 1]
    if begin.line != tok.line:
        return "(…)" + tok.text
    line = reading.source.text.split("\n")[tok.line - 1]
    return line[begin.col - 1:tok.col - 1 + len(tok.text)]


# -- sum(x, dim=0) ---------------------------------------------------------------------------
def keyword(reader, toks: list[Token], i: int) -> int:
    """`NAME =` inside a call's parentheses: a keyword argument. dim= and axis= of the calls
    that take an axis are its second argument; anything else is refused. Returns the index
    of the argument's value."""
    tok = toks[i]
    frame = reader.stack[-1]
    call, word = frame.call, tok.text
    if call is None:
        raise reader.error("only one '=' per statement", toks[i + 1],
                           hint="write 'x = y' and 'y = z' on separate lines")
    if call.name == "clamp":
        return _clamp_keyword(reader, frame, tok, i)
    takes_axis = call.name in NAMES or call.shape is ops.shapes.last_axis
    if word in ("keepdim", "keepdims") and takes_axis:
        raise reader.error(f"{call.name}() has no {word}: graphdraw's reductions drop the "
                           "axis they reduce (keepdim=False)", tok,
                           hint=f"remove '{word}=…'; write {call.name}(x, dim=k) or "
                                f"{call.name}(x, k)")
    if word not in AXIS_KEYWORDS or not takes_axis:
        allowed = "dim= (or axis=) for the axis" if takes_axis else "none"
        raise reader.error(f"{call.name}() takes no keyword '{word}'", tok,
                           hint=f"keywords {call.name}() takes: {allowed}")
    if frame.argc != 2 or frame.keyword is not None:
        raise reader.error(f"{word}= comes once, after the tensor: {call.name}(x, {word}=0)",
                           tok)
    if call.name in ("max", "min"):             # max(z, dim=1) is always the reduction
        frame.call = ops.FUNCTIONS["a" + call.name]
    frame.keyword = tok
    return i + 2


def _clamp_keyword(reader, frame, tok: Token, i: int) -> int:
    """torch's clamp(x, min=lo, max=hi): the bounds as keywords, both, in this order."""
    if CLAMP_KEYWORDS.get(tok.text) != frame.argc:
        what = f"clamp() takes no keyword '{tok.text}'" if tok.text not in CLAMP_KEYWORDS \
            else f"{tok.text}= is clamp's {'second' if tok.text == 'min' else 'third'} argument"
        raise reader.error(what, tok, hint="write clamp(x, min=lo, max=hi) or clamp(x, lo, hi), "
                           "both bounds; for one bound write max(x, lo) or min(x, hi)")
    frame.keyword = tok
    return i + 2


def last_axis(builder, call: ops.Op, given: list, word: Token | None) -> list:
    """The operand of softmax(x, dim=k) and its kind, which run along the last axis only: k is
    -1, or the last axis of x when its shape is known."""
    (operand, _), (axis_id, axis_tok) = given
    axis = builder.nodes[axis_id]
    shape = builder.info[operand].shape
    k = axis.value if axis.is_const and axis.value is not None else None
    last = k == -1 or (shape is not None and k == len(shape) - 1 and k >= 0)
    if not last:
        fix = f"{word.text}=-1" if word is not None else f"{call.name}(x, -1)"
        raise builder.error(f"{call.name}() runs along the last axis: {fix}", axis_tok,
                            hint=f"for another axis transpose: {call.name}(xᵀ)ᵀ runs along "
                                 "the first axis of a matrix x")
    if axis_id.startswith("%") and axis.name is None:
        del builder.nodes[axis_id]          # the axis says only what the row does already
    return given[:1]
