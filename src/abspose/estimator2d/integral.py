"""The paper's 2D estimator (Sec. 4.1): ResNet + three deconvolutions + integral regression.

A square ``S x S`` person crop goes through a ResNet without its pooling and fc layers
(stride 32), three 4x4 stride-2 deconvolutions (BatchNorm, ReLU) and a 1x1 convolution to J
heatmaps of ``S/4 x S/4``. Integral regression (soft-argmax): each heatmap is turned into a
probability map by a softmax over its pixels and the joint is the expectation of the pixel
coordinates under it: differentiable and sub-pixel.

Loss (Sec. 4.1: MSE on heatmaps + L1 on coordinates): the L1 distance between the
soft-argmax and the true joint [heatmap px], plus ``heatmap_weight`` times the mean squared
difference between the probability map and a normalized Gaussian at the true joint (scaled
by the number of heatmap pixels, so both terms are O(1)). The heatmap term acts on the same
softmax map as the coordinates: a raw-output MSE towards peak-1 Gaussians would leave the
softmax nearly flat and drag every soft-argmax to the crop centre.

The ResNet's parameter names follow torchvision's (``conv1``, ``bn1``, ``layer1.0.conv1``,
``layer1.0.downsample.0`` ...), so ImageNet weights converted once to safetensors load into
it (:func:`load_backbone`). Nothing here downloads anything.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
from torch import nn

from abspose._safetensors import load_weights, read_checkpoint, write_checkpoint
from abspose.errors import AbsPoseError, DataError
from abspose.skeletons import get_layout

__all__ = [
    "FORMAT_2D",
    "HEATMAP_OFFSET",
    "HEATMAP_STRIDE",
    "IntegralCheckpoint",
    "IntegralPoseConfig",
    "IntegralPoseNet",
    "crops_to_tensor",
    "integral_loss",
    "load_backbone",
    "load_integral",
    "read_integral",
    "save_integral",
    "soft_argmax",
    "target_heatmaps",
]

FORMAT_2D = "abspose-integral2d-v1"

_BLOCKS = {18: ("basic", (2, 2, 2, 2)), 34: ("basic", (3, 4, 6, 3)), 50: ("bottleneck", (3, 4, 6, 3)),
           101: ("bottleneck", (3, 4, 23, 3)), 152: ("bottleneck", (3, 8, 36, 3))}  # fmt: skip


@dataclass(frozen=True)
class IntegralPoseConfig:
    """Architecture and loss of the 2D estimator; stored in its checkpoint.

    Attributes:
        layout: the skeleton its J heatmaps follow (``"coco17"``, ``"h36m17"``, ...).
        resnet_depth: 18, 34, 50, 101 or 152 (the paper: 152, ImageNet-initialized).
        base_width: channels of the ResNet stem (64 in the standard ResNets; smaller for tests).
        input_size: S, the crop side [px] (256 in the paper); a multiple of 32.
        deconv_channels: channels of the three deconvolutions (256).
        heatmap_weight: weight of the heatmap MSE term beside the coordinate L1 term.
        heatmap_sigma: the target Gaussian's standard deviation [heatmap px].
        box_scale: a person's box is enlarged by this before cropping.
    """

    layout: str = "coco17"
    resnet_depth: int = 50
    base_width: int = 64
    input_size: int = 256
    deconv_channels: int = 256
    heatmap_weight: float = 1.0
    heatmap_sigma: float = 2.0
    box_scale: float = 1.25

    def __post_init__(self) -> None:
        get_layout(self.layout)  # raises for an unknown layout
        name = "IntegralPoseConfig"
        if self.resnet_depth not in _BLOCKS:
            depths = sorted(_BLOCKS)
            raise AbsPoseError(f"{name}.resnet_depth: expected one of {depths}, got {self.resnet_depth}")
        if self.input_size < 32 or self.input_size % 32:
            raise AbsPoseError(f"{name}.input_size: expected a multiple of 32, got {self.input_size}")
        if min(self.base_width, self.deconv_channels) < 1 or min(self.heatmap_sigma, self.box_scale) <= 0:
            raise AbsPoseError(f"{name}: widths must be >= 1 and sigma, box_scale > 0, got {self}")
        if self.heatmap_weight < 0:
            raise AbsPoseError(f"IntegralPoseConfig.heatmap_weight: expected >= 0, got {self.heatmap_weight}")

    @property
    def num_joints(self) -> int:
        return get_layout(self.layout).num_joints

    @property
    def heatmap_size(self) -> int:
        """The heatmaps' side: S / 4 (stride 32, then three 2x deconvolutions)."""
        return self.input_size // 4

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> IntegralPoseConfig:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise AbsPoseError(f"IntegralPoseConfig: unknown fields {sorted(unknown)}")
        return cls(**data)


