"""The store behind `benchmarks/api.py`: a deterministic world, and loading it fast.

:func:`make_world` builds, from one seed, a unit tree from the real GB/T 2260 divisions
(公安部 → provinces → cities → counties), indicators of the common kinds in canonical form,
sightings of some of them, clues spread over the county units (one creation event each), the
officers whose queues are measured and the search queries.  :func:`populate` writes it into an
initialised store with SQLAlchemy Core bulk inserts (PostgreSQL: ``COPY``) and issues one API
token per user.  Nothing here goes through the ORM but the users and their tokens.
"""

from __future__ import annotations

import random
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, create_engine, insert, text
from sqlalchemy.engine import make_url

from jingwang.api.tokens import issue_token
from jingwang.categories import CATEGORIES
from jingwang.indicators.canonical import is_cn_mobile
from jingwang.indicators.checksums import luhn_valid
from jingwang.indicators.query import query_candidates
from jingwang.regions.divisions import all_divisions
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.directory import add_user
from jingwang.store.models import Clue, ClueEvent, Indicator, Sighting, Unit

CHUNK = 10_000
ANALYST = "bench_analyst"

# Share of each indicator kind among the indicators.
KIND_MIX: tuple[tuple[str, float], ...] = (
    ("phone", 0.32), ("wechat", 0.20), ("qq", 0.15), ("bank_card", 0.10),
    ("domain", 0.10), ("email", 0.08), ("ip", 0.05),
)
STATUS_MIX = (("new", 0.10), ("pushed", 0.30), ("received", 0.20), ("verified", 0.15),
              ("case_filed", 0.10), ("closed", 0.10), ("rejected", 0.05))
URGENCY_MIX = (("immediate", 0.05), ("urgent", 0.20), ("normal", 0.75))
# The receive and verify windows of jingwang.clues.lifecycle.DEFAULT_DEADLINES, in hours.
RECEIVE_HOURS = {"immediate": 0.25, "urgent": 2, "normal": 72}
VERIFY_HOURS = {"immediate": 24, "urgent": 72, "normal": 360}
# No pushed clue falls due within this long of the world's "now": the server's escalation loop
# (every minute) finds nothing to move while the benchmark runs, as in a store it keeps up.
ESCALATION_MARGIN = timedelta(minutes=30)
MOBILE_PREFIXES = ("130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 "
                   "158 159 166 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 "
                   "199").split()
SYLLABLES = ("bao cai dai fa fu gou hao hong jin kuai le long ma mei ming pin qian shun tian "
             "wang xin xing yi ying yun zhi zhong").split()
TLDS = ("com", "cn", "com.cn", "net", "top", "vip", "xyz", "cc", "shop", "club")
MAIL_HOSTS = ("qq.com", "163.com", "126.com", "sina.com", "gmail.com", "outlook.com")
SOURCES = ("posts", "reports", "cases", "chats", "ledger")


@dataclass
class Officer:
    username: str
    unit_id: int
    unit_code: str
    reach_codes: list[str]   # the county units under its city (for ?unit= filters)
    token: str = ""


@dataclass
class World:
    units: list[tuple[Any, ...]]          # id, code, name, region_code, level, parent_id
    indicators: list[tuple[Any, ...]]     # id, kind, value, first_seen, last_seen, sightings
    sightings: list[tuple[Any, ...]]      # id, indicator_id, source, record_id, start, end, …
    clues: list[tuple[Any, ...]]          # see CLUE_COLUMNS
    events: list[tuple[Any, ...]]         # see EVENT_COLUMNS
    officers: list[Officer]
    queries: list[tuple[str, bool]]       # (q as a person types it, whether it must be found)
    query_mix: dict[str, int] = field(default_factory=dict)
    analyst_token: str = ""


UNIT_COLUMNS = ("id", "code", "name", "region_code", "level", "parent_id")
INDICATOR_COLUMNS = ("id", "kind", "value", "first_seen", "last_seen", "sighting_count")
SIGHTING_COLUMNS = ("id", "indicator_id", "source", "record_id", "start", "end", "raw",
                    "context", "seen_at", "ingested_at")
CLUE_COLUMNS = ("id", "title", "category", "urgency", "status", "unit_id", "description",
                "routing_reason", "deadline_at", "suspects_caught", "money_frozen",
                "cases_solved", "created_at", "updated_at")
