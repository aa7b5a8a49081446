"""Reading text input: plain lines, JSONL, and every kind of bad input named by file and row."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from jingwang.ingest.records import InputError, ReadStats, read_text_records


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_plain_lines_get_line_ids_and_blank_lines_are_counted(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", "加微信 abc_123456\n\n第二行\r\n".encode())
    st = ReadStats()
    records = list(read_text_records(path, stats=st))
    assert [(r.id, r.record_id, r.text) for r in records] == [
        (None, "a.txt:1", "加微信 abc_123456"), (None, "a.txt:3", "第二行")]
    assert st.records == 2 and st.blank == 1


def test_jsonl_fields_ids_and_time(tmp_path: Path) -> None:
    data = '{"id": 7, "body": "x", "time": "2026-10-02T21:14:00+08:00", "src": "tg"}\n'
    path = _write(tmp_path / "a.jsonl", data.encode())
    (record,) = read_text_records(path, text_field="body")
    assert record.id == "7" and record.text == "x" and record.extra == {"src": "tg"}
    assert record.observed_at is not None and record.observed_at.utcoffset() is not None
    assert record.observed_at.isoformat() == "2026-10-02T21:14:00+08:00"


@pytest.mark.parametrize(
    ("data", "row", "reason"),
    [
        (b'{"text": "ok"}\n{"text": oops}\n', 2, "invalid JSON"),
        (b'{"text": "ok"}\n{"body": "x"}\n', 2, "no string field 'text' (fields: body)"),
        (b'{"text": "ok"}\n[1, 2]\n', 2, "not an object"),
        (b'{"text": "ok", "time": "yesterday"}\n', 1, "not ISO 8601"),
        ("第一行\n".encode() + b"\xff\xfe\xfd bad\n", 2, "invalid UTF-8 at byte 0"),
    ],
)
def test_bad_rows_name_file_row_and_reason(tmp_path: Path, data: bytes, row: int,
                                           reason: str) -> None:
    path = _write(tmp_path / "in.jsonl", data)
    with pytest.raises(InputError) as info:
        list(read_text_records(path))
    assert info.value.file == path and info.value.row == row
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}:{row}: ")


def test_binary_file_is_refused_before_any_record(tmp_path: Path) -> None:
    path = _write(tmp_path / "blob.gz", gzip.compress(b"hello " * 1000))
    with pytest.raises(InputError, match="binary file"):
        list(read_text_records(path))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_text_records(str(tmp_path / "nope.txt")))
    with pytest.raises(InputError, match="is a directory"):
        list(read_text_records(str(tmp_path)))


def test_empty_file_yields_nothing(tmp_path: Path) -> None:
    st = ReadStats()
    assert list(read_text_records(_write(tmp_path / "e.txt", b""), stats=st)) == []
    assert st.records == 0


def test_a_50_mb_single_line_is_skipped_and_counted_without_stopping(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.write("联系 138 1234 5678\n".encode())
        f.write(b"9" * (50 * 1024 * 1024) + b"\n")
        f.write("最后一行 vx abc_123456\n".encode())
    st = ReadStats()
    records = list(read_text_records(str(big), stats=st))
    assert [r.row for r in records] == [1, 3]
    assert st.too_long == [(2, 50 * 1024 * 1024)]


def test_csv_rows_with_quoted_newlines_ids_and_times(tmp_path: Path) -> None:
    data = ("case_id,reported_at,region_code,description\n"
            'A1,2026-09-01T10:00:00+08:00,320602,"电话 138 1234 5678，\n第二行"\n'
            "A2,2026-09-02T10:00:00+08:00,320602,vx abc_123456\n").encode()
    path = _write(tmp_path / "cases.csv", data)
    records = list(read_text_records(path, text_field="description", id_field="case_id",
                                     time_field="reported_at"))
    assert [r.id for r in records] == ["A1", "A2"]
    assert records[0].text == "电话 138 1234 5678，\n第二行"
    assert records[0].extra == {"region_code": "320602"}
    assert records[1].observed_at is not None and records[1].observed_at.day == 2


@pytest.mark.parametrize(
    ("data", "row", "reason"),
    [
        (b"id,text\n1,ok\n2,too,many\n", 3, "3 fields where the header has 2"),
        (b"id,body\n1,ok\n", 1, "no column 'text' (columns: id, body)"),
    ],
)
def test_bad_csv_rows(tmp_path: Path, data: bytes, row: int, reason: str) -> None:
    path = _write(tmp_path / "in.csv", data)
    with pytest.raises(InputError) as info:
        list(read_text_records(path))
    assert (info.value.row, info.value.reason) == (row, reason)


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        (1686708659, "2023-06-14T02:10:59+00:00"),
        (1686708659123, "2023-06-14T02:10:59.123000+00:00"),  # milliseconds
        ('"1686708659"', "2023-06-14T02:10:59+00:00"),
        ('"2023-06-14T10:10:59+08:00"', "2023-06-14T10:10:59+08:00"),
    ],
)
def test_times_in_seconds_milliseconds_and_iso(tmp_path: Path, time: object,
                                               expected: str) -> None:
    path = _write(tmp_path / "t.jsonl", f'{{"text": "x", "time": {time}}}\n'.encode())
    (record,) = read_text_records(path)
    assert record.observed_at is not None and record.observed_at.isoformat() == expected


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": "x", "time": 1e20}', "out of range"),
        ('{"text": "x", "time": true}', "not ISO 8601 or a Unix timestamp"),
        ('{"text": "x\\ud800"}', "lone surrogate"),
        ('{"id": "\\udc00", "text": "x"}', "lone surrogate"),
    ],
)
def test_values_that_cannot_be_stored_are_bad_rows(tmp_path: Path, line: str,
                                                   reason: str) -> None:
    path = _write(tmp_path / "t.jsonl", (line + "\n").encode())
    with pytest.raises(InputError, match=reason) as info:
        list(read_text_records(path))
    assert info.value.row == 1


def test_a_byte_order_mark_does_not_hide_jsonl(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.jsonl", b"\xef\xbb\xbf" + b'{"id": "a", "text": "x"}\n')
    (record,) = read_text_records(path)
    assert (record.id, record.text) == ("a", "x")
