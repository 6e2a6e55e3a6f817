"""Lifter inference speed beside this machine's measured float32 matmul peak.

    .venv/bin/python benchmarks/lift.py [--model PATH] [--json OUT]

Prints poses/s and latency at several batch sizes, through the bare network and through
``abspose.lift`` (input checks, layout conversion and Eq. 5-6 included), and the achieved
fraction of the float32 matmul peak measured in the same run (4096^3 ``torch.mm``). With
onnxruntime installed, the same model exported by ``abspose export-onnx`` is timed too (its
graph includes Eq. 5-6), float32 and ``--int8``, bare (``session.run``) and through
``abspose.lift``. FLOP/s count the float32 network's multiply-adds whatever the precision, so
an int8 row can pass 100% of the float32 peak.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from abspose.api import default_model_path, lift
from abspose.model import load_lifter


def _best_seconds(fn, repeats: int, min_time: float = 0.2) -> float:
    """Best of ``repeats`` timings, each looping ``fn`` for at least ``min_time`` seconds."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        n, start = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / n)
    return best


def matmul_peak_gflops(size: int = 4096) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    seconds = _best_seconds(lambda: torch.mm(a, b), repeats=3, min_time=0.5)
    return 2 * size**3 / seconds / 1e9


def network_flops_per_pose(model: torch.nn.Module) -> int:
    return sum(2 * m.in_features * m.out_features for m in model.modules() if isinstance(m, torch.nn.Linear))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=default_model_path())
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    model = load_lifter(args.model)
    peak = matmul_peak_gflops()
    flops = network_flops_per_pose(model)
    rng = np.random.default_rng(0)
    rows = []
    onnx: dict[str, object] = {}
    try:
        import tempfile

        from abspose.model.onnx import OnnxLifter, export_onnx

        tmp = tempfile.mkdtemp()
        onnx["fp32"] = OnnxLifter(export_onnx(model, Path(tmp) / "lifter.onnx"))
        onnx["int8"] = OnnxLifter(export_onnx(model, Path(tmp) / "lifter_int8.onnx", int8=True))
    except Exception as exc:  # onnxruntime missing: torch rows only
        print(f"(no ONNX rows: {exc})")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; fp32 matmul peak {peak:.1f} GFLOP/s"
    )
    print(f"model width {model.config.width}, {flops / 1e6:.2f} MFLOP per pose")
    print(f"{'path':<14}{'batch':>7}{'latency ms':>12}{'poses/s':>12}{'GFLOP/s':>10}{'of peak':>9}")
    for batch in (1, 64, 4096):
        kp = torch.from_numpy((rng.normal(0, 60, (batch, 17, 2)) + 500).astype(np.float32))
        c = torch.full((batch, 2), 480.0)
        f = np.full(batch, 1500.0)
        paths = [
            ("network", lambda kp=kp, c=c: model(kp, c)),
            (
                "abspose.lift",
                lambda kp=kp: lift(kp.numpy(), focal_px=1500.0, principal_px=(480.0, 480.0), model=model),
            ),
        ]
        for kind, runner in onnx.items():
            feeds = {"keypoints_px": kp.numpy(), "principal_px": c.numpy(), "focal_px": f.astype(np.float32)}
            paths += [
                (f"ort {kind}", lambda feeds=feeds, r=runner: r.session.run(None, feeds)),  # type: ignore[attr-defined]
                (
                    f"lift({kind})",
                    lambda kp=kp, r=runner: lift(
                        kp.numpy(), focal_px=1500.0, principal_px=(480.0, 480.0), model=r
                    ),
                ),
            ]
        for path, fn in paths:
            seconds = _best_seconds(fn, repeats=5)
            achieved = flops * batch / seconds / 1e9
            row = {"path": path, "batch": batch, "latency_ms": 1e3 * seconds, "poses_per_s": batch / seconds,
                   "gflops": achieved, "fraction_of_peak": achieved / peak}  # fmt: skip
            rows.append(row)
            latency, rate, share = row["latency_ms"], row["poses_per_s"], achieved / peak
            print(f"{path:<14}{batch:>7}{latency:>12.3f}{rate:>12.0f}{achieved:>10.1f}{share:>9.1%}")
    if args.json is not None:
        args.json.write_text(
            json.dumps({"matmul_peak_gflops": peak, "flops_per_pose": flops, "rows": rows}, indent=1)
        )


if __name__ == "__main__":
    main()