EVENT_COLUMNS = ("id", "clue_id", "actor", "from_status", "to_status", "note", "at", "action",
                 "unit_id")


def _pick(rng: random.Random, mix: Sequence[tuple[str, float]], n: int) -> list[str]:
    names = [name for name, _ in mix]
    return rng.choices(names, weights=[w for _, w in mix], k=n)


# --- the world ---------------------------------------------------------------------------------

def _units() -> tuple[list[tuple[Any, ...]], dict[str, int], list[int], dict[int, list[int]]]:
    """公安部 and one unit per division in force; ids in tree order (parents first)."""
    rows: list[tuple[Any, ...]] = [(1, "MPS", "公安部网络安全保卫局", "000000", "ministry", None)]
    ids: dict[str, int] = {"000000": 1}
    divisions = all_divisions()
    suffix = {"province": "公安厅网安总队", "city": "公安局网安支队", "county": "公安分局网安大队"}
    counties: list[int] = []
    children: dict[int, list[int]] = {}
    for level in ("province", "city", "county"):
        for d in divisions:
            if d.level != level:
                continue
            parent = d.parent if d.parent in ids else d.code[:2] + "0000"
            parent_id = ids.get(parent, 1)
            uid = len(rows) + 1
            ids[d.code] = uid
            rows.append((uid, f"U{d.code}", d.name + suffix[level], d.code, level, parent_id))
            children.setdefault(parent_id, []).append(uid)
            if level == "county":
                counties.append(uid)
    return rows, ids, counties, children


def _luhn_digit(body: str) -> str:
    """The check digit that makes ``body`` + it pass the project's own Luhn check."""
    return next(d for d in "0123456789" if luhn_valid(body + d))


def _value(kind: str, rng: random.Random) -> str:
    r = rng.random
    if kind == "phone":
        while True:
            national = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if is_cn_mobile(national):
                return "+86" + national
    if kind == "qq":
        return str(rng.randrange(10_000, 4_000_000_000))
    if kind == "wechat":
        head = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
        return f"{head}{rng.choice('_-') if r() < 0.3 else ''}{rng.randrange(10**6)}"
    if kind == "bank_card":
        body = rng.choice(("62", "62", "62", "60", "45", "52")) + \
            f"{rng.randrange(10**16):016d}"
        return body + _luhn_digit(body)
    if kind == "domain":
        label = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        return f"{label}{rng.randrange(1000)}.{rng.choice(TLDS)}"
    if kind == "email":
        local = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + str(rng.randrange(10**5))
        return f"{local}@{rng.choice(MAIL_HOSTS)}"
    if kind == "ip":
        first = rng.choice((1, 14, 27, 36, 39, 42, 58, 60, 101, 106, 110, 111, 112, 113, 114,
                            115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 139, 175,
                            180, 182, 183, 202, 203, 210, 211, 218, 219, 220, 221, 222, 223))
        return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    raise ValueError(kind)


def _phone_forms(value: str, rng: random.Random) -> str:
    """A stored phone as people write it: '138 1234 5678', '138-1234-5678', '+86 138…'."""
    n = value[3:]
    forms = (f"{n[:3]} {n[3:7]} {n[7:]}", f"{n[:3]}-{n[3:7]}-{n[7:]}", n,
             f"+86 {n[:3]} {n[3:7]} {n[7:]}", f"0086{n}", f"86-{n}")
    return rng.choice(forms)


def _deadline(rng: random.Random, status: str, urgency: str,
              now: datetime) -> datetime | None:
    """A pushed clue is due to be received, a received one to be verified; others have no
    deadline (``Deadlines.due``).  Pushed ones fall due after ``ESCALATION_MARGIN``; some
    received ones are overdue already (they are flagged, not escalated)."""
    if status == "pushed":
        return now + ESCALATION_MARGIN + timedelta(hours=RECEIVE_HOURS[urgency] * rng.random())
    if status == "received":
        return now + timedelta(hours=VERIFY_HOURS[urgency] * (rng.random() * 1.2 - 0.2))
    return None


