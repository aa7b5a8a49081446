"""DDoS: attack windows against a learned baseline, the sources that carry them, what they hit.

`find_attacks(duck, releases)` counts requests in 10-second bins over the whole log and learns
the normal rate of each bin from the hour before it (the median of that hour's bins, which a
short burst cannot move).  A bin is hot when it holds `factor` times that rate and at least
`min_excess` requests more; hot bins less than `merge_s` apart make one window, kept when it
lasts `min_duration_s` or longer and is not a release rush (a window starting right after a slot
release whose requests are mostly bookings and slot queries is the scalpers, not a flood).

For each attack: start, end, peak rate against the baseline, the status mix, the targeted paths
(those whose share of requests inside the window is several times their share outside it), how
many requests carry a query string never seen twice (cache busting, random URIs), and the
sources: addresses with most of their requests inside the window, almost all of them to the
targeted paths, and no static files (a person caught in the flood loads the page's files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np

from jingwang.traffic.features import UA_KINDS, Compactor

BIN_S = 10.0


@dataclass(frozen=True)
class DdosOptions:
    factor: float = 5.0
    min_excess: float = 50.0         # requests per bin above the baseline
    merge_s: float = 60.0
    min_duration_s: float = 60.0
    baseline_s: float = 3600.0
    path_lift: float = 3.0
    source_share: float = 0.8
    min_sources: int = 10            # distributed: fewer are the per-address rules' business
    margin_s: float = 300.0          # a flood ramps up before it is hot: sources may start early


@dataclass
class Attack:
    start: float
    end: float
    peak_rps: float
    baseline_rps: float
    requests: int
    error_share: float
    cache_busting_share: float
    paths: list[str]
    sources: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{int(self.start)}-{int(self.end)}"

    def reason(self) -> str:
        return (f"flood of {self.requests:,} requests in {self.end - self.start:.0f} s, peak "
                f"{self.peak_rps:,.0f} req/s against a baseline of {self.baseline_rps:,.1f}, "
                f"from {len(self.sources):,} addresses; {self.error_share:.0%} refused or "
                f"dropped; {self.cache_busting_share:.0%} with a never-repeated query string; "
                f"targets {', '.join(self.paths[:5])}")


def find_attacks(duck: duckdb.DuckDBPyConnection, releases: np.ndarray,
                 names: Compactor, opt: DdosOptions | None = None) -> list[Attack]:
    """Attacks in the view `lines` (`features.COMPACT_SCHEMA`; `names` holds its strings)."""
    opt = opt or DdosOptions()
    rows = duck.execute(f"""
        SELECT floor(t / {BIN_S}) AS b, count(*) AS c,
               count_if(is_book OR is_api) AS c_book
        FROM lines GROUP BY 1 ORDER BY 1""").fetchnumpy()
    if len(rows["b"]) == 0:
        return []
    b0 = int(rows["b"][0])
    span = int(rows["b"][-1]) - b0 + 1
    counts = np.zeros(span)
    counts[rows["b"].astype(np.int64) - b0] = rows["c"]
    booking = np.zeros(span)
    booking[rows["b"].astype(np.int64) - b0] = rows["c_book"]
    hour = int(opt.baseline_s / BIN_S)
    _totals(duck)
    base = _trailing_median(counts, hour)
    hot = (counts >= opt.factor * np.maximum(base, 1.0)) & (counts - base >= opt.min_excess)
    attacks = []
    for lo, hi in _windows(np.flatnonzero(hot), int(opt.merge_s / BIN_S)):
        start, end = (b0 + lo) * BIN_S, (b0 + hi + 1) * BIN_S
        if end - start < opt.min_duration_s:
            continue
        near = releases[(releases <= end) & (releases >= start - 120)]
        if len(near) and booking[lo:hi + 1].sum() >= 0.5 * counts[lo:hi + 1].sum():
            continue                                     # a release rush, not a flood
        attack = _describe(duck, start, end, float(np.median(base[lo:hi + 1])),
                           float(counts[lo:hi + 1].max()), opt, names)
        if len(attack.sources) >= opt.min_sources:
            attacks.append(attack)
    return attacks


def _describe(duck: duckdb.DuckDBPyConnection, start: float, end: float, base: float,
              peak: float, opt: DdosOptions, names: Compactor) -> Attack:
    inside = f"t >= {start} AND t < {end}"
    stats = duck.execute(f"""
        SELECT count(*), count_if(status >= 500 OR status = 499 OR status = 429)
        FROM lines WHERE {inside}""").fetchone()
    paths = [r[0] for r in duck.execute(f"""
        WITH w AS (SELECT path, count(*) AS a FROM lines WHERE {inside} GROUP BY path),
        p AS (SELECT w.path, w.a, pt.n - w.a AS o FROM w JOIN path_totals pt USING (path)),
        tot AS (SELECT sum(a) AS ta, greatest((SELECT sum(n) FROM path_totals) - sum(a), 1)
                       AS tb FROM p)
        SELECT path FROM p, tot
        WHERE a >= 20 AND a / ta >= {opt.path_lift} * (o + 1) / tb
        ORDER BY a DESC""").fetchall()]
    duck.execute("CREATE OR REPLACE TEMP TABLE targeted (path INTEGER)")
    if paths:
        duck.execute("INSERT INTO targeted SELECT unnest(?::INTEGER[])", [paths])
    busting = duck.execute(f"""
        WITH q AS (SELECT path, query, count(*) AS c FROM lines
                   WHERE {inside} AND query <> '' AND path IN (SELECT path FROM targeted)
                   GROUP BY 1, 2)
        SELECT coalesce(sum(CASE WHEN c = 1 THEN 1 ELSE 0 END), 0) FROM q""").fetchone()[0]
    around = f"t >= {start - opt.margin_s} AND t < {end + opt.margin_s}"
    sources = [r[0] for r in duck.execute(f"""
        WITH w AS (
            SELECT ip, count(*) AS a, count_if(path IN (SELECT path FROM targeted)) AS hit
            FROM lines WHERE {around} GROUP BY ip)
        SELECT ip FROM w JOIN ip_totals it USING (ip)
        WHERE w.a >= {opt.source_share} * it.n AND w.hit >= 0.5 * w.a
          AND it.n_static = 0 AND it.n_crawler = 0""").fetchall()] if paths else []
    n = int(stats[0])
    return Attack(start, end, peak / BIN_S, base / BIN_S, n, int(stats[1]) / max(n, 1),
                  int(busting) / max(n, 1), names.names("path", paths),
                  sorted(names.names("ip", sources)))


def _totals(duck: duckdb.DuckDBPyConnection) -> None:
    """Per path and per address counts over the whole log, once for every window."""
    duck.execute("CREATE OR REPLACE TEMP TABLE path_totals AS "
                 "SELECT path, count(*) AS n FROM lines GROUP BY path")
    duck.execute(f"""CREATE OR REPLACE TEMP TABLE ip_totals AS
        SELECT ip, count(*) AS n, count_if(is_static) AS n_static,
               count_if(ua_kind = {UA_KINDS.index("crawler")}) AS n_crawler
        FROM lines GROUP BY ip""")


def _trailing_median(counts: np.ndarray, width: int) -> np.ndarray:
    """The median of the `width` bins before each bin (of the bins so far at the start)."""
    out = np.empty(len(counts))
    step = max(1, width // 12)          # recompute every few bins: the baseline moves slowly
    for i in range(0, len(counts), step):
        lo = max(0, i - width)
        window = counts[lo:i] if i > lo else counts[: max(1, min(width, len(counts)))]
        out[i:i + step] = np.median(window)
    return out


def _windows(hot: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of hot bins, joined when less than `gap` bins apart: (first, last)."""
    if len(hot) == 0:
        return []
    breaks = np.flatnonzero(np.diff(hot) > gap)
    starts = np.concatenate([[hot[0]], hot[breaks + 1]])
    ends = np.concatenate([hot[breaks], [hot[-1]]])
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
