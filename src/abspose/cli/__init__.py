"""The ``abspose`` command line. Each command parses its options and calls the library.

One module per command group; :data:`app` is the typer application, :func:`main` the
installed entry point (``abspose``, ``python -m abspose.cli``).
"""

from __future__ import annotations

import sys

from abspose._console import error

# the command modules register their commands on `app` when imported, in this order (--help lists them so)
from abspose.cli import data, demo, evaluate, lift, media, noise, reproduce, train  # noqa: F401
from abspose.cli._app import app, state
from abspose.errors import AbsPoseError

__all__ = ["app", "main"]


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM as SIGINT: unwind (temporary files removed, finished outputs kept), exit 130."""
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: library errors become one line on stderr and exit code 2; so do the file
    system's (a read-only folder, a folder given as a file, a name too long). SIGTERM unwinds as
    SIGINT does, removing temporary files."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except (AbsPoseError, OSError) as exc:
        if state["debug"]:
            raise
        error(str(exc))
        sys.exit(2)
