"""Linking quality and scale against simulated worlds, beside the naive baseline.

    python benchmarks/linking.py [--quality-only] [--scale-only] [--large]

Quality: for each world, the posts, citizen reports and case descriptions are run through the
extractor (as `jingwang demo` ingests them), the sightings are linked (jingwang: rarity weights,
exclusion list, correlation cap, components, Leiden) and, side by side, grouped by plain connected
components over unweighted shared indicators (the naive baseline), and both are scored against
the world's truth with B-cubed precision/recall/F1 over the indicators that belong to one gang.
Role accuracy compares each stored gang's chain role with its true gang's role.  Seed 7 small is
the world the resolution was tuned on; seeds 11 and 23 were not looked at while tuning.

Scale: the same linking over a world's text sightings plus its payment ledger (every transfer a
record whose two accounts are sighted together), timed with peak memory, for the medium and
(with --large) the large world.  The ledger is read by DuckDB straight from its Parquet file and
the world is simulated in a child process, so the peak printed is the linking's own (with the
text extraction before it).  The last line printed is the summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from jingwang.evaluate.metrics import bcubed
from jingwang.evaluate.truth import load_truth
from jingwang.indicators import extract_indicators
from jingwang.linking.link import NAIVE, bounded_duckdb, link_sightings
from jingwang.linking.run import to_gangs
from jingwang.simulate.run import simulate_world

QUALITY_WORLDS = ((7, "small", "tuned on"), (11, "small", "held out"),
                  (23, "medium", "held out"))


def text_sightings(world: Path) -> tuple[pa.Table, dict[tuple[str, str], str]]:
    """Sightings of posts, reports and cases as extraction finds them; case categories."""
    rows: list[tuple[str, str, str, str]] = []
    categories: dict[tuple[str, str], str] = {}
    for name in ("posts", "reports"):
        with (world / f"{name}.jsonl").open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                rows += [(name, record["id"], e.kind, e.value)
                         for e in extract_indicators(record["text"])]
    with (world / "cases.csv").open(encoding="utf-8", newline="") as f:
        for record in csv.DictReader(f):
            rows += [("cases", record["case_id"], e.kind, e.value)
                     for e in extract_indicators(record["description"])]
            categories[("cases", record["case_id"])] = record["category"]
    table = pa.table({k: [r[i] for r in rows]
                      for i, k in enumerate(("source", "record_id", "kind", "value"))})
    return table, categories


def ledger_sightings(con: ibis.BaseBackend, world: Path) -> ir.Table:
    """Every transfer as a record whose sender and receiver accounts are sighted in it.

    A view over the Parquet file (record id: the transfer's row number), so the ledger's
    millions of sightings are read by the engine and never become Python strings."""
    tx = con.read_parquet(world / "ledger" / "transactions.parquet", file_row_number=True)
    record_id = tx.file_row_number.cast("string")

    def side(account: str) -> ir.Table:
        return tx.select(source=ibis.literal("ledger"), record_id=record_id,
                         kind=ibis.literal("bank_card"), value=tx[account])

    return side("Account").union(side("Account.1"), distinct=False)


def role_accuracy(world: Path, result, categories) -> tuple[float, int]:
    truth = load_truth(world)
    owners = truth.gang_of_indicator()
    true_role = {g["id"]: g["role"] for g in truth.gangs}
    gangs, _ = to_gangs(result, categories, {})
    right = total = 0
    for gang in gangs:
        if gang.role is None:
            continue
        votes = Counter(next(iter(owners[(k, v)])) for k, v, _ in gang.indicators
                        if len(owners.get((k, v), ())) == 1)
        if not votes:
            continue
        total += 1
        right += true_role[votes.most_common(1)[0][0]] == gang.role
    return (right / total if total else 0.0), total


def quality(tmp: Path) -> list[str]:
    lines = []
    print("world                 method     groups  B3-P   B3-R   B3-F1  roles(acc/n)")
    for seed, scale, note in QUALITY_WORLDS:
        world = tmp / f"q{seed}{scale}"
        simulate_world(seed, scale, world)
        truth = load_truth(world)
        owners = truth.gang_of_indicator()
        true_map = {p: next(iter(g)) for p, g in owners.items() if len(g) == 1}
        table, categories = text_sightings(world)
        seen = set(zip(table["kind"].to_pylist(), table["value"].to_pylist(), strict=True))
        scores = {}
        for method, kwargs in (("jingwang", {}), ("naive", {"exclusions": NAIVE,
                                                           "resolution": None})):
            result = link_sightings(table, **kwargs)
            # Every gang indicator the extractor found counts; one left out is a singleton.
            items = {p: g for p, g in true_map.items() if p in seen}
            p, r, f = bcubed(items, result.membership)
            acc, n = role_accuracy(world, result, categories) if method == "jingwang" else (0, 0)
            scores[method] = f
            roles = f"{acc:.3f}/{n}" if method == "jingwang" else ""
            print(f"seed {seed:<3} {scale:<7} {note:<9} {method:<9} {len(result.groups):>6}  "
                  f"{p:.3f}  {r:.3f}  {f:.3f}  {roles}")
        lines.append(f"seed {seed} {scale} ({note}): B3-F1 {scores['jingwang']:.3f} vs naive "
                     f"{scores['naive']:.3f}")
    return lines


def simulate_apart(seed: int, scale: str, world: Path) -> None:
    """Simulate a world in a child process: its memory is not the linking's."""
    child = multiprocessing.get_context("spawn").Process(target=simulate_world,
                                                         args=(seed, scale, world))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"simulating the {scale} world failed ({child.exitcode})")


def scale(tmp: Path, scales: tuple[str, ...]) -> list[str]:
    lines = []
    for name in scales:
        world = tmp / f"s{name}"
        simulate_apart(7, name, world)
        text, _ = text_sightings(world)
        transfers = pq.ParquetFile(world / "ledger" / "transactions.parquet").metadata.num_rows
        sightings = text.num_rows + 2 * transfers
        with bounded_duckdb() as con:
            table = con.create_view("text_sightings", ibis.memtable(text)).union(
                ledger_sightings(con, world), distinct=False)
            started = time.perf_counter()
            result = link_sightings(table, con=con)
            seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        print(f"scale {name}: {result.records:,} records, {sightings:,} sightings, "
              f"{len(result.membership):,} indicators, {result.components:,} components, "
              f"{len(result.groups):,} groups in {seconds:.1f} s, peak RSS so far {peak:.2f} GB "
              "(this process: text extraction and linking; the world is simulated apart)")
        lines.append(f"{name} {sightings / 1e6:.1f}M sightings in {seconds:.0f} s, "
                     f"peak {peak:.1f} GB")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quality-only", action="store_true")
    ap.add_argument("--scale-only", action="store_true")
    ap.add_argument("--large", action="store_true", help="also time the large world")
    args = ap.parse_args(argv)
    summary = []
    with tempfile.TemporaryDirectory(prefix="jingwang-link-") as tmp:
        if not args.scale_only:
            summary += quality(Path(tmp))
        if not args.quality_only:
            summary += scale(Path(tmp), ("medium", "large") if args.large else ("medium",))
    print(" | ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
