"""Baselines the paper compares against."""

from abspose.baselines.mehta import mehta_root

__all__ = ["mehta_root"]
