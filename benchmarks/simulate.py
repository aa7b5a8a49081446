"""Simulator throughput: write a whole world at a scale and report time, rows per second and peak
memory.

    python benchmarks/simulate.py [--scale medium] [--seed 7] [--out DIR]

The world goes to a temporary folder unless --out is given.  The last line printed is the
summary: seconds, records written per kind, and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from jingwang.simulate.run import simulate_world


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="medium", choices=("small", "medium", "large"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    stages: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(stage: str, n: int, total: int | None) -> None:
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + (now - last[0])
        last[0] = now

    with tempfile.TemporaryDirectory(prefix="jingwang-sim-") as tmp:
        out = args.out or Path(tmp)
        t0 = time.perf_counter()
        manifest = simulate_world(args.seed, args.scale, out, progress)
        elapsed = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    for key, value in manifest.counts.items():
        print(f"  {key:<22} {value:>12,}")
    rows = sum(manifest.counts.get(k, 0) for k in ("posts", "cases", "reports", "transactions",
                                                    "log_lines"))
    print(f"  {'bytes written':<22} {size:>12,}")
    for stage, seconds in stages.items():
        print(f"  time in {stage:<14} {seconds:>10.1f} s")
    print(f"simulate {args.scale} seed {args.seed}: {manifest.counts.get('transactions', 0):,} "
          f"transactions, {manifest.counts.get('posts', 0):,} posts, "
          f"{manifest.counts.get('log_lines', 0):,} log lines in {elapsed:.1f} s "
          f"({rows / elapsed:,.0f} records/s), peak RSS {peak_gb:.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
