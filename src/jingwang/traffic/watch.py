"""Live: follow a log and raise a finding the moment a client crosses the line.

`Watcher(fmt, releases).feed(lines)` reads (line number, text) pairs — `follow_lines` yields them
from a growing file (like `tail -F`, across rotation) or stdin — and keeps a small state per
address and account: a leaky bucket, the last page view, bookings and how soon after a release
they came, the /24s an account came from, its agents.  The rules are the batch scan's (`score`)
that can be judged on the way: fast reactions to a release, booking at every release, skipping
the page flow, a proxy pool, bucket overflow, scripted or headless agents, a crawler's name from
outside its operator's ranges; and a flood: a 10-second bin several times the trailing hour's
median.  A finding is yielded while the line that crossed is being read, so it appears within
the same second; each client is reported once.

Memory is bounded: a client idle for `idle_s` seconds of log time is forgotten, and at most
`max_clients` are kept (the least recently seen go first), so a day-long stream holds what the
last half hour needs.  Releases come from the schedule or are inferred as the bursts happen.
"""

from __future__ import annotations

import json
import re
import sys
import time
from bisect import bisect_right
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

from jingwang.traffic.agents import AgentBook
from jingwang.traffic.features import FeatureOptions
from jingwang.traffic.logformat import JSON_ALIASES, LogFormat
from jingwang.traffic.read import DEFAULT_IDS, IdSpec
from jingwang.traffic.score import BOOKING_RULES, FLAG_AT, THRESHOLDS, combined_score

_TIME = {"time_local": "%d/%b/%Y:%H:%M:%S %z", "time_iso8601": "%Y-%m-%dT%H:%M:%S%z"}
_REQUEST = re.compile(r"^([A-Z]+) ([^?\s]*)(?:\?(\S*))?")


@dataclass
class LiveFinding:
    key: str
    kind: str
    score: float
    reasons: list[str]
    line: int
    at: float
    ip: str
    account: str

    def as_dict(self) -> dict:
        return {"client": self.key, "kind": self.kind, "score": round(self.score, 3),
                "ip": self.ip, "account": self.account, "line": self.line,
                "at": datetime.fromtimestamp(self.at, UTC).isoformat(),
                "reasons": self.reasons}


@dataclass
class _Client:
    last_t: float = 0.0
    level: float = 0.0
    peak: float = 0.0
    last_page: float = -1e18
    n: int = 0
    n_static: int = 0
    n_book: int = 0
    books_fast: int = 0
    books_near: int = 0
    books_rush: int = 0
    books_no_page: int = 0
    releases_near: set = field(default_factory=set)
    agents: dict = field(default_factory=dict)
    ips: set = field(default_factory=set)
    nets: set = field(default_factory=set)
    reported: bool = False
    min_reaction: float = 1e9


