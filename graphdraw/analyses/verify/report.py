"""Verifying claims: each one against the truth at many points, the verdicts, text and JSON."""

from __future__ import annotations

import math

import os
import re
from dataclasses import dataclass, field

from graphdraw.errors import GraphdrawError, Source, user_message
from graphdraw.core import plates
from graphdraw.language.program import Program
from graphdraw.numeric import evaluate
from graphdraw.analyses.verify import claims as claims_mod, compare, diagnose

POINTS = 100


@dataclass
class Verdict:
    """One claim's result: whether it holds, how wrong, and what a teacher would say."""

    text: str
    where: str
    claim: claims_mod.Claim | None = None
    ok: bool = False
    max_rel_error: float | None = None
    points: int = 0
    diagnosis: str | None = None
    error: str | None = None          # the claim could not be read (answers files)
    answer: str | None = None         # the right formula (--show-answer)
    line: int | None = None
    lhs: tuple | None = None          # (U, V, V's entry) when at least the left side was read
    again: int | None = None          # answered again on this later line: that one is graded

    @property
    def label(self) -> str:
        if self.claim:
            return self.claim.lhs_pretty
        if self.lhs:
            of, wrt, index = self.lhs
            return (f"∂{claims_mod.pretty_id(of)}/∂{claims_mod.pretty_id(wrt)}"
                    f"{claims_mod.entry_text(index)}")
        return self.text.split("=")[0].strip()

    @property
    def key(self) -> tuple | None:
        """(U, V, V's entry): what the claim is about, when its left side was read."""
        c = self.claim
        return (c.of, c.wrt, c.index) if c else self.lhs

    def to_json(self) -> dict:
        key = self.key
        data = {"claim": self.text, "of": key[0] if key else None,
                "wrt": f"{key[1]}{claims_mod.entry_text(key[2])}" if key else None,
                "ok": self.ok,
                "max_rel_error": self.max_rel_error, "points": self.points,
                "diagnosis": self.diagnosis if self.error is None else self.error}
        if self.line is not None:
            data["line"] = self.line
        if self.again is not None:
            data["answered_again_on_line"] = self.again
        if self.answer is not None:
            data["answer"] = self.answer
        return data


@dataclass
class Verification:
    """All the claims about one model."""

    source_name: str
    note: str
    count: int                      # random points asked for
    skipped: int                    # random points where the model has no value
    verdicts: list[Verdict] = field(default_factory=list)
    answers: str | None = None      # the answers file, when graded
    missing: list[str] = field(default_factory=list)   # parameter entries not answered
    prose: list[int] = field(default_factory=list)     # answers lines skipped as prose
    # answers files: the model's output and its parameters' numbers of entries; the score
    # then counts parameter entries (a whole-array claim counts each of its entries) and
    # leaves claims about other values (∂L/∂ŷ) out of it, so its denominator is fixed
    entries: dict[str, int] = field(default_factory=dict)
    output: str | None = None

    @property
    def graded(self) -> list[Verdict]:
        """The verdicts that count: an entry answered twice counts once (its last line)."""
        return [v for v in self.verdicts if v.again is None]

    @property
    def ok(self) -> bool:
        return bool(self.graded) and all(v.ok for v in self.graded) and not self.missing

    @property
    def score(self) -> str:
        graded = self.graded
        if self.entries:
            weights = [(self._weight(v), v.ok) for v in graded]
            if any(w for w, _ in weights):
                right = sum(w for w, ok in weights if ok)
                return f"{right}/{sum(w for w, _ in weights) + len(self.missing)}"
        return f"{sum(v.ok for v in graded)}/{len(graded) + len(self.missing)}"

    def _weight(self, verdict: Verdict) -> int:
        """How many parameter entries a graded claim answers (0: a claim about another value,
        which the score leaves out; 1: a claim that could not be read)."""
        key = verdict.key
        if not key:
            return 1
        if key[0] != self.output or key[1] not in self.entries:
            return 0
        return 1 if key[2] is not None else self.entries[key[1]]

    def to_json(self) -> dict:
        data = {"ok": self.ok, "score": self.score, "model": self.source_name,
                "claims": [v.to_json() for v in self.verdicts]}
        if self.answers is not None:
            data.update(not_answered=self.missing, skipped_lines=self.prose)
        return data


