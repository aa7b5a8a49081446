"""The unit tree: importing CSV and JSONL (parents after children, bad rows, idempotent), and the
demo's tree."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from jingwang.clues.units import (
    demo_unit_rows,
    export_unit_rows,
    import_units,
    seed_demo_units,
)
from jingwang.ingest.records import InputError
from jingwang.store.db import session_scope
from jingwang.store.models import Unit

HEADER = "code,name,region_code,level,parent_code\n"
# Children first: the county, then its city, then the province and the ministry.
TREE_CSV = HEADER + (
    "NT-CC,南通市公安局崇川分局网安大队,320602,county,NT\n"
    "NT,南通市公安局网安支队,320600,city,JS\n"
    "JS,江苏省公安厅网安总队,320000,province,MPS\n"
    "MPS,公安部网络安全保卫局,000000,ministry,\n"
)


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _tree(session) -> dict[str, tuple[str, str, str | None]]:
    return {u.code: (u.level, u.region_code, u.parent.code if u.parent else None)
            for u in session.scalars(select(Unit))}


def test_csv_with_parents_after_children_imports_and_reimports_as_unchanged(
        store_engine, tmp_path):
    path = _write(tmp_path, "units.csv", TREE_CSV)
    with session_scope(store_engine) as session:
        report = import_units(session, path)
    assert (report.rows, report.created, report.updated, report.unchanged) == (4, 4, 0, 0)
    with session_scope(store_engine) as session:
        assert _tree(session) == {
            "MPS": ("ministry", "000000", None),
            "JS": ("province", "320000", "MPS"),
            "NT": ("city", "320600", "JS"),
            "NT-CC": ("county", "320602", "NT"),
        }
        again = import_units(session, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    renamed = TREE_CSV.replace("南通市公安局网安支队", "南通市公安局网络安全保卫支队")
    with session_scope(store_engine) as session:
        changed = import_units(session, _write(tmp_path, "units2.csv", renamed))
        assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
        assert session.scalars(select(Unit.name).where(Unit.code == "NT")).one() \
            == "南通市公安局网络安全保卫支队"


def test_jsonl_may_hang_units_under_ones_already_stored(store_engine, tmp_path):
    with session_scope(store_engine) as session:
        import_units(session, _write(tmp_path, "units.csv", TREE_CSV))
    lines = [{"code": "NT-HM", "name": "南通市公安局海门分局网安大队", "region_code": "320614",
              "level": "county", "parent_code": "NT"}]
    path = _write(tmp_path, "more.jsonl",
                  "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    with session_scope(store_engine) as session:
        assert import_units(session, path).created == 1
        assert _tree(session)["NT-HM"] == ("county", "320614", "NT")


@pytest.mark.parametrize(("row", "reason"), [
    ("X,某单位,32060,county,NT", ":6: region_code '32060' is not a 6-digit"),
    ("X,某单位,329999,county,NT", ":6: region_code 329999 is not a GB/T 2260 division"),
    ("X,某单位,320602,station,NT", ":6: level 'station' is not one of"),
    ("X,,320602,county,NT", ":6: name is empty"),
    ("X,某单位,320602,county,NOPE", ":6: parent 'NOPE' is neither in the file nor in the store"),
    ("X,某单位,350583,county,NT", ":6: region 350583 is not within its parent 'NT'"),
    ("X,某单位,320600,province,NT", ":6: a province unit cannot sit under the city unit 'NT'"),
    ("NT,南通,320600,city,JS", ":6: unit 'NT' is already on row 3"),
    ("X,某单位,320602,county,X", ":6: unit 'X' is its own parent"),
    ("X,某单位,320602", ":6: 3 fields, the header has 5"),
])
def test_a_bad_row_is_named_and_nothing_is_stored(store_engine, tmp_path, row, reason):
    path = _write(tmp_path, "bad.csv", TREE_CSV + row + "\n")
    with pytest.raises(InputError) as caught, session_scope(store_engine) as session:
        import_units(session, path)
    message = str(caught.value)
    assert message.startswith(path)
    assert any(part in message for part in reason.split("|")), message
    with session_scope(store_engine) as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 0


def test_files_that_cannot_be_read_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no column 'level'"):
        import_units(None, _write(tmp_path, "cols.csv", "code,name,region_code\nA,B,320600\n"))
    with pytest.raises(InputError, match=r"bad.jsonl:2: not JSON"):
        import_units(None, _write(tmp_path, "bad.jsonl", '{"code": "A", "name": "B", '
                                  '"region_code": "320600", "level": "city"}\n{oops\n'))
    with pytest.raises(InputError, match=r"missing\.csv"):
        import_units(None, str(tmp_path / "missing.csv"))


def test_demo_tree_is_plausible_and_seeding_is_idempotent(store_engine):
    regions = ["320602", "350583", "110105", "429004"]
    with session_scope(store_engine) as session:
        first = seed_demo_units(session, regions)
        names = {u.code: u.name for u in session.scalars(select(Unit))}
        tree = _tree(session)
    assert first.created == len(demo_unit_rows(regions)) == 11
    assert names["WA000000"] == "公安部网络安全保卫局"
    assert names["WA320000"] == "江苏省公安厅网安总队"
    assert names["WA320600"] == "南通市公安局网安支队"
    assert names["WA320602"] == "南通市公安局崇川分局网安大队"
    assert names["WA350583"] == "南安市公安局网安大队"
    assert names["WA110000"] == "北京市公安局网安总队"
    assert names["WA110105"] == "北京市公安局朝阳分局网安大队"
    assert tree["WA320602"] == ("county", "320602", "WA320600")
    assert tree["WA350583"] == ("county", "350583", "WA350500")
    assert tree["WA110105"] == ("county", "110105", "WA110000")  # no city level in 北京
    assert tree["WA429004"] == ("county", "429004", "WA420000")  # 仙桃: under the province
    with session_scope(store_engine) as session:
        again = seed_demo_units(session, regions)
    assert (again.created, again.updated) == (0, 0)


def test_exported_rows_import_back_unchanged(store_engine, tmp_path):
    with session_scope(store_engine) as session:
        seed_demo_units(session, ["320602", "350583"])
        rows = export_unit_rows(session)
    assert rows[0]["code"] == "WA000000" and rows[0]["parent_code"] == ""
    path = _write(tmp_path, "export.jsonl",
                  "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reversed(rows)))
    with session_scope(store_engine) as session:
        report = import_units(session, path)
    assert report.unchanged == len(rows) and report.created == report.updated == 0
