"""What each client did, as numbers: one row per IP address, account, session or device.

The lines sit in a DuckDB table (`lines`, `read.LINES_SCHEMA`); `mark_lines` adds what each
request was (a booking, a page view, a static file, the API), which user-agent class sent it and
how long after the latest slot release it came (an ASOF join on the release times).
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

from jingwang.traffic.releases import BOOK_PATTERN

STATIC_PATTERN = (r"(?i)\.(css|js|png|jpe?g|gif|ico|svg|webp|woff2?|ttf|eot|map|mp4|mp3)$"
                  r"|^/static/")
API_PATTERN = r"(?i)^/api/|\.(json|do|action)$"
KEYS = ("ip", "account", "session", "device")


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


def mark_lines(duck: duckdb.DuckDBPyConnection, releases: np.ndarray, agents: pa.Table,
               opt: FeatureOptions) -> None:
    """Create the table `x`: every line with what it was, its agent class and its release."""
    duck.execute("CREATE OR REPLACE TEMP TABLE rel (r DOUBLE)")
    if len(releases):
        duck.execute("INSERT INTO rel SELECT unnest(?::DOUBLE[])", [releases.tolist()])
    duck.register("agents_view", agents)
    duck.execute("CREATE OR REPLACE TEMP TABLE agent_kinds AS SELECT * FROM agents_view")
    duck.unregister("agents_view")
    duck.execute(f"""
        CREATE OR REPLACE TEMP TABLE x AS
        SELECT l.*, coalesce(a.kind, 'browser') AS ua_kind,
               (l.method = 'POST' AND regexp_matches(l.path, '{_q(opt.book_pattern)}')) AS is_book,
               regexp_matches(l.path, '{_q(opt.static_pattern)}') AS is_static,
               (l.method = 'GET' AND NOT regexp_matches(l.path, '{_q(opt.static_pattern)}')
                AND NOT regexp_matches(l.path, '{_q(opt.api_pattern)}')) AS is_page,
               l.t - r.r AS rel_t, r.r AS rel
        FROM lines l ASOF LEFT JOIN rel r ON l.t >= r.r
        LEFT JOIN agent_kinds a ON a.ua = l.ua""")


def entity_features(duck: duckdb.DuckDBPyConnection, key: str, opt: FeatureOptions) -> pa.Table:
    """One row per distinct non-empty value of `key` (ip, account, session or device)."""
    if key not in KEYS:
        raise ValueError(f"unknown client key {key!r}")
    f, near, win = opt.fast_s, opt.near_s, opt.window_s
    return duck.execute(f"""
        WITH w AS (
            SELECT {key} AS key, t, is_book, is_page, is_static, rel_t, rel, ua, ua_kind, ip,
                   account, device, status, path,
                   max(CASE WHEN is_page THEN t END) OVER (
                       PARTITION BY {key} ORDER BY t
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_page
            FROM x WHERE {key} <> ''),
        ns AS (
            SELECT key, t, t - lag(t) OVER (PARTITION BY key ORDER BY t) AS gap
            FROM w WHERE NOT is_static),
        bucket AS (
            SELECT key, t, gap, sum(coalesce(1 - gap / {opt.bucket_leak_s}, 0)) OVER (
                PARTITION BY key ORDER BY t ROWS UNBOUNDED PRECEDING) AS s
            FROM ns),
        level AS (
            SELECT key, gap, 1 + s - least(0, min(s) OVER (
                PARTITION BY key ORDER BY t ROWS UNBOUNDED PRECEDING)) AS level
            FROM bucket),
        timing AS (
            SELECT key, max(level) AS bucket_peak, count(gap) AS n_gaps,
                   avg(gap) AS gap_mean, stddev_pop(gap) AS gap_sd
            FROM level GROUP BY key)
        SELECT w.key, count(*) AS n, count_if(is_book) AS n_book, count_if(is_page) AS n_page,
               count_if(is_static) AS n_static,
               count_if(is_book AND rel_t < {f}) AS books_fast,
               count_if(is_book AND rel_t < {near}) AS books_near,
               count_if(is_book AND rel_t < {win}) AS books_rush,
               count(DISTINCT CASE WHEN is_book AND rel_t < {near} THEN rel END) AS releases_near,
               count(DISTINCT CASE WHEN is_book AND rel_t < {win} THEN rel END) AS releases_rush,
               min(CASE WHEN is_book AND rel_t < {win} THEN rel_t END) AS min_reaction,
               median(CASE WHEN is_book AND rel_t < {win} THEN rel_t END) AS median_reaction,
               count_if(is_book AND (last_page IS NULL OR t - last_page > {opt.page_gap_s}))
                   AS books_no_page,
               count(DISTINCT ua) AS n_ua, mode(ua) AS top_ua,
               count(DISTINCT ip) AS n_ip,
               count(DISTINCT regexp_extract(ip, '^(\\d+\\.\\d+\\.\\d+)\\.', 1)) AS n_net,
               count(DISTINCT nullif(account, '')) AS n_account,
               count(DISTINCT nullif(device, '')) AS n_device,
               count_if(ua_kind = 'scripting') AS ua_scripting,
               count_if(ua_kind = 'headless') AS ua_headless,
               count_if(ua_kind = 'outdated') AS ua_outdated,
               count_if(ua_kind = 'impossible') AS ua_impossible,
               count_if(ua_kind = 'crawler') AS ua_crawler,
               count_if(status >= 400) AS n_errors,
               min(t) AS first_t, max(t) AS last_t,
               any_value(tm.bucket_peak) AS bucket_peak, any_value(tm.n_gaps) AS n_gaps,
               any_value(tm.gap_mean) AS gap_mean, any_value(tm.gap_sd) AS gap_sd
        FROM w LEFT JOIN timing tm ON tm.key = w.key
        GROUP BY w.key""").fetch_arrow_table()


def _q(text: str) -> str:
    return text.replace("'", "''")
