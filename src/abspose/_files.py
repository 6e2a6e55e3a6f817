"""Atomic file writes: a file is whole or absent, never half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class PendingFile:
    """A temporary file beside ``path`` (folders created), for writers that stay open across
    calls: :meth:`commit` moves it onto ``path``, :meth:`discard` removes it."""

    def __init__(self, path: str | Path, suffix: str = ".tmp") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=suffix)
        os.close(fd)
        os.chmod(self.tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a result file gets the usual mode

    def commit(self) -> None:
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp") -> Iterator[str]:
    """Yield a temporary file name beside ``path`` (folders created); when the block ends
    without an error it replaces ``path``, otherwise it is removed."""
    pending = PendingFile(path, suffix)
    try:
        yield pending.tmp
        pending.commit()
    finally:
        pending.discard()


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (newlines as given); returns the path."""
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as fh:
        fh.write(text)
    return Path(path)
