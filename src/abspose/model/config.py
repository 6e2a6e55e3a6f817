"""The lifter's configuration: a frozen dataclass stored inside every checkpoint."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from abspose.errors import AbsPoseError

__all__ = ["LifterConfig"]

#: Fields added after checkpoints were first shipped, with the value a file without them means.
_ADDED_FIELDS: dict[str, Any] = {"spread_width": 0}


@dataclass(frozen=True)
class LifterConfig:
    """Architecture and loss of the AbsPoseLifter network.

    Attributes:
        num_joints: J (17 for H36M-17).
        width: hidden width (4096 in the paper).
        num_blocks: residual blocks (2 in the paper).
        dropout: dropout probability (0.5 in the paper).
        use_location: feed the location ``m`` (paper Table 1).
        use_scale: feed the scale ``σ`` (paper Table 1).
        depth_target: ``"canonical"`` regresses ``Z/f`` (the paper's method); ``"direct"``
            regresses ``Z`` itself (Table 5's "w/o canonical loss").
        pose_weight: λ of Eq. 7; the pose term is the mean absolute coordinate error [mm].
        depth_loss: ``"log"`` (default): ``depth_weight_mm * |log(Z~) - log(Z~*)|``, a relative
            depth error (1% costs as much as ``depth_weight_mm / 100`` mm of pose error), with
            the same gradient scale for near and far people; ``"l1"``: the paper's
            ``depth_weight_mm / 1000 px * |Z~ - Z~*|`` with ``Z~ = Z/f`` in mm/px, i.e.
            millimetres of depth at a 1000 px focal length. The direct variant uses ``Z``
            in place of ``Z~`` (``"l1"``: plain mm).
        depth_weight_mm: weight of the depth term (see ``depth_loss``).
        location_norm_px: the location ``m`` [px] is divided by this before the first Linear.
        scale_ref_px: the scale enters as ``log(σ / scale_ref_px)``; with the depth output as
            ``log(Z/f)``, the size-distance relation ``Z/f ≈ H/σ`` is linear for the network.
        spread_width: hidden width of the depth-spread head (:mod:`abspose.model.uncertainty`),
            which predicts how far ``log(Z/f)`` may be off; 0: no head. A field added after the
            first checkpoints: files without it read as 0.
    """

    num_joints: int = 17
    width: int = 1024
    num_blocks: int = 2
    dropout: float = 0.5
    use_location: bool = True
    use_scale: bool = True
    depth_target: Literal["canonical", "direct"] = "canonical"
    pose_weight: float = 1.0
    depth_loss: Literal["log", "l1"] = "log"
    depth_weight_mm: float = 1000.0
    location_norm_px: float = 1000.0
    scale_ref_px: float = 100.0
    spread_width: int = 0

    def __post_init__(self) -> None:
        if self.num_joints < 2 or self.width < 1 or self.num_blocks < 0 or self.spread_width < 0:
            raise AbsPoseError(
                "LifterConfig: expected num_joints >= 2, width >= 1, num_blocks >= 0, spread_width >= 0, "
                f"got {self}"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise AbsPoseError(f"LifterConfig.dropout: expected in [0, 1), got {self.dropout}")
        if self.depth_target not in ("canonical", "direct"):
            raise AbsPoseError(
                f"LifterConfig.depth_target: expected 'canonical' or 'direct', got {self.depth_target!r}"
            )
        if self.depth_loss not in ("log", "l1"):
            raise AbsPoseError(f"LifterConfig.depth_loss: expected 'log' or 'l1', got {self.depth_loss!r}")
        if min(self.pose_weight, self.depth_weight_mm, self.location_norm_px, self.scale_ref_px) <= 0:
            raise AbsPoseError("LifterConfig: loss weights and normalizers must be > 0")

    @property
    def input_size(self) -> int:
        """2J normalized coordinates, plus 2 for ``m`` and 1 for ``σ`` when used."""
        return 2 * self.num_joints + 2 * self.use_location + self.use_scale

    @property
    def output_size(self) -> int:
        """3J - 2: the root depth and the 3(J-1) root-relative coordinates."""
        return 3 * self.num_joints - 2

    def to_json(self) -> str:
        """JSON text of the fields."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LifterConfig:
        """Parse :meth:`to_json` output; unknown or missing fields are errors, except the
        fields added later (:data:`_ADDED_FIELDS`), which take their defaults."""
        try:
            data: dict[str, Any] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AbsPoseError(f"LifterConfig: not JSON ({exc})") from exc
        names = {f.name for f in fields(cls)}
        if isinstance(data, dict):
            data = {**{k: v for k, v in _ADDED_FIELDS.items() if k not in data}, **data}
        if not isinstance(data, dict) or set(data) != names:
            got = sorted(data) if isinstance(data, dict) else data
            raise AbsPoseError(f"LifterConfig: expected fields {sorted(names)}, got {got}")
        return cls(**data)
