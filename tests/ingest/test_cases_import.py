"""Case import: CSV and JSONL, explicit indicator columns, bad rows, idempotence, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import jingwang.cli_cases  # noqa: F401  (registers `import cases` and `hits` on the app)
from jingwang.cli import app
from jingwang.ingest.cases import CaseColumns, case_title, import_cases
from jingwang.ingest.records import InputError
from jingwang.store.db import session_scope
from jingwang.store.models import Case, Sighting
from jingwang.store.repository import store_counts

HEADER = "case_id,reported_at,region_code,category,description"
CARD = "6222020928159013962"
CARD2 = "6228480012345678903"
ROWS = [
    "C001,2026-09-04T20:51:00+08:00,431322,fraud,受害人甲报称，对方让其转账到银行卡"
    f"{CARD}，联系电话13812345678。",
    "C002,2026-09-05T09:00:00+08:00,110108,gambling,受害人乙报称，在xx88点com下注亏损。",
    "C003,,,,报案人未留下联系方式。",
]
runner = CliRunner()


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return store_counts(session)


def do_import(engine, path: Path, **kwargs):
    with session_scope(engine) as session:
        return import_cases(session, str(path), **kwargs)


def test_import_stores_cases_links_and_sightings_and_twice_adds_nothing(store_engine, tmp_path):
    path = write_csv(tmp_path / "cases.csv", ROWS)
    first = do_import(store_engine, path)
    assert (first.cases, first.new, first.updated, first.unchanged) == (3, 3, 0, 0)
    assert first.new_sightings == first.extracted == 3
    assert first.links_new == 3
    before = counts(store_engine)
    assert before["cases"] == 3 and before["sightings"] == 3 and before["case_indicators"] == 3
    again = do_import(store_engine, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    assert again.new_sightings == 0 and again.links_new == 0
    assert counts(store_engine) == before
    with session_scope(store_engine) as session:
        case = session.scalars(select(Case).where(Case.case_no == "C001")).one()
        assert case.category == "fraud" and case.region_code == "431322"
        assert case.reported_at.isoformat() == "2026-09-04T12:51:00+00:00"
        assert case.title == case_title(case.description, "C001")
        assert {(i.kind, i.value) for i in case.indicators} == {
            ("bank_card", CARD), ("phone", "+8613812345678")}
        sightings = session.scalars(select(Sighting).where(Sighting.record_id == "C001")).all()
        assert {s.source for s in sightings} == {"cases"}
        empty = session.scalars(select(Case).where(Case.case_no == "C003")).one()
        assert empty.category is None and empty.region_code is None and empty.reported_at is None


def test_a_changed_row_is_updated_and_a_new_one_added(store_engine, tmp_path):
    do_import(store_engine, write_csv(tmp_path / "a.csv", ROWS))
    changed = [ROWS[0], ROWS[1].replace("gambling", "fraud"), ROWS[2],
               "C004,2026-09-06T10:00:00+08:00,110101,,新案件，对方QQ：286543109。"]
    report = do_import(store_engine, write_csv(tmp_path / "b.csv", changed))
    assert (report.new, report.updated, report.unchanged) == (1, 1, 2)
    assert report.new_sightings == 1
    with session_scope(store_engine) as session:
        case = session.scalars(select(Case).where(Case.case_no == "C002")).one()
        assert case.category == "fraud"


def test_explicit_indicator_columns_are_canonicalised_and_linked(store_engine, tmp_path):
    header = HEADER + ",phone,bank_card,qq"
    rows = [ROWS[2] + ',"139 1234 5678",' + f'"{CARD2} | {CARD}",',
            ROWS[1] + ",,,286543109"]
    report = do_import(store_engine, write_csv(tmp_path / "x.csv", rows, header))
    assert report.explicit == 4 and report.new_sightings == 1  # explicit values are no sightings
    with session_scope(store_engine) as session:
        c3 = session.scalars(select(Case).where(Case.case_no == "C003")).one()
        assert {(i.kind, i.value) for i in c3.indicators} == {
            ("phone", "+8613912345678"), ("bank_card", CARD2), ("bank_card", CARD)}
        c2 = session.scalars(select(Case).where(Case.case_no == "C002")).one()
        assert {(i.kind, i.value) for i in c2.indicators} == {
            ("domain", "xx88.com"), ("qq", "286543109")}
    again = do_import(store_engine, tmp_path / "x.csv")
    assert again.links_new == 0 and again.unchanged == 2


def test_jsonl_cases_with_lists_numbers_and_renamed_fields(store_engine, tmp_path):
    path = tmp_path / "cases.jsonl"
    lines = [
        {"no": "J1", "when": "2026-09-04T08:00:00+08:00", "region": 110108, "cat": "fraud",
         "text": "对方电话13812345678", "wechat": ["heiye_data88", "kefu_vip777"]},
        {"no": "J2", "text": "无", "cat": None},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines),
                    encoding="utf-8")
    columns = CaseColumns(case_id="no", reported_at="when", region_code="region",
                          category="cat", description="text")
    report = do_import(store_engine, path, columns=columns)
    assert (report.cases, report.new, report.explicit, report.extracted) == (2, 2, 2, 1)
    with session_scope(store_engine) as session:
        j1 = session.scalars(select(Case).where(Case.case_no == "J1")).one()
        assert j1.region_code == "110108"
        assert ("wechat", "kefu_vip777") in {(i.kind, i.value) for i in j1.indicators}


BAD = [
    (ROWS[0].replace(",fraud,", ",robbery,"), 2, "unknown category 'robbery'"),
    (ROWS[0].replace(",431322,", ",4313,"), 2, "region code '4313' is not 6 digits"),
    (ROWS[0].replace("2026-09-04T20:51:00+08:00", "yesterday"), 2, "not ISO 8601"),
    (",2026-09-04T20:51:00+08:00,431322,fraud,无编号", 2, "no case id"),
]


@pytest.mark.parametrize(("bad_row", "row", "reason"), BAD)
def test_a_bad_row_names_file_row_and_reason_and_stores_nothing(store_engine, tmp_path,
                                                                bad_row, row, reason):
    do_import(store_engine, write_csv(tmp_path / "good.csv", ROWS[1:]))
    before = counts(store_engine)
    path = write_csv(tmp_path / "bad.csv", [bad_row, *ROWS[1:]])
    with pytest.raises(InputError) as info:
        do_import(store_engine, path)
    assert info.value.row == row and info.value.file == str(path)
    assert reason in info.value.reason
    assert counts(store_engine) == before


def test_invalid_explicit_value_and_missing_column_and_duplicate_id(store_engine, tmp_path):
    before = counts(store_engine)
    rows = [ROWS[0] + ",13812345678", ROWS[1] + ",12345"]
    path = write_csv(tmp_path / "p.csv", rows, HEADER + ",phone")
    with pytest.raises(InputError) as info:
        do_import(store_engine, path)
    assert info.value.row == 3 and "'12345'" in info.value.reason
    assert "phone" in info.value.reason
    missing = write_csv(tmp_path / "m.csv", ["C1,2026-09-04T20:51:00+08:00,431322,无"],
                        "case_id,reported_at,region_code,description")
    with pytest.raises(InputError) as info:
        do_import(store_engine, missing)
    assert info.value.row == 1 and "no column 'category'" in info.value.reason
    dup = write_csv(tmp_path / "d.csv", [ROWS[0], ROWS[1], ROWS[0]])
    with pytest.raises(InputError) as info:
        do_import(store_engine, dup)
    assert info.value.row == 4 and "already on row 2" in info.value.reason
    assert counts(store_engine) == before


def run(*args: str, db: str):
    return runner.invoke(app, ["--db", db, *args])


def test_cli_import_cases_summary_error_line_and_exit_code(store_url, tmp_path):
    assert run("init", db=store_url).exit_code == 0
    path = write_csv(tmp_path / "cases.csv", ROWS)
    first = run("import", "cases", str(path), db=store_url)
    assert first.exit_code == 0, first.output
    assert "3 cases (3 new, 0 updated, 0 unchanged)" in first.output
    again = run("import", "cases", str(path), db=store_url)
    assert "(0 new, 0 updated, 3 unchanged)" in again.output
    assert "0 new sightings" in again.output
    bad = write_csv(tmp_path / "bad.csv", [ROWS[1], ROWS[0].replace(",fraud,", ",xx,")])
    result = run("import", "cases", str(bad), db=store_url)
    assert result.exit_code == 1
    assert f"error: {bad}:3: unknown category 'xx'" in result.output
    assert "Traceback" not in result.output
    stats = json.loads(run("stats", "--json", db=store_url).stdout)
    assert stats["cases"] == 3
