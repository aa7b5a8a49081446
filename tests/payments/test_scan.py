"""`scan_ledger`, `store_scan` and `jingwang scan payments` end to end: the scored tables, the
stored findings and sightings (idempotent), bad input, and a simulated world's known answer."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hand_ledgers import card, hand_ledger  # same folder
from sqlalchemy import func, select
from typer.testing import CliRunner

from jingwang.cli import app
from jingwang.ingest.ledgers import account_indicator, store_scan
from jingwang.payments import read_accounts, read_ledger
from jingwang.payments.scan import (
    ACCOUNTS_OUT_SCHEMA,
    TRANSACTIONS_SCHEMA,
    load_model,
    scan_ledger,
)
from jingwang.simulate.ledger import write_ledger
from jingwang.simulate.world import build_world
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.models import Finding, Indicator, Sighting

runner = CliRunner()


PT, CONS = card(1), card(2)


def hand_rows() -> list[tuple[float, str, str, float]]:
    rows: list[tuple[float, str, str, float]] = []
    # a pass-through card: five payers of 20,000, each passed on within the hour keeping 0.3%
    for i in range(5):
        rows += [(i * 5, f"VICTIM{i}", PT, 20_000), (i * 5 + 0.5, PT, CONS, 19_940)]
    # a benign merchant with 1,500 heavy-tailed customers who pays two suppliers a part of it
    for i in range(1_500):
        amount = round(min(3_000.0, 15 * math.exp(4 * ((i * 7919) % 1_000) / 1_000)), 2)
        rows.append((i * 0.16, f"CUST{i:04d}", "SHOP", amount))
    rows += [(100, "SHOP", "SUPPLIER1", 30_000), (200, "SHOP", "SUPPLIER2", 12_000)]
    # people: salaries, rent, a transfer between friends
    rows += [(1, "EMPLOYER", "ALICE", 8_000), (70, "ALICE", "LANDLORD", 3_000),
             (100, "ALICE", "BOB", 200), (150, "BOB", "ALICE", 150)]
    return rows


@pytest.fixture(scope="module")
def hand_scan():
    return scan_ledger(hand_ledger(hand_rows(), ids="t{:05d}"), model=load_model())


def test_scan_tables_have_their_schemas_and_every_transaction(hand_scan) -> None:
    assert hand_scan.transactions.schema == TRANSACTIONS_SCHEMA
    assert hand_scan.accounts.schema == ACCOUNTS_OUT_SCHEMA
    assert hand_scan.transactions.num_rows == len(hand_rows())
    # in the ledger's own order
    ids = hand_scan.transactions["txn_id"].to_pylist()
    assert ids == hand_ledger(hand_rows(), ids="t{:05d}")["txn_id"].to_pylist()
    scores = hand_scan.transactions["score"].to_pylist()
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_pass_through_found_and_merchant_left_alone(hand_scan) -> None:
    accounts = {r["account"]: r for r in hand_scan.accounts.to_pylist()}
    assert accounts[PT]["flagged"] and "pass_through" in accounts[PT]["typologies"]
    assert "keeping 0.30%" in accounts[PT]["reason"]
    for benign in ("SHOP", "SUPPLIER1", "ALICE", "BOB", "CUST0001", "LANDLORD"):
        assert not accounts[benign]["flagged"], (benign, accounts[benign])
    txns = hand_scan.transactions.to_pylist()
    flagged = [t for t in txns if t["flagged"]]
    # every alert touches the channel and carries a reason naming what fired
    assert flagged and all(PT in (t["src"], t["dst"]) for t in flagged)
    assert all(t["typologies"] and t["reason"] for t in flagged)
    shop = [t for t in txns if t["dst"] == "SHOP" or t["src"] == "SHOP"]
    assert not any(t["flagged"] for t in shop)


def test_rules_only_scan_flags_the_payments_a_rule_explains() -> None:
    scan = scan_ledger(hand_ledger(hand_rows(), ids="t{:05d}"), model=None)
    txns = scan.transactions.to_pylist()
    assert scan.model is None
    hit = {t["txn_id"] for t in txns if t["flagged"]}
    touching = {t["txn_id"] for t in txns if PT in (t["src"], t["dst"])}
    assert hit == touching
    assert all(t["score"] == (1.0 if t["flagged"] else 0.0) for t in txns)


def test_account_indicators() -> None:
    assert account_indicator(PT) == ("bank_card", PT)
    assert account_indicator(" 8000ebd30 ") == ("payment_account", "8000EBD30")
    assert account_indicator("x") is None


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("ledger")
    write_ledger(build_world(7, "small"), where)
    return where


def test_simulated_world_accounts_against_truth(world: Path) -> None:
    scan = scan_ledger(read_ledger(str(world / "transactions.parquet")),
                       read_accounts(str(world / "accounts.parquet")), model=load_model())
    truth = pcsv.read_csv(world / "truth_accounts.csv", convert_options=pcsv.ConvertOptions(
        column_types={"account": pa.string(), "gang_id": pa.string()})).to_pylist()
    bad = {t["account"] for t in truth
           if t["role"] in ("collection", "pass_through", "consolidation")}
    flagged = set(scan.accounts.filter(scan.accounts["flagged"])["account"].to_pylist())
    hit = len(flagged & bad)
    assert hit / len(flagged) >= 0.9 and hit / len(bad) >= 0.8, (hit, len(flagged), len(bad))
    txns = scan.transactions
    labels = txns["label"].to_pylist()
    pred = txns["flagged"].to_pylist()
    tp = sum(1 for y, p in zip(labels, pred, strict=True) if y == 1 and p)
    assert tp / sum(pred) >= 0.9 and tp / sum(labels) >= 0.9


def _counts(url: str) -> tuple[int, int, int]:
    with session_scope(open_store(url)) as session:
        return tuple(session.scalar(select(func.count()).select_from(m))
                     for m in (Finding, Sighting, Indicator))


def test_cli_scan_writes_tables_stores_once_and_rejects_bad_input(world: Path,
                                                                  tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    init_store(url)
    args = ["--db", url, "scan", "payments", str(world / "transactions.csv"),
            "--accounts", str(world / "accounts.csv"), "--out", str(tmp_path / "out")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "flagged" in first.output and "stored" in first.output
    txns = pq.read_table(tmp_path / "out" / "transactions.parquet")
    accounts = pq.read_table(tmp_path / "out" / "accounts.parquet")
    assert txns.schema == TRANSACTIONS_SCHEMA and txns.num_rows == 20_000
    assert accounts.schema == ACCOUNTS_OUT_SCHEMA
    stored = _counts(url)
    assert stored[0] > 20 and stored[1] > stored[0]
    with session_scope(open_store(url)) as session:
        kinds = set(session.scalars(select(Indicator.kind)))
        details = set(session.scalars(select(Finding.detector)))
    assert {"bank_card", "id_card", "phone"} <= kinds
    assert {"payments", "payments.structures", "payments.identities"} <= details
    # the same ledger again adds nothing
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert _counts(url) == stored
    # a bad row: one clear error naming file and row, nothing stored or written
    bad = tmp_path / "bad.csv"
    lines = (world / "transactions.csv").read_text().splitlines()
    fields = lines[3].split(",")
    fields[7] = "12x"                     # Amount Paid is not a number
    lines[3] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["--db", url, "scan", "payments", str(bad), "--out",
                                 str(tmp_path / "bad-out")])
    assert result.exit_code != 0
    assert f"{bad}:4" in result.output and "nothing was scanned or stored" in result.output
    assert not (tmp_path / "bad-out").exists()
    assert _counts(url) == stored


def test_store_scan_links_a_structure_accounts_in_one_record(tmp_path: Path) -> None:
    rows = [(0, "SRC0000001", card(10 + i), 10_000) for i in range(4)]
    rows += [(1 + i * 0.1, card(10 + i), CONS, 9_950) for i in range(4)]
    scan = scan_ledger(hand_ledger(rows, ids="t{:05d}"), model=None)
    assert "scatter_gather" in scan.structures["typology"].to_pylist()
    url = f"sqlite:///{tmp_path / 's.db'}"
    init_store(url)
    engine = open_store(url)
    report = store_scan(engine, scan.accounts, scan.structures, "ledger-x")
    assert report.findings >= 1 and report.sightings > 0
    with session_scope(engine) as session:
        sg = session.scalars(select(Finding).where(
            Finding.detector == "payments.structures",
            Finding.record_id.like("scatter_gather/%"))).one()
        members = {(i.kind, i.value) for i in sg.indicators}
        # the cards the money passed through; not the payer it came from nor where it ended
        assert members == {("bank_card", card(10 + i)) for i in range(4)}
        records = set(session.scalars(select(Sighting.record_id).where(
            Sighting.source == "ledger-x")))
        assert sg.record_id in records
    assert store_scan(engine, scan.accounts, scan.structures, "ledger-x").sightings == 0
