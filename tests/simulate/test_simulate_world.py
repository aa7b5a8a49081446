"""A whole simulated world on disk: same seed, same bytes; every file parses; truth is whole."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from jingwang.evaluate.truth import load_truth
from jingwang.ingest.records import read_text_records
from jingwang.simulate.run import simulate_world
from jingwang.simulate.world import SharedPlatforms


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate_world(7, "small", out)
    return out


def test_same_seed_writes_the_same_bytes(world_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    simulate_world(7, "small", again)
    assert _digest(world_dir) == _digest(again)
    other = tmp_path / "other"
    simulate_world(8, "small", other)
    assert _digest(other)["posts.jsonl"] != _digest(world_dir)["posts.jsonl"]


def test_manifest_lists_what_was_written(world_dir: Path) -> None:
    manifest = json.loads((world_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 7 and manifest["scale"] == "small"
    counts = manifest["counts"]
    assert counts["posts"] == 3000 and counts["cases"] == 300 and counts["reports"] == 200
    assert counts["transactions"] == 20000 and counts["log_lines"] == 20000
    for name in manifest["files"]:
        assert (world_dir / name).is_file(), name
    for name in ("posts.jsonl", "cases.csv", "reports.jsonl", "ledger/transactions.parquet",
                 "ledger/accounts.csv", "logs/access.log", "web/pages.warc.gz",
                 "truth/gangs.json", "truth/accounts.csv", "truth/clients.csv",
                 "truth/pages.csv"):
        assert name in manifest["files"], name


def test_every_record_file_parses_with_the_readers(world_dir: Path) -> None:
    posts = list(read_text_records(str(world_dir / "posts.jsonl")))
    assert len(posts) == 3000 and all(p.observed_at is not None for p in posts)
    reports = list(read_text_records(str(world_dir / "reports.jsonl")))
    assert len(reports) == 200
    cases = list(read_text_records(str(world_dir / "cases.csv"), text_field="description",
                                   id_field="case_id", time_field="reported_at"))
    assert len(cases) == 300 and cases[0].extra["region_code"].isdigit()
    table = pq.read_table(world_dir / "ledger" / "transactions.parquet")
    assert table.num_rows == 20000 and table.column_names[0] == "Timestamp"
    with (world_dir / "web" / "pages.warc.gz").open("rb") as f:
        records = [r for r in ArchiveIterator(f) if r.rec_type == "response"]
    assert len(records) == 60


def test_truth_is_consistent(world_dir: Path) -> None:
    truth = load_truth(world_dir)
    gang_ids = {g["id"] for g in truth.gangs}
    owners = truth.gang_of_indicator()
    illicit = {p: row for p, row in truth.post_labels.items() if row["label"] == "illicit"}
    assert illicit
    for post_id, row in illicit.items():  # every illicit record belongs to a gang …
        assert row["gang_id"] in gang_ids
        for kind, value in truth.post_indicators[post_id]:  # … and shows that gang's contacts
            if kind != "url" and value not in SharedPlatforms().domains:
                assert row["gang_id"] in owners[(kind, value)], (post_id, kind, value)
    for case_id, gang in truth.case_gangs.items():
        assert gang in gang_ids
        for pair in truth.case_indicators[case_id]:
            assert gang in owners[pair]
    with (world_dir / "truth" / "accounts.csv").open(encoding="utf-8") as f:
        roles = list(csv.DictReader(f))
    assert all(r["gang_id"] in gang_ids for r in roles if r["role"] in ("collection",
                                                                         "pass_through"))
    # Every contact a gang advertises appears in its records, and every payment gang with
    # customers has its cards in the ledger.
    shown = {pair for pairs in truth.post_indicators.values() for pair in pairs}
    shown |= {pair for pairs in truth.case_indicators.values() for pair in pairs}
    ledger_cards = {r["account"] for r in roles}
    hidden = ("paofen", "fourth_party")
    missing = [(g["id"], k, v) for g in truth.gangs for k, vs in g["indicators"].items()
               for v in vs if k not in ("device", "bank_card") or g["archetype"] not in hidden
               if k != "device" and (k, v) not in shown]
    assert not missing, missing[:10]
    customers = {s for g in truth.gangs for s in g["suppliers"]}
    for gang in truth.gangs:
        if gang["archetype"] in hidden and gang["id"] in customers:
            assert set(gang["indicators"]["bank_card"]) & ledger_cards, gang["id"]
