"""The command line's one console. Markup is off: paths, units (``[mm]``) and messages print as
written, brackets included; only the labels below are styled, as rich Text, not markup."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

console = Console(highlight=False, soft_wrap=True, markup=False)
_stderr = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def warn(message: str) -> None:
    """``warning: message``, the label in yellow, on stdout."""
    console.print(Text.assemble(("warning:", "yellow"), " ", message))


def error(message: str) -> None:
    """``error: message``, the label in red, on stderr."""
    _stderr.print(Text.assemble(("error:", "red"), " ", message))
