"""Shape inference over a whole program, before any number is computed.

Every node gets a shape variable (core/unify.py). Declared shapes, constants (scalars) and the
shapes of the values given (--set, --values, data files) fix some of them; each op adds the
constraints of its row's shape rule (core/shape_forms.py, keyed by the rule). Solving merges
what must be equal; a contradiction is reported at the op that meets it, with its position
and both shapes. What nothing fixes is chosen in this order, one step at a time, solving again
after each (each step only when the ones before it have nothing left to do):

  1. an operand of a matrix product (or of softmax) of unknown rank is a matrix if its name
     starts with a capital letter (as juxtaposition reads it: `W x`), else a vector (`wᵀ x`);
  1b. so is the one leaf of unknown rank that decides the rank of a transpose's or a whole
     reduction's operand (`wᵀ`, `mean(x − μ)`: never a scalar; core/tensors.py);
  2. an elementwise result of known rank needs an operand of that rank: the operand that
     looks like one (by step 1's rule), else the first, gets the result's shape;
  3. a leaf whose rank nothing fixes, added to (or subtracted from) a value of known rank, has
     that value's shape: `W x + b` makes b a vector (a bias), with a note; added to a batch of
     rows (`X W`, a matrix product of rank 2 or more) a lowercase b is one row; a leaf that
     names a vector's entries (y_k in Σ_k), or a target multiplying a log (y * log(p)),
     multiplied with a value has its shape;
  3b. every other leaf whose rank nothing fixes is a scalar; when it scales a tensor
     (`λ W`), a note says so;
  4. broadcast sizes that could be 1 or equal are equal;
  5. every size still free is DEFAULT_SIZE, and a note says which leaves got it.
"""

from __future__ import annotations

import contextlib
import re
import sys
from dataclasses import dataclass, field

from graphdraw import ops
from graphdraw.core import class_targets, rank_hints, shape_forms, tensors
from graphdraw.core.shape_forms import FORCED, RANKS, RESULTS, SIZES
from graphdraw.core.unify import Contradiction, Solver
from graphdraw.errors import SourceError
from graphdraw.lazy import gc_paused, np
from graphdraw.language import names, notes
from graphdraw.language.program import Node, Program
from graphdraw.ops import shapes

DEFAULT_SIZE = 3        # a size that nothing in the model or the values fixes
_RANK_MAKERS = ("matmul", "outer", "last_axis", "classes", "along", "transpose", "reduce",
                "class_indices", "one_hot")


class ShapeError(SourceError):
    """Shapes that cannot fit together, at the op (or leaf) where they meet."""


@dataclass
class Inferred:
    """The outcome: every node's shape (None: not known), and what was chosen by default."""

    shapes: dict[str, tuple[int, ...] | None]
    defaulted: list[str] = field(default_factory=list)      # leaves with a default size
    unknown_rules: list[str] = field(default_factory=list)  # ops whose rule has no form
    roles: dict[str, str | None] = field(default_factory=dict)   # leaves' declared roles
    per_sample: set[str] = field(default_factory=set)            # leaves in a plate
    readings: list[str] = field(default_factory=list)   # step 3's notes: b as W x's shape
    partnered: set[str] = field(default_factory=set)    # leaves shaped by step 3 (b, y)

    def notes(self) -> list[str]:
        """Step 3's notes and the note for the sizes that were chosen by default."""
        return [*self.readings, *([self._sizes_note()] if self.defaulted else [])]

    def _sizes_note(self) -> str:
        """The note for the sizes that were chosen by default."""
        said = []
        for leaf in self.defaulted:
            shape = self.shapes[leaf] or ()
            what = f"a vector of {shape[0]}" if len(shape) == 1 else shapes.fmt(shape)
            said.append(f"{leaf} is {what}")
        first = self.defaulted[0]
        declared = ", ".join(map(str, self.shapes[first] or ()))
        vectors = [x for x in self.defaulted if len(self.shapes[x] or ()) == 1]
        # The value to give: data first (per sample, or declared input), else the last vector
        # (the x of W x) that is not a bias or a target shaped by its partner; the declaration
        # shown is the first leaf's (the W of W x).
        vectors.sort(key=lambda x: (x not in self.per_sample, self.roles.get(x) != "input",
                                    x in self.partnered or self.roles.get(x) == "target",
                                    -self.defaulted.index(x)))
        given = ""
        if vectors:
            value = "[" + ", ".join(str(i + 1) for i in range(self.shapes[vectors[0]][0])) + "]"
            if vectors[0] in self.per_sample:          # one value per sample
                value = f"[{value}, {value}]"
            given = f" or give a value (--set {vectors[0]}={value})"
        return (f"sizes not fixed by the model: {', '.join(said)} ({DEFAULT_SIZE} is the "
                f"default size); declare shapes (`{self.roles.get(first) or 'param'} "
                f"{first}[{declared}]`){given}")


