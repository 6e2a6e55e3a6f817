"""Time and peak memory of ``abspose lift`` writing many poses to .npy, .json and .csv.

Usage: ``python benchmarks/writers.py [--poses 1000000 100000 ...] [--json OUT]``. Each run is
a fresh ``abspose lift poses.npy --out joints.EXT`` process on random spread-out poses; peak
memory is the child's maximum resident set size. JSON and CSV hold every person in memory
(the lift runs on the whole file) and are streamed to disk one person at a time; ``.npy``
streams both ways, a chunk at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _run(src: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak resident memory [MB]) of one ``abspose lift`` process."""
    argv = [sys.executable, "-c", "from abspose.cli import main; main()", "lift", str(src),
            "--focal", "1000", "--image-size", "1000", "1000", "--out", str(out)]  # fmt: skip
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own resource use
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"abspose lift failed: {err.read()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024.0  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--poses", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=[".npy", ".csv", ".json"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(args.poses):
            src = Path(tmp) / f"poses{n}.npy"
            rng = np.random.default_rng(0)
            np.save(src, (rng.normal(0, 60, (n, 17, 2)) + 500).astype(np.float32))
            for suffix in args.formats:
                out = Path(tmp) / f"joints{n}{suffix}"
                seconds, peak_mb = _run(src, out)
                size_mb = out.stat().st_size / 1e6
                rows.append({"poses": n, "format": suffix, "seconds": round(seconds, 1),
                             "peak_rss_mb": round(peak_mb), "output_mb": round(size_mb)})  # fmt: skip
                print(f"{n:>9} poses -> {suffix:5}: {seconds:6.1f} s, peak {peak_mb:6.0f} MB, "
                      f"output {size_mb:.0f} MB", flush=True)  # fmt: skip
                out.unlink()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
