"""The access log of a hospital registration platform, with scalper bots and DDoS floods in it.

Seed report 000: famous doctors' slots on 京医通 were "秒抢" by software booking them the second
they were released; reports 001 and 004: DDoS platforms rent out botnets.  `write_access_log`
writes several days of such a site (`www.bjguahao-sim.cn`) in time order.  Slots open at 07:00:00
and 15:00:00 daily.  Patients browse in sessions (home page and its static files, hospitals,
departments, doctors, login, now and then a booking in the minutes after a release) with think
times of seconds, real browsers, from mobile-carrier addresses in many /16s.  Each scalper gang's
fleet polls `/api/slot/query` before a release and fires `POST /api/slot/book` many times a
second from the release second on, rotating bought accounts (`uid=`) and proxy addresses (a few
/24s each), loading almost no static files, with scripted or slightly wrong user agents, some
spoofing X-Forwarded-For; the 抢号 software makers (`app_builder` gangs, like the Jieyang company
of report 000) run smaller fleets for hire.  Not every scalper is that crude (`Fleet.style`):
slow fleets book a second or two late through a dynamic-IP proxy pool, a fresh address and a
real browser's user agent for every request, so no address is busy; human-like ones open the
doctor's page first and book a few seconds after the release with jitter, a browser per account,
but at every release and with dozens of accounts.  Search engines' crawlers (Googlebot,
Baiduspider, bingbot) walk the pages from their operators' addresses, and scrapers claiming to be
them from proxy addresses walk the doctors' pages and slot queries.  In one or two DDoS episodes a
gang's botnet floods GETs from thousands of addresses for minutes, answered mostly 503 (rate
limit) and 499.

The log format (nginx `combined` plus the request time and X-Forwarded-For):

    log_format jingwang '$remote_addr - $remote_user [$time_local] "$request" '
                        '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
                        '$request_time "$http_x_forwarded_for"';

Lines are drawn in whole numpy arrays from one generator seeded by the world, sorted by time once
and streamed out in chunks.  `releases.csv` is the platform's release schedule (one row per
release and famous doctor).  `truth_clients.csv` says who each (ip, uid) pair of the log was (uid
empty where a request has none): its label (human, bot, ddos or crawler), its kind (human, fast,
slow, jitter, fake_crawler, ddos or crawler) and the gang.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path

import numpy as np

from jingwang.simulate.access_log_tables import (  # noqa: F401 - HOST, START … are public
    AGENTS,
    BASE_BYTES,
    BOT,
    BOT_SHARE,
    BOT_UA,
    BOT_UA0,
    CAREFUL_SHARE,
    CHUNK,
    CRAWLER,
    CRAWLER_NETS,
    CRAWLER_SHARE,
    CRAWLER_UA,
    CRAWLER_UA0,
    DAYS,
    DDOS,
    DDOS_FIRST,
    DDOS_SHARE,
    DDOS_UA,
    DDOS_UA0,
    ERROR_BYTES,
    FAKE_CRAWLER_SHARE,
    HOME_ASSETS,
    HOST,
    HUMAN,
    HUMAN_FIRST,
    HUMAN_UA,
    HUMAN_UA_WEIGHTS,
    ICONS,
    K_APP_JS,
    K_BOOK,
    K_DDOS_QUERY,
    K_DEPT,
    K_DOC_IMG,
    K_DOCTOR,
    K_HOME,
    K_HOSPITAL,
    K_LOGIN,
    K_NOTICE,
    K_ORDERS,
    K_QUERY,
    K_ROBOTS,
    K_ROOT,
    K_ROOT_RAND,
    K_SEARCH,
    K_SITEMAP,
    K_STATIC,
    LABELS,
    LOG_FORMAT,
    MONTHS,
    PROXY_FIRST,
    REFERERS,
    RELEASE_HOURS,
    REQUESTS,
    START,
    STYLES,
    W_CRAWLER,
    W_DDOS,
    W_FAKE,
    W_FAST,
    W_HUMAN,
    W_JITTER,
    W_SLOW,
    WHO,
)
from jingwang.simulate.world import World


@dataclass
class Lines:
    """Log lines as columns, one array per field: t (seconds since START), ip (IPv4 as int),
    uid (-1: none), kind (index into REQUESTS) and its parameters a, b, c, status, nbytes,
    rt ($request_time), ua (into AGENTS), ref (into REFERERS), xff (IPv4, 0: none), label, gang
    (index into world.gangs, -1: none) and who (into WHO: which kind of client)."""

    t: np.ndarray
    ip: np.ndarray
    uid: np.ndarray
    kind: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    status: np.ndarray
    nbytes: np.ndarray
    rt: np.ndarray
    ua: np.ndarray
    ref: np.ndarray
    xff: np.ndarray
    label: np.ndarray
    gang: np.ndarray
    who: np.ndarray

    @classmethod
    def concat(cls, parts: list[Lines]) -> Lines:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                      for f in fields(cls)})

    def take(self, index: np.ndarray) -> Lines:
        return Lines(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def _lines(n: int, **cols) -> Lines:
    """A block of n lines: the columns given, the rest at their 'none' values."""
    values = {"t": 0.0, "ip": 0, "uid": -1, "kind": 0, "a": 0, "b": 0, "c": 0, "status": 200,
              "nbytes": 0, "rt": 0.0, "ua": 0, "ref": 0, "xff": 0, "gang": -1,
              "who": W_HUMAN} | cols
    return Lines(**{f.name: np.broadcast_to(np.asarray(values[f.name]), (n,)).copy()
                    for f in fields(Lines)})


@dataclass
class Plan:
    """What every population shares: release instants (seconds since START), the date each
    release opens (yyyymmdd), the famous doctors' (hospital, doctor) and the DDoS episodes
    (gang index, start, end)."""

    releases: np.ndarray
    dates: np.ndarray
    famous: np.ndarray
    episodes: list[tuple[int, float, float]]


def _plan(world: World, rng: np.random.Generator) -> Plan:
    releases = (np.arange(DAYS)[:, None] * 86_400 + np.array(RELEASE_HOURS) * 3_600).ravel()
    dates = np.array([int((START + timedelta(seconds=int(r) + 7 * 86_400)).strftime("%Y%m%d"))
                      for r in releases])
    hos = rng.integers(101, 141, size=12)
    famous = np.stack([hos, hos * 1000 + rng.integers(1, 300, size=12)], axis=1)
    ddos = [i for i, g in enumerate(world.gangs) if g.archetype == "ddos"]
    count = min(2, len(ddos))
    episodes = []
    for gang, day in zip(rng.choice(ddos, size=count, replace=False),
                         rng.choice(DAYS, size=count, replace=False), strict=True):
        start = (day * 86_400 + rng.choice([10, 11, 12, 13, 17, 18, 19, 20, 21, 22]) * 3_600
                 + rng.integers(0, 3_000))
        episodes.append((int(gang), float(start), float(start + rng.integers(180, 481))))
    return Plan(releases.astype(float), dates, famous, episodes)


def _addresses(rng: np.random.Generator, firsts: tuple[int, ...], n: int) -> np.ndarray:
    """n distinct addresses in random order whose first octet is one of `firsts`."""
    draw = int(n * 1.2) + 16
    while True:
        ips = np.unique((rng.choice(np.array(firsts, dtype=np.uint32), size=draw) << 24)
                        | rng.integers(0, 1 << 16, size=draw, dtype=np.uint32) << 8
                        | rng.integers(1, 255, size=draw, dtype=np.uint32))
        if len(ips) >= n:
            return rng.permutation(ips)[:n]
        draw *= 2


def _page_kinds(rng: np.random.Generator, n_pages: np.ndarray, book: np.ndarray):
    """Per page: its session, its place in it and its kind (home first, a booking last)."""
    sess = np.repeat(np.arange(len(n_pages)), n_pages)
    order = np.arange(len(sess)) - (np.cumsum(n_pages) - n_pages)[sess]
    left = n_pages[sess] - 1 - order
    kinds = rng.choice([K_HOSPITAL, K_DEPT, K_DOCTOR, K_QUERY, K_ORDERS, K_NOTICE],
                       p=[0.22, 0.22, 0.28, 0.12, 0.08, 0.08], size=len(sess))
    kinds[order == 1] = rng.choice([K_LOGIN, K_HOSPITAL], size=np.count_nonzero(order == 1))
    for pages_left, kind in ((0, K_BOOK), (1, K_QUERY), (2, K_DOCTOR)):
        kinds[book[sess] & (left == pages_left)] = kind
    kinds[order == 0] = K_HOME
    return sess, order, kinds


def _asset_counts(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    """Static files each page loads: all of the home page's, a doctor's photo, a few icons."""
    counts = np.where(kinds == K_HOME, len(HOME_ASSETS), np.where(kinds == K_DOCTOR, 1, 0))
    some = (kinds == K_HOSPITAL) | (kinds == K_DEPT)
    return np.where(some, rng.integers(0, 3, size=len(kinds)), counts)


def _session_starts(rng: np.random.Generator, plan: Plan, rel: np.ndarray, book: np.ndarray,
                    last_offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and release index (-1: none) of each session; bookings land minutes after one."""
    n = len(rel)
    which = rng.integers(0, len(plan.releases), size=n)
    around = plan.releases[which] + rng.uniform(-600, 900, size=n)
    booked = plan.releases[which] + rng.gamma(2.0, 60.0, size=n) - last_offset
    hour_w = np.array([1, 1, 1, 1, 1, 2, 4, 8, 9, 9, 8, 7, 5, 6, 8, 8, 7, 6, 5, 6, 7, 6, 4, 2.])
    diurnal = (rng.integers(0, DAYS, size=n) * 86_400 + rng.uniform(0, 3_600, size=n)
               + rng.choice(24, p=hour_w / hour_w.sum(), size=n) * 3_600)
    start = np.where(rel, np.where(book, booked, around), diurnal)
    return np.maximum(start, 0.0), np.where(rel, which, -1)


