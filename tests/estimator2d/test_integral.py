"""The integral-regression estimator: soft-argmax exactness, targets, loss, checkpoints."""

import numpy as np
import pytest
import torch

from abspose.errors import AbsPoseError, DataError
from abspose.estimator2d.integral import (
    IntegralCheckpoint,
    IntegralPoseConfig,
    IntegralPoseNet,
    integral_loss,
    load_backbone,
    load_integral,
    save_integral,
    soft_argmax,
    target_heatmaps,
)

TINY = IntegralPoseConfig(layout="coco17", resnet_depth=18, base_width=8, input_size=64, deconv_channels=16)


def test_soft_argmax_is_the_expectation_of_any_distribution(rng):
    prob = rng.dirichlet(np.full(12 * 20, 0.3), size=(3, 5)).reshape(3, 5, 12, 20)  # (B, J, H, W)
    coords, back = soft_argmax(torch.from_numpy(np.log(prob)))
    ys, xs = np.mgrid[:12, :20]
    expected = np.stack([(prob * xs).sum((-1, -2)), (prob * ys).sum((-1, -2))], axis=-1)
    assert np.allclose(coords.numpy(), expected, atol=1e-12) and np.allclose(back.numpy(), prob)


def test_soft_argmax_on_hand_made_heatmaps():
    logits = torch.full((2, 16, 16), -1e4, dtype=torch.float64)
    logits[0, 5, 9] = 0.0  # one pixel: its centre, exactly
    logits[1, 3, 10] = np.log(0.3)  # two pixels, 0.3 and 0.7: 70% of the way
    logits[1, 3, 11] = np.log(0.7)
    coords, _ = soft_argmax(logits)
    assert coords.tolist() == [[9.0, 5.0], [pytest.approx(10.7, abs=1e-12), pytest.approx(3.0, abs=1e-12)]]


def test_target_heatmaps_sum_to_one_and_are_centred_on_the_joint():
    xy = torch.tensor([[20.3, 31.7], [12.25, 40.0]], dtype=torch.float64)  # >= 6 sigma from the edges
    maps = target_heatmaps(xy, 64, sigma=2.0)
    assert maps.shape == (2, 64, 64) and torch.allclose(
        maps.sum((-1, -2)), torch.ones(2, dtype=torch.float64)
    )
    coords, _ = soft_argmax(torch.log(maps))
    assert torch.allclose(coords, xy, atol=1e-6)  # a sampled Gaussian's mean is its centre


def test_network_shapes_and_parameter_counts():
    net = IntegralPoseNet(TINY)
    assert net(torch.zeros(2, 3, 64, 64)).shape == (2, 17, 16, 16)
    count = sum(p.numel() for p in IntegralPoseNet(IntegralPoseConfig(resnet_depth=50)).parameters())
    assert count == pytest.approx(34.0e6, rel=0.01)  # SimpleBaseline ResNet-50: 34.0M parameters


def test_loss_counts_visible_joints_only_and_has_gradients():
    net = IntegralPoseNet(TINY)
    logits = net(torch.randn(2, 3, 64, 64))
    target = torch.full((2, 17, 2), 8.0)
    visible = torch.zeros(2, 17, dtype=torch.bool)
    visible[0, 3] = True
    loss, parts = integral_loss(logits, target, visible, TINY)
    coords, _ = soft_argmax(logits)
    assert parts["coord_px"] == pytest.approx(float((coords[0, 3] - 8.0).abs().mean().detach()), rel=1e-5)
    loss.backward()
    assert net.conv1.weight.grad is not None and net.conv1.weight.grad.abs().sum() > 0


def test_checkpoint_round_trip_and_refusals(tmp_path):
    net = IntegralPoseNet(TINY)
    path = save_integral(
        tmp_path / "e.safetensors", IntegralCheckpoint(TINY, net.state_dict(), meta={"a": 1})
    )
    back = load_integral(path)
    assert back.config == TINY and not back.training
    x = torch.randn(1, 3, 64, 64)
    assert torch.equal(back(x), net.eval()(x))
    pickle = tmp_path / "e.pth"
    torch.save(net.state_dict(), pickle)
    with pytest.raises(DataError, match="never loads pickles"):
        load_integral(pickle)
    from abspose.model import AbsPoseLifter, LifterConfig
    from abspose.model.checkpoint import Checkpoint, save_checkpoint

    small = LifterConfig(width=8)
    lifter = save_checkpoint(tmp_path / "l.safetensors", Checkpoint(small, AbsPoseLifter(small).state_dict()))
    with pytest.raises(DataError, match="abspose-integral2d-v1"):
        load_integral(lifter)
    with pytest.raises(AbsPoseError, match="multiple of 32"):
        IntegralPoseConfig(input_size=100)
    with pytest.raises(AbsPoseError):
        IntegralPoseConfig(layout="no-such-layout")


def test_imagenet_backbone_with_torchvision_names_loads(tmp_path):
    from safetensors.torch import save_file

    donor = IntegralPoseNet(TINY)
    weights = {k: v for k, v in donor.state_dict().items() if not k.startswith(("deconv.", "head."))}
    weights["fc.weight"], weights["fc.bias"] = torch.zeros(1000, 64), torch.zeros(1000)
    save_file(weights, str(tmp_path / "r18.safetensors"))
    net = IntegralPoseNet(TINY)
    assert load_backbone(net, tmp_path / "r18.safetensors") == ["fc.bias", "fc.weight"]
    assert torch.equal(net.layer4[1].conv2.weight, donor.layer4[1].conv2.weight)
    assert not torch.equal(net.head.weight, donor.head.weight)  # the head stays new
    other = IntegralPoseNet(IntegralPoseConfig(resnet_depth=34, base_width=8, input_size=64))
    with pytest.raises(DataError, match="ResNet-34"):
        load_backbone(other, tmp_path / "r18.safetensors")
