"""The command line end to end: init, extract, ingest (idempotent, all-or-nothing), search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingwang import __version__
from jingwang.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "jingwang" / "examples" / "posts.jsonl"
runner = CliRunner()


def run(*args: str, db: str | None = None, input: str | None = None):
    argv = (["--db", db] if db else []) + list(args)
    return runner.invoke(app, argv, input=input)


def test_version_and_help_on_every_command() -> None:
    assert __version__ in run("--version").output
    for cmd in (["init"], ["stats"], ["extract"], ["ingest", "text"], ["search"]):
        result = run(*cmd, "--help")
        assert result.exit_code == 0, (cmd, result.output)
        assert "Usage" in result.output
        version = run(*cmd, "--version")
        assert version.exit_code == 0 and version.output.strip() == f"jingwang {__version__}"


def test_extract_prints_one_json_object_per_line() -> None:
    result = run("extract", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 12
    by_id = {o["id"]: o["indicators"] for o in lines}
    assert {(i["kind"], i["value"]) for i in by_id["tg-0002"]} == {
        ("phone", "+8613912345678"), ("telegram", "paofen_boss666")}
    assert by_id["news-0009"] == [] and by_id["news-0010"] == []
    first = by_id["tg-0001"][0]
    assert set(first) == {"kind", "value", "raw", "span"}


def test_extract_from_stdin_plain_lines() -> None:
    result = run("extract", "-", input="飞机 @paofen_boss666\n2019年1月10日\n")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0] == {"id": None, "indicators": [
        {"kind": "telegram", "value": "paofen_boss666", "raw": "@paofen_boss666",
         "span": [3, 18]}]}
    assert rows[1]["indicators"] == []


def test_commands_on_an_uninitialised_store_say_to_run_init(tmp_path: Path) -> None:
    result = run("stats", db=str(tmp_path / "new.db"))
    assert result.exit_code == 1
    assert "jingwang init" in result.output
    assert "Traceback" not in result.output


def test_ingest_is_idempotent_and_search_normalises_the_query(store_url: str) -> None:
    assert run("init", db=store_url).exit_code == 0
    first = run("ingest", "text", str(EXAMPLES), "--source", "demo", db=store_url)
    assert first.exit_code == 0, first.output
    assert "12 records" in first.output and "22 new sightings" in first.output
    again = run("ingest", "text", str(EXAMPLES), "--source", "demo", db=store_url)
    assert "0 new sightings" in again.output

    found = run("search", "１５９ 3728 1046", "--json", db=store_url)
    assert found.exit_code == 0, found.output
    results = json.loads(found.stdout)["results"]
    assert {(r["kind"], r["value"]) for r in results} == {
        ("phone", "+8615937281046"), ("wechat", "15937281046"), ("alipay", "+8615937281046")}
    phone = next(r for r in results if r["kind"] == "phone")
    assert phone["sightings"] == 2 and phone["sources"] == {"demo": 2}
    assert {s["record_id"] for s in phone["recent"]} == {"tg-0012"}

    assert run("search", "xx88[.]com", db=store_url).exit_code == 0
    missing = run("search", "13700000000", db=store_url)
    assert missing.exit_code == 1 and "nothing known" in missing.output

    counts = json.loads(run("stats", "--json", db=store_url).stdout)
    assert counts["sightings"] == 22 and counts["indicators"] == 21


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"id": "a", "text": "vx abc_123456"}\n{"id": "b", "text": \n', ":2: invalid JSON"),
        (b'{"id": "a", "text": "vx abc_123456"}\n' + b'{"text": "\xff"}\n',
         ":2: invalid UTF-8"),
        (b"\x00\x01\x02binary", "binary file"),
    ],
)
def test_bad_input_stores_nothing_half(store_url: str, tmp_path: Path, data: bytes,
                                       message: str) -> None:
    assert run("init", db=store_url).exit_code == 0
    assert run("ingest", "text", str(EXAMPLES), "--source", "demo", db=store_url).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(data)
    result = run("ingest", "text", str(bad), "--source", "bad", db=store_url)
    assert result.exit_code == 1
    assert message in result.output and "nothing from this file was stored" in result.output
    assert "Traceback" not in result.output
    counts = json.loads(run("stats", "--json", db=store_url).stdout)
    assert counts["sightings"] == 22  # the good first row of the bad file was rolled back


def test_empty_file_and_over_long_line(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("init", db=db)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("ingest", "text", str(empty), "--source", "x", db=db)
    assert result.exit_code == 0 and "0 records" in result.output
    long = tmp_path / "long.txt"
    long.write_bytes(b"a" * 2000 + b"\n" + b"vx abc_123456\n")
    result = run("ingest", "text", str(long), "--source", "x", "--max-line-bytes", "1000", db=db)
    assert result.exit_code == 0
    assert "long.txt:1: line of 2,000 bytes" in result.output
    assert "1 records" in result.output


def test_unknown_kind_and_unreadable_query_exit_2() -> None:
    assert run("extract", "-", "--kind", "fax", input="x\n").exit_code == 2
    assert run("search", "hello world").exit_code == 2


def test_id_less_lines_of_two_files_are_two_records(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("init", db=db)
    days = (("day1.txt", "电话 13700009999 出料\n"), ("day2.txt", "电话 13700009999 收U\n"))
    for day, text in days:
        (tmp_path / day).write_text(text, encoding="utf-8")
        result = run("ingest", "text", str(tmp_path / day), "--source", "daily", db=db)
        assert "1 new sightings" in result.output, result.output
    found = json.loads(run("search", "13700009999", "--kind", "phone", "--json", db=db).stdout)
    assert {s["record_id"] for s in found["results"][0]["recent"]} == {"day1.txt:1", "day2.txt:1"}


def test_evidence_text_with_brackets_prints_as_written(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run("init", db=db)
    post = tmp_path / "bbcode.txt"
    post.write_text("[img]http://pic.xx88.com/a.jpg[/img] 加微信 heiye_bb88 [red]急[/red]\n",
                    encoding="utf-8")
    assert run("ingest", "text", str(post), "--source", "[/forum]", db=db).exit_code == 0
    result = run("search", "heiye_bb88", db=db)
    assert result.exit_code == 0, result.output
    assert "[/img]" in result.output and "[red]急[/red]" in result.output
    table = run("extract", str(post), "--table")
    assert table.exit_code == 0 and "heiye_bb88" in table.output


def test_bad_options_exit_2() -> None:
    assert run("extract", "-", "--format", "xml", input="x\n").exit_code == 2
    assert run("extract", "-", "--max-line-bytes", "0", input="x\n").exit_code == 2
    assert run("ingest", "text", "-", "--source", "  ", input="x\n").exit_code == 2