def _targets(rng: np.random.Generator, plan: Plan, book: np.ndarray, release: np.ndarray):
    """Hospital, doctor and slot date of each session (bookers are mostly after famous ones)."""
    n = len(book)
    pick = plan.famous[rng.integers(0, len(plan.famous), n)]
    star = book & (rng.random(n) < 0.6)
    hos = np.where(star, pick[:, 0], rng.integers(101, 141, n))
    doc = np.where(star, pick[:, 1], hos * 1000 + rng.integers(1, 300, n))
    when = np.where(release >= 0, release, rng.integers(0, len(plan.dates), n))
    return hos, doc, plan.dates[when]


def _humans(rng: np.random.Generator, plan: Plan, n_lines: int, uids: np.ndarray) -> Lines:
    """Patients' sessions, cut to exactly n_lines lines."""
    if n_lines <= 0:
        return _lines(0, label=HUMAN)
    s = n_lines // 8 + 1                         # every session has at least 8 lines
    rel = rng.random(s) < 0.3                    # came for a release
    book = rng.random(s) < np.where(rel, 0.8, 0.08)
    n_pages = np.where(book, 3, 0) + 1 + rng.geometric(0.3, size=s)
    sess, order, kinds = _page_kinds(rng, n_pages, book)
    assets = _asset_counts(rng, kinds)
    per_session = np.cumsum(np.bincount(sess, weights=assets + 1).astype(np.int64))
    k = int(np.searchsorted(per_session, n_lines))   # sessions 0..k, the last one cut
    keep = sess <= k
    sess, order, kinds, assets = sess[keep], order[keep], kinds[keep], assets[keep]
    rel, book, n_pages = rel[: k + 1], book[: k + 1], n_pages[: k + 1]
    gaps = np.where(order == 0, 0.0, np.clip(rng.lognormal(np.log(7.0), 0.9, len(sess)), 0.8,
                                             600.0))    # think times
    offsets = np.cumsum(gaps)
    offsets -= offsets[np.flatnonzero(order == 0)][sess]
    start, release = _session_starts(rng, plan, rel, book, offsets[np.cumsum(n_pages) - 1])
    hos, doc, date = _targets(rng, plan, book, release)
    user = (len(uids) * rng.random(k + 1) ** 2).astype(np.int64)    # some patients come back
    ua = rng.choice(len(HUMAN_UA), p=HUMAN_UA_WEIGHTS / HUMAN_UA_WEIGHTS.sum(), size=len(uids))
    pool = _addresses(rng, HUMAN_FIRST, max(64, n_lines // 40))
    ip = pool[rng.integers(0, len(pool), size=k + 1)]
    c = np.select([kinds == K_DEPT, kinds == K_NOTICE],
                  [rng.integers(1, 31, len(kinds)), rng.integers(1000, 1200, len(kinds))],
                  date[sess])
    ref = np.where(order == 0, rng.choice([0, 3], len(kinds)), rng.integers(1, 3, len(kinds)))
    pages = _lines(len(kinds), t=start[sess] + offsets, ip=ip[sess], uid=uids[user][sess],
                   kind=kinds, a=hos[sess], b=doc[sess], c=c, ua=ua[user][sess], ref=ref,
                   label=HUMAN)
    lines = Lines.concat([pages, _assets(rng, pages, assets)])
    owner = np.concatenate([sess, np.repeat(sess, assets)])
    return lines.take(_cut_last_session(lines.t, owner, k, n_lines))


def _assets(rng: np.random.Generator, pages: Lines, counts: np.ndarray) -> Lines:
    """The static files each page loads, a fraction of a second after it."""
    page = np.repeat(np.arange(len(counts)), counts)
    nth = np.arange(len(page)) - (np.cumsum(counts) - counts)[page]
    kinds = np.select([pages.kind[page] == K_HOME, pages.kind[page] == K_DOCTOR],
                      [HOME_ASSETS[np.minimum(nth, 6)], K_DOC_IMG], rng.choice(ICONS, len(page)))
    t = pages.t[page] + 0.05 + 0.03 * nth + rng.uniform(0, 0.4, size=len(page))
    return _lines(len(page), t=t, ip=pages.ip[page], kind=kinds, b=pages.b[page],
                  ua=pages.ua[page], ref=1, label=HUMAN)


def _cut_last_session(t: np.ndarray, owner: np.ndarray, k: int, n_lines: int) -> np.ndarray:
    """Indices to keep so that exactly n_lines remain: session k loses its latest lines."""
    mine = np.flatnonzero(owner == k)
    keep = np.ones(len(t), dtype=bool)
    keep[mine[np.argsort(t[mine], kind="stable")][len(mine) - (len(t) - n_lines):]] = False
    return np.flatnonzero(keep)


def _human_outcomes(rng: np.random.Generator, plan: Plan, x: Lines) -> None:
    """Status, bytes and request time of patients' requests (slow in a rush or a flood)."""
    n = len(x.t)
    static = x.kind >= K_STATIC
    sized = BASE_BYTES[x.kind] + np.where(x.kind == K_DOC_IMG, x.b % 4096, 0)
    x.nbytes = np.where(static, sized, (sized * rng.lognormal(0, 0.12, n)).astype(np.int64))
    x.status = np.select([static & (rng.random(n) < 0.35),
                          (x.kind == K_LOGIN) & (rng.random(n) < 0.05),
                          (x.kind == K_BOOK) & (rng.random(n) < 0.9)],   # the bots were faster
                         [304, 401, 409], 200)
    x.nbytes = np.select([x.status == 304, x.status == 401, x.status == 409], [0, 87, 96],
                         x.nbytes)
    api = (x.kind == K_LOGIN) | (x.kind == K_QUERY) | (x.kind == K_BOOK)
    idx = np.searchsorted(plan.releases, x.t, side="right") - 1
    rush = (idx >= 0) & (x.t - plan.releases[np.maximum(idx, 0)] < 600)
    x.rt = np.select([static, api], [0.004, 0.025], 0.06) * rng.lognormal(0, 0.6, n)
    x.rt *= np.where(rush, 2.5, 1.0)
    for _, start, end in plan.episodes:
        hit = (x.t >= start) & (x.t < end)
        u = rng.random(n)
        limited, gave_up = hit & (u < 0.5), hit & (u >= 0.5) & (u < 0.6)
        x.rt[hit] *= 20
        x.status[limited], x.nbytes[limited], x.rt[limited] = 503, ERROR_BYTES[503], 0.0
        x.status[gave_up], x.nbytes[gave_up] = 499, 0
    x.rt = np.minimum(x.rt, 60.0)


@dataclass
class Fleet:
    """A bot operator's kit: proxy addresses, bought accounts, user agents and habits.

    `style` is how it books: "fast" scripts fire from a few proxy /24s the second slots open;
    "slow" ones go through a dynamic-IP proxy pool (a fresh address from thousands of /24s for
    each request, a real browser's user agent, a second or two late); "jitter" ones pass for a
    patient (the doctor's page and its photo first, a real browser per account, a few seconds'
    jitter) but come back at every release with many accounts."""

    gang: int
    weight: float
    ips: np.ndarray
    accounts: np.ndarray
    agents: np.ndarray
    spoof: bool
    referer: int
    static: bool
    style: str = "fast"


def _fleets(world: World, rng: np.random.Generator, ids: np.ndarray) -> list[Fleet]:
    """Scalper gangs' fleets, and up to two smaller ones run by the 抢号 software makers."""
    operators = [(i, g.activity) for i, g in enumerate(world.gangs) if g.archetype == "scalper"]
    operators += [(i, 0.3 * g.activity) for i, g in enumerate(world.gangs)
                  if g.archetype == "app_builder"][:2]
    styles = [STYLES[k % len(STYLES)] for k in rng.permutation(len(operators))]
    subnets = rng.integers(2, 6, size=len(operators))
    prefixes = rng.permutation(np.unique(
        _addresses(rng, PROXY_FIRST, 4 * int(subnets.sum()) + 8) & ~np.uint32(255)))
    ends = np.cumsum(subnets)
    fleets = []
    for j, ((gang, weight), style) in enumerate(zip(operators, styles, strict=True)):
        ips = np.concatenate([p | (rng.choice(254, size=rng.integers(60, 200), replace=False)
                                   + 1).astype(np.uint32) for p in prefixes[ends[j] - subnets[j]:
                                                                            ends[j]]])
        accounts = ids[j * 300: j * 300 + rng.integers(40, 300)]
        agents = BOT_UA0 + rng.choice(len(BOT_UA), size=2, replace=False)
        if style == "slow":        # a dynamic-IP pool: addresses all over the proxy ranges
            ips = _addresses(rng, PROXY_FIRST, int(rng.integers(2_000, 5_000)))
            accounts = accounts[: rng.integers(20, 60)]
            agents = np.arange(len(HUMAN_UA))
        elif style == "jitter":    # a few residential-looking proxies, one browser per account
            ips = ips[: rng.integers(6, 20)]
            accounts = accounts[: rng.integers(12, 40)]
            agents = rng.choice(len(HUMAN_UA), size=len(accounts))
        fleets.append(Fleet(gang, float(weight), ips, accounts, agents,
                            bool(style == "fast" and rng.random() < 0.5),
                            int(rng.choice([0, 0, 1])) if style == "fast" else 2,
                            bool(style != "slow" and rng.random() < 0.4), style))
    return fleets


def _pick(rng: np.random.Generator, pools: list[np.ndarray], owner: np.ndarray) -> np.ndarray:
    """One element of pools[owner[i]] for each i, uniformly."""
    sizes = np.array([len(p) for p in pools])
    index = (np.cumsum(sizes) - sizes)[owner] + (rng.random(len(owner)) * sizes[owner])
    return np.concatenate(pools)[index.astype(np.int64)]


def _bots(rng: np.random.Generator, plan: Plan, fleets: list[Fleet], n_lines: int) -> Lines:
    """Polling before each release, a booking burst from its first second, a tail of queries,
    and a trickle of polling all day."""
    nf, nr = len(fleets), len(plan.releases)
    n_bg = n_lines // 16
    weight = np.repeat([f.weight for f in fleets], nr) * rng.lognormal(0, 0.3, nf * nr)
    burst = np.repeat(np.arange(nf * nr), rng.multinomial(n_lines - n_bg, weight / weight.sum()))
    fleet = np.concatenate([burst // nr, rng.choice(nf, p=weight[::nr] / weight[::nr].sum(),
                                                    size=n_bg)])
    n, nb = n_lines, len(burst)
    role = rng.choice(4, p=[0.25, 0.64, 0.09, 0.02], size=n)  # poll, book, tail, static file
    role[(role == 3) & ~np.array([f.static for f in fleets])[fleet]] = 0
    role[nb:] = 0
    dt = np.select([role == 0, role == 1, role == 2],
                   [-np.minimum(rng.exponential(12.0, n), 60.0), rng.exponential(1.0, n),
                    rng.uniform(5.0, 120.0, n)], rng.uniform(-60.0, 60.0, n))
    dt[nb:] = 1.0
    t_bg = rng.uniform(0, DAYS * 86_400, n_bg)
    t = np.concatenate([plan.releases[burst % nr] + dt[:nb], t_bg])
    release = np.concatenate([burst % nr, np.minimum(np.searchsorted(plan.releases, t_bg),
                                                     nr - 1)])   # the slots each line is after
    doc = plan.famous[rng.integers(0, len(plan.famous), n)]
    spoof = np.array([f.spoof for f in fleets])[fleet] & (rng.random(n) < 0.8)
    x = _lines(n, t=t, ip=_pick(rng, [f.ips for f in fleets], fleet),
               uid=np.where(role == 3, -1, _pick(rng, [f.accounts for f in fleets], fleet)),
               kind=np.choose(role, [K_QUERY, K_BOOK, K_QUERY, K_APP_JS]), a=doc[:, 0],
               b=doc[:, 1], c=plan.dates[release],
               ua=_pick(rng, [f.agents for f in fleets], fleet),
               xff=np.where(spoof, rng.integers(1 << 24, 224 << 24, n), 0),
               ref=np.array([f.referer for f in fleets])[fleet], label=BOT,
               gang=np.array([f.gang for f in fleets])[fleet], who=W_FAST)
    _bot_outcomes(rng, x, dt, role)
    return x


def _bot_outcomes(rng: np.random.Generator, x: Lines, dt: np.ndarray, role: np.ndarray) -> None:
    """Bookings: a few win in the first second, the rest find it gone, rate-limited or refused."""
    n = len(x.t)
    u, win = rng.random(n), rng.random(n)
    booking = role == 1
    x.status = np.select(
        [booking & (u < 0.12), booking & (u < 0.17), booking & (dt < 0.6) & (win < 0.1),
         booking, role == 3, u < 0.08],
        [429, 403, 200, 409, 200, 429], 200)
    x.nbytes = np.select([x.status == 429, x.status == 403, x.status == 409, role == 3,
                          booking],
                         [58, 74, 96, BASE_BYTES[K_APP_JS], BASE_BYTES[K_BOOK]],
                         np.where(dt < 0, 420, 1_536) * rng.lognormal(0, 0.15, n)).astype(int)
    x.rt = np.where(booking, 0.03, 0.012) * rng.lognormal(0, 0.5, n)


def _ddos(rng: np.random.Generator, plan: Plan, n_lines: int) -> Lines:
    """Each episode: a botnet floods GETs; the limiter answers 503, clients give up (499)."""
    if not plan.episodes or n_lines <= 0:
        return _lines(0, label=DDOS)
    counts = rng.multinomial(n_lines, [1 / len(plan.episodes)] * len(plan.episodes))
    sizes = np.clip(counts // 6, 300, 6_000)
    botnets = np.split(_addresses(rng, DDOS_FIRST, int(sizes.sum())), np.cumsum(sizes)[:-1])
    parts = []
    for (gang, start, end), n, net in zip(plan.episodes, counts, botnets, strict=True):
        bot, frac = rng.integers(0, len(net), n), rng.power(1.3, n)   # ramping up
        kind = rng.choice([K_ROOT, K_ROOT_RAND, K_SEARCH, K_DDOS_QUERY], p=[.4, .3, .15, .15],
                          size=n)
        served = rng.random(n) < np.where(frac < 0.1, 0.85, 0.1)
        status = np.where(served, 200, rng.choice([503, 499, 504], p=[.62, .28, .10], size=n))
        nbytes = np.select([status == 200, status == 503, status == 504],
                           [BASE_BYTES[kind] * rng.lognormal(0, 0.1, n), ERROR_BYTES[503],
                            ERROR_BYTES[504]], 0).astype(np.int64)
        rt = np.select([status == 200, status == 499, status == 504],
                       [1.5 * rng.lognormal(0, 0.6, n), rng.uniform(1, 10, n), 60.0], 0.0)
        hos = rng.integers(101, 141, n)
        agent = DDOS_UA0 + rng.integers(0, len(DDOS_UA), len(net))      # one per bot
        parts.append(_lines(n, t=start + (end - start) * frac, ip=net[bot], kind=kind, a=hos,
                            b=hos * 1000 + rng.integers(1, 300, n), status=status,
                            c=rng.integers(100_000, 1_000_000_000, n), nbytes=nbytes, rt=rt,
                            ua=agent[bot], label=DDOS, gang=gang, who=W_DDOS))
    return Lines.concat(parts)


def _careful(rng: np.random.Generator, plan: Plan, fleets: list[Fleet], n_lines: int) -> Lines:
    """The slow proxy-pool and human-like fleets: one attempt per account and release, each a
    short visit (see `Fleet`); about n_lines lines in all (whole attempts)."""
    if not fleets or n_lines <= 0:
        return _lines(0, label=BOT)
    nr = len(plan.releases)
    per_attempt = np.array([2.0 if f.style == "slow" else 5.5 for f in fleets])
    weight = np.array([f.weight for f in fleets])
    attempts = np.maximum(3, (n_lines * weight / weight.sum() / per_attempt / nr)).astype(int)
    parts = []
    for f, per_release in zip(fleets, attempts, strict=True):
        n = per_release * nr
        rel = np.repeat(np.arange(nr), per_release)
        acc = rng.integers(0, len(f.accounts), n)
        doc = plan.famous[rng.integers(0, len(plan.famous), n)]
        if f.style == "slow":
            react = 0.4 + rng.exponential(1.2, n)
            steps = [(K_QUERY, react - rng.uniform(0.1, 0.6, n)), (K_BOOK, react)]
            ip = [f.ips[rng.integers(0, len(f.ips), n)] for _ in steps]    # a fresh exit each
            ua = [f.agents[rng.integers(0, len(f.agents), n)] for _ in steps]
            who = W_SLOW
        else:
            react = rng.lognormal(np.log(4.0), 0.45, n)
            page = -rng.uniform(8.0, 45.0, n)
            steps = [(K_DOCTOR, page), (K_DOC_IMG, page + rng.uniform(0.1, 0.5, n)),
                     (K_QUERY, react - rng.uniform(0.8, 2.5, n)), (K_BOOK, react)]
            retry = rng.random(n) < 0.5
            steps.append((K_BOOK, np.where(retry, react + rng.uniform(1.0, 4.0, n), np.nan)))
            ip = [f.ips[acc % len(f.ips)]] * len(steps)
            ua = [f.agents[acc]] * len(steps)
            who = W_JITTER
        for (kind, dt), ips, agents in zip(steps, ip, ua, strict=True):
            keep = ~np.isnan(dt)
            m = int(keep.sum())
            x = _lines(m, t=plan.releases[rel[keep]] + dt[keep], ip=ips[keep],
                       uid=np.where(kind == K_DOC_IMG, -1, f.accounts[acc[keep]]), kind=kind,
                       a=doc[keep, 0], b=doc[keep, 1], c=plan.dates[rel[keep]], ua=agents[keep],
                       ref=f.referer if kind != K_DOC_IMG else 1, label=BOT, gang=f.gang,
                       who=who)
            _bot_outcomes(rng, x, dt[keep], np.full(m, 1 if kind == K_BOOK else 0))
            if kind in (K_DOCTOR, K_DOC_IMG):
                x.nbytes = BASE_BYTES[kind] + np.where(kind == K_DOC_IMG, x.b % 4096, 0)
                x.status[:] = 200
            parts.append(x)
    return Lines.concat(parts)


def _crawlers(rng: np.random.Generator, plan: Plan, n_lines: int) -> Lines:
    """Search engines' own crawlers from their operators' addresses: robots.txt, the sitemap,
    then pages at an unhurried pace all day."""
    if n_lines <= 0:
        return _lines(0, label=CRAWLER)
    agent = rng.integers(0, len(CRAWLER_UA), n_lines)
    nets = [np.array(CRAWLER_NETS[a], dtype=np.uint32) for a in range(len(CRAWLER_UA))]
    hosts = [net[rng.integers(0, len(net), 4)] | rng.integers(1, 60, 4).astype(np.uint32)
             for net in nets]
    ip = _pick(rng, hosts, agent)
    kind = rng.choice([K_HOSPITAL, K_DEPT, K_DOCTOR, K_NOTICE, K_ROBOTS, K_SITEMAP],
                      p=[0.25, 0.25, 0.35, 0.1, 0.03, 0.02], size=n_lines)
    hos = rng.integers(101, 141, n_lines)
    c = np.where(kind == K_DEPT, rng.integers(1, 31, n_lines), rng.integers(1000, 1200, n_lines))
    x = _lines(n_lines, t=rng.uniform(0, DAYS * 86_400, n_lines), ip=ip, kind=kind, a=hos,
               b=hos * 1000 + rng.integers(1, 300, n_lines), c=c, ua=CRAWLER_UA0 + agent,
               label=CRAWLER, who=W_CRAWLER)
    x.nbytes = (BASE_BYTES[kind] * rng.lognormal(0, 0.1, n_lines)).astype(np.int64)
    x.rt = 0.05 * rng.lognormal(0, 0.5, n_lines)
    return x


def _fake_crawlers(rng: np.random.Generator, plan: Plan, n_lines: int) -> Lines:
    """Scrapers that call themselves Googlebot or Baiduspider from proxy addresses, walking the
    doctors' pages and slot queries every second or two for an hour or so."""
    if n_lines <= 0:
        return _lines(0, label=BOT)
    n_scrapers = max(2, n_lines // 400)
    owner = rng.integers(0, n_scrapers, n_lines)
    start = rng.uniform(0, DAYS * 86_400 - 7_200, n_scrapers)
    ips = _addresses(rng, PROXY_FIRST, n_scrapers)
    counts = np.bincount(owner, minlength=n_scrapers)
    nth = np.empty(n_lines)
    nth[np.argsort(owner, kind="stable")] = (np.arange(n_lines)
                                             - np.repeat(np.cumsum(counts) - counts, counts))
    t = start[owner] + nth * rng.uniform(0.8, 2.0, n_scrapers)[owner] + rng.uniform(0, 0.2,
                                                                                   n_lines)
    kind = rng.choice([K_DOCTOR, K_QUERY, K_DEPT], p=[0.5, 0.35, 0.15], size=n_lines)
    doc = plan.famous[rng.integers(0, len(plan.famous), n_lines)]
    which = rng.choice([0, 2], n_scrapers)        # Googlebot's or Baiduspider's name
    x = _lines(n_lines, t=t, ip=ips[owner], kind=kind, a=doc[:, 0], b=doc[:, 1],
               c=plan.dates[rng.integers(0, len(plan.dates), n_lines)],
               ua=CRAWLER_UA0 + which[owner], label=BOT, who=W_FAKE)
    x.nbytes = (BASE_BYTES[kind] * rng.lognormal(0, 0.1, n_lines)).astype(np.int64)
    x.rt = 0.03 * rng.lognormal(0, 0.5, n_lines)
    return x


def _ip_strings(values: np.ndarray) -> list[str]:
    uniq, inv = np.unique(values, return_inverse=True)
    text = [f"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}" if v else "-"
            for v in uniq.tolist()]
    return [text[i] for i in inv.ravel().tolist()]


def _time_strings(t: np.ndarray) -> list[str]:
    """$time_local of each instant, e.g. '07/Sep/2026:07:00:00 +0800'."""
    uniq, inv = np.unique(t.astype(np.int64), return_inverse=True)
    text = [f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:{d:%H:%M:%S} +0800"
            for d in (START + timedelta(seconds=s) for s in uniq.tolist())]
    return [text[i] for i in inv.ravel().tolist()]


def _format(x: Lines, part: slice) -> str:
    cols = [x.kind[part], x.a[part], x.b[part], x.c[part], x.uid[part]]
    requests = [REQUESTS[k][0].format(a=a, b=b, c=c, u=u) if u >= 0 else
                REQUESTS[k][0].replace("?uid={u}", "").replace("&uid={u}", "").format(a=a, b=b,
                                                                                      c=c)
                for k, a, b, c, u in zip(*(col.tolist() for col in cols), strict=True)]
    rows = zip(_ip_strings(x.ip[part]), _time_strings(x.t[part]), requests,
               x.status[part].tolist(), x.nbytes[part].tolist(), x.ref[part].tolist(),
               x.ua[part].tolist(), x.rt[part].tolist(), _ip_strings(x.xff[part]), strict=True)
    return "".join(f'{ip} - - [{ts}] "{rq}" {st} {nb} "{REFERERS[rf]}" "{AGENTS[ua]}" '
                   f'{rt:.3f} "{xf}"\n' for ip, ts, rq, st, nb, rf, ua, rt, xf in rows)


def _write_truth(world: World, x: Lines, path: Path) -> int:
    """One row per (ip, uid) pair in the log: who it was (label human, bot, ddos or crawler;
    kind one of WHO: which sort of bot)."""
    pairs, first = np.unique(np.stack([x.ip.astype(np.int64), x.uid], axis=1), axis=0,
                             return_index=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ip", "uid", "label", "kind", "gang_id"])
        for ip, uid, i in zip(_ip_strings(pairs[:, 0]), pairs[:, 1].tolist(), first.tolist(),
                              strict=True):
            gang = int(x.gang[i])
            w.writerow([ip, uid if uid >= 0 else "", LABELS[x.label[i]], WHO[x.who[i]],
                        world.gangs[gang].id if gang >= 0 else ""])
    return len(pairs)


def _write_releases(plan: Plan, path: Path) -> None:
    """The platform's release schedule: one row per release and famous doctor."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["release_at", "resource", "hospital", "doctor", "slot_date"])
        for r, date in zip(plan.releases.tolist(), plan.dates.tolist(), strict=True):
            at = (START + timedelta(seconds=r)).isoformat()
            for hos, doc in plan.famous.tolist():
                w.writerow([at, f"doctor/{doc}", hos, doc, date])


def write_access_log(world: World, out_dir: Path,
                     progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write `access.log`, `releases.csv` and `truth_clients.csv` to out_dir; return the
    counts."""
    rng = np.random.default_rng(world.rng("access_logs").getrandbits(64))
    n = world.scale.log_lines
    plan = _plan(world, rng)
    n_users = max(32, n // 60)
    ids = 10_000_000 + rng.choice(90_000_000, size=n_users + 300 * len(world.gangs),
                                  replace=False)       # patients' and bought accounts
    fleets = _fleets(world, rng, ids[n_users:])
    n_bot = round(n * BOT_SHARE) if fleets else 0
    careful = _careful(rng, plan, [f for f in fleets if f.style != "fast"],
                       round(n_bot * CAREFUL_SHARE))
    fast = [f for f in fleets if f.style == "fast"]
    n_fast = max(0, n_bot - len(careful.t)) if fast else 0
    n_ddos = round(n * DDOS_SHARE) if plan.episodes else 0
    n_crawl, n_fake = round(n * CRAWLER_SHARE), round(n * FAKE_CRAWLER_SHARE)
    n_human = n - len(careful.t) - n_fast - n_ddos - n_crawl - n_fake
    humans = _humans(rng, plan, n_human, ids[:n_users])
    _human_outcomes(rng, plan, humans)
    parts = [humans, _ddos(rng, plan, n_ddos), careful, _crawlers(rng, plan, n_crawl),
             _fake_crawlers(rng, plan, n_fake)]
    if fast:
        parts.append(_bots(rng, plan, fast, n_fast))
    lines = Lines.concat(parts)
    lines = lines.take(np.argsort(lines.t, kind="stable"))
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "access.log").open("w", encoding="utf-8", newline="\n") as f:
        for lo in range(0, n, CHUNK):
            f.write(_format(lines, slice(lo, lo + CHUNK)))
            if progress:
                progress(min(CHUNK, n - lo))
    _write_releases(plan, out_dir / "releases.csv")
    clients = _write_truth(world, lines, out_dir / "truth_clients.csv")
    return {"log_lines": len(lines.t), "bot_lines": int(np.sum(lines.label == BOT)),
            "ddos_lines": n_ddos, "crawler_lines": n_crawl, "clients": clients}
