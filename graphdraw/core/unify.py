"""Unification of shapes: union-find over sizes and over shapes (the solver of core/infer.py).

A *size* is a variable that is either unknown or a whole number; sizes that must be equal are
merged into one class. A *shape* is a variable that is either of unknown rank or a tuple of
sizes; shapes that must be equal are merged, and merging two shapes of known rank merges their
sizes one by one. Anything that cannot hold (a rank 1 merged with a rank 2, a size 3 with a
size 4) raises Contradiction; the caller says which operation asked for it.
"""

from __future__ import annotations


def _root(parent: list[int], v: int) -> int:
    """The representative of v's class, halving the path on the way (union-find)."""
    while parent[v] != v:
        parent[v] = parent[parent[v]]
        v = parent[v]
    return v


class Contradiction(Exception):
    """Two facts about one shape or one size that cannot both hold."""


class Solver:
    """Shape and size variables, their classes and what is known of each class."""

    def __init__(self) -> None:
        self._size_parent: list[int] = []
        self._size_value: list[int | None] = []
        self._shape_parent: list[int] = []
        self._shape_dims: list[tuple[int, ...] | None] = []
        self.hints: dict[int, int] = {}     # shape variable -> the rank its names suggest
        self.changed = False        # set whenever something new is learnt
        # class losses (shape_forms.classes): shape root -> "indices" or "either" for a target
        # given whole numbers (not one-hot, or 0/1 one-hot rows); the choices made by default
        self.class_values: dict[int, str] = {}
        self.class_choices: list[tuple[int, bool]] = []

    # -- sizes -------------------------------------------------------------------------------
    def size(self, value: int | None = None) -> int:
        """A new size variable (known when `value` is given)."""
        self._size_parent.append(len(self._size_parent))
        self._size_value.append(value)
        return len(self._size_parent) - 1

    def find_size(self, v: int) -> int:
        return _root(self._size_parent, v)

    def size_value(self, v: int) -> int | None:
        return self._size_value[self.find_size(v)]

    def unify_sizes(self, a: int, b: int) -> None:
        """Sizes a and b are equal."""
        a, b = self.find_size(a), self.find_size(b)
        if a == b:
            return
        va, vb = self._size_value[a], self._size_value[b]
        if va is not None and vb is not None and va != vb:
            raise Contradiction(f"sizes {va} and {vb} differ")
        self._size_parent[b] = a
        if va is None:
            self._size_value[a] = vb
        # Two known sizes that agree teach nothing (a check, not news): no sweep is owed.
        self.changed |= va is None or vb is None

    def set_size(self, v: int, value: int) -> None:
        self.unify_sizes(v, self.size(value))

    # -- shapes ------------------------------------------------------------------------------
    def shape(self, dims: tuple[int, ...] | None = None) -> int:
        """A new shape variable: of unknown rank, or with the given size variables."""
        self._shape_parent.append(len(self._shape_parent))
        self._shape_dims.append(None if dims is None else tuple(dims))
        return len(self._shape_parent) - 1

    def known(self, shape: tuple[int, ...]) -> int:
        """A new shape variable holding a known shape."""
        return self.shape(tuple(self.size(int(n)) for n in shape))

    def fresh(self, rank: int) -> int:
        """A new shape variable of a known rank and unknown sizes."""
        return self.shape(tuple(self.size() for _ in range(rank)))

    def find(self, t: int) -> int:
        return _root(self._shape_parent, t)

    def dims(self, t: int) -> tuple[int, ...] | None:
        """The size variables of shape t, or None while its rank is unknown."""
        return self._shape_dims[self.find(t)]

    def rank(self, t: int) -> int | None:
        dims = self.dims(t)
        return None if dims is None else len(dims)

    def unify(self, a: int, b: int) -> None:
        """Shapes a and b are equal."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        da, db = self._shape_dims[a], self._shape_dims[b]
        if da is not None and db is not None:
            if len(da) != len(db):
                raise Contradiction(f"{self.text(a)} and {self.text(b)} differ in rank")
            for x, y in zip(da, db):
                self.unify_sizes(x, y)
        self._shape_parent[b] = a
        if da is None:
            self._shape_dims[a] = db
        # Two shapes of known rank: what is new (if anything) is in their sizes.
        self.changed |= da is None or db is None

    def concrete(self, t: int) -> tuple[int, ...] | None:
        """Shape t as numbers, or None while its rank or a size is unknown."""
        dims = self.dims(t)
        if dims is None:
            return None
        values = tuple(self.size_value(d) for d in dims)
        return None if None in values else values     # type: ignore[return-value]

    def text(self, t: int) -> str:
        """Shape t for messages: 'scalar', '3', '3×?' (a size not known yet), '?' (no rank)."""
        dims = self.dims(t)
        if dims is None:
            return "?"
        if not dims:
            return "scalar"
        return "×".join("?" if self.size_value(d) is None else str(self.size_value(d))
                        for d in dims)