class _Basic(nn.Module):
    expansion = 1

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, width, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _shortcut(cin, width * self.expansion, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        result: torch.Tensor = self.relu(self.bn2(self.conv2(y)) + skip)
        return result


class _Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, width * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(width * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _shortcut(cin, width * self.expansion, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        result: torch.Tensor = self.relu(self.bn3(self.conv3(y)) + skip)
        return result


def _shortcut(cin: int, cout: int, stride: int) -> nn.Sequential | None:
    if stride == 1 and cin == cout:
        return None
    return nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))


class IntegralPoseNet(nn.Module):
    """Crops ``(B, 3, S, S)`` (RGB, ImageNet-normalized) → heatmap logits ``(B, J, S/4, S/4)``."""

    def __init__(self, config: IntegralPoseConfig) -> None:
        super().__init__()
        self.config = config
        kind, counts = _BLOCKS[config.resnet_depth]
        block = _Basic if kind == "basic" else _Bottleneck
        w = config.base_width
        self.conv1 = nn.Conv2d(3, w, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = w
        stages = []
        for i, n in enumerate(counts):
            width = w * 2**i
            layers = []
            for k in range(n):
                layers.append(block(cin, width, 2 if (k == 0 and i > 0) else 1))
                cin = width * block.expansion
            stages.append(nn.Sequential(*layers))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        deconv: list[nn.Module] = []
        for _ in range(3):
            deconv += [
                nn.ConvTranspose2d(cin, config.deconv_channels, 4, 2, 1, bias=False),
                nn.BatchNorm2d(config.deconv_channels),
                nn.ReLU(inplace=True),
            ]
            cin = config.deconv_channels
        self.deconv = nn.Sequential(*deconv)
        self.head = nn.Conv2d(cin, config.num_joints, 1)
        for m in self.deconv.modules():
            if isinstance(m, nn.ConvTranspose2d):
                nn.init.normal_(m.weight, std=0.001)
        nn.init.normal_(self.head.weight, std=0.001)
        if self.head.bias is not None:
            nn.init.zeros_(self.head.bias)

    def forward(self, crops: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(crops))))  # (B, w, S/4, S/4)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))  # (B, C, S/32, S/32)
        result: torch.Tensor = self.head(self.deconv(x))  # (B, J, S/4, S/4)
        return result


#: crop px = HEATMAP_STRIDE * heatmap px + HEATMAP_OFFSET: heatmap pixel i pools crop pixels
#: 4i .. 4i+3, whose centre is 4i + 1.5 (pixel centres at integers in both).
HEATMAP_STRIDE = 4.0
HEATMAP_OFFSET = 1.5

_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