def verify(program: Program, given: dict, texts: list[tuple[str, Source, int, int]], *,
           count: int = POINTS, seed: int = 0, show_answer: bool = False,
           keep_going: bool = False, source_name: str = "<model>", note: str = "",
           answers: str | None = None, prose: list[int] | None = None,
           complete: bool = False) -> Verification:
    """Check each claim (text, the Source it is in, its line, its start column).

    `keep_going`: a claim that cannot be read is a wrong answer with its error (answers
    files) rather than an error that stops everything (--claim). `complete`: the parameters'
    entries (as grads --scalar numbers them) that no claim answers count as wrong.
    """
    pts, skipped = compare.points(program, given, count, seed)
    shapes = evaluate.check_shapes(program, pts[0].leaves)
    samples = plates.sample_count(program, pts[0].leaves) if program.plates else None
    result = Verification(source_name, note, count, skipped, answers=answers,
                          prose=list(prose or ()))
    for text, source, line, start in texts:
        verdict = Verdict(re.sub(r"(?<!\\)&", "", text).strip(), source.name,
                          line=line if keep_going else None)        # align's &= shown as =
        try:
            verdict.claim = claims_mod.read_claim(program, shapes, text, source, line, start,
                                                  samples)
        except GraphdrawError as exc:         # a claim that cannot be read, or too large
            if not keep_going:
                raise
            verdict.error = user_message(exc)
            verdict.lhs = claims_mod.read_lhs(program, shapes, text, source, line, start)
            result.verdicts.append(verdict)
            continue
        _judge(program, pts, verdict, show_answer, shapes)
        result.verdicts.append(verdict)
    _twice(result.verdicts)
    if complete:
        result.missing = _not_answered(program, shapes, result.verdicts)
    if answers is not None:
        result.output = program.output
        result.entries = {n.id: math.prod(shapes.get(n.id, ())) for n in program.nodes.values()
                          if n.is_param}
    return result


def _twice(verdicts: list[Verdict]) -> None:
    """An entry answered on several lines: the last one is graded."""
    last: dict = {}
    for v in reversed(verdicts):
        key = v.key
        if key is None:
            continue
        if key in last:
            v.again = last[key]
        else:
            last[key] = v.line


def _not_answered(program: Program, shapes: dict, verdicts: list[Verdict]) -> list[str]:
    """The parameters' entries (W[1,2], numbered as grads --scalar does) no claim about the
    model's output answers; a claim about a whole parameter answers all its entries."""
    import itertools
    keys = {v.key for v in verdicts if v.key is not None and v.key[0] == program.output}
    out = []
    for node in program.nodes.values():
        if not node.is_param or (program.output, node.id, None) in keys:
            continue
        shape = shapes.get(node.id, ())
        for index in itertools.product(*(range(n) for n in shape)):
            if (program.output, node.id, index or None) not in keys:
                out.append(f"{claims_mod.pretty_id(node.id)}"
                           f"{claims_mod.entry_text(index or None)}")
    return out


def _judge(program: Program, pts: list, verdict: Verdict, show_answer: bool,
           shapes: dict) -> None:
    claim = verdict.claim
    sides, mismatch = compare.sides(program, pts, claim)
    verdict.points = len(sides.truths)
    if not sides.truths:
        verdict.diagnosis = (f"{claim.lhs_pretty} has no value at any point tried "
                             "(NaN or infinity): try other values with --set")
        return
    if mismatch is None:
        verdict.max_rel_error = sides.max_rel_error()
        verdict.ok = bool(sides.agree().all())
    if not verdict.ok:
        try:
            verdict.diagnosis = diagnose.diagnose(program, claim, sides, mismatch, shapes)
        except Exception:  # noqa: BLE001 - a grading table outlives a diagnosis that failed
            if os.environ.get("GRAPHDRAW_DEBUG"):
                raise
            verdict.diagnosis = ("it is not the derivative (graphdraw could not say more "
                                 "here: please report it with the claim)")
    if show_answer:
        verdict.answer = diagnose.answer(program, claim, shapes)


