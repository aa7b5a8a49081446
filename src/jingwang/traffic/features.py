"""What each client did, as numbers: one row per IP address, account, session or device.

`Compactor.compact(batch)` turns each batch of parsed lines (`read.LINES_SCHEMA`) into the few
columns detection needs (`COMPACT_SCHEMA`), in Arrow, before DuckDB sees them: what the request
was (a booking, a page view, a static file — regexes run once per distinct path), which agent
sent it (`ua_id` into `Compactor.agents`, its class from `agents.AgentBook`, once per distinct
agent) and, for a booking, the latest slot release before it (`rel`; with no schedule the
releases are inferred after reading and `set_releases` fills it in).

`entity_features(duck, key)` then sums each client up in SQL — bookings and how fast they came
after releases, bookings with no page view before them, addresses and /24 networks per account,
accounts per address, user agents, the gaps between requests, and a leaky bucket over
non-static requests (CrowdSec's parameters by default: capacity 40, one token leaking every
0.5 s) whose level is computed in closed form: with X_i = 1 - gap_i / leak and S its running sum,
the level after request i is 1 + S_i - min(0, min_{j<=i} S_j) (Lindley's recursion).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingwang.traffic.agents import Agent, AgentBook
from jingwang.traffic.releases import BOOK_PATTERN

STATIC_PATTERN = (r"(?i)\.(css|js|png|jpe?g|gif|ico|svg|webp|woff2?|ttf|eot|map|mp4|mp3)$"
                  r"|^/static/")
API_PATTERN = r"(?i)^/api/|\.(json|do|action)$"
KEYS = ("ip", "account", "session", "device")
COMPACT_SCHEMA = pa.schema([
    ("file", pa.int16()), ("line", pa.int64()), ("ip", pa.string()), ("t", pa.float64()),
    ("path", pa.string()), ("query", pa.string()), ("status", pa.int16()),
    ("account", pa.string()), ("session", pa.string()), ("device", pa.string()),
    ("ua_id", pa.int32()), ("ua_kind", pa.string()), ("is_book", pa.bool_()),
    ("is_static", pa.bool_()), ("is_page", pa.bool_()), ("rel", pa.float64()),
])


@dataclass(frozen=True)
class FeatureOptions:
    book_pattern: str = BOOK_PATTERN
    static_pattern: str = STATIC_PATTERN
    api_pattern: str = API_PATTERN
    fast_s: float = 2.0            # a booking this soon after a release is a script's
    near_s: float = 15.0           # ... this soon, a very keen person's or a script's
    window_s: float = 600.0        # bookings this long after a release count as its rush
    page_gap_s: float = 600.0      # a page view this long before a booking counts as its flow
    bucket_capacity: float = 40.0  # CrowdSec http-crawl-non_statics
    bucket_leak_s: float = 0.5


class Compactor:
    """Parsed batches → `COMPACT_SCHEMA`; remembers every distinct agent and booking time."""

    def __init__(self, book: AgentBook, opt: FeatureOptions,
                 releases: np.ndarray | None) -> None:
        self.book, self.opt, self.releases = book, opt, releases
        self.agents: list[str] = []
        self.classes: list[Agent] = []
        self._ids: dict[str, int] = {}
        self.book_times: list[np.ndarray] = []

    def compact(self, batch: pa.RecordBatch) -> pa.Table:
        ua = pc.dictionary_encode(batch.column("ua"))
        ids = []
        for text in ua.dictionary.to_pylist():
            if text not in self._ids:
                self._ids[text] = len(self.agents)
                self.agents.append(text)
                self.classes.append(self.book.classify(text))
            ids.append(self._ids[text])
        ua_id = pc.take(pa.array(ids, pa.int32()), ua.indices)
        ua_kind = pc.take(pa.array([self.classes[i].kind for i in ids], pa.string()),
                          ua.indices)
        path = pc.dictionary_encode(batch.column("path"))
        words = path.dictionary
        book_path = pc.take(pc.match_substring_regex(words, self.opt.book_pattern),
                            path.indices)
        static = pc.take(pc.match_substring_regex(words, self.opt.static_pattern),
                         path.indices)
        api = pc.take(pc.match_substring_regex(words, self.opt.api_pattern), path.indices)
        method = batch.column("method")
        is_book = pc.and_(pc.equal(method, "POST"), book_path)
        is_page = pc.and_(pc.and_(pc.equal(method, "GET"), pc.invert(static)), pc.invert(api))
        t = batch.column("t").to_numpy(zero_copy_only=False)
        booking = np.asarray(is_book)
        if self.releases is None:
            self.book_times.append(t[booking])
            rel = pa.nulls(len(t), pa.float64())
        else:
            rel = pa.array(_latest(self.releases, t), mask=~booking)
        cols = {"ua_id": ua_id, "ua_kind": ua_kind, "is_book": is_book, "is_static": static,
                "is_page": is_page, "rel": rel}
        return pa.table({f.name: cols[f.name] if f.name in cols else batch.column(f.name)
                         for f in COMPACT_SCHEMA}, schema=COMPACT_SCHEMA)


def _latest(releases: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The latest release at or before each time (NaN before the first)."""
    if len(releases) == 0:
        return np.full(len(t), np.nan)
    i = np.searchsorted(releases, t, side="right") - 1
    return np.where(i >= 0, releases[np.maximum(i, 0)], np.nan)


