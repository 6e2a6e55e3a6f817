"""Reading the pickles that research datasets ship (MMPose's ``cameras.pkl``, VideoPose3D's
``.npz`` of dictionaries), only when the user says they trust the file.

abspose never unpickles a file silently: a pickle can run any code when loaded. The caller
must pass ``trust_pickle=True`` (CLI: ``--trust-pickle``); a warning is printed each time. As
a second guard, the unpickler only builds plain containers, numbers, strings and numpy
arrays: any other class in the file is refused by name.
"""

from __future__ import annotations

import io
import pickle
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from abspose.errors import DataError

__all__ = ["load_npz_with_objects", "load_pickle"]

_BUILTINS = ("dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "complex", "bool")
_NUMPY_MODULES = ("numpy.core.multiarray", "numpy._core.multiarray", "numpy", "numpy.core.numeric")
_NUMPY_NAMES = ("_reconstruct", "ndarray", "dtype", "scalar", "_frombuffer")
_DTYPES = ("Float64DType", "Float32DType", "Int64DType", "Int32DType", "StrDType", "ObjectDType", "BoolDType")
_ALLOWED = (
    {("builtins", name) for name in _BUILTINS}
    | {(module, name) for module in (*_NUMPY_MODULES, "numpy._core.numeric") for name in _NUMPY_NAMES}
    | {("numpy.dtypes", name) for name in _DTYPES}
    | {("collections", "OrderedDict")}
)


class PickleWarning(UserWarning):
    """A pickle file was read because the user trusted it."""


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise DataError(
            f"refused to load {module}.{name} from a pickle: only data (dicts, lists, arrays) is read"
        )


def _refuse(path: Path) -> DataError:
    return DataError(
        f"{path}: this file is a Python pickle, which can run code when read; abspose reads it only "
        "when you trust its source: pass trust_pickle=True (CLI: --trust-pickle), or convert it once "
        "with `abspose data cameras-json` and use the JSON"
    )


def load_pickle(path: str | Path, *, trust_pickle: bool) -> Any:
    """The data in a pickle file (dicts, lists, numbers, strings, numpy arrays only)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if not trust_pickle:
        raise _refuse(path)
    warnings.warn(f"reading the pickle {path} because it was marked trusted", PickleWarning, stacklevel=2)
    with open(path, "rb") as fh:
        try:
            return _Restricted(fh, encoding="latin1").load()
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            raise DataError(f"{path}: not a readable pickle ({exc})") from exc


def load_npz_with_objects(path: str | Path, keys: tuple[str, ...], *, trust_pickle: bool) -> dict[str, Any]:
    """Arrays of an ``.npz``; object arrays (pickled dictionaries, as in VideoPose3D's files)
    are read only with ``trust_pickle`` and through the restricted unpickler."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    out: dict[str, Any] = {}
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise DataError(f"{path}: not an .npz archive ({exc})") from exc
    with archive:
        names = {n.removesuffix(".npy"): n for n in archive.namelist()}
        for key in keys:
            if key not in names:
                raise DataError(f"{path}: expected an array {key!r}, found {sorted(names)}")
            raw = archive.read(names[key])
            stream = io.BytesIO(raw)
            version = np.lib.format.read_magic(stream)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            _, _, dtype = read_header(stream)
            if dtype.hasobject:
                if not trust_pickle:
                    raise _refuse(path)
                message = f"reading pickled objects in {path} because it was marked trusted"
                warnings.warn(message, PickleWarning, stacklevel=2)
                value = _Restricted(stream, encoding="latin1").load()
                out[key] = value.item() if isinstance(value, np.ndarray) and value.shape == () else value
            else:
                out[key] = np.load(io.BytesIO(raw), allow_pickle=False)
    return out
