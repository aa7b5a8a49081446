"""`jingwang units`, `jingwang clues` and `jingwang campaign` end to end on a SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clue_world import NANTONG_MOBILE
from typer.testing import CliRunner

from jingwang.cli import app
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.repository import add_finding

runner = CliRunner()
UNITS = ("code,name,region_code,level,parent_code\n"
         "NT-CC,南通市公安局崇川分局网安大队,320602,county,NT\n"
         "NT,南通市公安局网安支队,320600,city,JS\n"
         "JS,江苏省公安厅网安总队,320000,province,MPS\n"
         "MPS,公安部网络安全保卫局,000000,ministry,\n")


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    init_store(url)
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    result = run(url, "units", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "4 units (4 new, 0 updated, 0 unchanged)" in result.output
    return url


def run(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


def ok(db: str, *args: str) -> str:
    result = run(db, *args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def error(db: str, code: int, *args: str) -> str:
    result = run(db, *args)
    assert result.exit_code == code, (args, result.output)
    assert "error:" in result.output and "Traceback" not in result.output
    return result.output


def test_every_command_has_help(tmp_path):
    commands = [["units", c] for c in ("import", "list")] + [["campaign"]] + [
        ["clues", c] for c in ("rules", "make", "new", "list", "show", "push", "receive",
                               "verify", "file", "close", "reject", "outcome", "forward",
                               "escalate")]
    for cmd in commands:
        result = runner.invoke(app, [*cmd, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, (cmd, result.output)


def test_units_round_trip(db, tmp_path):
    again = tmp_path / "again.csv"
    again.write_text(UNITS, encoding="utf-8")
    assert "(0 new, 0 updated, 4 unchanged)" in ok(db, "units", "import", str(again))
    rows = json.loads(ok(db, "units", "list", "--json"))
    assert [r["code"] for r in rows] == ["MPS", "JS", "NT", "NT-CC"]
    assert "南通市公安局网安支队" in ok(db, "units", "list")
    bad = tmp_path / "bad.csv"
    bad.write_text(UNITS + "X,某单位,350583,county,NT\n", encoding="utf-8")
    out = error(db, 1, "units", "import", str(bad))
    assert f"{bad}:6: region 350583 is not within its parent 'NT'" in out
    assert "nothing from this file was stored" in out
    error(db, 2, "units", "import", str(bad), "--format", "xml")


def test_a_clue_from_new_to_closed_and_into_the_figures(db):
    made = json.loads(ok(db, "clues", "new", "--title", "刷单诈骗", "--category", "fraud",
                         "--unit", "NT-CC", "--actor", "analyst.wang", "--json"))
    cid = str(made["id"])
    assert made["routing_reason"] == "assigned to 南通市公安局崇川分局网安大队 (NT-CC) by " \
        "analyst.wang"
    assert "new → pushed at 南通市公安局崇川分局网安大队 (NT-CC); due" in ok(
        db, "clues", "push", cid, "--actor", "analyst.wang")
    for step in ("receive", "verify", "file"):
        ok(db, "clues", step, cid, "--actor", "officer.li")
    ok(db, "clues", "outcome", cid, "--actor", "officer.li", "--suspects", "2")
    ok(db, "clues", "close", cid, "--actor", "officer.li", "--suspects", "3", "--frozen",
       "580万", "--solved", "1", "--note", "抓获3人")
    shown = json.loads(ok(db, "clues", "show", cid, "--json"))
    assert shown["status"] == "closed" and shown["money_frozen"] == "5800000.00"
    assert [(e["action"], e["to_status"]) for e in shown["events"]] == [
        ("status", "new"), ("route", "new"), ("status", "pushed"), ("status", "received"),
        ("status", "verified"), ("status", "case_filed"), ("outcome", "case_filed"),
        ("status", "closed")]
    assert shown["events"][-1]["note"] == "抓获3人"
    text = ok(db, "clues", "show", cid)
    assert "routing: assigned to 南通市公安局崇川分局网安大队" in text
    assert "case_filed → closed" in text

    figures = json.loads(ok(db, "campaign", "--by", "unit", "--json"))
    assert figures["rows"][0]["key"] == ["NT-CC"]
    totals = figures["totals"]
    assert (totals["pushed"], totals["closed"], totals["suspects_caught"],
            totals["money_frozen"], totals["cases_solved"]) == (1, 1, 3, "5800000.00", 1)
    assert "电信网络诈骗" in ok(db, "campaign")
    cross = ok(db, "campaign", "--by", "region", "--by", "month")
    assert "by region × month" in cross and "江苏省" in cross

    listed = json.loads(ok(db, "clues", "list", "--unit", "NT-CC", "--status", "closed",
                           "--json"))
    assert [c["id"] for c in listed] == [int(cid)]
    assert "cannot go from closed to received" in error(
        db, 1, "clues", "receive", cid, "--actor", "x")
    assert "no clue with id 999" in error(db, 1, "clues", "show", "999")
    assert "not an amount of money" in error(
        db, 2, "clues", "outcome", cid, "--actor", "x", "--frozen", "很多")
    error(db, 2, "campaign", "--by", "week")
    error(db, 2, "campaign", "--since", "last year")


def test_forward_and_escalate(db):
    cid = str(json.loads(ok(db, "clues", "new", "--title", "约死帖", "--category",
                            "suicide_pact", "--urgency", "immediate", "--unit", "NT-CC",
                            "--actor", "a", "--json"))["id"])
    ok(db, "clues", "push", cid, "--actor", "a")
    out = ok(db, "clues", "escalate", "--at", "2999-01-01T00:00:00+00:00")
    assert f"clue {cid}:" in out and "escalated NT-CC → NT" in out
    assert "1 clues escalated" in out
    assert json.loads(ok(db, "clues", "show", cid, "--json"))["unit"] == "NT"
    assert "forwarded from 南通市公安局网安支队 (NT) to 南通市公安局崇川分局网安大队 (NT-CC)" in ok(
        db, "clues", "forward", cid, "--to", "NT-CC", "--actor", "officer.zhang")
    assert "no unit 'NOPE'" in error(db, 1, "clues", "forward", cid, "--to", "NOPE",
                                     "--actor", "x")
    overdue = json.loads(ok(db, "clues", "list", "--overdue", "--json"))
    assert overdue == []  # the restarted 15 minutes have not passed


def test_make_uses_the_rules(db, tmp_path, monkeypatch):
    monkeypatch.delenv("JINGWANG_CLUE_RULES", raising=False)
    monkeypatch.delenv("JINGWANG_GEOIP_DB", raising=False)
    with session_scope(open_store(db)) as session:
        add_finding(session, "content", "violence_for_hire", 0.9, "重金求人教训仇家",
                    source="posts", record_id="p1", indicators=[("phone", NANTONG_MOBILE)])
    out = ok(db, "clues", "make")
    assert "1 new clues (1 by life-at-risk); 1 pushed at once" in out
    assert "0 new clues" in ok(db, "clues", "make")
    clues = json.loads(ok(db, "clues", "list", "--json"))
    assert [(c["unit"], c["status"], c["urgency"]) for c in clues] == [
        ("NT", "pushed", "immediate")]
    assert clues[0]["routing_reason"] \
        == "phone +86138…0000 attributed to 江苏省南通市 → 南通市公安局网安支队 (NT)"

    assert "[[rule]]" in ok(db, "clues", "rules")
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rule]]\nsource = 'finding'\nurgency = 'soon'\n", encoding="utf-8")
    assert "rule 1 (rule-1): urgency 'soon'" in error(db, 2, "clues", "make", "--rules",
                                                      str(rules))
    rules.write_text("[[rule]]\nname = 'all'\nsource = 'finding'\n", encoding="utf-8")
    assert "all: finding (any category), score ≥ 0 → normal" in ok(
        db, "clues", "rules", "--rules", str(rules))