def set_releases(duck: duckdb.DuckDBPyConnection, releases: np.ndarray) -> None:
    """Fill in each booking's latest release, once the releases are known (inferred)."""
    duck.execute("CREATE OR REPLACE TEMP TABLE rel (r DOUBLE)")
    if len(releases):
        duck.execute("INSERT INTO rel SELECT unnest(?::DOUBLE[])", [releases.tolist()])
    duck.execute("""
        UPDATE lines SET rel = m.r FROM (
            SELECT b.file, b.line, r.r FROM (SELECT file, line, t FROM lines WHERE is_book) b
            ASOF JOIN rel r ON b.t >= r.r) m
        WHERE lines.file = m.file AND lines.line = m.line""")


def entity_features(duck: duckdb.DuckDBPyConnection, key: str, opt: FeatureOptions) -> pa.Table:
    """One row per distinct non-empty value of `key` (ip, account, session or device)."""
    if key not in KEYS:
        raise ValueError(f"unknown client key {key!r}")
    f, near, win, leak = opt.fast_s, opt.near_s, opt.window_s, opt.bucket_leak_s
    spread = ("count(DISTINCT ip) AS n_ip, count(DISTINCT net) AS n_net,"
              if key != "ip" else "1 AS n_ip, 1 AS n_net,")
    net = ("(SELECT DISTINCT ip, regexp_extract(ip, '^(\\d+\\.\\d+\\.\\d+)\\.', 1) AS net "
           "FROM lines)" if key != "ip" else "(SELECT NULL AS ip, NULL AS net)")
    return duck.execute(f"""
        WITH ns AS (
            SELECT {key} AS key, t, file, line, is_book, is_page, t - rel AS rel_t, rel,
                   t - lag(t) OVER w AS gap,
                   max(CASE WHEN is_page THEN t END) OVER (
                       w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_page
            FROM lines WHERE {key} <> '' AND NOT is_static
            WINDOW w AS (PARTITION BY {key} ORDER BY t)),
        bucket AS (
            SELECT *, sum(coalesce(1 - gap / {leak}, 0)) OVER w AS s
            FROM ns WINDOW w AS (PARTITION BY key ORDER BY t ROWS UNBOUNDED PRECEDING)),
        timing AS (
            SELECT key, max(1 + s - least(0, smin)) AS bucket_peak, count(gap) AS n_gaps,
                   avg(gap) AS gap_mean, stddev_pop(gap) AS gap_sd,
                   count_if(is_book) AS n_book, count_if(is_page) AS n_page,
                   count_if(is_book AND rel_t < {f}) AS books_fast,
                   count_if(is_book AND rel_t < {near}) AS books_near,
                   count_if(is_book AND rel_t < {win}) AS books_rush,
                   count(DISTINCT CASE WHEN is_book AND rel_t < {near} THEN rel END)
                       AS releases_near,
                   min(CASE WHEN is_book AND rel_t < {win} THEN rel_t END) AS min_reaction,
                   median(CASE WHEN is_book AND rel_t < {win} THEN rel_t END)
                       AS median_reaction,
                   count_if(is_book AND (last_page IS NULL OR t - last_page > {opt.page_gap_s}))
                       AS books_no_page,
                   arg_min(file, CASE WHEN is_book AND rel_t < {f} THEN t END) AS fast_file,
                   arg_min(line, CASE WHEN is_book AND rel_t < {f} THEN t END) AS fast_line
            FROM (SELECT *, min(s) OVER (PARTITION BY key ORDER BY t
                                         ROWS UNBOUNDED PRECEDING) AS smin FROM bucket)
            GROUP BY key),
        totals AS (
            SELECT {key} AS key, count(*) AS n, count_if(is_static) AS n_static,
                   count(DISTINCT ua_id) AS n_ua,
                   max(CASE WHEN ua_kind <> 'browser' THEN ua_id END) AS odd_ua, {spread}
                   count(DISTINCT nullif(account, '')) AS n_account,
                   count(DISTINCT nullif(device, '')) AS n_device,
                   count_if(ua_kind = 'scripting') AS ua_scripting,
                   count_if(ua_kind = 'headless') AS ua_headless,
                   count_if(ua_kind = 'outdated') AS ua_outdated,
                   count_if(ua_kind = 'impossible') AS ua_impossible,
                   count_if(ua_kind = 'crawler') AS ua_crawler,
                   count_if(status >= 400) AS n_errors, min(t) AS first_t, max(t) AS last_t,
                   arg_min(file, t) AS first_file, arg_min(line, t) AS first_line
            FROM lines LEFT JOIN {net} nets USING (ip)
            WHERE {key} <> '' GROUP BY {key})
        SELECT totals.*, coalesce(n_book, 0) AS n_book, coalesce(n_page, 0) AS n_page,
               coalesce(books_fast, 0) AS books_fast, coalesce(books_near, 0) AS books_near,
               coalesce(books_rush, 0) AS books_rush,
               coalesce(releases_near, 0) AS releases_near, min_reaction, median_reaction,
               coalesce(books_no_page, 0) AS books_no_page, bucket_peak,
               coalesce(n_gaps, 0) AS n_gaps, gap_mean, gap_sd, fast_file, fast_line
        FROM totals LEFT JOIN timing USING (key)""").to_arrow_table()
