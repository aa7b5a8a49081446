"""`jingwang scan logs` and `jingwang watch-log` from the shell, and what they store."""

from __future__ import annotations

import json
from pathlib import Path

import handlog  # same folder
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from jingwang.cli import app
from jingwang.store.db import open_store, session_scope
from jingwang.store.models import Finding, Indicator, Sighting
from jingwang.traffic import CLIENTS_SCHEMA

runner = CliRunner()


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    path = tmp_path / "access.log"
    path.write_text("\n".join(handlog.build()) + "\n", encoding="utf-8")
    (tmp_path / "releases.csv").write_text(
        f"release_at,resource\n{handlog.RELEASE.isoformat()},doctor/118023\n",
        encoding="utf-8")
    return path


def _counts(url: str) -> tuple[int, int, int]:
    with session_scope(open_store(url)) as session:
        return tuple(session.scalar(select(func.count()).select_from(m))
                     for m in (Finding, Sighting, Indicator))


def test_scan_writes_tables_and_block_lists_and_stores_once(log: Path, store_url: str,
                                                            tmp_path: Path) -> None:
    assert runner.invoke(app, ["--db", store_url, "init"]).exit_code == 0
    args = ["--db", store_url, "scan", "logs", str(log), "--releases",
            str(log.parent / "releases.csv"), "--out", str(tmp_path / "out")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "1 slot releases (from the schedule)" in first.output
    assert "attack: flood of" in first.output
    clients = pq.read_table(tmp_path / "out" / "clients.parquet")
    assert clients.schema == CLIENTS_SCHEMA
    csv_text = (tmp_path / "out" / "clients.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("ip,account,session,device,requests")
    nginx = (tmp_path / "out" / "blocklist.nginx.conf").read_text(encoding="utf-8")
    ipset = (tmp_path / "out" / "blocklist.ipset").read_text(encoding="utf-8")
    assert f"deny {handlog.FAST[0]};" in nginx and f"add jingwang-block {handlog.FAKE_BOT} -exist" \
        in ipset
    assert handlog.REAL_BOT not in nginx and handlog.HUMANS[0] + ";" not in nginx
    stored = _counts(store_url)
    with session_scope(open_store(store_url)) as session:
        found = {(f.detector, f.category) for f in session.scalars(select(Finding))}
        ips = set(session.scalars(select(Indicator.value).where(Indicator.kind == "ip")))
    assert ("traffic", "scalping") in found and ("traffic.ddos", "hacking") in found
    assert set(handlog.FAST) <= ips and set(handlog.FLOOD) <= ips
    assert not ips & set(handlog.HUMANS) and handlog.REAL_BOT not in ips
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert _counts(store_url) == stored


def test_a_bad_schedule_is_one_clear_error_and_nothing_is_stored(log: Path,
                                                                 tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert runner.invoke(app, ["--db", url, "init"]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("release_at\n2026-09-07T07:00:00+08:00\nseven o'clock\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", url, "scan", "logs", str(log), "--releases",
                                 str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert f"{bad}:3" in result.output and "nothing was scanned or stored" in result.output
    assert _counts(url) == (0, 0, 0) and not (tmp_path / "o").exists()


def test_broken_lines_are_reported_by_the_cli(log: Path, tmp_path: Path) -> None:
    lines = log.read_text(encoding="utf-8").splitlines()
    lines.insert(4, "this is not a log line")
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", "logs", str(log), "--no-store"])
    assert result.exit_code == 0, result.output
    assert "1 did not parse" in result.output and f"{log}:5: does not match" in result.output


def test_watch_log_prints_findings_as_json_lines(log: Path) -> None:
    result = runner.invoke(app, ["watch-log", str(log), "--format", "jingwang",
                                 "--releases", str(log.parent / "releases.csv")])
    assert result.exit_code == 0, result.output
    found = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    ips = {f["ip"] for f in found if f["kind"] != "ddos_attack"}
    assert handlog.FAST[0] in ips and handlog.FAKE_BOT in ips
    assert not ips & set(handlog.HUMANS)


def test_watch_log_stores_its_findings_once_each(log: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    assert runner.invoke(app, ["--db", url, "init"]).exit_code == 0
    args = ["--db", url, "watch-log", str(log), "--format", "jingwang", "--releases",
            str(log.parent / "releases.csv"), "--store"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    printed = [x for x in first.stdout.splitlines() if x.startswith("{")]
    with session_scope(open_store(url)) as session:
        stored = session.scalars(select(Finding).where(Finding.detector == "traffic.watch")
                                 ).all()
        assert len(stored) == len(printed) > 0
        assert {f.category for f in stored} == {"scalping", "hacking"}
        assert all(f.source == f"watch:{log}" for f in stored)
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert _counts(url)[0] == len(printed)          # the same findings, not twice
