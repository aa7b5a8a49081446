"""The live watcher on the hand-built log: the finding appears on the line that crosses."""

from __future__ import annotations

import threading
import time

import handlog  # same folder
import numpy as np

from jingwang.traffic import LogFormat
from jingwang.traffic.watch import Watcher, follow_lines


def _watch(releases=None):
    lines = handlog.build()
    watcher = Watcher(LogFormat.preset("jingwang"), releases)
    found = list(watcher.feed(enumerate(lines, start=1)))
    return lines, watcher, found


def test_scalpers_and_the_fake_crawler_are_raised_and_nobody_else():
    lines, watcher, found = _watch(np.array([handlog.RELEASE.timestamp()]))
    by_client = {f.key: f for f in found}
    ips = {f.ip for f in found if f.kind != "ddos_attack"}
    assert set(handlog.FAST) <= ips
    assert handlog.FAKE_BOT in ips
    assert not ips & set(handlog.HUMANS) and handlog.REAL_BOT not in ips
    assert "account:3001" in by_client and by_client["account:3001"].kind == "scalper"
    assert sum(f.kind == "ddos_attack" for f in found) == 1
    assert watcher.bad == 0 and watcher.lines == len(lines)


def test_the_finding_comes_on_the_line_that_crosses():
    lines, _, found = _watch(np.array([handlog.RELEASE.timestamp()]))
    fast = next(f for f in found if f.ip == handlog.FAST[0])
    assert "python-requests" in lines[fast.line - 1] and handlog.FAST[0] in lines[fast.line - 1]
    earlier = [n for n, text in enumerate(lines[: fast.line - 1], start=1)
               if text.startswith(handlog.FAST[0] + " ")]
    assert len(earlier) >= 1                       # the first booking alone was not enough
    assert fast.as_dict()["reasons"]


def test_releases_are_inferred_live_without_a_schedule():
    _, watcher, found = _watch()
    assert watcher.releases == [handlog.RELEASE.timestamp()]
    assert {handlog.FAST[0], handlog.FAST[1]} <= {f.ip for f in found}


def test_bounded_memory_forgets_idle_clients():
    watcher = Watcher(LogFormat.preset("jingwang"), max_clients=50)
    list(watcher.feed(enumerate(handlog.build(), start=1)))
    assert len(watcher.clients) <= 51


def test_follow_reads_lines_appended_later(tmp_path):
    log = tmp_path / "live.log"
    lines = handlog.build()
    log.write_text("\n".join(lines[:100]) + "\n", encoding="utf-8")

    def writer():
        time.sleep(0.3)
        with log.open("a", encoding="utf-8") as f:
            for text in lines[100:]:
                f.write(text + "\n")

    thread = threading.Thread(target=writer)
    thread.start()
    got = []
    for number, text in follow_lines(str(log), follow=True, from_start=True, poll_s=0.02):
        got.append((number, text))
        if len(got) == len(lines):
            break
    thread.join()
    assert [t for _, t in got] == lines and got[-1][0] == len(lines)


def test_the_account_comes_from_a_cookie_as_in_the_batch_scan():
    fmt = LogFormat.parse('$remote_addr [$time_local] "$request" $status "$http_cookie"')
    lines = [f'43.48.172.10 [07/Sep/2026:07:00:0{k // 2} +0800] "POST /api/slot/book HTTP/1.1" '
             f'409 "lang=zh; uid=2001"' for k in range(4)]
    watcher = Watcher(fmt, np.array([handlog.RELEASE.timestamp()]))
    found = list(watcher.feed(enumerate(lines, start=1)))
    assert "account:2001" in watcher.clients
    assert any(f.key == "account:2001" and f.kind == "scalper" for f in found)