def _queries(rng: random.Random, indicators: list[tuple[Any, ...]], stored: set[tuple[str, str]],
             n: int) -> tuple[list[tuple[str, bool]], dict[str, int]]:
    """Search queries: 55% stored values as stored, 20% stored phones written otherwise, 5%
    stored domains inside a URL, 20% values that are not stored.  Each is checked through
    :func:`query_candidates`: a query meant to hit must be read as its stored pair."""
    phones = [row for row in indicators if row[1] == "phone"]
    domains = [row for row in indicators if row[1] == "domain"]
    out: list[tuple[str, bool]] = []
    mix = {"stored value": 0, "phone written otherwise": 0, "domain in a URL": 0,
           "not stored": 0, "dropped (not read back)": 0}
    while len(out) < n:
        x = rng.random()
        if x < 0.55:
            _, kind, value, *_ = rng.choice(indicators)
            q, pair, label = value, (kind, value), "stored value"
        elif x < 0.75:
            _, kind, value, *_ = rng.choice(phones)
            q, pair, label = _phone_forms(value, rng), (kind, value), "phone written otherwise"
        elif x < 0.80:
            _, kind, value, *_ = rng.choice(domains)
            q = f"https://www.{value}/login?id={rng.randrange(1000)}"
            pair, label = (kind, value), "domain in a URL"
        else:
            kind = rng.choice(("phone", "phone", "wechat", "qq", "domain"))
            value = _value(kind, rng)
            if (kind, value) in stored:
                continue
            q, pair, label = (_phone_forms(value, rng) if kind == "phone" and rng.random() < 0.5
                              else value), None, "not stored"
        candidates = query_candidates(q)
        if pair is not None and pair not in candidates:
            mix["dropped (not read back)"] += 1
            continue
        if pair is None and any(c in stored for c in candidates):
            continue  # a "miss" that happens to hit another kind's stored value
        mix[label] += 1
        out.append((q, pair is not None))
    return out, mix


def make_world(*, clues: int, indicators: int, sightings: int, officers: int, queries: int,
               seed: int, now: datetime | None = None) -> World:
    """The world of ``seed``; its times are relative to ``now`` (default: this second), since
    the server judges deadlines by the real clock."""
    rng = random.Random(seed)
    base = (now or datetime.now(UTC)).replace(microsecond=0)
    units, unit_ids, counties, children = _units()
    code_of = {row[0]: row[1] for row in units}

    # Indicators: unique (kind, value), ids in generation order.
    kinds = _pick(rng, KIND_MIX, indicators)
    stored: set[tuple[str, str]] = set()
    ind_rows: list[tuple[Any, ...]] = []
    span = 365 * 86_400
    for kind in kinds:
        while True:
            value = _value(kind, rng)
            if (kind, value) not in stored:
                break
        stored.add((kind, value))
        first = base - timedelta(seconds=rng.randrange(span))
        last = first + timedelta(seconds=rng.randrange(int((base - first).total_seconds())
                                                        + 1))
        ind_rows.append((len(ind_rows) + 1, kind, value, first, last, 0))

    # Sightings: skewed towards a few busy indicators (a phone in hundreds of posts).
    counts = [0] * (indicators + 1)
    sight_rows: list[tuple[Any, ...]] = []
    for i in range(sightings):
        iid = 1 + int(indicators * rng.random() ** 3)
        counts[iid] += 1
        value = ind_rows[iid - 1][2]
        source = rng.choice(SOURCES)
        start = rng.randrange(200)
        seen = base - timedelta(seconds=rng.randrange(span))
        sight_rows.append((i + 1, iid, source, f"{source}-{i}", start, start + len(value), value,
                           f"……加我 {value} 详聊……", seen, seen + timedelta(hours=1)))
    ind_rows = [(*row[:5], counts[row[0]]) for row in ind_rows]

    # Clues over the counties, some counties busier than others.
    weights = [rng.lognormvariate(0, 0.75) for _ in counties]
    clue_units = rng.choices(counties, weights=weights, k=clues)
    statuses = _pick(rng, STATUS_MIX, clues)
    urgencies = _pick(rng, URGENCY_MIX, clues)
    cats = rng.choices(list(CATEGORIES), k=clues)
    phones = [row[2] for row in ind_rows if row[1] == "phone"] or ["+8613800000000"]
    clue_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    for i in range(clues):
        cid, unit_id, status, urgency = i + 1, clue_units[i], statuses[i], urgencies[i]
        cat = cats[i]
        created = base - timedelta(seconds=rng.randrange(180 * 86_400))
        deadline = _deadline(rng, status, urgency, base)
        done = status in ("case_filed", "closed")
        clue_rows.append((
            cid, f"{CATEGORIES[cat]}线索 {code_of[unit_id]}-{cid}", cat, urgency, status, unit_id,
            f"群众举报：对方电话 {rng.choice(phones)}，诱导转账。", "按被害人所在地分派",
            deadline, rng.randrange(5) if done else 0,
            Decimal(rng.randrange(10**7)) / 100 if done else Decimal(0),
            rng.randrange(3) if done else 0, created, created + timedelta(hours=rng.randrange(48)),
        ))
        event_rows.append((cid, cid, ANALYST, None, "new", None, created, "status", unit_id))

    # Officers at city units whose queues hold clues: each sees its city and the units below.
    cities = [row for row in units if row[4] == "city" and len(children.get(row[0], ())) >= 3]
    chosen = rng.sample(cities, min(officers, len(cities)))
    officer_list = [Officer(f"bench_officer_{i:02d}", row[0], row[1],
                            [code_of[c] for c in children[row[0]]])
                    for i, row in enumerate(chosen)]

    query_list, mix = _queries(rng, ind_rows, stored, queries)
    del unit_ids
    return World(units, ind_rows, sight_rows, clue_rows, event_rows, officer_list, query_list,
                 mix)


