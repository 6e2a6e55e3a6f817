"""All of abspose's benchmarks in one run: a table on stdout and one JSON file.

Usage: ``python benchmarks/run_all.py [--json benchmarks_out.json] [--skip-pipeline]``

Runs, on this machine and in this run: ``benchmarks/lift.py`` (inference beside the measured
fp32 matmul peak, torch and ONNX Runtime), lifter training samples/s (one epoch of the shipped
recipe on the tiled sample walk), the EM fit of the error mixture on 1M joint errors,
PA-MPJPE over 100k poses beside a straightforward per-pose loop (timed on 2,000 poses and
scaled), ``import abspose`` and CLI start-up beside ``import torch``, and
``benchmarks/pipeline.py`` (per-stage frames/s on the demo video, needs MediaPipe's model).
Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _seconds(fn, repeats: int = 3) -> float:  # type: ignore[no-untyped-def]
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def em_fit() -> dict[str, float]:
    from abspose.noise import fit_mixture
    from abspose.skeletons import H36M17

    rng = np.random.default_rng(0)
    n = 1_000_000 // 17  # poses: 1M joint errors in all
    errors = rng.normal(0, 0.08, (n, 17, 2))
    outliers = rng.random((n, 17)) < 0.1
    errors[outliers] = rng.uniform(-0.5, 0.5, (int(outliers.sum()), 2))
    fit = fit_mixture(errors, H36M17.joint_names)
    seconds = _seconds(lambda: fit_mixture(errors, H36M17.joint_names), repeats=3)
    steps = fit.iterations - int(fit.converged)  # M-steps run: a converged fit stops before its last
    gamma, _, std = _plain_em(errors, steps)
    assert np.allclose(gamma, fit.model.gamma) and np.allclose(std, fit.model.std)  # the same fit
    plain = _seconds(lambda: _plain_em(errors, steps), repeats=1)
    return {"em_joint_errors": float(n * 17), "em_iterations": fit.iterations, "em_fit_s": seconds,
            "em_plain_vectorized_s": plain}  # fmt: skip


def _plain_em(e: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The reference: the same EM as straightforward vectorized numpy over ``(N, J, 2)``
    (a new array per operation), with as many E- and M-steps as abspose's fit ran."""
    gamma, mean, std = np.full(e.shape[1], 0.9), e.mean(0), e.std(0)
    for _ in range(iterations):
        z = (e - mean) / std
        a = np.log(gamma) - 0.5 * (z * z).sum(-1) - np.log(2 * np.pi * std.prod(-1))
        b = np.log1p(-gamma) - 2 * np.log(2 * 0.5)
        log_total = np.logaddexp(a, b)
        w = np.exp(a - log_total)
        _ = log_total.sum()  # the log-likelihood, as the fit's convergence test needs it
        gamma = w.mean(0)
        mean = np.einsum("nj,njk->jk", w, e) / w.sum(0)[:, None]
        std = np.sqrt(np.einsum("nj,njk->jk", w, (e - mean) ** 2) / w.sum(0)[:, None])
    return gamma, mean, std


def pa_mpjpe_bench() -> dict[str, float]:
    from abspose.metrics import pa_mpjpe

    rng = np.random.default_rng(1)
    gt = rng.normal(0, 300, (100_000, 17, 3))
    pred = gt + rng.normal(0, 40, gt.shape)
    fast = _seconds(lambda: pa_mpjpe(pred, gt))

    def loop(k: int) -> float:  # the reference: one SVD per pose in Python
        total = 0.0
        for p, g in zip(pred[:k], gt[:k], strict=True):
            p0, g0 = p - p.mean(0), g - g.mean(0)
            u, s, vt = np.linalg.svd(p0.T @ g0)
            d = np.sign(np.linalg.det(u @ vt))
            s[-1] *= d
            u[:, -1] *= d
            r = u @ vt
            scale = s.sum() / (p0**2).sum()
            total += np.linalg.norm(scale * p0 @ r - g0, axis=1).mean()
        return total / k

    def batched_svd() -> float:  # the reference: plain vectorized numpy, one batched SVD
        p0 = pred - pred.mean(-2, keepdims=True)
        g0 = gt - gt.mean(-2, keepdims=True)
        u, s, vt = np.linalg.svd(np.swapaxes(p0, -1, -2) @ g0)
        d = np.sign(np.linalg.det(u @ vt))
        s[:, -1] *= d
        u[:, :, -1] *= d[:, None]
        scale = s.sum(-1) / (p0**2).sum((-1, -2))
        aligned = scale[:, None, None] * p0 @ (u @ vt)
        return float(np.linalg.norm(aligned - g0, axis=-1).mean())

    assert abs(loop(2000) - pa_mpjpe(pred[:2000], gt[:2000])) < 1e-6  # the same number
    assert abs(batched_svd() - pa_mpjpe(pred, gt)) < 1e-6
    naive = _seconds(lambda: loop(2000), repeats=1) * 50
    plain = _seconds(batched_svd, repeats=2)
    return {
        "pa_mpjpe_100k_s": fast,
        "pa_mpjpe_plain_vectorized_100k_s": plain,
        "pa_mpjpe_naive_loop_100k_s": naive,
    }


def training() -> dict[str, float]:
    import torch

    from abspose.data import sample_dataset
    from abspose.model import LifterConfig, TrainConfig, train_lifter

    data = sample_dataset(repeat=120)  # 7,200 frames
    n = len(data)
    start = time.perf_counter()
    train_lifter(data, LifterConfig(width=1024), TrainConfig(epochs=1, batch_size=256))
    seconds = time.perf_counter() - start
    return {
        "train_samples": float(n),
        "train_samples_per_s": n / seconds,
        "torch_threads": torch.get_num_threads(),
    }


def startup() -> dict[str, float]:
    def run(code: list[str]) -> float:
        return min(_timed([sys.executable, *code]) for _ in range(3))

    return {
        "import_torch_s": run(["-c", "import torch"]),
        "import_abspose_s": run(["-c", "import abspose"]),
        "cli_help_s": run(["-m", "abspose.cli", "--help"]),
    }


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, default=Path("benchmarks_out.json"))
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        lift_json = Path(tmp) / "lift.json"
        subprocess.run([sys.executable, str(HERE / "lift.py"), "--json", str(lift_json)], check=True)
        results["lift"] = json.loads(lift_json.read_text())
        for name, fn in (
            ("training", training),
            ("em", em_fit),
            ("pa_mpjpe", pa_mpjpe_bench),
            ("startup", startup),
        ):
            results[name] = fn()
            print(name, {k: round(v, 4) for k, v in results[name].items()}, flush=True)  # type: ignore[union-attr]
        if not args.skip_pipeline:
            pipe_json = Path(tmp) / "pipeline.json"
            done = subprocess.run([sys.executable, str(HERE / "pipeline.py"), "--json", str(pipe_json)])
            if done.returncode == 0:
                results["pipeline"] = json.loads(pipe_json.read_text())
    args.json.write_text(json.dumps(results, indent=1))
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