def given_shapes(program: Program, values: dict) -> dict[str, tuple[int, ...]]:
    """The shapes of given leaf values, per sample for a leaf in a plate."""
    out = {}
    for name, value in values.items():
        node = program.nodes.get(name)
        if node is None or not node.is_leaf:
            continue
        shape = tuple(np.shape(value))
        if node.plate is not None:
            if not shape:
                continue        # not one value per sample: plates.sample_count says so
            shape = shape[1:]
        out[name] = shape
    return out


def trivial(program: Program, given: dict | None = None) -> bool:
    """Whether nothing can give any value a rank above 0 (then every shape is a scalar, or
    unknown and read as one): no known non-scalar leaf, no matrix or outer product, no rule
    without a form."""
    if any(s for s in (given or {}).values()):
        return False
    makers = {name for name, row in ops.OPS.items() if row.shape.__name__ in _RANK_MAKERS
              or shape_forms.symbolic(row.shape) is None}
    for node in program.nodes.values():
        if node.op is None:
            if node.shape:          # a leaf declared non-scalar (constants are scalars)
                return False
        elif node.op in makers:
            return False
    return True


def infer(program: Program, given: dict | None = None,
          classes: dict | None = None) -> Inferred:
    """Every node's shape, from the declarations, the given shapes (name -> shape, per sample
    in a plate) and the ops' rules; ShapeError at the first contradiction. `classes`: the
    leaves given whole numbers (class_targets.given_classes). Each class loss gets the row
    its target's rank says (probabilities or class indices: core/class_targets.py)."""
    with gc_paused():          # many small acyclic objects: the collector only slows it
        problem = _Problem(program, given or {})
        s = problem.s
        for name, kind in (classes or {}).items():
            if name in problem.term:
                s.class_values[problem.term[name]] = kind
        problem.solve()
        problem.check_scalings()
        try:
            class_targets.choose_rows(program, lambda node_id: s.rank(problem.term[node_id]))
        except SourceError as exc:
            raise ShapeError(exc.message, source=exc.source, line=exc.line, col=exc.col,
                             hint=exc.hint) from None
        problem.class_notes()
        tensors.reduced_scalars(problem)
        return problem.result()


def shapes_for(program: Program, values: dict | None = None) -> dict:
    """Every node's inferred shape given the leaves' `values` (name -> array), with the note
    on default sizes said; {} when nothing can be more than a scalar (`trivial`).

    Without `values`, the values last given for this program are used (numeric/values.py
    gives them when the numbers are made), so that a diagram drawn after them, such as
    train's, shows the shapes the numbers have.
    """
    if values is None:
        given = program.__dict__.get("_given_shapes", {})
    else:
        given = program.__dict__["_given_shapes"] = given_shapes(program, values)
        program.__dict__["_given_classes"] = class_targets.given_classes(program, values)
    if trivial(program, given):
        return {}
    inferred = infer(program, given, program.__dict__.get("_given_classes"))
    say(program, inferred)
    return inferred.shapes


_QUIET: list[bool] = []        # inside quiet(): notes are not said


