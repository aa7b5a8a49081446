"""The simulated registration-platform log: its format, order, truth and the bots' behaviour."""

from __future__ import annotations

import csv
import itertools
import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from jingwang.simulate.access_logs import LOG_FORMAT, RELEASE_HOURS, write_access_log
from jingwang.simulate.world import build_world

# What each nginx variable of the documented log_format may look like in a line.
VARIABLES = {
    "remote_addr": r"\d{1,3}(?:\.\d{1,3}){3}", "remote_user": r"-",
    "time_local": r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}",
    "request": r"[A-Z]+ \S+ HTTP/1\.[01]", "status": r"\d{3}", "body_bytes_sent": r"\d+",
    "http_referer": r"[^\"]*", "http_user_agent": r"[^\"]*", "request_time": r"\d+\.\d{3}",
    "http_x_forwarded_for": r"[^\"]*",
}


def _line_regex() -> re.Pattern[str]:
    """The regex of a line, built from the documented log_format line itself."""
    fmt = re.fullmatch(r"log_format \w+ '(.*)';", LOG_FORMAT).group(1)
    parts = re.split(r"\$(\w+)", fmt)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{VARIABLES[p]})"
                      for i, p in enumerate(parts))
    return re.compile(pattern + r"\Z")


@pytest.fixture(scope="module")
def world():
    return build_world(7, "small")


