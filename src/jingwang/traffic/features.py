"""What each client did, as numbers: one row per IP address, account, session or device.

`Compactor.compact(batch)` turns each batch of parsed lines (`read.LINES_SCHEMA`) into the few
columns detection needs (`COMPACT_SCHEMA`), in Arrow, before DuckDB sees them: what the request
was (a booking, a page view, a static file — regexes run once per distinct path), which agent
sent it (`ua`, its class from `agents.AgentBook`, once per distinct agent), the address's /24
and, given a MaxMind ASN database, its autonomous system, and, for a booking, the latest slot
release before it (`rel`; with no schedule the releases are inferred after reading and
`with_releases` fills it in).  Strings become integer codes (`Compactor.values`).

`entity_features(duck, key)` then sums each client up in SQL — bookings and how fast they came
after releases, bookings with no page view (or captcha, or SMS code) before them, addresses,
/24 networks and ASNs per account,
accounts per address, user agents, the gaps between requests, and a leaky bucket over
non-static requests (CrowdSec's parameters by default: capacity 40, one token leaking every
0.5 s) whose level is computed in closed form: with X_i = 1 - gap_i / leak and S its running sum,
the level after request i is 1 + S_i - min(0, min_{j<=i} S_j) (Lindley's recursion).
"""

from __future__ import annotations

from collections.abc import Callable
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
# Steps of the human flow that are API calls: a captcha or an SMS verification code.
FLOW_PATTERN = r"(?i)captcha|verify|verification|smscode|sms_code|yzm"
KEYS = ("ip", "account", "session", "device")
# Strings become numbers here (an index into `Compactor.values[...]`, 0 for an empty value), so
# DuckDB sorts, joins and groups integers: ip, net (the address's /24), path, account, session,
# device and ua (the user agent; `ua_kind` its class).  The query string stays text.
CODED = ("ip", "net", "path", "account", "session", "device", "ua")
UA_KINDS = ("browser", "scripting", "headless", "outdated", "impossible", "crawler", "declared")
COMPACT_SCHEMA = pa.schema([
    ("file", pa.int16()), ("line", pa.int64()), ("ip", pa.int32()), ("net", pa.int32()),
    ("t", pa.float64()), ("path", pa.int32()), ("query", pa.string()), ("status", pa.int16()),
    ("account", pa.int32()), ("session", pa.int32()), ("device", pa.int32()),
    ("ua", pa.int32()), ("ua_kind", pa.int8()), ("asn", pa.int32()), ("is_book", pa.bool_()),
    ("is_static", pa.bool_()), ("is_page", pa.bool_()), ("is_api", pa.bool_()),
    ("is_robots", pa.bool_()), ("has_ref", pa.bool_()),
    ("rel", pa.float64()),
])


@dataclass(frozen=True)
class FeatureOptions:
    book_pattern: str = BOOK_PATTERN
    static_pattern: str = STATIC_PATTERN
    api_pattern: str = API_PATTERN
    flow_pattern: str = FLOW_PATTERN
    fast_s: float = 2.0            # a booking this soon after a release is a script's
    near_s: float = 15.0           # ... this soon, a very keen person's or a script's
    window_s: float = 600.0        # bookings this long after a release count as its rush
    page_gap_s: float = 600.0      # a page view this long before a booking counts as its flow
    bucket_capacity: float = 40.0  # CrowdSec http-crawl-non_statics
    bucket_leak_s: float = 0.5


class _Column:
    """A numpy column that grows as codes are added (one value per code)."""

    def __init__(self, dtype, width: int = 0) -> None:
        self.data = np.zeros((1024, width) if width else 1024, dtype=dtype)
        self.size = 1                                   # code 0: the empty value

    def extend(self, rows: np.ndarray) -> None:
        need = self.size + len(rows)
        if need > len(self.data):
            grown = np.zeros((max(need, 2 * len(self.data)), *self.data.shape[1:]),
                             dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size: need] = rows
        self.size = need