# --- loading -----------------------------------------------------------------------------------

def _chunks(rows: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _core_insert(conn: Any, table: Table, columns: Sequence[str],
                 rows: Sequence[tuple[Any, ...]]) -> None:
    stmt = insert(table)
    for chunk in _chunks(rows):
        conn.execute(stmt, [dict(zip(columns, row, strict=True)) for row in chunk])


def _copy(raw: Any, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    cols = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


TABLES: tuple[tuple[Table, tuple[str, ...], str], ...] = (
    (Unit.__table__, UNIT_COLUMNS, "units"),                    # type: ignore[arg-type]
    (Indicator.__table__, INDICATOR_COLUMNS, "indicators"),     # type: ignore[arg-type]
    (Sighting.__table__, SIGHTING_COLUMNS, "sightings"),        # type: ignore[arg-type]
    (Clue.__table__, CLUE_COLUMNS, "clues"),                    # type: ignore[arg-type]
    (ClueEvent.__table__, EVENT_COLUMNS, "events"),             # type: ignore[arg-type]
)


def populate(url: str, world: World) -> dict[str, float]:
    """Initialise the store at ``url`` and load ``world`` into it; seconds per step."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    init_store(url)
    timings["schema"] = time.perf_counter() - t
    backend = make_url(url).get_backend_name()
    engine: Engine = create_engine(url)  # no FK pragma on SQLite: the rows are consistent
    try:
        if backend == "postgresql":
            raw = engine.raw_connection()
            try:
                for table, columns, attr in TABLES:
                    t = time.perf_counter()
                    _copy(raw.driver_connection, table.name, columns, getattr(world, attr))
                    raw.driver_connection.commit()
                    timings[table.name] = time.perf_counter() - t
            finally:
                raw.close()
            t = time.perf_counter()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table, _, _ in TABLES:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                      f"'id'), (SELECT max(id) FROM {table.name}))"))
                # What autovacuum would soon do after a load this size; plans depend on it.
                conn.execute(text("ANALYZE"))
            timings["analyze"] = time.perf_counter() - t
        else:
            with warnings.catch_warnings():  # Decimal into SQLite's NUMERIC: fine here
                warnings.filterwarnings("ignore", message=".*Decimal objects natively.*")
                with engine.begin() as conn:
                    conn.exec_driver_sql("PRAGMA synchronous=OFF")
                    for table, columns, attr in TABLES:
                        t = time.perf_counter()
                        _core_insert(conn, table, columns, getattr(world, attr))
                        timings[table.name] = time.perf_counter() - t
            t = time.perf_counter()
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            timings["checkpoint"] = time.perf_counter() - t
    finally:
        engine.dispose()

    t = time.perf_counter()
    store = open_store(url)
    with session_scope(store) as session:
        add_user(session, ANALYST, "analyst", display_name="研判员（压测）")
        for officer in world.officers:
            add_user(session, officer.username, "unit_officer",
                     unit=session.get(Unit, officer.unit_id))
        world.analyst_token = issue_token(session, ANALYST, "bench")
        for officer in world.officers:
            officer.token = issue_token(session, officer.username, "bench")
    timings["users"] = time.perf_counter() - t
    return timings
