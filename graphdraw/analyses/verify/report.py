"""Verifying claims: each one against the truth at many points, the verdicts, text and JSON."""

from __future__ import annotations

import os
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

    @property
    def label(self) -> str:
        return self.claim.lhs_pretty if self.claim else self.text.split("=")[0].strip()

    def to_json(self) -> dict:
        c = self.claim
        data = {"claim": self.text, "of": c.of if c else None,
                "wrt": c.wrt_entry if c else None, "ok": self.ok,
                "max_rel_error": self.max_rel_error, "points": self.points,
                "diagnosis": self.diagnosis if self.error is None else self.error}
        if self.line is not None:
            data["line"] = self.line
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

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    @property
    def score(self) -> str:
        return f"{sum(v.ok for v in self.verdicts)}/{len(self.verdicts)}"

    def to_json(self) -> dict:
        return {"ok": self.ok, "score": self.score, "model": self.source_name,
                "claims": [v.to_json() for v in self.verdicts]}


def verify(program: Program, given: dict, texts: list[tuple[str, Source, int, int]], *,
           count: int = POINTS, seed: int = 0, show_answer: bool = False,
           keep_going: bool = False, source_name: str = "<model>", note: str = "",
           answers: str | None = None) -> Verification:
    """Check each claim (text, the Source it is in, its line, its start column).

    `keep_going`: a claim that cannot be read is a wrong answer with its error (answers
    files) rather than an error that stops everything (--claim).
    """
    pts, skipped = compare.points(program, given, count, seed)
    shapes = evaluate.check_shapes(program, pts[0].leaves)
    samples = plates.sample_count(program, pts[0].leaves) if program.plates else None
    result = Verification(source_name, note, count, skipped, answers=answers)
    for text, source, line, start in texts:
        verdict = Verdict(text.strip(), source.name, line=line if keep_going else None)
        try:
            verdict.claim = claims_mod.read_claim(program, shapes, text, source, line, start,
                                                  samples)
        except GraphdrawError as exc:         # a claim that cannot be read, or too large
            if not keep_going:
                raise
            verdict.error = user_message(exc)
            result.verdicts.append(verdict)
            continue
        _judge(program, pts, verdict, show_answer, shapes)
        result.verdicts.append(verdict)
    return result


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
        out = [f"holds at all {v.points} points (largest relative error "
               f"{v.max_rel_error:.2g})"]
    else:
        out = (v.diagnosis or "does not hold").split("\n")
    if v.answer is not None:
        out.append(f"the derivative: {v.answer}")
    return out


def _table(result: Verification) -> list[str]:
    rows = [(str(v.line), v.label, "✓" if v.ok else "✗ " + _first(v)) for v in result.verdicts]
    w0 = max(len("line"), *(len(r[0]) for r in rows))
    w1 = max(len("derivative"), *(len(r[1]) for r in rows))
    lines = [f"  {'line':<{w0}}  {'derivative':<{w1}}  result"]
    lines += [f"  {a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows]
    shown = [v for v in result.verdicts if not v.ok or v.answer is not None]
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
    wrong = [v for v in result.verdicts if not v.ok]
    if not wrong:
        return ("ok: the claim holds" if len(result.verdicts) == 1 and not result.answers else
                f"score: {result.score}: every claim holds")
    return f"score: {result.score}; wrong: " + ", ".join(
        v.label + (f" (line {v.line})" if v.line is not None else "") for v in wrong)


def _claims(n: int) -> str:
    return "1 claim" if n == 1 else f"{n} claims"