@pytest.fixture(scope="module")
def written(world, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("logs")
    return out, write_access_log(world, out)


@pytest.fixture(scope="module")
def lines(written) -> list[dict[str, str]]:
    regex = _line_regex()
    parsed = []
    for text in (written[0] / "access.log").read_text(encoding="utf-8").splitlines():
        match = regex.match(text)
        assert match, f"line does not fit the log_format: {text}"
        row = match.groupdict()
        uid = re.search(r"[?&]uid=(\d+)", row["request"])
        row["uid"] = uid.group(1) if uid else ""
        row["when"] = datetime.strptime(row["time_local"], "%d/%b/%Y:%H:%M:%S %z")
        parsed.append(row)
    return parsed


@pytest.fixture(scope="module")
def truth(written) -> dict[tuple[str, str], dict[str, str]]:
    with (written[0] / "truth_clients.csv").open(encoding="utf-8") as f:
        return {(r["ip"], r["uid"]): r for r in csv.DictReader(f)}


def _release_distance(when: datetime) -> float:
    """Seconds from the nearest slot release of the same day (signed: after is positive)."""
    second = when.hour * 3600 + when.minute * 60 + when.second
    return min((second - h * 3600 for h in RELEASE_HOURS), key=abs)


def test_same_seed_same_bytes(world, written, tmp_path):
    again = write_access_log(build_world(7, "small"), tmp_path)
    assert again == written[1]
    for name in ("access.log", "truth_clients.csv"):
        assert (tmp_path / name).read_bytes() == (written[0] / name).read_bytes()


def test_counts_and_every_line_parses(world, written, lines, truth):
    counts = written[1]
    assert counts["log_lines"] == len(lines) == world.scale.log_lines
    assert counts["clients"] == len(truth)
    labels = Counter(truth[(r["remote_addr"], r["uid"])]["label"] for r in lines)
    assert labels["bot"] == counts["bot_lines"] > 0
    assert labels["ddos"] == counts["ddos_lines"] > 0
    assert labels["human"] > labels["bot"]


def test_progress_is_called_per_chunk(world, tmp_path):
    seen: list[int] = []
    write_access_log(world, tmp_path, progress=seen.append)
    assert sum(seen) == world.scale.log_lines


def test_timestamps_never_go_back(lines):
    times = [r["when"] for r in lines]
    assert all(a <= b for a, b in itertools.pairwise(times))
    assert (times[-1] - times[0]).days >= 3          # several days


def test_truth_names_every_client_and_only_them(lines, truth, world):
    seen = {(r["remote_addr"], r["uid"]) for r in lines}
    assert seen == set(truth)
    kinds = {g.id: g.archetype for g in world.gangs}
    for row in truth.values():
        if row["label"] in ("human", "crawler"):
            assert row["gang_id"] == "" and row["kind"] == row["label"]
        elif row["kind"] == "fake_crawler":
            assert row["label"] == "bot" and row["gang_id"] == ""
        elif row["label"] == "bot":
            assert kinds[row["gang_id"]] in ("scalper", "app_builder")
            assert row["kind"] in ("fast", "slow", "jitter")
        else:
            assert kinds[row["gang_id"]] == "ddos" and row["kind"] == "ddos"
    assert {r["kind"] for r in truth.values()} == {"human", "fast", "slow", "jitter",
                                                   "fake_crawler", "ddos", "crawler"}


def test_bots_book_at_the_release_second_humans_minutes_later(lines, truth):
    bot, human = [], []
    for r in lines:
        if r["request"].startswith("POST /api/slot/book"):
            row = truth[(r["remote_addr"], r["uid"])]
            if row["kind"] in ("fast", "human"):
                (bot if row["kind"] == "fast" else human).append(_release_distance(r["when"]))
    assert len(bot) > 100 and len(human) > 10
    assert sum(abs(d) <= 5 for d in bot) / len(bot) > 0.9
    assert statistics.median(human) > 30


def test_bots_poll_just_before_the_release(lines, truth):
    polls = [_release_distance(r["when"]) for r in lines
             if r["request"].startswith("GET /api/slot/query")
             and truth[(r["remote_addr"], r["uid"])]["kind"] == "fast"]
    assert sum(-60 <= d < 0 for d in polls) > len(polls) / 3


def test_bots_rotate_accounts_and_proxies_skip_assets(lines, truth):
    by_gang: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    static = Counter()
    for r in lines:
        row = truth[(r["remote_addr"], r["uid"])]
        is_static = " /static/" in r["request"] or "favicon" in r["request"]
        static[row["label"], is_static] += 1
        if row["kind"] == "fast":
            by_gang[row["gang_id"]]["ip"].add(r["remote_addr"])
            by_gang[row["gang_id"]]["net"].add(r["remote_addr"].rsplit(".", 1)[0])
            by_gang[row["gang_id"]]["uid"].add(r["uid"])
            by_gang[row["gang_id"]]["ua"].add(r["http_user_agent"])
    for kit in by_gang.values():
        assert len(kit["ip"]) >= 60 and len(kit["net"]) <= 5      # hundreds of IPs, few /24s
        assert len(kit["uid"]) >= 10
        assert len(kit["ua"]) <= 2
    assert static["bot", True] < 0.06 * static["bot", False]
    assert static["human", True] > 0.3 * static["human", False]


def test_ddos_floods_from_many_addresses_and_gets_refused(lines, truth):
    flood = [r for r in lines if truth[(r["remote_addr"], r["uid"])]["label"] == "ddos"]
    assert len({r["remote_addr"] for r in flood}) >= 300
    refused = sum(r["status"] in ("503", "499", "504") for r in flood)
    assert refused > 0.6 * len(flood)
    assert all(r["status"] != "499" or r["body_bytes_sent"] == "0" for r in flood)
    span = max(r["when"] for r in flood) - min(r["when"] for r in flood)
    assert span.total_seconds() > 60


def _kit(lines, truth, kind: str) -> dict[str, dict[str, list]]:
    """Per gang of bots of `kind`: their lines' fields."""
    kits: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in lines:
        row = truth[(r["remote_addr"], r["uid"])]
        if row["kind"] == kind:
            for key in ("remote_addr", "uid", "http_user_agent", "request"):
                kits[row["gang_id"]][key].append(r[key])
            kits[row["gang_id"]]["when"].append(r["when"])
    return kits


def test_slow_bots_hide_in_a_proxy_pool(lines, truth):
    kits = _kit(lines, truth, "slow")
    assert kits
    for kit in kits.values():
        per_ip = Counter(kit["remote_addr"])
        assert len(per_ip) > 0.5 * len(kit["remote_addr"])         # an address is rarely reused
        assert len({ip.rsplit(".", 1)[0] for ip in per_ip}) > 100   # all over the ranges
        assert len(set(kit["http_user_agent"])) >= 5                # real browsers' names
        assert len(set(kit["uid"])) < 0.2 * len(per_ip)             # few accounts, many exits
        books = [_release_distance(w) for w, rq in zip(kit["when"], kit["request"], strict=True)
                 if rq.startswith("POST /api/slot/book")]
        assert 0.5 <= statistics.median(books) <= 5


def test_human_like_bots_open_the_page_and_book_seconds_late(lines, truth):
    kits = _kit(lines, truth, "jitter")
    assert kits
    for kit in kits.values():
        books = [_release_distance(w) for w, rq in zip(kit["when"], kit["request"], strict=True)
                 if rq.startswith("POST /api/slot/book")]
        assert 2 <= statistics.median(books) <= 15
        assert any(rq.startswith("GET /doctor/") for rq in kit["request"])
        assert any("/static/img/doctor/" in rq for rq in kit["request"])
        assert len({(w.day, w.hour) for w in kit["when"]}) >= 8    # at (almost) every release


def test_real_crawlers_come_from_their_operators_fake_ones_do_not(lines, truth):
    claims = defaultdict(set)
    for r in lines:
        if "Googlebot" in r["http_user_agent"] or "Baiduspider" in r["http_user_agent"]:
            claims[truth[(r["remote_addr"], r["uid"])]["kind"]].add(r["remote_addr"])
    assert claims["crawler"] and claims["fake_crawler"]
    assert all(ip.startswith(("66.249.", "220.181.108.", "116.179.32."))
               for ip in claims["crawler"])
    assert not any(ip.startswith(("66.249.", "220.181.", "116.179."))
                   for ip in claims["fake_crawler"])


def test_release_schedule_lists_every_release(written):
    with (written[0] / "releases.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    times = sorted({datetime.fromisoformat(r["release_at"]) for r in rows})
    assert len(times) == 5 * len(RELEASE_HOURS)
    assert {t.hour for t in times} == set(RELEASE_HOURS) and all(t.minute == 0 for t in times)
    assert all(r["resource"] == f"doctor/{r['doctor']}" for r in rows)