def crops_to_tensor(crops_rgb: torch.Tensor) -> torch.Tensor:
    """``(B, S, S, 3)`` uint8 RGB crops → ``(B, 3, S, S)`` float, ImageNet-normalized."""
    x = crops_rgb.permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(_IMAGENET_MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(_IMAGENET_STD, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def soft_argmax(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Integral regression: expected pixel coordinates under a softmax over each heatmap.

    Args:
        logits: ``(..., H, W)`` heatmap logits.

    Returns:
        coords ``(..., 2)`` (x, y) [heatmap px, pixel centres at integers] and the probability
        maps ``(..., H, W)``.
    """
    h, w = logits.shape[-2:]
    prob = torch.softmax(logits.flatten(-2), dim=-1).view(logits.shape)  # (..., H, W)
    xs = torch.arange(w, dtype=prob.dtype, device=prob.device)
    ys = torch.arange(h, dtype=prob.dtype, device=prob.device)
    x = (prob.sum(-2) * xs).sum(-1)  # marginal over rows, then expectation
    y = (prob.sum(-1) * ys).sum(-1)
    return torch.stack([x, y], dim=-1), prob


def target_heatmaps(coords: torch.Tensor, size: int, sigma: float) -> torch.Tensor:
    """``(..., 2)`` joint positions [heatmap px] → ``(..., size, size)`` Gaussians summing to 1."""
    grid = torch.arange(size, dtype=coords.dtype, device=coords.device)
    gx = torch.exp(-0.5 * ((grid - coords[..., :1]) / sigma) ** 2)  # (..., size)
    gy = torch.exp(-0.5 * ((grid - coords[..., 1:]) / sigma) ** 2)
    maps = gy[..., :, None] * gx[..., None, :]  # (..., size, size)
    return maps / maps.flatten(-2).sum(-1).clamp_min(1e-12)[..., None, None]


def integral_loss(
    logits: torch.Tensor, target_xy: torch.Tensor, visible: torch.Tensor, config: IntegralPoseConfig
) -> tuple[torch.Tensor, dict[str, float]]:
    """The Sec. 4.1 loss over visible joints.

    Args:
        logits: ``(B, J, H, W)`` network output.
        target_xy: ``(B, J, 2)`` true joints [heatmap px].
        visible: ``(B, J)`` 1 for joints that count, 0 for unlabelled ones.

    Returns:
        the loss and its parts (``coord_px`` mean L1 per coordinate, ``heatmap``).
    """
    coords, prob = soft_argmax(logits)
    weight = visible.to(logits.dtype)
    count = weight.sum().clamp_min(1.0)
    coord = ((coords - target_xy).abs().sum(-1) * weight).sum() / (2 * count)
    target = target_heatmaps(target_xy, logits.shape[-1], config.heatmap_sigma)
    pixels = logits.shape[-1] * logits.shape[-2]
    heat = (((prob - target) * pixels) ** 2).mean((-1, -2))  # (B, J), O(1) per joint
    heat = (heat * weight).sum() / count
    loss = coord + config.heatmap_weight * heat
    return loss, {"coord_px": float(coord.detach()), "heatmap": float(heat.detach())}


@dataclass
class IntegralCheckpoint:
    """An estimator checkpoint: its config, weights, optimizer tensors and JSON extras."""

    config: IntegralPoseConfig
    model_state: dict[str, torch.Tensor]
    optimizer_state: dict[str, torch.Tensor] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def save_integral(path: str | Path, ckpt: IntegralCheckpoint) -> Path:
    """Write an estimator checkpoint atomically (safetensors, config in the header)."""
    return write_checkpoint(
        path, FORMAT_2D, ckpt.config.to_json(), ckpt.model_state, ckpt.optimizer_state, ckpt.meta
    )


def read_integral(path: str | Path) -> IntegralCheckpoint:
    """Read a checkpoint written by :func:`save_integral` (never unpickles)."""
    config, model, optim, meta = read_checkpoint(path, FORMAT_2D)
    return IntegralCheckpoint(IntegralPoseConfig.from_json(config), model, optim, meta)


def load_integral(path: str | Path) -> IntegralPoseNet:
    """The network of a checkpoint, in eval mode."""
    ckpt = read_integral(path)
    net = IntegralPoseNet(ckpt.config)
    load_weights(net, ckpt.model_state, path, ckpt.config)
    return net.eval()


def load_backbone(net: IntegralPoseNet, path: str | Path) -> list[str]:
    """Load ImageNet ResNet weights (torchvision names, as a safetensors file) into ``net``.

    Make the file once where torchvision is installed::

        from safetensors.torch import save_file
        import torchvision
        m = torchvision.models.resnet152(weights="IMAGENET1K_V2")
        save_file(m.state_dict(), "resnet152.safetensors")

    Returns:
        the file's keys that were not used (``fc.*``).

    Raises:
        DataError: a key of the backbone is missing or has another shape (wrong depth/width).
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        weights = load_file(str(path))
    except (SafetensorError, OSError) as exc:
        raise DataError(f"{path}: not a readable safetensors file ({exc})") from exc
    own = {k: v for k, v in net.state_dict().items() if not k.startswith(("deconv.", "head."))}
    missing = [k for k in own if k not in weights]
    wrong = [k for k in own if k in weights and weights[k].shape != own[k].shape]
    if missing or wrong:
        raise DataError(
            f"{path}: does not fit a ResNet-{net.config.resnet_depth} of base width "
            f"{net.config.base_width}: missing {missing[:3]}, other shapes {wrong[:3]}"
        )
    net.load_state_dict({k: weights[k] for k in own}, strict=False)
    return sorted(k for k in weights if k not in own)