class Watcher:
    def __init__(self, fmt: LogFormat, releases: np.ndarray | None = None,
                 ids: dict[str, IdSpec] | None = None, options: FeatureOptions | None = None,
                 idle_s: float = 1800.0, max_clients: int = 200_000) -> None:
        self.fmt, self.opt = fmt, options or FeatureOptions()
        self.regex = None if fmt.is_json else re.compile(fmt.regex)
        self.ids = DEFAULT_IDS | (ids or {})
        # As the batch reader: the field, else a cookie, else a query parameter.
        self.id_res = {k: [_param_re(s.cookies), _param_re(s.params)]
                       for k, s in self.ids.items()}
        self.schedule = releases is not None
        self.releases: list[float] = sorted(releases.tolist()) if releases is not None else []
        self.book = AgentBook()
        self.book_re = re.compile(self.opt.book_pattern)
        self.static_re = re.compile(self.opt.static_pattern)
        self.api_re = re.compile(self.opt.api_pattern)
        self.clients: OrderedDict[str, _Client] = OrderedDict()
        self.idle_s, self.max_clients = idle_s, max_clients
        self.lines = self.bad = self.raised = 0
        self._book_secs: deque[tuple[int, int]] = deque()     # (second, bookings) last minute
        self._recent_books: deque[tuple[float, list[str]]] = deque()
        self._bins: deque[int] = deque(maxlen=360)            # the trailing hour, 10-s bins
        self._bin, self._bin_count, self._attack_bin = -1, 0, -10
        self._base: float | None = None

    # --- reading ------------------------------------------------------------------------------

    def parse(self, text: str) -> dict | None:
        if self.regex is None:
            try:
                obj = json.loads(text)
            except ValueError:
                return None
            return {JSON_ALIASES.get(k, k): str(v) for k, v in obj.items()} \
                if isinstance(obj, dict) else None
        m = self.regex.match(text)
        return m.groupdict() if m else None

    def _time(self, v: dict) -> float | None:
        try:
            if "msec" in v:
                return float(v["msec"])
        except ValueError:
            return None
        for key in _TIME:
            if key in v:
                return _parse_time(key, v[key])
        return None

    def feed(self, lines: Iterable[tuple[int, str]]) -> Iterator[LiveFinding]:
        for number, text in lines:
            self.lines += 1
            v = self.parse(text)
            t = self._time(v) if v else None
            m = _REQUEST.match(v.get("request", "")) if v else None
            if v is None or t is None or m is None:
                self.bad += 1
                continue
            yield from self._one(number, t, v, m)

    # --- judging ------------------------------------------------------------------------------

    def _one(self, number: int, t: float, v: dict, m: re.Match) -> Iterator[LiveFinding]:
        method, path, query = m.group(1), m.group(2), m.group(3) or ""
        ip = v.get("remote_addr", "")
        ua = v.get("http_user_agent", "")
        ua = "" if ua == "-" else ua
        account = self._id("account", v, query)
        is_static = bool(self.static_re.search(path))
        is_book = method == "POST" and bool(self.book_re.search(path))
        is_page = method == "GET" and not is_static and not self.api_re.search(path)
        agent = self.book.classify(ua)
        if is_book and not self.schedule:
            self._infer(t, [f"ip:{ip}", f"account:{account}"] if account else [f"ip:{ip}"])
        yield from self._flood(number, t, ip)
        rel = self._release(t)
        for key in ([f"ip:{ip}"] + ([f"account:{account}"] if account else [])):
            c = self._client(key, t)
            c.n += 1
            c.n_static += is_static
            c.agents[agent.kind] = c.agents.get(agent.kind, 0) + 1
            if key.startswith("account:") and len(c.ips) < 256:
                c.ips.add(ip)
                c.nets.add(ip.rsplit(".", 1)[0])
            if not is_static:
                gap = t - c.last_t if c.n > 1 else None
                c.level = 1.0 if gap is None else max(0.0, c.level - gap /
                                                      self.opt.bucket_leak_s) + 1.0
                c.peak = max(c.peak, c.level)
                c.last_t = t
            if is_book:
                self._booking(c, t, rel)
            if is_page:
                c.last_page = t
            if agent.kind == "crawler" and key.startswith("ip:") and not c.reported:
                if not self.book.ranges.verify(ip, agent.operator):
                    yield self._report(key, c, "fake_crawler", 0.95,
                                       [f"calls itself {agent.operator}'s crawler from outside "
                                        "its known crawler ranges"], number, t, ip, account)
                continue
            if not c.reported and agent.kind != "crawler":
                rules = self._rules(key, c)
                score = combined_score(r for r, _ in rules)
                if score >= FLAG_AT:
                    kind = "scalper" if any(r in BOOKING_RULES for r, _ in rules) else "bot"
                    yield self._report(key, c, kind, float(score), [x for _, x in rules],
                                       number, t, ip, account)

    def _booking(self, c: _Client, t: float, rel: float | None) -> None:
        c.n_book += 1
        if t - c.last_page > self.opt.page_gap_s:
            c.books_no_page += 1
        if rel is not None and t - rel < self.opt.window_s:
            c.books_rush += 1
            c.min_reaction = min(c.min_reaction, t - rel)
            if t - rel < self.opt.fast_s:
                c.books_fast += 1
            if t - rel < self.opt.near_s:
                c.books_near += 1
                c.releases_near.add(rel)

    def _rules(self, key: str, c: _Client) -> list[tuple[str, str]]:
        """The batch rules (`score`) that can be judged on the way, on the same thresholds."""
        o, th = self.opt, THRESHOLDS
        out = []
        if c.books_fast >= th.fast_bookings:
            out.append(("fast_reaction", f"booked {c.books_fast} times within {o.fast_s:.0f} s "
                        f"of a release (fastest {c.min_reaction:.1f} s)"))
        need = th.releases_near_ip if key.startswith("ip:") else th.releases_near
        if (len(c.releases_near) >= need
                and c.books_near >= th.near_share * max(c.books_rush, 1)):
            out.append(("every_release", f"booked within {o.near_s:.0f} s of "
                        f"{len(c.releases_near)} releases"))
        if (c.books_no_page >= th.no_page_bookings
                and c.books_no_page >= th.no_page_share * c.n_book):
            out.append(("skips_page", f"{c.books_no_page} of {c.n_book} bookings with no page "
                        "view before them"))
        if (len(c.nets) >= th.pool_nets and len(c.ips) >= th.pool_ips
                and len(c.ips) >= th.pool_ip_share * (c.n - c.n_static)):
            out.append(("proxy_pool", f"from {len(c.ips)} addresses in {len(c.nets)} /24s"))
        if c.peak > o.bucket_capacity:
            out.append(("burst", f"leaky bucket overflowed (level {c.peak:.0f})"))
        for kind, rule in (("scripting", "scripting_agent"), ("headless", "headless_agent"),
                           ("impossible", "impossible_agent")):
            if c.agents.get(kind, 0) >= max(3, th.agent_share * c.n):   # 3: not on one line
                out.append((rule, f"{c.agents[kind]} of {c.n} requests from a {kind} agent"))
        return out

    def _report(self, key: str, c: _Client, kind: str, score: float, reasons: list[str],
                number: int, t: float, ip: str, account: str) -> LiveFinding:
        c.reported = True
        self.raised += 1
        return LiveFinding(key, kind, score, reasons, number, t, ip, account)

    def _client(self, key: str, t: float) -> _Client:
        c = self.clients.get(key)
        if c is None:
            c = self.clients[key] = _Client(last_t=t)
        else:
            self.clients.move_to_end(key)
        while self.clients:
            oldest_key, oldest = next(iter(self.clients.items()))
            if len(self.clients) > self.max_clients or t - oldest.last_t > self.idle_s:
                if oldest_key == key:
                    break
                self.clients.popitem(last=False)
            else:
                break
        return c

    def _id(self, kind: str, v: dict, query: str) -> str:
        spec = self.ids[kind]
        if spec.field and v.get(spec.field, "-") not in ("", "-"):
            return v[spec.field]
        cookie_re, param_re = self.id_res[kind]
        for regex, text in ((cookie_re, v.get("http_cookie", "")), (param_re, query)):
            m = regex.search(text) if regex is not None and text else None
            if m:
                return m.group(1)
        return ""

    # --- releases and floods ------------------------------------------------------------------

    def _release(self, t: float) -> float | None:
        i = bisect_right(self.releases, t) - 1
        return self.releases[i] if i >= 0 else None

    def _infer(self, t: float, keys: list[str]) -> None:
        """A burst of bookings after a quiet minute is a release (as releases.infer_releases)."""
        sec = int(t)
        if self._book_secs and self._book_secs[-1][0] == sec:
            self._book_secs[-1] = (sec, self._book_secs[-1][1] + 1)
        else:
            self._book_secs.append((sec, 1))
        while self._book_secs and self._book_secs[0][0] < sec - 61:
            self._book_secs.popleft()
        self._recent_books.append((t, keys))
        while self._recent_books and self._recent_books[0][0] < t - 5:
            self._recent_books.popleft()
        count = self._book_secs[-1][1]
        if count < 20 or (self.releases and sec - self.releases[-1] < 300):
            return
        before = sum(c for s, c in self._book_secs if sec - 61 < s < sec) / 60.0
        if before <= 0.2 * count:
            rel = float(sec - sec % 60) if sec % 60 <= 5 else float(sec)
            self.releases.append(rel)
            for bt, bkeys in self._recent_books:     # the burst's first bookings, judged again
                for k in bkeys:
                    c = self.clients.get(k)
                    if c is not None and bt >= rel:
                        c.n_book -= 1
                        c.books_no_page -= t - c.last_page > self.opt.page_gap_s
                        self._booking(c, bt, rel)

    def _flood(self, number: int, t: float, ip: str) -> Iterator[LiveFinding]:
        b = int(t // 10)
        if b != self._bin:
            if self._bin >= 0:
                self._bins.append(self._bin_count)
                for _ in range(min(b - self._bin - 1, 360)):
                    self._bins.append(0)
            self._bin, self._bin_count = b, 0
            self._base = float(np.median(self._bins)) if len(self._bins) >= 30 else None
        self._bin_count += 1
        base = self._base
        if base is None or b - self._attack_bin < 60:
            return
        if self._bin_count >= 5 * max(base, 1.0) and self._bin_count - base >= 50:
            near = self._release(t)
            if near is not None and t - near < 120:
                return                        # a release rush, the bookings' business
            self._attack_bin = b
            self.raised += 1
            yield LiveFinding(f"flood:{b * 10}", "ddos_attack", 1.0,
                              [f"{self._bin_count} requests in 10 s against a baseline of "
                               f"{base:.0f}: a flood has started"], number, t, ip, "")


def _param_re(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """`name=value` for any of the names, in a query string or a Cookie header."""
    if not names:
        return None
    return re.compile(r"(?:^|[&;]\s*)(?:" + "|".join(map(re.escape, names)) + r")=([^&;\s]*)")


@lru_cache(maxsize=4096)
def _parse_time(key: str, text: str) -> float | None:
    """Epoch seconds of a $time_local or $time_iso8601 value (a second repeats many times)."""
    try:
        return datetime.strptime(text.strip("[]"), _TIME[key]).timestamp()
    except ValueError:
        return None


def follow_lines(path: str, follow: bool = False, from_start: bool = True,
                 poll_s: float = 0.1) -> Iterator[tuple[int, str]]:
    """(line number, text) from a file or stdin ('-'); with `follow`, wait for more as the
    file grows and reopen it when it is rotated (a new file or a shorter one)."""
    if path == "-":
        for number, text in enumerate(sys.stdin, start=1):
            yield number, text.rstrip("\n")
        return
    number = 0
    f = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - reopened on rotation
    inode = Path(path).stat().st_ino
    if follow and not from_start:
        f.seek(0, 2)
    partial = ""
    try:
        while True:
            chunk = f.readline()
            if chunk:
                if not chunk.endswith("\n"):
                    partial += chunk
                    continue
                number += 1
                yield number, (partial + chunk).rstrip("\n")
                partial = ""
                continue
            if not follow:
                if partial:
                    yield number + 1, partial
                return
            time.sleep(poll_s)
            try:
                st = Path(path).stat()
            except FileNotFoundError:
                continue
            if st.st_ino != inode or st.st_size < f.tell():
                f.close()
                f = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
                inode, number = st.st_ino, 0
    finally:
        f.close()
