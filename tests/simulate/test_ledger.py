"""The simulated payment ledger: AMLworld layout, deterministic, with the gangs' money inside it."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jingwang.indicators import canonicalize
from jingwang.simulate.identities_bulk import BINS
from jingwang.simulate.ledger import LedgerStyle, write_ledger
from jingwang.simulate.world import World, build_world

AMLWORLD_COLUMNS = [
    ("Timestamp", pa.string()), ("From Bank", pa.int64()), ("Account", pa.string()),
    ("To Bank", pa.int64()), ("Account.1", pa.string()), ("Amount Received", pa.float64()),
    ("Receiving Currency", pa.string()), ("Amount Paid", pa.float64()),
    ("Payment Currency", pa.string()), ("Payment Format", pa.string()),
    ("Is Laundering", pa.int64())]
FORMATS = {"ACH", "Wire", "Credit Card", "Cash", "Cheque", "Bitcoin", "Reinvestment"}
GANG_ROLES = {"collection", "pass_through", "consolidation"}


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(7, "small")


@pytest.fixture(scope="module")
def ledger(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("ledger")
    advanced: list[int] = []
    counts = write_ledger(world, out, advanced.append)
    read = lambda name: list(csv.DictReader((out / name).open(encoding="utf-8")))  # noqa: E731
    return {"dir": out, "counts": counts, "progress": advanced,
            "tx": read("transactions.csv"), "accounts": read("accounts.csv"),
            "truth": {r["account"]: r for r in read("truth_accounts.csv")}}


def test_same_seed_writes_the_same_bytes(world: World, ledger: dict, tmp_path: Path) -> None:
    write_ledger(build_world(7, "small"), tmp_path)
    for name in ("transactions.csv", "accounts.csv", "truth_accounts.csv"):
        assert (tmp_path / name).read_bytes() == (ledger["dir"] / name).read_bytes(), name
    write_ledger(build_world(8, "small"), tmp_path / "other")
    assert (tmp_path / "other" / "transactions.csv").read_bytes() != \
        (tmp_path / "transactions.csv").read_bytes()


def test_columns_and_types_are_amlworld(ledger: dict) -> None:
    schema = pq.read_schema(ledger["dir"] / "transactions.parquet")
    assert [(f.name, f.type) for f in schema] == AMLWORLD_COLUMNS
    header = (ledger["dir"] / "transactions.csv").open(encoding="utf-8").readline().strip()
    assert header == ",".join(name for name, _ in AMLWORLD_COLUMNS)
    table = pq.read_table(ledger["dir"] / "transactions.parquet")
    assert table.num_rows == len(ledger["tx"]) == ledger["counts"]["transactions"] == 20_000
    assert sum(ledger["progress"]) == 20_000
    stamps = [r["Timestamp"] for r in ledger["tx"]]
    assert stamps == sorted(stamps)
    assert stamps[0].startswith("2026/09/01") and stamps[-1] < "2026/10/04"
    for r in ledger["tx"]:
        assert re.fullmatch(r"2026/(09|10)/\d\d \d\d:\d\d", r["Timestamp"])
        assert r["Payment Format"] in FORMATS and r["Is Laundering"] in ("0", "1")
        assert {r["Receiving Currency"], r["Payment Currency"]} <= {"Yuan", "US Dollar"}
        for amount in (r["Amount Received"], r["Amount Paid"]):
            assert re.fullmatch(r"\d+(\.\d{1,2})?", amount) and float(amount) > 0
        for bank, account in ((r["From Bank"], r["Account"]), (r["To Bank"], r["Account.1"])):
            assert int(bank) == BINS[account[:6]][0]
    assert Counter(r["Receiving Currency"] for r in ledger["tx"]).most_common(1)[0][0] == "Yuan"
    assert {r["Payment Format"] for r in ledger["tx"]} == FORMATS


def test_every_account_is_registered_and_valid(ledger: dict) -> None:
    named = {r[k] for r in ledger["tx"] for k in ("Account", "Account.1")}
    registered = [r["account"] for r in ledger["accounts"]]
    assert set(registered) == named == set(ledger["truth"])
    assert len(registered) == len(named) == ledger["counts"]["accounts"]
    parquet = pq.read_table(ledger["dir"] / "accounts.parquet")
    assert parquet.column_names == ["account", "bank", "owner_name", "owner_id_card",
                                    "registration_phone", "device", "opened_at"]
    for r in ledger["accounts"]:
        assert len(r["account"]) == 19 and canonicalize("bank_card", r["account"]) == r["account"]
        assert canonicalize("id_card", r["owner_id_card"]) == r["owner_id_card"]
        assert canonicalize("phone", r["registration_phone"]) == r["registration_phone"]
        assert canonicalize("device", r["device"]) == r["device"]
        assert r["owner_name"] and "2000-01-01" < r["opened_at"] < "2026-09-01"


def test_gang_cards_are_the_cards_their_posts_advertise(world: World, ledger: dict) -> None:
    roles = Counter(t["role"] for t in ledger["truth"].values())
    assert roles["collection"] and roles["pass_through"] and roles["consolidation"]
    assert roles["benign"] > roles["merchant"] > sum(roles[r] for r in GANG_ROLES)
    for account, t in ledger["truth"].items():
        if t["role"] in ("benign", "merchant"):
            assert t["gang_id"] == ""
            continue
        gang = world.gang(t["gang_id"])
        if t["role"] in ("collection", "pass_through"):
            sellers = [gang, *(world.gang(s) for s in gang.suppliers)]
            assert any(account in g.values("bank_card") for g in sellers), (account, t)
        if t["role"] == "pass_through":
            assert gang.archetype in ("paofen", "fourth_party")


def test_identity_kits_are_reused_by_gangs_not_by_citizens(ledger: dict) -> None:
    by_id_card: dict[str, list[str]] = defaultdict(list)
    by_phone: dict[str, list[str]] = defaultdict(list)
    for r in ledger["accounts"]:
        role = ledger["truth"][r["account"]]["role"]
        by_id_card[r["owner_id_card"]].append(role)
        by_phone[r["registration_phone"]].append(role)
    kits = [roles for roles in by_id_card.values() if len(roles) >= 3]
    assert kits and all(set(roles) <= GANG_ROLES for roles in kits)
    # Benign people and merchants each have an ID card of their own; a few families share a phone.
    assert all(len(roles) == 1 for roles in by_id_card.values() if set(roles) - GANG_ROLES)
    assert any(set(roles) == {"benign"} for roles in by_phone.values() if len(roles) > 1)


def test_laundering_share_and_flow(ledger: dict) -> None:
    laundering = [r for r in ledger["tx"] if r["Is Laundering"] == "1"]
    assert len(laundering) == ledger["counts"]["laundering"]
    assert 0.005 <= len(laundering) / len(ledger["tx"]) <= 0.05
    role = lambda account: ledger["truth"][account]["role"]  # noqa: E731
    for r in ledger["tx"]:
        touches_gang = {role(r["Account"]), role(r["Account.1"])} & GANG_ROLES
        # Laundering rows always touch a gang account, benign rows never do.
        assert bool(touches_gang) == (r["Is Laundering"] == "1"), r
    flows = Counter((role(r["Account"]), role(r["Account.1"])) for r in laundering)
    for step in (("benign", "collection"), ("collection", "pass_through"),
                 ("pass_through", "consolidation")):
        assert flows[step], step
    cash_out = {r["Payment Format"] for r in laundering if role(r["Account"]) == "consolidation"}
    assert cash_out & {"Bitcoin", "Cash", "Wire"}


def test_pass_through_cards_keep_a_commission(ledger: dict) -> None:
    money_in: Counter[str] = Counter()
    money_out: Counter[str] = Counter()
    for r in ledger["tx"]:
        if ledger["truth"][r["Account.1"]]["role"] == "pass_through":
            money_in[r["Account.1"]] += float(r["Amount Paid"])
        if ledger["truth"][r["Account"]]["role"] == "pass_through":
            money_out[r["Account"]] += float(r["Amount Paid"])
    assert money_in and set(money_out) <= set(money_in)
    assert 0.995 <= sum(money_out.values()) / sum(money_in.values()) <= 0.998


def test_hi_style_hides_less_laundering_among_look_alikes(world: World, tmp_path: Path) -> None:
    counts = write_ledger(world, tmp_path, style=LedgerStyle.hi())
    t = pq.read_table(tmp_path / "transactions.parquet").to_pylist()
    with (tmp_path / "truth_accounts.csv").open(newline="") as f:
        role = {r["account"]: r["role"] for r in csv.DictReader(f)}
    assert counts["transactions"] == len(t) == 20_000
    assert 0 < counts["laundering"] < 0.005 * len(t)           # 0.1%, runs overshoot a little
    # gang cards also carry ordinary (unlabelled) payments
    benign_on_gang = [r for r in t if r["Is Laundering"] == 0
                      and GANG_ROLES & {role[r["Account"]], role[r["Account.1"]]}]
    assert len(benign_on_gang) >= counts["laundering"] // 2
    # payroll agents: paid by merchants, paying people, never laundering
    agents = {a for a, r in role.items() if r == "agent"}
    agent_rows = [r for r in t if agents & {r["Account"], r["Account.1"]}]
    assert agents and agent_rows and not any(r["Is Laundering"] for r in agent_rows)
    assert {role[r["Account"]] for r in agent_rows if r["Account.1"] in agents} == {"merchant"}
    # one-off counterparties: accounts that appear in exactly one payment
    seen = Counter(a for r in t for a in {r["Account"], r["Account.1"]})
    assert sum(1 for n in seen.values() if n == 1) >= 0.02 * len(t)