class Compactor:
    """Parsed batches → `COMPACT_SCHEMA`; keeps the strings behind every code (`values`), the
    class of every agent (`classes`) and, with no schedule, the bookings' times.  What belongs
    to a code — a path's flags, an agent's class, an address's /24 and ASN — is worked out once,
    when the code is new, and looked up by numpy indexing."""

    def __init__(self, book: AgentBook, opt: FeatureOptions,
                 releases: np.ndarray | None, asn: Callable[[str], int] | None = None) -> None:
        self.book, self.opt, self.releases, self.asn = book, opt, releases, asn
        self.values: dict[str, list[str]] = {k: [""] for k in CODED}
        self._codes: dict[str, dict[str, int]] = {k: {"": 0} for k in CODED}
        self.classes: list[Agent] = [book.classify("")]
        self._ua_kind = _Column(np.int8)
        self._ua_kind.data[0] = UA_KINDS.index(self.classes[0].kind)
        self._path_flags = _Column(bool, 5)
        self._ip_net = _Column(np.int32)
        self._ip_asn = _Column(np.int32)
        self.book_times: list[np.ndarray] = []

    def _encode(self, kind: str, column: pa.Array) -> np.ndarray:
        """Codes of a column (new values get the next codes)."""
        enc = pc.dictionary_encode(column)
        codes, values = self._codes[kind], self.values[kind]
        ids, new = [], []
        for text in enc.dictionary.to_pylist():
            code = codes.get(text)
            if code is None:
                code = codes[text] = len(values)
                values.append(text)
                new.append(text)
            ids.append(code)
        if new:
            self._new(kind, new)
        return np.asarray(ids, dtype=np.int32)[np.asarray(enc.indices)]

    def _new(self, kind: str, texts: list[str]) -> None:
        if kind == "ua":
            classes = [self.book.classify(text) for text in texts]
            self.classes.extend(classes)
            self._ua_kind.extend(np.array([UA_KINDS.index(c.kind) for c in classes], np.int8))
        elif kind == "path":
            o, words = self.opt, pa.array(texts, pa.string())
            self._path_flags.extend(np.stack(
                [np.asarray(pc.match_substring_regex(words, p))
                 for p in (o.book_pattern, o.static_pattern, o.api_pattern, o.flow_pattern,
                           r"^/robots\.txt$")], axis=1))
        elif kind == "ip":
            nets = pc.replace_substring_regex(pa.array(texts, pa.string()), r"\.[0-9]+$", "")
            self._ip_net.extend(self._encode("net", nets))
            self._ip_asn.extend(np.array([self.asn(x) for x in texts], np.int32) if self.asn
                                else np.zeros(len(texts), np.int32))

    def compact(self, batch: pa.RecordBatch) -> pa.Table:
        codes: dict[str, np.ndarray] = {}
        for kind in ("ip", "account", "session", "device", "ua", "path"):
            codes[kind] = self._encode(kind, batch.column(kind))
        ip, ua, path = codes["ip"], codes["ua"], codes["path"]
        codes["net"] = self._ip_net.data[ip]
        codes["asn"] = self._ip_asn.data[ip]
        flags = self._path_flags.data[path]
        book_path, static, api, flow, robots = (flags[:, i] for i in range(5))
        method = batch.column("method")
        post = np.asarray(pc.equal(method, "POST"))
        get = np.asarray(pc.equal(method, "GET"))
        is_book = post & book_path & ~flow
        cols: dict[str, pa.Array] = {k: pa.array(v) for k, v in codes.items()}
        cols["ua_kind"] = pa.array(self._ua_kind.data[ua])
        cols["is_book"] = pa.array(is_book)
        cols["is_static"] = pa.array(static)
        cols["is_page"] = pa.array((get & ~static & ~api) | flow)
        cols["is_api"] = pa.array(api)
        cols["is_robots"] = pa.array(robots)
        cols["has_ref"] = pc.not_equal(batch.column("referer"), "")
        t = batch.column("t").to_numpy(zero_copy_only=False)
        if self.releases is None:
            self.book_times.append(t[is_book])
            cols["rel"] = pa.nulls(len(t), pa.float64())
        else:
            cols["rel"] = pa.array(_latest(self.releases, t), mask=~is_book)
        return pa.table({f.name: cols[f.name] if f.name in cols else batch.column(f.name)
                         for f in COMPACT_SCHEMA}, schema=COMPACT_SCHEMA)

    def names(self, kind: str, codes) -> list[str]:
        values = self.values[kind]
        return [values[int(c)] for c in codes]


