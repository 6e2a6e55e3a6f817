"""Atomic file writes: a file is whole or absent, never half-written.

The temporary file is hidden (``.name.XXXXXXXX.tmp`` beside ``name``), so that no glob of the
outputs (``*.npy``, ``*.json``) picks up a file that is still being written, or one left by a
killed process; it is shortened when the output's own name is near the file-name limit.
"""

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


_NAME_MAX = 255  # bytes in one file name on the usual file systems (ext4, APFS, NTFS)


def _tmp_prefix(name: str, suffix: str) -> str:
    """``.name.``, cut so that prefix + 8 random characters + suffix fit in one file name."""
    room = _NAME_MAX - 8 - len(suffix.encode()) - 2
    raw = name.encode()[:room].decode(errors="ignore")
    return f".{raw}."


class PendingFile:
    """A temporary file beside ``path`` (folders created), for writers that stay open across
    calls: :meth:`commit` moves it onto ``path``, :meth:`discard` removes it."""

    def __init__(self, path: str | Path, suffix: str = ".tmp") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        prefix = _tmp_prefix(self.path.name, suffix)
        fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=prefix, suffix=suffix)
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


def check_output_path(path: str | Path, suffixes: tuple[str, ...] = (), what: str = "") -> Path:
    """Refuse, before any work is done, an output path that cannot be written.

    Checks the file-name ending (``suffixes``, lower case with the dot; empty: any), that the
    path is not a folder, that its nearest existing parent is a writable folder, and that the
    name fits the file system's limit (with room for the temporary name beside it).

    Raises:
        AbsPoseError: says which of these fails and what is expected.
    """
    from abspose.errors import AbsPoseError

    path = Path(path)
    label = f"{what} {path}" if what else str(path)
    if suffixes and path.suffix.lower() not in suffixes:
        ends = suffixes[0] if len(suffixes) == 1 else f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"
        raise AbsPoseError(f"{label}: expected a file name ending in {ends}")
    if len(path.name.encode()) > _NAME_MAX:
        raise AbsPoseError(
            f"{label}: the file name is {len(path.name.encode())} bytes; at most {_NAME_MAX} fit"
        )
    if path.is_dir():
        raise AbsPoseError(f"{label}: is a folder; expected a file name")
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise AbsPoseError(f"{label}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise AbsPoseError(f"{label}: the folder {parent} is not writable")
    return path


def refuse_overwriting_inputs(outputs: dict[str, Path | None], inputs: list[Path | None]) -> None:
    """Refuse any output that is one of the inputs (the same file: symbolic or hard links too).

    Args:
        outputs: option name -> output path (None: not asked for).
        inputs: the files read.

    Raises:
        AbsPoseError: naming the output and the input it would destroy.
    """
    from abspose.errors import AbsPoseError

    for option, out in outputs.items():
        if out is None or not out.exists():
            continue
        for src in inputs:
            if src is not None and src.exists() and os.path.samefile(out, src):
                raise AbsPoseError(
                    f"{option} {out}: is the input {src}; writing it would destroy the input. "
                    "Give another output name"
                )


def _unreadable() -> tuple[type[BaseException], ...]:
    import tokenize
    import zipfile
    import zlib

    return (
        OSError,
        ValueError,
        EOFError,
        KeyError,
        IndexError,
        TypeError,
        RuntimeError,
        NotImplementedError,
        zipfile.BadZipFile,
        zlib.error,
        SyntaxError,
        tokenize.TokenError,
    )


#: What numpy's ``.npy``/``.npz`` readers raise on a damaged file (a zip member cut, flipped,
#: "encrypted" or in an unknown compression, a header that does not parse: numpy's fallback
#: header tokenizer raises ``tokenize.TokenError`` on an unclosed bracket).
UNREADABLE_ARCHIVE = _unreadable()
