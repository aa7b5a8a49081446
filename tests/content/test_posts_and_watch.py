"""Posts into the store: findings of detector `content` beside the sightings, idempotently, all
or nothing; and `jingwang watch` printing and storing a finding as the line arrives."""

from __future__ import annotations

import json
import os
import select as io_select
import subprocess
import sys
import time

from sqlalchemy import func, select
from typer.testing import CliRunner

from jingwang.cli import app
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.models import Finding, Sighting

POSTS = [
    {"id": "p1", "text": "菠菜平台招代理，日赚500+，首充送彩金，私我拉你进群 威信 kf_bc88",
     "time": "2026-09-01T10:00:00+08:00"},
    {"id": "p2", "text": "找两个狠人帮忙出气，今晚八点到XX小区3栋门口堵他，事成给五千",
     "time": "2026-09-01T11:00:00+08:00"},
    {"id": "p3", "text": "周末一起去爬山吗", "time": "2026-09-01T12:00:00+08:00"},
]


def _write(path, rows) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")


def _counts(url: str) -> tuple[int, int]:
    with session_scope(open_store(url)) as s:
        return (s.scalar(select(func.count(Finding.id))),
                s.scalar(select(func.count(Sighting.id))))


def test_ingest_posts_stores_findings_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'posts.db'}"
    init_store(url)
    source = tmp_path / "posts.jsonl"
    _write(source, POSTS)
    runner = CliRunner()
    first = runner.invoke(app, ["--db", url, "ingest", "posts", str(source)])
    assert first.exit_code == 0, first.output
    assert "1 immediate" in first.output
    with session_scope(open_store(url)) as s:
        findings = {(f.record_id, f.category): f for f in s.scalars(select(Finding))}
        assert ("p1", "gambling") in findings and ("p2", "violence_for_hire") in findings
        assert not any(rid == "p3" for rid, _ in findings)
        violence = findings[("p2", "violence_for_hire")]
        assert violence.detector == "content" and violence.evidence["urgency"] == "immediate"
        assert "wechat" in {i.kind for i in findings[("p1", "gambling")].indicators}
    before = _counts(url)
    again = runner.invoke(app, ["--db", url, "ingest", "posts", str(source)])
    assert again.exit_code == 0 and _counts(url) == before


def test_a_bad_line_stores_nothing_from_the_file(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    init_store(url)
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(POSTS[0], ensure_ascii=False) + "\n{\"id\": \"x\", \n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", url, "ingest", "posts", str(source)])
    assert result.exit_code == 1 and "bad.jsonl:2" in result.output
    assert _counts(url) == (0, 0)


def _line(pipe, seconds: float = 60) -> str:
    """The next line from ``pipe``; fails instead of hanging when none comes."""
    ready, _, _ = io_select.select([pipe], [], [], seconds)
    assert ready, f"nothing within {seconds} s"
    return pipe.readline()


def test_watch_prints_and_stores_an_immediate_finding_as_the_line_arrives(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'watch.db'}"
    init_store(url)
    feed = tmp_path / "feed.jsonl"
    _write(feed, [POSTS[2]])  # already there: not read without --from-start
    watcher = subprocess.Popen(
        [sys.executable, "-m", "jingwang.cli", "--db", url, "watch", str(feed), "--follow"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert "watching" in _line(watcher.stderr)  # at the end of the file now
        with feed.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(POSTS[1], ensure_ascii=False) + "\n")
        line = _line(watcher.stdout)
        found = json.loads(line)
        assert found["id"] == "p2" and found["urgency"] == "immediate"
        assert found["categories"][0]["category"] == "violence_for_hire"
        for _ in range(50):  # stored right after it is printed
            if _counts(url)[0]:
                break
            time.sleep(0.1)
        with session_scope(open_store(url)) as s:
            assert s.scalars(select(Finding.record_id)).all() == ["p2"]
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
