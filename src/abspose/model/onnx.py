"""The lifter as one ONNX graph: raw pixels and intrinsics in, absolute camera-frame joints out.

The exported graph holds everything :func:`abspose.model.predict` does after the input checks:
the normalization layer (Eq. 1-4), the network, and Eq. 5-6 (root X, Y back-projected with
``Z/f``, ``Z = f · Z/f``), so an ONNX user gives ``keypoints_px (B, 17, 2)`` (H36M-17, missing
joints already filled in), ``principal_px (B, 2)`` and ``focal_px (B,)`` and reads
``joints_cam_mm (B, 17, 3)``, ``root_cam_mm (B, 3)`` and ``canonical_depth (B,)``, plus
``depth_log_halfwidth (B, 2)`` (the calibrated 68% and 95% half-widths of the log distance,
:mod:`abspose.model.uncertainty`) when the model has a depth-spread head. The batch
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
from abspose.geometry import equations as eq
from abspose.geometry.camera import PinholeCameras
from abspose.model.network import POSE_OUTPUT_MM, AbsPoseLifter, canonical_from_output, depth_from_logit
from abspose.model.predict import Prediction, predict

__all__ = ["AbsoluteLifter", "OnnxLifter", "compare_accuracy", "compare_onnx", "export_onnx"]

INPUTS = ("keypoints_px", "principal_px", "focal_px")
OUTPUTS = ("joints_cam_mm", "root_cam_mm", "canonical_depth")
#: The extra output of a model with a depth-spread head.
SPREAD_OUTPUT = "depth_log_halfwidth"


def _fold_batchnorm(linear: Any, norm: Any) -> nn.Linear:
    """One Linear equal to ``norm(linear(x))`` in eval mode."""
    gain = norm.weight / torch.sqrt(norm.running_var + norm.eps)  # (out,)
    folded = nn.Linear(linear.in_features, linear.out_features)
    with torch.no_grad():
        folded.weight.copy_(linear.weight * gain[:, None])
        folded.bias.copy_((linear.bias - norm.running_mean) * gain + norm.bias)
    return folded


class AbsoluteLifter(nn.Module):
    """The lifter plus Eq. 5-6 in inference form: ``(B, J, 2)``, ``(B, 2)``, ``(B,)`` →
    absolute joints [mm], root [mm], canonical depth.

    The same function as ``model`` in eval mode, written for a lean graph: each BatchNorm is
    folded into the Linear before it; the head writes the ``3J`` pose values directly (the
    root's rows zero, metres to mm folded into its weights); the normalization is the model's
    own layer. About 45 ONNX nodes instead of 124: at batch 1 the node count, not the
    arithmetic, sets the time (docs/performance.md).
    """

    def __init__(self, model: AbsPoseLifter, root_index: int) -> None:
        super().__init__()
        c = self.config = model.config
        self.root_index = root_index
        self.normalize = model.normalize
        stem: Any = model.stem
        self.stem = _fold_batchnorm(stem[0], stem[1])
        block: Any
        self.blocks = nn.ModuleList()  # two folded Linear layers per residual block
        for block in model.blocks:
            self.blocks.append(_fold_batchnorm(block.layers[0], block.layers[1]))
            self.blocks.append(_fold_batchnorm(block.layers[4], block.layers[5]))
        j = c.num_joints
        non_root: list[int] = getattr(model, "non_root").tolist()  # noqa: B009 (a buffer: typed as Module)
        rows = torch.tensor([1 + 3 * k + a for k in non_root for a in range(3)])
        self.head = nn.Linear(c.width, 1 + 3 * j)
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.bias.zero_()
            self.head.weight[0], self.head.bias[0] = model.head.weight[0], model.head.bias[0]
            self.head.weight[rows] = model.head.weight[1:] * POSE_OUTPUT_MM
            self.head.bias[rows] = model.head.bias[1:] * POSE_OUTPUT_MM
        self.spread = model.spread  # the depth-spread head, on the same (unfolded-equal) features
        self.eval()

    def forward(
        self, keypoints_px: torch.Tensor, principal_px: torch.Tensor, focal_px: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        c = self.config
        h = torch.relu(self.stem(self.normalize(keypoints_px, principal_px)))  # Eq. 1-4, the model's layer
        for k in range(0, len(self.blocks), 2):
            h = h + torch.relu(self.blocks[k + 1](torch.relu(self.blocks[k](h))))
        out = self.head(h)  # (B, 1 + 3J)
        depth = depth_from_logit(out[:, 0], c.depth_target)  # (B,)
        canonical = canonical_from_output(depth, c.depth_target, focal_px)
        root = eq.root_position(keypoints_px[:, self.root_index], principal_px, canonical, focal_px)  # (B, 3)
        joints = out[:, 1:].reshape(-1, c.num_joints, 3) + root[:, None, :]
        if self.spread is None:
            return joints, root, canonical
        halfwidth = torch.exp(self.spread(h, focal_px))[:, None] * self.spread.interval_k  # (B, 2)
        return joints, root, canonical, halfwidth


def export_onnx(
    model: AbsPoseLifter, path: str | Path, *, root_index: int = 0, opset: int = 17, int8: bool = False
) -> Path:
    """Write ``model`` as one ONNX file with a dynamic batch (see the module notes).

    Args:
        model: the lifter (its mode is left as it was).
        path: the ``.onnx`` file.
        root_index: the root joint's index (H36M-17: the pelvis, 0).
        opset: ONNX opset version.
        int8: store the residual blocks' weights as int8 (per output channel) and run them as
            integer matmuls on dynamically quantized activations (ONNX Runtime's dynamic
            quantization). The first and last layers stay float32: the input features and the
            depth output are where 8 bits cost accuracy. 4x smaller weights; see
            docs/performance.md for the speed and the accuracy change.
    """
    import warnings

    wrapper = AbsoluteLifter(model, root_index)
    outputs = OUTPUTS + ((SPREAD_OUTPUT,) if model.spread is not None else ())
    j = model.config.num_joints
    example = (
        torch.full((2, j, 2), 500.0) + torch.arange(j * 2.0).view(1, j, 2),
        torch.full((2, 2), 480.0),
        torch.full((2,), 1000.0),
    )
    batch = {0: "batch"}
    with atomic_path(path, suffix=".onnx") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(
            wrapper,
            example,
            tmp,
            input_names=list(INPUTS),
            output_names=list(outputs),
            dynamic_axes={name: batch for name in INPUTS + outputs},
            opset_version=opset,
            dynamo=False,
        )
        if int8:
            _quantize_blocks(Path(tmp), len(wrapper.blocks))
    return Path(path)


def _quantize_blocks(path: Path, expected: int) -> None:
    """Quantize the residual blocks' matmuls of the file at ``path`` in place."""
    import logging

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise AbsPoseError("an int8 export needs onnxruntime: pip install 'abspose[onnx]'") from exc
    import onnx

    names = [n.name for n in onnx.load(str(path)).graph.node if n.op_type == "Gemm"]
    keep = [f"{name}_MatMul" for name in names if not name.startswith("/blocks")]  # Gemm -> MatMul + Add
    fp32 = path.with_name(path.name + ".fp32")
    path.replace(fp32)
    level = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing": not needed for an MLP
    try:
        quantize_dynamic(
            str(fp32), str(path), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep
        )
    finally:
        logging.getLogger().setLevel(level)
        fp32.unlink()
    got = sum(n.op_type == "MatMulInteger" for n in onnx.load(str(path)).graph.node)
    if got != expected:
        raise AbsPoseError(
            f"int8 export: expected {expected} quantized matmuls, got {got} (onnxruntime changed?)"
        )


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
        self.has_spread = SPREAD_OUTPUT in {o.name for o in self.session.get_outputs()}
        self.path = path

    def predict(self, keypoints_px: NDArray[np.floating], camera: PinholeCameras) -> Prediction:
        """A :class:`~abspose.lifters.Lifter`: ``(N, J, 2)`` keypoints seen by N cameras →
        :class:`Prediction` (the graph is given square pixels, as the torch lifter)."""
        feeds = {
            "keypoints_px": np.ascontiguousarray(camera.square_pixels(keypoints_px), dtype=np.float32),
            "principal_px": np.ascontiguousarray(camera.principal_px, dtype=np.float32),
            "focal_px": np.ascontiguousarray(camera.fx, dtype=np.float32),
        }
        names = list(OUTPUTS) + ([SPREAD_OUTPUT] if self.has_spread else [])
        joints, root, canonical, *spread = self.session.run(names, feeds)
        return Prediction(
            joints.astype(np.float64),
            root.astype(np.float64),
            canonical.astype(np.float64),
            depth_log_halfwidth=spread[0].astype(np.float64) if spread else None,
        )


def compare_onnx(model: AbsPoseLifter, onnx: OnnxLifter, count: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Largest differences between torch and ONNX Runtime on ``count`` random plausible inputs.

    Returns:
        ``{"count", "max_abs_mm", "max_rel_depth", "max_abs_halfwidth"}``: joints [mm], relative
        canonical depth and the depth intervals' log half-widths (NaN without a spread head).
    """
    rng = np.random.default_rng(seed)
    j = model.config.num_joints
    centre = rng.uniform(200, 1700, (count, 1, 2))
    keypoints = centre + rng.normal(0, 1, (count, j, 2)) * rng.uniform(20, 300, (count, 1, 1))
    principal = rng.uniform(300, 1000, (count, 2))
    focal = rng.uniform(500, 2500, count)
    ref = predict(model, keypoints, principal, focal)
    got = onnx.predict(keypoints, PinholeCameras.create(focal, principal))
    return {
        "count": count,
        "max_abs_mm": float(np.abs(ref.joints_cam_mm - got.joints_cam_mm).max()),
        "max_rel_depth": float(np.abs(got.canonical_depth / ref.canonical_depth - 1).max()),
        "max_abs_halfwidth": (
            float(np.abs(got.depth_log_halfwidth - ref.depth_log_halfwidth).max())
            if got.depth_log_halfwidth is not None and ref.depth_log_halfwidth is not None
            else float("nan")
        ),
    }


def compare_accuracy(
    model: AbsPoseLifter, onnx: OnnxLifter, repeat: int = 20, seed: int = 0
) -> dict[str, Any]:
    """MPJPE and MRPE [mm] of torch and of the ONNX file on the shipped CMU walk seen by
    ``60 * repeat`` random virtual cameras: what an int8 export changes in accuracy.

    Returns:
        ``{"count", "torch_mpjpe", "onnx_mpjpe", "torch_mrpe", "onnx_mrpe"}``.
    """
    from abspose.data import sample_dataset, sample_dataset_views
    from abspose.metrics import mpjpe, mrpe

    views = sample_dataset_views(sample_dataset(repeat), np.random.default_rng(seed))
    truth = views.joints_cam_mm
    result: dict[str, Any] = {"count": len(truth)}
    camera = PinholeCameras.create(views.focal_px, views.principal_px)
    for name, pred in (
        ("torch", predict(model, views.keypoints_px, views.principal_px, views.focal_px)),
        ("onnx", onnx.predict(views.keypoints_px, camera)),
    ):
        result[f"{name}_mpjpe"] = mpjpe(pred.joints_cam_mm, truth)
        result[f"{name}_mrpe"] = mrpe(pred.root_cam_mm, truth[:, 0]).mrpe
    return result
