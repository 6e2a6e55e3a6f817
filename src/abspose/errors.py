"""The library's error types.

Every check on user input raises :class:`AbsPoseError` (or a subclass) with a message that
says what was expected, what arrived, and how to fix it.
"""

from __future__ import annotations

__all__ = ["AbsPoseError", "DataError", "ShapeError"]


class AbsPoseError(ValueError):
    """Base error of abspose: bad input, bad data, or a misuse of the API."""


class ShapeError(AbsPoseError):
    """An array has the wrong shape, dtype or non-finite values."""


class DataError(AbsPoseError):
    """A data file (BVH, dataset, checkpoint) is missing, malformed or lacks what is needed."""