def _latest(releases: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The latest release at or before each time (NaN before the first)."""
    if len(releases) == 0:
        return np.full(len(t), np.nan)
    i = np.searchsorted(releases, t, side="right") - 1
    return np.where(i >= 0, releases[np.maximum(i, 0)], np.nan)


def with_releases(table: pa.Table, releases: np.ndarray) -> pa.Table:
    """`table` with each booking's latest release (`rel`) from `releases`."""
    t = table.column("t").to_numpy()
    booking = table.column("is_book").to_numpy(zero_copy_only=False)
    rel = pa.array(_latest(releases, t), mask=~booking)
    return table.set_column(table.schema.get_field_index("rel"), "rel", rel)


def entity_features(duck: duckdb.DuckDBPyConnection, key: str, opt: FeatureOptions) -> pa.Table:
    """One row per distinct non-empty value of `key` (ip, account, session or device)."""
    if key not in KEYS:
        raise ValueError(f"unknown client key {key!r}")
    f, near, win, leak = opt.fast_s, opt.near_s, opt.window_s, opt.bucket_leak_s
    spread = ("count(DISTINCT ip) AS n_ip, count(DISTINCT net) AS n_net, "
              "count(DISTINCT nullif(asn, 0)) AS n_asn,"
              if key != "ip" else "1 AS n_ip, 1 AS n_net, 1 AS n_asn,")
    crawler, browser = UA_KINDS.index("crawler"), UA_KINDS.index("browser")
    kinds = ", ".join(f"count_if(ua_kind = {UA_KINDS.index(k)}) AS ua_{k}"
                      for k in ("scripting", "headless", "outdated", "impossible", "declared"))
    return duck.execute(f"""
        WITH ns AS (
            SELECT {key} AS key, t, file, line, is_book, is_page, t - rel AS rel_t, rel,
                   t - lag(t) OVER w AS gap,
                   max(CASE WHEN is_page THEN t END) OVER (
                       w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_page
            FROM lines WHERE {key} <> 0 AND NOT is_static
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
                   count(DISTINCT ua) AS n_ua,
                   max(CASE WHEN ua_kind <> {browser} THEN ua END) AS odd_ua, {spread}
                   count(DISTINCT nullif(account, 0)) AS n_account,
                   count(DISTINCT nullif(device, 0)) AS n_device, {kinds},
                   count_if(ua_kind = {crawler}) AS ua_crawler,
                   count_if(is_robots) AS n_robots, count_if(is_page AND has_ref) AS n_page_ref,
                   count_if(status IN (400, 401, 403, 404, 405, 410)) AS n_probe,
                   count_if(status >= 400) AS n_errors, min(t) AS first_t, max(t) AS last_t,
                   arg_min(file, t) AS first_file, arg_min(line, t) AS first_line
            FROM lines WHERE {key} <> 0 GROUP BY {key})
        SELECT totals.*, coalesce(n_book, 0) AS n_book, coalesce(n_page, 0) AS n_page,
               coalesce(books_fast, 0) AS books_fast, coalesce(books_near, 0) AS books_near,
               coalesce(books_rush, 0) AS books_rush,
               coalesce(releases_near, 0) AS releases_near, min_reaction, median_reaction,
               coalesce(books_no_page, 0) AS books_no_page, bucket_peak,
               coalesce(n_gaps, 0) AS n_gaps, gap_mean, gap_sd, fast_file, fast_line
        FROM totals LEFT JOIN timing USING (key)""").to_arrow_table()
