"""Reading ledgers of every declared layout into the canonical table, and refusing bad rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from jingwang.ingest.records import InputError
from jingwang.payments import (
    ACCOUNTS_SCHEMA,
    AMLSIM,
    AMLSIM_SAMPLE,
    AMLWORLD,
    LEDGER_SCHEMA,
    NATIVE,
    detect_layout,
    read_accounts,
    read_ledger,
)

UTC = dt.UTC
AMLWORLD_HEADER = ("Timestamp,From Bank,Account,To Bank,Account.1,Amount Received,"
                   "Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering")
AMLWORLD_ROWS = [
    "2026/09/01 00:03,104,6216616335329154175,902,6259659688499061705,185.4,Yuan,185.4,Yuan,"
    "Credit Card,0",
    "2026/09/01 13:45,308,6225888080827205481,999,6216618372289662457,7000.5,US Dollar,"
    "49800,Yuan,Wire,1",
]


def canonical(txn_id, ts, src, dst, amount, currency, channel=None, src_bank=None,
              dst_bank=None, label=None):
    return {"txn_id": txn_id, "ts": ts, "src": src, "dst": dst, "amount": amount,
            "currency": currency, "channel": channel, "src_bank": src_bank,
            "dst_bank": dst_bank, "label": label}


def amlworld_expected(stem: str, first_row: int) -> list[dict]:
    return [
        canonical(f"{stem}:{first_row}", dt.datetime(2026, 9, 1, 0, 3, tzinfo=UTC),
                  "6216616335329154175", "6259659688499061705", 185.4, "Yuan", "Credit Card",
                  "104", "902", 0),
        canonical(f"{stem}:{first_row + 1}", dt.datetime(2026, 9, 1, 13, 45, tzinfo=UTC),
                  "6225888080827205481", "6216618372289662457", 49800.0, "Yuan", "Wire",
                  "308", "999", 1),
    ]


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(table: pa.Table) -> list[dict]:
    assert table.schema.equals(LEDGER_SCHEMA)
    return [{k: (v.astimezone(UTC) if isinstance(v, dt.datetime) else v) for k, v in r.items()}
            for r in table.to_pylist()]


# ---- each layout, exact canonical rows ----------------------------------------------------

def test_amlworld_csv(tmp_path):
    path = write(tmp_path / "hi_small.csv", AMLWORLD_HEADER, *AMLWORLD_ROWS)
    assert rows(read_ledger(path)) == amlworld_expected("hi_small", 2)


def test_amlworld_raw_ibm_header_with_two_account_columns(tmp_path):
    header = AMLWORLD_HEADER.replace("Account.1", "Account")
    path = write(tmp_path / "raw.csv", header, *AMLWORLD_ROWS)
    assert rows(read_ledger(path)) == amlworld_expected("raw", 2)


def test_amlworld_without_label_column_has_null_labels(tmp_path):
    header = AMLWORLD_HEADER.removesuffix(",Is Laundering")
    path = write(tmp_path / "t.csv", header, *(r.rsplit(",", 1)[0] for r in AMLWORLD_ROWS))
    got = read_ledger(path)
    assert got["label"].to_pylist() == [None, None]
    assert got["amount"].to_pylist() == [185.4, 49800.0]


def test_amlworld_parquet_typed_as_the_simulator_writes_it(tmp_path):
    from jingwang.simulate.ledger import SCHEMA
    csv_path = write(tmp_path / "src.csv", AMLWORLD_HEADER, *AMLWORLD_ROWS)
    typed = pcsv.read_csv(csv_path, convert_options=pcsv.ConvertOptions(
        column_types=dict(zip(SCHEMA.names, SCHEMA.types, strict=True))))
    assert typed.schema.equals(SCHEMA)
    pq.write_table(typed, tmp_path / "month.parquet")
    assert rows(read_ledger(tmp_path / "month.parquet")) == amlworld_expected("month", 1)


def test_amlsim_transactions(tmp_path):
    path = write(tmp_path / "transactions.csv",
                 "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id",
                 "1,A100,A200,TRANSFER,123.45,2017-01-01T00:00:00Z,False,-1",
                 "2,A200,A300,TRANSFER,99,2017-01-02T08:30:00+08:00,True,17",
                 "3,A300,A300,TRANSFER,5.5,2017-01-03 12:00:00,,")
    assert rows(read_ledger(path)) == [
        canonical("1", dt.datetime(2017, 1, 1, tzinfo=UTC), "A100", "A200", 123.45, "USD",
                  "TRANSFER", label=0),
        canonical("2", dt.datetime(2017, 1, 2, 0, 30, tzinfo=UTC), "A200", "A300", 99.0, "USD",
                  "TRANSFER", label=1),
        canonical("3", dt.datetime(2017, 1, 3, 12, tzinfo=UTC), "A300", "A300", 5.5, "USD",
                  "TRANSFER", label=None),
    ]


def test_amlsim_sample_steps_are_days_after_the_base_date(tmp_path):
    path = write(tmp_path / "transactions.csv", "sourceNodeId,targetNodeId,value,time",
                 "10,20,300.0,0", "20,30,1e3,31")
    assert rows(read_ledger(path)) == [
        canonical("transactions:2", dt.datetime(2017, 1, 1, tzinfo=UTC), "10", "20", 300.0,
                  "USD"),
        canonical("transactions:3", dt.datetime(2017, 2, 1, tzinfo=UTC), "20", "30", 1000.0,
                  "USD"),
    ]


def test_native_csv_and_parquet(tmp_path):
    path = write(tmp_path / "n.csv", "txn_id,ts,src,dst,amount,currency,channel",
                 "t-1,2026-09-01T08:00:00+08:00,a,b,10,CNY,alipay",
                 't-2,2026-09-02 01:02:03,b,c,"2,5",CNY,')
    with pytest.raises(InputError) as err:      # "2,5" is not a number
        read_ledger(path)
    assert (err.value.row, err.value.reason) == (3, "amount '2,5' in amount is not a number")
    write(path, "txn_id,ts,src,dst,amount,currency,channel,label",
          "t-1,2026-09-01T08:00:00+08:00,a,b,10,CNY,alipay,1",
          "t-2,2026-09-02 01:02:03,b,c,2.5,CNY,,")
    expected = [
        canonical("t-1", dt.datetime(2026, 9, 1, tzinfo=UTC), "a", "b", 10.0, "CNY", "alipay",
                  label=1),
        canonical("t-2", dt.datetime(2026, 9, 2, 1, 2, 3, tzinfo=UTC), "b", "c", 2.5, "CNY"),
    ]
    assert rows(read_ledger(path)) == expected
    pq.write_table(pcsv.read_csv(path), tmp_path / "n.parquet")   # typed: int amount, etc.
    assert rows(read_ledger(tmp_path / "n.parquet")) == expected


def test_given_layout_must_fit(tmp_path):
    path = write(tmp_path / "t.csv", AMLWORLD_HEADER, *AMLWORLD_ROWS)
    assert read_ledger(path, AMLWORLD).num_rows == 2
    with pytest.raises(InputError, match="do not fit layout native"):
        read_ledger(path, NATIVE)


# ---- layout detection -----------------------------------------------------------------------

def test_detect_layout_by_exact_header_set():
    assert detect_layout(AMLWORLD_HEADER.split(",")) is AMLWORLD
    assert detect_layout(AMLWORLD_HEADER.split(",")[:-1]) is AMLWORLD
    assert detect_layout(["tran_id", "orig_acct", "bene_acct", "tx_type", "base_amt",
                          "tran_timestamp", "is_sar", "alert_id"]) is AMLSIM
    assert detect_layout(["time", "value", "targetNodeId", "sourceNodeId"]) is AMLSIM_SAMPLE
    assert detect_layout(["txn_id", "ts", "src", "dst", "amount", "currency", "channel",
                          "src_bank"]) is NATIVE


def test_unknown_layout_lists_the_known_ones(tmp_path):
    for columns in (["a", "b"], ["sourceNodeId", "targetNodeId", "value", "time", "extra"],
                    ["sourceNodeId", "targetNodeId", "value"]):
        with pytest.raises(ValueError) as err:
            detect_layout(columns)
        assert "unknown ledger layout" in str(err.value)
        for name in ("amlworld", "amlsim", "amlsim-sample", "native"):
            assert f"{name} (" in str(err.value)
    with pytest.raises(InputError, match="unknown ledger layout") as err:
        read_ledger(write(tmp_path / "x.csv", "a,b", "1,2"))
    assert err.value.row is None


# ---- bad rows --------------------------------------------------------------------------------

@pytest.mark.parametrize(("bad_row", "reason"), [
    ("2026/13/01 00:03,1,A,2,B,1,Yuan,1,Yuan,ACH,0",
     "unparseable time '2026/13/01 00:03' in Timestamp (expected %Y/%m/%d %H:%M)"),
    ("yesterday,1,A,2,B,1,Yuan,1,Yuan,ACH,0",
     "unparseable time 'yesterday' in Timestamp (expected %Y/%m/%d %H:%M)"),
    ("2026/09/01 00:03,1,A,2,B,1,Yuan,12x,Yuan,ACH,0",
     "amount '12x' in Amount Paid is not a number"),
    ("2026/09/01 00:03,1,A,2,B,1,Yuan,,Yuan,ACH,0", "amount '' in Amount Paid is not a number"),
    ("2026/09/01 00:03,1,A,2,B,1,Yuan,nan,Yuan,ACH,0",
     "amount 'nan' in Amount Paid is not a number"),
    ("2026/09/01 00:03,1,A,2,B,1,Yuan,-5,Yuan,ACH,0", "negative amount -5.0 in Amount Paid"),
    ("2026/09/01 00:03,1, ,2,B,1,Yuan,1,Yuan,ACH,0", "empty source account (Account)"),
    ("2026/09/01 00:03,1,A,2,,1,Yuan,1,Yuan,ACH,0", "empty destination account (Account.1)"),
    ("2026/09/01 00:03,1,A,2,B,1,Yuan,1,,ACH,0", "empty currency (Payment Currency)"),
    ("2026/09/01 00:03,1,A,2,B,1,Yuan,1,Yuan,ACH,maybe",
     "label 'maybe' in Is Laundering is not one of 1, true, t, yes, y, 0, false, f, no, n "
     "or empty"),
])
def test_first_bad_row_is_named(tmp_path, bad_row, reason):
    later_bad = "bad,1,,2,,x,Yuan,-1,,ACH,9"
    path = write(tmp_path / "t.csv", AMLWORLD_HEADER, *AMLWORLD_ROWS, bad_row, later_bad)
    with pytest.raises(InputError) as err:
        read_ledger(path)
    assert (err.value.file, err.value.row, err.value.reason) == (str(path), 4, reason)


def test_src_equal_dst_is_allowed(tmp_path):
    path = write(tmp_path / "t.csv", AMLWORLD_HEADER,
                 "2026/09/01 00:03,1,A,1,A,1,Yuan,1,Yuan,Reinvestment,0")
    assert read_ledger(path)["dst"].to_pylist() == ["A"]


def test_bad_parquet_row_is_its_1_based_index(tmp_path):
    table = pa.table({"txn_id": ["a", "b", "c"], "ts": ["2026-09-01T00:00:00Z"] * 3,
                      "src": ["x", "y", "z"], "dst": ["y", "z", "x"], "amount": [1.0, 2.0, -3.0],
                      "currency": ["CNY"] * 3, "channel": [None, None, None]})
    pq.write_table(table, tmp_path / "n.parquet")
    with pytest.raises(InputError) as err:
        read_ledger(tmp_path / "n.parquet")
    assert (err.value.row, err.value.reason) == (3, "negative amount -3.0 in amount")


def test_bad_iso_time_and_bad_step(tmp_path):
    path = write(tmp_path / "n.csv", "txn_id,ts,src,dst,amount,currency,channel",
                 *(f"t{i},2026-09-01T00:00:{i % 60:02d}Z,a,b,1,CNY,x" for i in range(50)),
                 "t50,2026-09-31T00:00:00Z,a,b,1,CNY,x", "t51,soon,a,b,1,CNY,x")
    with pytest.raises(InputError) as err:
        read_ledger(path)
    assert (err.value.row, err.value.reason) == (
        52, "unparseable time '2026-09-31T00:00:00Z' in ts (expected ISO 8601)")
    path = write(tmp_path / "s.csv", "sourceNodeId,targetNodeId,value,time", "1,2,3,4",
                 "1,2,3,4.5")
    with pytest.raises(InputError) as err:
        read_ledger(path)
    assert (err.value.row, err.value.reason) == (3, "time step '4.5' in time is not an integer")


def test_missing_and_unknown_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_ledger(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="unknown file type"):
        read_ledger(write(tmp_path / "t.json", "{}"))
    with pytest.raises(InputError, match="no header row"):
        read_ledger(write(tmp_path / "e.csv", ""))


# ---- the simulator's ledger --------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    from jingwang.simulate.run import simulate_world
    out = tmp_path_factory.mktemp("world")
    simulate_world(7, "small", out)
    return out / "ledger"


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_simulated_ledger_reads_whole(world, suffix):
    raw = pq.read_table(world / "transactions.parquet")
    got = read_ledger(world / f"transactions.{suffix}")
    assert got.schema.equals(LEDGER_SCHEMA)
    assert got.num_rows == raw.num_rows
    assert pc.sum(got["label"]).as_py() == pc.sum(raw["Is Laundering"]).as_py() > 0
    assert got["src"].to_pylist() == raw["Account"].to_pylist()
    assert got["amount"].to_pylist() == raw["Amount Paid"].to_pylist()
    assert got["ts"][0].as_py() == dt.datetime(2026, 9, 1, tzinfo=UTC)
    assert got.equals(read_ledger(world / f"transactions.{suffix}"))   # deterministic
    ids = got["txn_id"]
    assert pc.count_distinct(ids).as_py() == got.num_rows
    first = 2 if suffix == "csv" else 1
    assert ids[0].as_py() == f"transactions:{first}"


def test_csv_and_parquet_agree_but_for_row_ids(world):
    a = read_ledger(world / "transactions.csv").drop_columns(["txn_id"])
    b = read_ledger(world / "transactions.parquet").drop_columns(["txn_id"])
    assert a.equals(b)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_simulated_accounts_read(world, suffix):
    raw = pq.read_table(world / "accounts.parquet")
    got = read_accounts(world / f"accounts.{suffix}")
    assert got.schema.equals(ACCOUNTS_SCHEMA)
    assert got.num_rows == raw.num_rows
    assert got["account"].to_pylist() == raw["account"].to_pylist()
    assert got["bank"].to_pylist() == [str(b) for b in raw["bank"].to_pylist()]
    opened = raw["opened_at"][0].as_py()
    assert got["opened_at"][0].as_py() == dt.datetime.fromisoformat(opened).replace(tzinfo=UTC)
    ledger = read_ledger(world / "transactions.parquet")
    named = set(ledger["src"].to_pylist()) | set(ledger["dst"].to_pylist())
    assert named == set(got["account"].to_pylist())


def test_accounts_bad_rows(tmp_path):
    header = "account,bank,owner_name,owner_id_card,registration_phone,device,opened_at"
    path = write(tmp_path / "a.csv", header, "1,105,王,X,+86,IMEI,2024-05-03",
                 "2,105,,,,,", "3,105,李,X,+86,IMEI,2024-02-30")
    with pytest.raises(InputError) as err:
        read_accounts(path)
    assert (err.value.row, err.value.reason) == (
        4, "unparseable time '2024-02-30' in opened_at (expected %Y-%m-%d)")
    write(path, header, "1,105,王,X,+86,IMEI,2024-05-03", "2,105,,,,,")
    assert read_accounts(path).to_pylist()[1] == {
        "account": "2", "owner_id_card": None, "owner_name": None, "registration_phone": None,
        "device": None, "opened_at": None, "bank": "105"}
    write(path, header, " ,105,,,,,")
    with pytest.raises(InputError) as err:
        read_accounts(path)
    assert (err.value.row, err.value.reason) == (2, "empty account (account)")
    with pytest.raises(InputError, match="do not fit accounts layout"):
        read_accounts(write(tmp_path / "b.csv", "acct,bank", "1,2"))
