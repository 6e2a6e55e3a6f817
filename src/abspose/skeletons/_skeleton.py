"""The :class:`Skeleton` type: a joint layout addressed by name.

Left/right pairs are derived from the ``l_`` / ``r_`` name prefixes, so a layout only lists
names and parents. Integer joint indices live here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from abspose.errors import AbsPoseError

__all__ = ["Skeleton"]


@dataclass(frozen=True)
class Skeleton:
    """A joint layout: ordered joint names and each joint's parent (None for the root).

    Attributes:
        name: layout name, e.g. ``"h36m17"``.
        joint_names: J names in array order.
        parents: J parent names (``None`` for a root or a keypoint with no kinematic parent).
        root: the joint that root-relative poses are relative to (``None`` if undefined).
    """

    name: str
    joint_names: tuple[str, ...]
    parents: tuple[str | None, ...]
    root: str | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.parents) != len(self.joint_names):
            raise AbsPoseError(
                f"skeleton {self.name}: expected one parent per joint, "
                f"got {len(self.parents)} parents for {len(self.joint_names)} joints"
            )
        if len(set(self.joint_names)) != len(self.joint_names):
            raise AbsPoseError(f"skeleton {self.name}: joint names must be unique")
        index = {n: i for i, n in enumerate(self.joint_names)}
        for joint, parent in zip(self.joint_names, self.parents, strict=True):
            if parent is not None and parent not in index:
                raise AbsPoseError(f"skeleton {self.name}: parent {parent!r} of {joint!r} is not a joint")
        if self.root is not None and self.root not in index:
            raise AbsPoseError(f"skeleton {self.name}: root {self.root!r} is not a joint")
        object.__setattr__(self, "_index", index)

    @property
    def num_joints(self) -> int:
        """J, the number of joints."""
        return len(self.joint_names)

    def index(self, joint: str) -> int:
        """Array index of a joint by name."""
        try:
            return self._index[joint]
        except KeyError:
            raise AbsPoseError(
                f"skeleton {self.name}: unknown joint {joint!r}; expected one of {list(self.joint_names)}"
            ) from None

    def indices(self, joints: tuple[str, ...] | list[str]) -> list[int]:
        """Array indices of several joints by name."""
        return [self.index(j) for j in joints]

    @property
    def root_index(self) -> int:
        """Array index of the root joint."""
        if self.root is None:
            raise AbsPoseError(f"skeleton {self.name} has no root joint; convert to h36m17 first")
        return self.index(self.root)

    @cached_property
    def parent_indices(self) -> tuple[int, ...]:
        """Parent index per joint, -1 for joints without a parent."""
        return tuple(-1 if p is None else self._index[p] for p in self.parents)

    @cached_property
    def bones(self) -> tuple[tuple[str, str], ...]:
        """(parent, child) name pairs, in joint order."""
        return tuple((p, c) for c, p in zip(self.joint_names, self.parents, strict=True) if p is not None)

    @cached_property
    def left_right_pairs(self) -> tuple[tuple[str, str], ...]:
        """(left, right) name pairs derived from the ``l_`` / ``r_`` prefixes."""
        pairs = []
        for n in self.joint_names:
            if n.startswith("l_"):
                partner = "r_" + n[2:]
                if partner not in self._index:
                    raise AbsPoseError(f"skeleton {self.name}: {n!r} has no right partner {partner!r}")
                pairs.append((n, partner))
        return tuple(pairs)

    @cached_property
    def flip_permutation(self) -> tuple[int, ...]:
        """Index permutation that swaps left and right joints (an involution)."""
        perm = list(range(self.num_joints))
        for left, right in self.left_right_pairs:
            i, j = self._index[left], self._index[right]
            perm[i], perm[j] = j, i
        return tuple(perm)

    @cached_property
    def topological_order(self) -> tuple[int, ...]:
        """Joint indices ordered so that every parent comes before its children."""
        order: list[int] = []
        placed: set[int] = set()
        while len(order) < self.num_joints:
            progressed = False
            for i, p in enumerate(self.parent_indices):
                if i not in placed and (p == -1 or p in placed):
                    order.append(i)
                    placed.add(i)
                    progressed = True
            if not progressed:
                raise AbsPoseError(f"skeleton {self.name}: parents form a cycle")
        return tuple(order)
