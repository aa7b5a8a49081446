"""Reading logs: formats, ids, gzip, JSON lines, and broken lines counted, never fatal."""

from __future__ import annotations

import gzip

import pyarrow as pa
import pytest

from jingwang.traffic import FormatError, IdSpec, LogFormat, LogReader
from jingwang.traffic.logformat import detect

GOOD = ('1.2.3.4 - - [07/Sep/2026:07:00:00 +0800] "POST /api/slot/book?doc=9&uid=42 HTTP/1.1" '
        '409 96 "-" "python-requests/2.31.0" 0.030 "-"')
COMBINED = ('5.6.7.8 - bob [07/Sep/2026:07:00:01 +0800] "GET /index.htm HTTP/1.1" 200 18432 '
            '"https://www.baidu.com/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"')


def _read(paths, fmt=None, ids=None) -> tuple[pa.Table, LogReader]:
    reader = LogReader(fmt, ids)
    batches = list(reader.batches(paths))
    return pa.Table.from_batches(batches) if batches else None, reader


def test_nginx_log_format_directive_compiles():
    fmt = LogFormat.parse("log_format main '$remote_addr - $remote_user [$time_local] "
                          "\"$request\" $status $body_bytes_sent' '\"$http_cookie\" $msec';")
    assert fmt.variables == ("remote_addr", "remote_user", "time_local", "request", "status",
                             "body_bytes_sent", "http_cookie", "msec")


def test_apache_log_format_becomes_nginx_variables():
    fmt = LogFormat.parse('LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" '
                          '\\"%{User-Agent}i\\" %D" timed')
    assert fmt.variables[:3] == ("remote_addr", "remote_ident", "remote_user")
    assert "http_user_agent" in fmt.variables and "request_time_us" in fmt.variables


def test_a_format_without_address_or_time_is_refused():
    with pytest.raises(FormatError, match="no client address"):
        LogFormat.parse('$time_local "$request"')
    with pytest.raises(FormatError, match="no time"):
        LogFormat.parse('$remote_addr "$request"')
    with pytest.raises(FormatError, match="unknown log format"):
        LogFormat.preset("squid")


def test_detect_picks_the_most_specific_preset():
    assert detect([GOOD, GOOD]).name == "jingwang"
    assert detect([COMBINED]).name == "combined"
    assert detect(['{"remote_addr": "1.2.3.4"}']).name == "json"


def test_fields_and_the_account_from_the_query(tmp_path):
    log, other = tmp_path / "a.log", tmp_path / "b.log"
    log.write_text(GOOD + "\n", encoding="utf-8")
    other.write_text(COMBINED + "\n", encoding="utf-8")
    table, reader = _read([log, other])
    rows = table.to_pylist()
    assert reader.report.parsed == 2 and reader.report.bad == 0
    assert rows[0]["ip"] == "1.2.3.4" and rows[0]["method"] == "POST"
    assert rows[0]["path"] == "/api/slot/book" and rows[0]["query"] == "doc=9&uid=42"
    assert rows[0]["account"] == "42" and rows[0]["status"] == 409
    assert rows[0]["t"] == 1788735600.0                      # 07:00:00 +0800 = 23:00:00 UTC
    assert rows[0]["request_time"] == pytest.approx(0.03)
    assert rows[1]["referer"] == "https://www.baidu.com/" and rows[1]["account"] == ""
    assert [(r["file"], r["line"]) for r in rows] == [(0, 1), (1, 1)]
    assert reader.report.files == [str(log), str(other)]


def test_broken_lines_are_counted_with_file_and_line_and_nothing_else_is_lost(tmp_path):
    lines = [GOOD, "garbage", "", GOOD.replace("[07/Sep", "[99/Sep"),
             GOOD.replace('"POST /api', '"POST broken /api'),
             '9.9.9.9 - - [07/Sep/2026:07:00:00 +0800] "GET /unterminated HTTP/1.1',
             GOOD.replace("1.2.3.4", "1.2.3.5"), GOOD.replace("1.2.3.4", "1.2.3.6")]
    log = tmp_path / "broken.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table, reader = _read([log], LogFormat.preset("jingwang"))
    assert sorted(table["ip"].to_pylist()) == ["1.2.3.4", "1.2.3.5", "1.2.3.6"]
    assert sorted(table["line"].to_pylist()) == [1, 7, 8]
    report = reader.report
    assert report.bad == 5 and report.parsed == 3 and report.lines == 8
    assert sorted(b.line for b in report.examples) == [2, 3, 4, 5, 6]
    assert all(b.file == str(log) for b in report.examples)
    reasons = {b.line: b.reason for b in report.examples}
    assert reasons[4] == "no valid time" and "does not match" in reasons[2]
    assert f"{log}:2: does not match the log format" in report.summary()


def test_gzip_is_read_transparently(tmp_path):
    log = tmp_path / "a.log.gz"
    with gzip.open(log, "wt", encoding="utf-8") as f:
        f.write((GOOD + "\n") * 5)
    table, reader = _read([log])
    assert table.num_rows == 5 and reader.report.bad == 0


def test_json_lines_with_aliases_and_a_bad_line(tmp_path):
    log = tmp_path / "a.jsonl"
    log.write_text('{"ip": "1.2.3.4", "time": "2026-09-07T07:00:00.123+08:00", '
                   '"method": "POST", "uri": "/api/slot/book?uid=7", "status": 200, '
                   '"user_agent": "okhttp/4.12.0", "device_id": "861234567890123"}\n'
                   'not json\n', encoding="utf-8")
    table, reader = _read([log], ids={"device": IdSpec("device_id")})
    row = table.to_pylist()[0]
    assert row["ip"] == "1.2.3.4" and row["t"] == 1788735600.0 and row["account"] == "7"
    assert row["device"] == "861234567890123" and row["ua"] == "okhttp/4.12.0"
    assert reader.report.bad == 1 and reader.report.examples[0].line == 2


def test_ids_from_a_cookie_and_a_custom_format(tmp_path):
    fmt = LogFormat.parse('$remote_addr [$time_local] "$request" $status "$http_cookie"')
    log = tmp_path / "c.log"
    log.write_text('1.2.3.4 [07/Sep/2026:07:00:00 +0800] "GET /a HTTP/1.1" 200 '
                   '"lang=zh; sid=abc123; did=861234567890123"\n', encoding="utf-8")
    table, _ = _read([log], fmt)
    row = table.to_pylist()[0]
    assert row["session"] == "abc123" and row["device"] == "861234567890123"


def test_a_format_that_is_not_space_separated_runs_through_the_regex(tmp_path):
    fmt = LogFormat.parse('$remote_addr|$time_iso8601|$request|$status')
    log = tmp_path / "p.log"
    log.write_text("1.2.3.4|2026-09-07T07:00:00+08:00|GET /x?uid=5 HTTP/1.1|200\nbad\n",
                   encoding="utf-8")
    table, reader = _read([log], fmt)
    assert table.to_pylist()[0]["account"] == "5"
    assert reader.report.bad == 1


def test_a_file_of_nothing_but_broken_lines_reports_them_all(tmp_path):
    log = tmp_path / "all-bad.log"
    log.write_text('x "y\nz "w\n', encoding="utf-8")
    table, reader = _read([log], LogFormat.preset("combined"))
    assert table is None
    assert reader.report.bad == 2 and reader.report.lines == 2