# -- text ------------------------------------------------------------------------------------

def to_text(result: Verification) -> str:
    """A block per claim (--claim), or a graded table and the details (--answers)."""
    head = (f"at the given values ({result.note}) and {result.count - result.skipped} random "
            "points")
    if result.skipped:
        head += (f" ({result.skipped} of {result.count} random points set aside: the model "
                 "has no value there)")
    if result.answers is not None:
        lines = [f"Grading {result.answers} against {result.source_name}: "
                 f"{_claims(len(result.verdicts))}, {head}", ""] + _table(result)
    else:
        lines = [f"Checking {_claims(len(result.verdicts))} against {result.source_name}: "
                 f"{head}", ""]
        for v in result.verdicts:
            lines.append(f"  {'✓' if v.ok else '✗'} {v.text}")
            lines += ["      " + x for x in _details(v)]
    lines.append("")
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _details(v: Verdict) -> list[str]:
    if v.error is not None:
        out = ["cannot be read:"] + v.error.split("\n")
    elif v.ok:
        out = [f"holds at {'the one point' if v.points == 1 else f'all {v.points} points'} "
               "(largest relative error "
               f"{v.max_rel_error:.2g})"]
    else:
        out = (v.diagnosis or "does not hold").split("\n")
    if v.answer is not None:
        out.append(f"the derivative: {v.answer}")
    return out


def _table(result: Verification) -> list[str]:
    rows = [(str(v.line), v.label,
             f"– answered again on line {v.again}, which is graded" if v.again is not None
             else "✓" if v.ok else "✗ " + _first(v)) for v in result.verdicts]
    if not rows:
        return []
    w0 = max(len("line"), *(len(r[0]) for r in rows))
    w1 = max(len("derivative"), *(len(r[1]) for r in rows))
    lines = [f"  {'line':<{w0}}  {'derivative':<{w1}}  result"]
    lines += [f"  {a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows]
    shown = [v for v in result.graded if not v.ok or v.answer is not None]
    if shown:
        lines.append("")
    for v in shown:
        lines.append(f"  {'✓' if v.ok else '✗'} line {v.line}: {v.text}")
        lines += ["      " + x for x in _details(v)]
    return lines


def _first(v: Verdict) -> str:
    if v.error is not None:
        return "cannot be read: " + v.error.split("\n")[0].split(": error: ")[-1]
    return (v.diagnosis or "does not hold").split("\n")[0]


def _summary(result: Verification) -> str:
    notes = []
    if result.prose:
        notes.append(f"skipped {_count(len(result.prose), 'line')} that "
                     f"{'is' if len(result.prose) == 1 else 'are'} not a claim (line"
                     f"{'s' if len(result.prose) > 1 else ''} "
                     f"{_shortened([str(n) for n in result.prose])})")
    twice = [v for v in result.verdicts if v.again is not None]
    if twice:
        notes.append("answered twice, the last line graded: " + ", ".join(
            f"{v.label} (line {v.line}, again on line {v.again})" for v in twice))
    if result.answers is not None and not result.verdicts:
        notes.append(f"{result.answers} holds no claims: write one a line, e.g. "
                     "∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ)")
    wrong = [v for v in result.graded if not v.ok]
    if not wrong and not result.missing and result.graded:
        last = ("ok: the claim holds" if len(result.verdicts) == 1 and not result.answers else
                f"score: {result.score}: every claim holds")
    else:
        last = f"score: {result.score}"
        if wrong:
            labels = [v.label for v in wrong]
            last += "; wrong: " + ", ".join(
                v.label + (f" (line {v.line})" if v.line is not None else
                           f" = {v.text.split('=', 1)[-1].strip()}"
                           if labels.count(v.label) > 1 else "") for v in wrong)
        if result.missing:
            last += "; not answered: " + _shortened(result.missing)
    return "\n".join(notes + [last])


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shortened(names: list[str], most: int = 12) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[:most]) + f", … ({len(names) - most} more)"


def _claims(n: int) -> str:
    return "1 claim" if n == 1 else f"{n} claims"
