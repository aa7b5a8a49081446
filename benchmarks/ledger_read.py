"""Reading ledgers into the canonical schema: the simulator's medium ledger (1M transfers in the
IBM AMLworld layout) as CSV and as Parquet, best of three reads each.

    python benchmarks/ledger_read.py [--scale medium|large]

The last line printed is the summary (rows a second for each format).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.compute as pc

from jingwang.payments import read_ledger
from jingwang.simulate.run import simulate_world


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="medium", choices=("small", "medium", "large"))
    args = ap.parse_args(argv)
    figures = []
    with tempfile.TemporaryDirectory(prefix="jingwang-ledger-") as tmp:
        simulate_world(7, args.scale, Path(tmp))
        for name in ("transactions.csv", "transactions.parquet"):
            path = Path(tmp) / "ledger" / name
            times = []
            for _ in range(3):
                started = time.perf_counter()
                table = read_ledger(str(path))
                times.append(time.perf_counter() - started)
            best = min(times)
            laundering = int(pc.sum(table["label"]).as_py() or 0)
            mb = path.stat().st_size / 1e6
            print(f"{name}: {table.num_rows:,} rows ({laundering:,} laundering), {mb:.0f} MB, "
                  f"best of 3 {best:.2f} s ({', '.join(f'{t:.2f}' for t in times)})")
            figures.append(f"{name.split('.')[1]} {table.num_rows / best / 1e6:.2f}M rows/s")
    print(f"{args.scale} ledger read: " + ", ".join(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
