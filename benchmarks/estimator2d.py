"""Speed of the paper's 2D estimator (ResNet + deconvolutions + soft-argmax) on this machine.

Usage: ``python benchmarks/estimator2d.py [--depths 50 152] [--batch 8] [--json OUT]``.
Per ResNet depth, at the paper's 256x256 crops: inference crops/s at batch 1 and ``--batch``,
and training samples/s (forward + backward + RMSprop step, random weights: speed only).
"""

import argparse
import json
import time

import torch

from abspose.estimator2d import IntegralPoseConfig, IntegralPoseNet, integral_loss


def _rate(fn, count: int, repeats: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return count * repeats / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depths", type=int, nargs="+", default=[50, 152])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    rows = []
    for depth in args.depths:
        config = IntegralPoseConfig(resnet_depth=depth)
        net = IntegralPoseNet(config)
        params = sum(p.numel() for p in net.parameters()) / 1e6
        net.eval()
        with torch.no_grad():
            one = torch.randn(1, 3, 256, 256)
            many = torch.randn(args.batch, 3, 256, 256)
            infer1 = _rate(lambda: net(one), 1, args.repeats)  # noqa: B023
            infer_b = _rate(lambda: net(many), args.batch, args.repeats)  # noqa: B023
        net.train()
        opt = torch.optim.RMSprop(net.parameters(), lr=1e-4)
        target = torch.rand(args.batch, config.num_joints, 2) * 63
        visible = torch.ones(args.batch, config.num_joints, dtype=torch.bool)

        def step() -> None:
            loss, _ = integral_loss(net(many), target, visible, config)  # noqa: B023
            opt.zero_grad()  # noqa: B023
            loss.backward()
            opt.step()  # noqa: B023

        train = _rate(step, args.batch, args.repeats)
        row = {"resnet": depth, "params_M": round(params, 1), "infer_b1_crops_s": round(infer1, 2)}
        row[f"infer_b{args.batch}_crops_s"] = round(infer_b, 2)
        row["train_samples_s"] = round(train, 2)
        rows.append(row)
        print(rows[-1], flush=True)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
