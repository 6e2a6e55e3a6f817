"""The lifter as one ONNX graph: raw pixels and intrinsics in, absolute camera-frame joints out.

The exported graph holds everything :func:`abspose.model.predict` does after the input checks:
the normalization layer (Eq. 1-4), the network, and Eq. 5-6 (root X, Y back-projected with
``Z/f``, ``Z = f · Z/f``), so an ONNX user gives ``keypoints_px (B, 17, 2)`` (H36M-17, missing
joints already filled in), ``principal_px (B, 2)`` and ``focal_px (B,)`` and reads
``joints_cam_mm (B, 17, 3)``, ``root_cam_mm (B, 3)`` and ``canonical_depth (B,)``. The batch
size is dynamic. The file is self-contained (weights inside), written atomically.

:class:`OnnxLifter` runs such a file with ONNX Runtime (``pip install "abspose[onnx]"``) and is
accepted wherever abspose takes a model (``abspose.lift(..., model="lifter.onnx")``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from abspose._files import atomic_path
from abspose.errors import AbsPoseError, DataError
from abspose.model.network import AbsPoseLifter
from abspose.model.predict import Prediction, predict

__all__ = ["AbsoluteLifter", "OnnxLifter", "compare_onnx", "export_onnx"]

INPUTS = ("keypoints_px", "principal_px", "focal_px")
OUTPUTS = ("joints_cam_mm", "root_cam_mm", "canonical_depth")


class AbsoluteLifter(nn.Module):
    """The lifter plus Eq. 5-6: ``(B, J, 2)``, ``(B, 2)``, ``(B,)`` → absolute joints [mm]."""

    def __init__(self, model: AbsPoseLifter, root_index: int) -> None:
        super().__init__()
        self.model = model.eval()
        self.root_index = root_index

    def forward(
        self, keypoints_px: torch.Tensor, principal_px: torch.Tensor, focal_px: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        out = self.model(keypoints_px, principal_px)
        depth = out.depth  # (B,)
        canonical = depth if self.model.config.depth_target == "canonical" else depth / focal_px
        root_xy = (keypoints_px[:, self.root_index] - principal_px) * canonical[:, None]  # (B, 2) Eq. 5
        root = torch.cat([root_xy, (focal_px * canonical)[:, None]], dim=1)  # (B, 3) Eq. 6
        return out.joints_rel_mm + root[:, None, :], root, canonical


def export_onnx(model: AbsPoseLifter, path: str | Path, *, root_index: int = 0, opset: int = 17) -> Path:
    """Write ``model`` as one ONNX file with a dynamic batch (see the module notes).

    Args:
        model: the lifter (put in eval mode).
        path: the ``.onnx`` file.
        root_index: the root joint's index (H36M-17: the pelvis, 0).
        opset: ONNX opset version.
    """
    import warnings

    was_training = model.training
    wrapper = AbsoluteLifter(model, root_index).eval()  # the exporter restores this mode afterwards
    j = model.config.num_joints
    example = (torch.full((2, j, 2), 500.0) + torch.arange(j * 2.0).view(1, j, 2), torch.full((2, 2), 480.0),
               torch.full((2,), 1000.0))  # fmt: skip
    batch = {0: "batch"}
    with atomic_path(path, suffix=".onnx") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(
            wrapper, example, tmp, input_names=list(INPUTS), output_names=list(OUTPUTS),
            dynamic_axes={name: batch for name in INPUTS + OUTPUTS}, opset_version=opset, dynamo=False,
        )  # fmt: skip
    model.train(was_training)
    return Path(path)


class OnnxLifter:
    """An exported lifter run by ONNX Runtime on the CPU.

    Args:
        path: a file written by :func:`export_onnx` (``abspose export-onnx``).
        threads: intra-op threads (0: ONNX Runtime's default).
    """

    def __init__(self, path: str | Path, threads: int = 0) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise AbsPoseError(
                f"{path}: running an ONNX lifter needs onnxruntime: pip install 'abspose[onnx]'"
            ) from exc
        path = Path(path)
        if not path.is_file():
            raise DataError(f"{path}: no such ONNX file")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own, unexported error types
            raise DataError(f"{path}: not a readable ONNX model ({exc})") from exc
        names = tuple(i.name for i in self.session.get_inputs())
        if names != INPUTS:
            raise DataError(f"{path}: expected inputs {INPUTS} (abspose export-onnx), got {names}")
        self.num_joints = int(self.session.get_inputs()[0].shape[1])
        self.path = path

    def predict(
        self,
        keypoints_px: NDArray[np.floating],
        principal_px: NDArray[np.floating],
        focal_px: NDArray[np.floating],
    ) -> Prediction:
        """Like :func:`abspose.model.predict`: ``(N, J, 2)``, ``(N, 2)``, ``(N,)`` → :class:`Prediction`."""
        feeds = {
            "keypoints_px": np.ascontiguousarray(keypoints_px, dtype=np.float32),
            "principal_px": np.ascontiguousarray(principal_px, dtype=np.float32),
            "focal_px": np.ascontiguousarray(focal_px, dtype=np.float32),
        }
        joints, root, canonical = self.session.run(list(OUTPUTS), feeds)
        return Prediction(joints.astype(np.float64), root.astype(np.float64), canonical.astype(np.float64))


def compare_onnx(model: AbsPoseLifter, onnx: OnnxLifter, count: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Largest differences between torch and ONNX Runtime on ``count`` random plausible inputs.

    Returns:
        ``{"count", "max_abs_mm", "max_rel_depth"}``: joints [mm] and relative canonical depth.
    """
    rng = np.random.default_rng(seed)
    j = model.config.num_joints
    centre = rng.uniform(200, 1700, (count, 1, 2))
    keypoints = centre + rng.normal(0, 1, (count, j, 2)) * rng.uniform(20, 300, (count, 1, 1))
    principal = rng.uniform(300, 1000, (count, 2))
    focal = rng.uniform(500, 2500, count)
    ref = predict(model, keypoints, principal, focal)
    got = onnx.predict(keypoints, principal, focal)
    return {
        "count": count,
        "max_abs_mm": float(np.abs(ref.joints_cam_mm - got.joints_cam_mm).max()),
        "max_rel_depth": float(np.abs(got.canonical_depth / ref.canonical_depth - 1).max()),
    }
