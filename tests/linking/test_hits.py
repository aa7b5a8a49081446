"""比中 (hits) and indicator weights over a hand-built set of cases with known shared values.

Case A names a bank card (shared with B only), a phone (shared with C, D, E, F), a WeChat id
(shared with I) and the big platforms qq.com and baidu.com (shared with G).  H shares nothing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

import jingwang.cli_cases  # noqa: F401  (registers `import cases` and `hits` on the app)
from jingwang.cli import app
from jingwang.ingest.cases import import_cases
from jingwang.linking.exclusions import default_exclusions, load_exclusions
from jingwang.linking.hits import hits
from jingwang.linking.weights import indicator_weight_details, indicator_weights, record_count
from jingwang.store.db import session_scope
from jingwang.store.repository import (
    SightingIn,
    add_finding,
    add_sightings,
    add_unit,
    find_indicators,
)

CARD = "6222020928159013962"
PHONE = "+8613812345678"
WECHAT = "heiye_data88"
CASES = {
    "A": ("110108", f"对方让其转账到银行卡{CARD}，联系电话13812345678，微信 {WECHAT}，"
                    "还发来qq.com和baidu.com的链接。"),
    "B": ("110101", "被骗后转账到6222 0209 2815 9013 962。"),
    "C": ("310101", "接到13812345678的电话。"),
    "D": ("310101", "对方电话138-1234-5678。"),
    "E": ("320102", "对方留下电话13812345678。"),
    "F": ("330106", "对方电话 13812345678 自称客服。"),
    "G": ("440305", "对方发来qq.com和baidu.com的链接。"),
    "H": ("440106", "对方电话13987654321。"),
    "I": ("500103", f"加微信 {WECHAT} 后被骗。"),
}
runner = CliRunner()


def write_cases(path: Path) -> Path:
    lines = ["case_id,reported_at,region_code,category,description"]
    lines += [f"{no},2026-09-0{i + 1}T10:00:00+08:00,{region},fraud,受害人{no}报称，{text}"
              for i, (no, (region, text)) in enumerate(CASES.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def engine(store_engine, tmp_path):
    with session_scope(store_engine) as session:
        import_cases(session, str(write_cases(tmp_path / "cases.csv")))
    return store_engine


def hit_map(report) -> dict[str, list[tuple[str, str]]]:
    return {h.record_id: [(s.kind, s.value) for s in h.shared] for h in report.hits}


def test_weights_are_log_n_over_df_and_zero_for_excluded_values(engine):
    with session_scope(engine) as session:
        total = record_count(session)
        ids = {(i.kind, i.value): i.id for i in find_indicators(
            session, [("bank_card", CARD), ("phone", PHONE), ("domain", "qq.com")])}
        weights = indicator_weights(session, default_exclusions())
        details = indicator_weight_details(session, default_exclusions(), ids.values())
    assert total == len(CASES)
    assert weights[ids[("bank_card", CARD)]] == pytest.approx(math.log(9 / 2))
    assert weights[ids[("phone", PHONE)]] == pytest.approx(math.log(9 / 5))
    assert weights[ids[("domain", "qq.com")]] == 0.0
    assert details[ids[("domain", "qq.com")]].ignored == "excluded"
    assert details[ids[("phone", PHONE)]].records == 5


def test_hits_for_a_case_are_exactly_the_cases_sharing_its_values_rarest_first(engine):
    with session_scope(engine) as session:
        report = hits(session, case_no="A")
    found = hit_map(report)
    assert set(found) == {"B", "C", "D", "E", "F", "I"}  # not G (qq.com, baidu.com), not H
    assert report.total == 6
    ranks = {h.record_id: h.rank for h in report.hits}
    assert ranks["B"] < min(ranks[x] for x in "CDEF")  # a rare card beats a common phone
    assert found["B"] == [("bank_card", CARD)]
    assert found["C"] == [("phone", PHONE)]
    assert found["I"] == [("wechat", WECHAT)]
    top = report.hits[0]
    assert top.kind == "case" and top.case is not None and top.case.category == "fraud"
    assert top.score == pytest.approx(math.log(9 / 2))
    ignored = {(q.kind, q.value): q.status for q in report.ignored}
    assert ignored == {("domain", "qq.com"): "excluded", ("domain", "baidu.com"): "excluded"}
    regions = {u.region_code: u.cases for u in report.units}
    assert regions == {"110101": 1, "310101": 2, "320102": 1, "330106": 1, "500103": 1}


def test_a_query_of_indicators_finds_every_record_that_holds_one(engine):
    with session_scope(engine) as session:
        report = hits(session, pairs=[("phone", PHONE), ("qq", "10000")])
    assert set(hit_map(report)) == {"A", "C", "D", "E", "F"}
    assert {(q.kind, q.status) for q in report.query} == {("phone", "used"), ("qq", "unknown")}


def test_a_value_in_more_than_max_records_stops_linking(engine):
    exclusions = default_exclusions(max_records=4)
    with session_scope(engine) as session:
        report = hits(session, case_no="A", exclusions=exclusions)
    assert set(hit_map(report)) == {"B", "I"}
    over = [q for q in report.ignored if q.status == "over_cap"]
    assert [(q.kind, q.value, q.records) for q in over] == [("phone", PHONE, 5)]
    assert "over the cap of 4" in over[0].reason(report.max_records)


def test_an_editable_exclusion_file_removes_the_hits_of_its_values(engine, tmp_path):
    own = tmp_path / "exclusions.txt"
    own.write_text(f"# our unit's list\nwechat {WECHAT.upper()}\n-domain qq.com\n",
                   encoding="utf-8")
    exclusions = load_exclusions(own)
    with session_scope(engine) as session:
        report = hits(session, case_no="A", exclusions=exclusions)
    found = hit_map(report)
    assert "I" not in found
    assert found["G"] == [("domain", "qq.com")]  # taken off the list, so it links again
    assert ("wechat", WECHAT) in {(q.kind, q.value) for q in report.ignored}


def test_sightings_and_findings_of_other_sources_are_hits_too(engine):
    with session_scope(engine) as session:
        add_sightings(session, [SightingIn("bank_card", CARD, "posts", "p1", 3, 22, CARD)])
        add_finding(session, "content", "money_laundering", 0.9, "收卡广告", source="posts",
                    record_id="p1", indicators=[("bank_card", CARD)])
        add_finding(session, "manual", "fraud", 0.5, "线人举报", indicators=[("bank_card", CARD)])
        add_unit(session, "110101000000", "北京市东城区公安分局", "110101", "county")
        report = hits(session, case_no="A")
    by_label = {h.label: h for h in report.hits}
    post = by_label["posts#p1"]
    assert post.kind == "record" and [f.category for f in post.findings] == ["money_laundering"]
    loose = [h for h in report.hits if h.kind == "finding"]
    assert len(loose) == 1 and loose[0].findings[0].detector == "manual"
    units = {u.region_code: u.units for u in report.units}
    assert units["110101"] == [("110101000000", "北京市东城区公安分局")]


def test_limit_and_unknown_case(engine):
    with session_scope(engine) as session:
        report = hits(session, case_no="A", limit=2)
        assert len(report.hits) == 2 and report.total == 6
        with pytest.raises(LookupError):
            hits(session, case_no="nope")
        with pytest.raises(ValueError):
            hits(session)


def test_cli_hits_table_json_and_ignored_line(store_url, tmp_path):
    db = ["--db", store_url]
    assert runner.invoke(app, [*db, "init"]).exit_code == 0
    path = write_cases(tmp_path / "cases.csv")
    assert runner.invoke(app, [*db, "import", "cases", str(path)]).exit_code == 0
    table = runner.invoke(app, [*db, "hits", "--case", "A"])
    assert table.exit_code == 0, table.output
    assert "case B" in table.output and "case G" not in table.output
    assert f"bank_card {CARD}" in table.output
    assert "ignored query indicators: domain baidu.com (on the exclusion list)" in table.output
    capped = runner.invoke(app, [*db, "hits", "138 1234 5678", "--max-records", "4", "--json"])
    data = json.loads(capped.stdout)
    assert data["hits"] == [] and data["max_records"] == 4
    assert any(q["status"] == "over_cap" for q in data["query"])
    own = tmp_path / "own.txt"
    own.write_text(f"wechat {WECHAT}\n", encoding="utf-8")
    result = runner.invoke(app, [*db, "hits", "--case", "A", "--exclusions", str(own), "--json"])
    assert "I" not in {h["record_id"] for h in json.loads(result.stdout)["hits"]}
    assert runner.invoke(app, [*db, "hits"]).exit_code == 2
    missing = runner.invoke(app, [*db, "hits", "--case", "ZZZ"])
    assert missing.exit_code == 1 and "no case 'ZZZ'" in missing.output