@contextlib.contextmanager
def quiet():
    """Inference inside says nothing: for a look at the model before its values are known
    (a later inference with the values says what is actually used)."""
    _QUIET.append(True)
    try:
        yield
    finally:
        _QUIET.pop()


def say(program: Program, inferred: Inferred) -> None:
    """Print the notes of the readings and default sizes on stderr, once per program and
    note (not inside quiet())."""
    if _QUIET:
        return
    said = program.__dict__.setdefault("_shape_notes", set())
    for text in inferred.notes():
        if text not in said:
            said.add(text)
            sys.stderr.write(f"graphdraw: note: {notes.prefix(program.source.name)}{text}\n")


@dataclass
class _Constraint:
    node: Node
    form: shape_forms.Form
    out: int
    args: tuple[int, ...]


_SIZES = re.compile("\x00([0-9]+)\x00")


def _sizes(t: int) -> str:
    """A place in a note for shape t's sizes, filled in when inference ends (`3, 2`)."""
    return f"\x00{t}\x00"


class _Problem:
    """The shape variables and constraints of one program, and the order of the defaults."""

    def __init__(self, program: Program, given: dict) -> None:
        self.program = program
        self.s = s = Solver()
        self.term: dict[str, int] = {}
        self.pending: list[_Constraint] = []
        self.unknown_rules: list[str] = []
        self.defaulted_sizes: set[int] = set()
        self.readings: list[str] = []
        self.partnered: set[str] = set()
        self.made_scalar: set[str] = set()      # leaves step 3b made scalars
        for node in program.nodes.values():
            t = self.term[node.id] = s.shape()
            if node.is_leaf:
                self._leaf(node, t, given.get(node.id))
            elif node.is_const:
                s.unify(t, s.shape(()))
            else:
                row = ops.OPS[node.op]
                form, symbolic = shape_forms.form_of(row.shape)
                if not symbolic and row.name not in self.unknown_rules:
                    self.unknown_rules.append(row.name)
                args = tuple(self.term[a] for a in node.args)
                self.pending.append(_Constraint(node, form, t, args))
        s.hints = rank_hints.Hints(self)

    def _leaf(self, node: Node, t: int, value_shape) -> None:
        """A leaf's shape as declared, or as its given value has it (they must agree)."""
        declared = node.shape
        if value_shape is not None and declared is not None \
                and tuple(value_shape) != tuple(declared):
            raise self._error(node, *shapes.declared_mismatch(
                node.id, node.role, tuple(declared), tuple(value_shape)))
        shape = value_shape if value_shape is not None else declared
        if shape is not None:
            self.s.unify(t, self.s.known(tuple(shape)))

    # -- solving -----------------------------------------------------------------------------
    def solve(self) -> None:
        steps = (lambda: self.sweep(RANKS), lambda: tensors.mark(self),
                 lambda: self.sweep(RESULTS),
                 self.bias_leaves, self.scalar_leaves,
                 lambda: self.sweep(SIZES), self.default_sizes)
        while True:
            while self.sweep(FORCED):
                pass
            if not any(step() for step in steps):
                return

    def sweep(self, level: int) -> bool:
        """Run the pending constraints once, in program order; whether anything was learnt.

        A step of defaults runs only the constraints that can choose at that step."""
        s = self.s
        s.changed = False
        s.hints.known.clear()       # ranks learnt since the last sweep change what names suggest
        left = []
        chooses = _CHOOSERS.get(level)
        for c in self.pending:
            if chooses is not None and getattr(c.form, "func", c.form) not in chooses or \
                    level == RESULTS and s.rank(c.out) is None:
                left.append(c)
                continue
            try:
                done = c.form(s, c.out, c.args, level)
            except Contradiction as exc:
                raise self._op_error(c, str(exc)) from None
            if not done:
                left.append(c)
        progress = s.changed or len(left) != len(self.pending)
        self.pending = left
        return progress

    def _partners(self):
        """(leaf, op, the other operand) for each leaf of unknown rank that is an operand of
        an elementwise add, sub, mul or div whose other operand has a known rank above 0."""
        s, nodes = self.s, self.program.nodes
        for node in nodes.values():
            if node.op not in ("add", "sub", "mul", "div") or len(node.args) != 2:
                continue
            for mine, other in (node.args, node.args[::-1]):
                leaf = nodes[mine]
                if leaf.is_leaf and s.dims(self.term[mine]) is None \
                        and (s.rank(self.term[other]) or 0) > 0:
                    yield leaf, node, other

    def bias_leaves(self) -> bool:
        """Step 3: b in `W x + b` has its partner's shape, and in `X W + b` the shape of one
        row of it; y in Σ_k y_k log ŷ_k and a target in `y * log(p)` have their partner's
        shape."""
        s, found = self.s, False
        for leaf, node, other in self._partners():
            if s.dims(self.term[leaf.id]) is not None:
                continue
            if node.op in ("add", "sub"):
                self._bias(leaf, node, other)
            elif leaf.id in self.program.entry_names:
                s.unify(self.term[leaf.id], self.term[other])
            elif node.op == "mul" and leaf.role == "target":
                s.unify(self.term[leaf.id], self.term[other])
                shown = names.pretty(leaf.id)
                self.readings.append(
                    f"{shown} has the shape of the value it multiplies (a target, one entry "
                    f"per entry); declare `target {shown}` (a scalar) to scale them all by "
                    "one number")
            else:
                continue
            self.partnered.add(leaf.id)
            found = True
        for name in self.program.entry_names:       # ŷ_k of Σ_k: a vector, whatever else
            node = self.program.nodes.get(name)
            if node is not None and node.is_leaf and s.dims(self.term[name]) is None:
                s.unify(self.term[name], s.fresh(1))
                found = True
        return found

    def _bias(self, leaf: Node, node: Node, other: str) -> None:
        """b added to (or subtracted from) a value: its shape; added to a batch of rows (a
        matrix product `X W` of rank 2 or more), one row's shape, broadcast over the rows."""
        s, shown = self.s, names.pretty(leaf.id)
        other_t = self.term[other]
        dims = s.dims(other_t)
        if node.op == "add" and len(dims) >= 2 and self.program.nodes[other].op == "matmul" \
                and not (leaf.name or leaf.id)[:1].isupper():
            s.unify(self.term[leaf.id], s.shape(dims[-1:]))
            self.readings.append(
                f"{shown} is a vector added to each row of the matrix product (a bias, as in "
                f"torch's Linear); declare its full shape (`param {shown}[{_sizes(other_t)}]`) "
                f"for one number per entry, or `param {shown}` (a scalar) for one in all")
            return
        s.unify(self.term[leaf.id], self.term[other])
        verb = "added to (a bias)" if node.op == "add" else \
            "subtracted from" if node.args[1] == leaf.id else "a difference with"
        role = "target" if leaf.role == "target" else "param"     # a declaration keeps it
        self.readings.append(f"{shown} has the shape of the value it is {verb}; declare "
                             f"`{role} {shown}` (a scalar) to broadcast one number")

    def scalar_leaves(self) -> bool:
        """Step 3b: every leaf of unknown rank is a scalar (noted when it scales a tensor)."""
        s = self.s
        scaling = []
        for leaf, node, other in self._partners():
            shown = names.pretty(leaf.id)
            scaling.append(leaf.id)
            if not any(r.startswith(shown + " ") for r in self.readings):
                size = _sizes(self.term[other])
                self.readings.append(f"{shown} is a scalar (it scales a value entry by "
                                     f"entry); declare its shape (`param {shown}[{size}]`) "
                                     "for one number per entry")
        if scaling:         # these first: `w x + b` then knows W x's shape when b is decided
            for leaf_id in scaling:
                s.unify(self.term[leaf_id], s.shape(()))
                self.made_scalar.add(leaf_id)
            return True
        found = False
        for node in self.program.nodes.values():
            if node.is_leaf and s.dims(self.term[node.id]) is None:
                s.unify(self.term[node.id], s.shape(()))
                self.made_scalar.add(node.id)
                found = True
        return found

    def default_sizes(self) -> bool:
        """Step 5: every free size is DEFAULT_SIZE."""
        s = self.s
        free = set()
        for t in self.term.values():
            for d in s.dims(t) or ():
                if s.size_value(d) is None:
                    free.add(s.find_size(d))
        for root in free:
            s.set_size(root, DEFAULT_SIZE)
        self.defaulted_sizes |= free
        return bool(free)

    def check_scalings(self) -> None:
        """`x yᵀ` was read as a scaling while x's shape was unknown: x a vector would make it
        the outer product, which the reading did not choose, so it is refused, not guessed."""
        s, nodes = self.s, self.program.nodes
        for node in self.program.scalings:
            if nodes.get(node.id) is not node:
                continue
            left, right = (s.rank(self.term[a]) for a in node.args)
            if left and right == 1:
                named = nodes[node.args[0]].name
                what = f"{named or 'the left factor'} is " + \
                    ("a vector of " if left == 1 else "") + s.text(self.term[node.args[0]])
                raise self._error(node, f"a vector times a row vector, read while shapes were "
                                  f"unknown ({what}): an outer product or an elementwise one?",
                                  "write outer(x, y) for the outer product (or declare the "
                                  "vector's shape: a declared vector times yᵀ is the outer "
                                  "product), x * yᵀ for the elementwise product")

    def class_notes(self) -> None:
        """The notes for class-loss targets whose reading was chosen (shape_forms.classes)."""
        by_term = {t: node_id for node_id, t in self.term.items()}
        for out, index in self.s.class_choices:
            node = self.program.nodes[by_term[out]]
            self.readings.append(class_targets.choice_note(
                self.program, node, index, lambda i: self.s.text(self.term[i])))

    def result(self) -> Inferred:
        s, program = self.s, self.program
        found = {node_id: s.concrete(t) for node_id, t in self.term.items()}
        defaulted = [n.id for n in program.nodes.values() if n.is_leaf and any(
            s.find_size(d) in self.defaulted_sizes for d in s.dims(self.term[n.id]) or ())]
        roles = {n.id: n.role for n in program.nodes.values() if n.is_leaf}
        per_sample = {n.id for n in program.nodes.values() if n.is_leaf and n.plate}
        readings = [_SIZES.sub(lambda m: s.text(int(m.group(1))).replace("×", ", "), r)
                    for r in self.readings]       # the sizes a note names, as they ended
        return Inferred(found, defaulted, self.unknown_rules, roles, per_sample, readings,
                        self.partnered)

    # -- errors ------------------------------------------------------------------------------
    def _op_error(self, c: _Constraint, reason: str) -> ShapeError:
        texts = [self.s.text(t) for t in c.args]
        return shape_error(self.program, c.node, texts, reason)

    def _error(self, node: Node, message: str, hint: str) -> ShapeError:
        return ShapeError(message, source=self.program.source, line=node.line, col=node.col,
                          hint=hint)


_CHOOSERS = {RANKS: (shape_forms.matmul, shape_forms.last_axis, shape_forms.along,
                     shape_forms.classes, shape_forms.one_hot),
             RESULTS: (shape_forms.broadcast,)}


def shape_error(program: Program, node: Node, texts: list[str], reason: str) -> ShapeError:
    """The error for an op that cannot combine shapes (texts: its operands', as fmt writes
    them), at the op's position with a caret."""
    name = ops.OPS[node.op].name
    if len(texts) == 1:
        message = f"{name} cannot take shape {texts[0]}: {reason}"
    else:
        message = f"{name} cannot combine shapes {' and '.join(texts)}: {reason}"
    named = [f"{program.nodes[a].name} is {text}" for a, text in zip(node.args, texts)
             if program.nodes[a].name is not None and program.nodes[a].op is None]
    hint = "declare shapes that fit (param W[3, 2]) or give values that do (--set x=[1, 2])"
    return ShapeError(message, source=program.source, line=node.line, col=node.col,
                      hint="; ".join(named) + ": " + hint if named else hint)
