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
        if row["label"] == "human":
            assert row["gang_id"] == ""
        elif row["label"] == "bot":
            assert kinds[row["gang_id"]] in ("scalper", "app_builder")
        else:
            assert kinds[row["gang_id"]] == "ddos"


def test_bots_book_at_the_release_second_humans_minutes_later(lines, truth):
    bot, human = [], []
    for r in lines:
        if r["request"].startswith("POST /api/slot/book"):
            label = truth[(r["remote_addr"], r["uid"])]["label"]
            (bot if label == "bot" else human).append(_release_distance(r["when"]))
    assert len(bot) > 100 and len(human) > 10
    assert sum(abs(d) <= 5 for d in bot) / len(bot) > 0.9
    assert statistics.median(human) > 30


def test_bots_poll_just_before_the_release(lines, truth):
    polls = [_release_distance(r["when"]) for r in lines
             if r["request"].startswith("GET /api/slot/query")
             and truth[(r["remote_addr"], r["uid"])]["label"] == "bot"]
    assert sum(-60 <= d < 0 for d in polls) > len(polls) / 3


def test_bots_rotate_accounts_and_proxies_skip_assets(lines, truth):
    by_gang: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    static = Counter()
    for r in lines:
        row = truth[(r["remote_addr"], r["uid"])]
        is_static = " /static/" in r["request"] or "favicon" in r["request"]
        static[row["label"], is_static] += 1
        if row["label"] == "bot":
            by_gang[row["gang_id"]]["ip"].add(r["remote_addr"])
            by_gang[row["gang_id"]]["net"].add(r["remote_addr"].rsplit(".", 1)[0])
            by_gang[row["gang_id"]]["uid"].add(r["uid"])
            by_gang[row["gang_id"]]["ua"].add(r["http_user_agent"])
    for kit in by_gang.values():
        assert len(kit["ip"]) >= 60 and len(kit["net"]) <= 5      # hundreds of IPs, few /24s
        assert len(kit["uid"]) >= 10
        assert len(kit["ua"]) <= 2
    assert static["bot", True] < 0.05 * static["bot", False]
    assert static["human", True] > 0.3 * static["human", False]


def test_ddos_floods_from_many_addresses_and_gets_refused(lines, truth):
    flood = [r for r in lines if truth[(r["remote_addr"], r["uid"])]["label"] == "ddos"]
    assert len({r["remote_addr"] for r in flood}) >= 300
    refused = sum(r["status"] in ("503", "499", "504") for r in flood)
    assert refused > 0.6 * len(flood)
    assert all(r["status"] != "499" or r["body_bytes_sent"] == "0" for r in flood)
    span = max(r["when"] for r in flood) - min(r["when"] for r in flood)
    assert span.total_seconds() > 60
