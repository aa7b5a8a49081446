"""From numbers to verdicts: the reasons each client fires, a score 0–1 and a kind.

Each rule below looks at one client (an address, an account, a session or a device: `features`)
and, when it fires, gives a weight and a sentence a person can check against the log.  A
client's score is 1 - Π(1 - weight) over its rules; it is flagged at `FLAG_AT`.  A crawler whose
address is its operator's is never flagged, whatever else it did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingwang.traffic.features import FeatureOptions

FLAG_AT = 0.7


@dataclass(frozen=True)
class Rule:
    name: str
    weight: float


RULES = {r.name: r for r in (
    Rule("fast_reaction", 0.9), Rule("fast_once", 0.4), Rule("every_release", 0.8),
    Rule("skips_page", 0.6), Rule("proxy_pool", 0.75), Rule("many_accounts", 0.35),
    Rule("agent_rotation", 0.5), Rule("scripting_agent", 0.6), Rule("headless_agent", 0.8),
    Rule("impossible_agent", 0.6), Rule("outdated_agent", 0.4), Rule("burst", 0.7),
    Rule("regular", 0.6), Rule("no_static", 0.25), Rule("fake_crawler", 0.95),
    Rule("ddos_source", 0.95), Rule("bot_network", 0.5), Rule("declared_bot", 0.45),
    Rule("robots_txt", 0.5), Rule("no_referer", 0.3), Rule("probing", 0.6),
)}


# Rules that make a flagged client a scalper (they are about booking).
BOOKING_RULES = ("fast_reaction", "fast_once", "every_release", "skips_page", "proxy_pool")
RULE_BITS = {name: 1 << i for i, name in enumerate(RULES)}
_LOG_KEEP = {name: float(np.log1p(-rule.weight)) for name, rule in RULES.items()}


@dataclass(frozen=True)
class Thresholds:
    """Where the booking and agent rules fire; the batch scan and the live watcher share them."""

    fast_bookings: int = 2          # fast_reaction: this many bookings right after a release
    releases_near: int = 2          # every_release: near this many releases (an account) …
    releases_near_ip: int = 3       # … or an address, which several people may share
    near_share: float = 0.6         # … with this share of its rush bookings that near
    no_page_bookings: int = 2       # skips_page: this many bookings with no flow before them
    no_page_share: float = 0.8      # … this share of all its bookings
    pool_ips: int = 10              # proxy_pool: this many addresses …
    pool_nets: int = 8              # … in this many /24s (or ASNs below)
    pool_asns: int = 5
    pool_ip_share: float = 0.45     # … a new address for this share of its requests
    agent_share: float = 0.5        # agent rules: this share of its requests from such an agent


THRESHOLDS = Thresholds()


def combined_score(rules) -> float:
    """1 - Π(1 - weight) over the named rules."""
    return 1.0 - math.prod(1.0 - RULES[r].weight for r in rules)


@dataclass
class Verdicts:
    """The clients of one kind that fire any rule: their keys, rule bitmasks (`RULE_BITS`),
    scores, reasons ('<kind> <key>: …; …', strongest first) and evidence ('<kind>: file:line
    (first fast booking | first request)')."""

    keys: pa.Array
    mask: np.ndarray
    score: np.ndarray
    text: pa.Array
    evidence: pa.Array

    def flagged(self) -> set[str]:
        return set(pc.filter(self.keys, pa.array(self.score >= FLAG_AT)).to_pylist())


def mask_score(mask: np.ndarray) -> np.ndarray:
    """1 - Π(1 - weight) over the rules set in each mask."""
    total = np.zeros(len(mask))
    for name, bit in RULE_BITS.items():
        total += np.where(mask & bit, _LOG_KEEP[name], 0.0)
    return 1.0 - np.exp(total)


def score_entities(kind: str, feats: pa.Table, opt: FeatureOptions,
                   fake_crawlers: dict[str, str], verified: set[str],
                   ddos_sources: dict[str, str], agents: list[str],
                   files: list[str]) -> Verdicts:
    """Verdicts for the clients of one kind (ip, account, session, device) with any rule;
    `agents` are the user agents `ua` points into, `files` the names `file` does."""
    c = {name: _numpy(feats.column(name)) for name in feats.column_names}
    n = c["n"].astype(float)
    fired: dict[str, tuple[np.ndarray, object]] = {}

    def fire(rule: str, mask: np.ndarray, text) -> None:
        fired[rule] = (np.asarray(mask, dtype=bool), text)

    th = THRESHOLDS
    fire("fast_reaction", c["books_fast"] >= th.fast_bookings,
         lambda i: f"booked {c['books_fast'][i]} times within {opt.fast_s:.0f} s of a slot "
                   f"release (fastest {c['min_reaction'][i]:.1f} s; people need seconds)")
    fire("fast_once", c["books_fast"] == 1,
         lambda i: f"booked once within {opt.fast_s:.0f} s of a slot release")
    share_near = np.divide(c["books_near"], np.maximum(c["books_rush"], 1))
    fire("every_release", (c["releases_near"] >= (th.releases_near_ip if kind == "ip"
                                                  else th.releases_near))
         & (share_near >= th.near_share),
         lambda i: f"booked within {opt.near_s:.0f} s of {c['releases_near'][i]} different "
                   f"releases (median {np.nan_to_num(c['median_reaction'][i]):.1f} s after)")
    fire("skips_page", (c["books_no_page"] >= th.no_page_bookings)
         & (c["books_no_page"] >= th.no_page_share * np.maximum(c["n_book"], 1)),
         lambda i: f"{c['books_no_page'][i]} of {c['n_book'][i]} bookings with no page view "
                   f"before them (the API called directly)")
    if kind != "ip":
        fire("proxy_pool", ((c["n_net"] >= th.pool_nets) | (c["n_asn"] >= th.pool_asns))
             & (c["n_ip"] >= th.pool_ips) & (c["n_ip"] >= th.pool_ip_share * (n - c["n_static"])),
             lambda i: f"used from {c['n_ip'][i]} addresses in {c['n_net'][i]} /24 networks"
                       + (f" and {c['n_asn'][i]} ASNs" if c["n_asn"][i] else "")
                       + f" for {int(n[i])} requests (a fresh proxy exit almost every request)")
        fire("agent_rotation", c["n_ua"] >= 4,
             lambda i: f"{c['n_ua'][i]} different user agents (rotated)")
    else:
        fire("many_accounts", c["n_account"] >= 10,
             lambda i: f"{c['n_account'][i]} accounts from one address")
        fire("agent_rotation", (c["n_ua"] >= 6) & (c["n_account"] <= 2),
             lambda i: f"{c['n_ua'][i]} different user agents from one address")
    for rule, col, what in (("scripting_agent", "ua_scripting", "a scripted client"),
                            ("declared_bot", "ua_declared", "a crawler that says so"),
                            ("headless_agent", "ua_headless", "a headless browser"),
                            ("impossible_agent", "ua_impossible", "an impossible browser"),
                            ("outdated_agent", "ua_outdated", "a long-outdated browser")):
        fire(rule, c[col] >= th.agent_share * n,
             lambda i, col=col, what=what: f"{c[col][i]} of {int(n[i])} requests from {what} "
                                           f"({_agent(agents, c['odd_ua'][i])})")
    fire("burst", c["bucket_peak"] > opt.bucket_capacity,
         lambda i: f"overflowed a leaky bucket (capacity {opt.bucket_capacity:.0f}, one token "
                   f"per {opt.bucket_leak_s} s): level {c['bucket_peak'][i]:.0f}")
    cv = np.divide(np.nan_to_num(c["gap_sd"]), np.maximum(np.nan_to_num(c["gap_mean"]), 1e-9))
    fire("regular", (c["n_gaps"] >= 30) & (cv < 0.35) & (np.nan_to_num(c["gap_mean"]) < 60),
         lambda i: f"{c['n_gaps'][i] + 1} requests at a metronome's pace (every "
                   f"{c['gap_mean'][i]:.1f} s, variation {cv[i]:.2f})")
    fire("robots_txt", c["n_robots"] >= 1,
         lambda i: f"asked for robots.txt {c['n_robots'][i]} times (people never do)")
    fire("probing", (n >= 20) & (c["n_probe"] >= 0.5 * n),
         lambda i: f"{c['n_probe'][i]} of {int(n[i])} requests refused or not found (probing)")
    fire("no_referer", (c["n_page"] >= 20) & (c["n_page_ref"] == 0) & (kind == "ip"),
         lambda i: f"{c['n_page'][i]} pages and not one with a referer")
    fire("no_static", (c["n_page"] >= 10) & (c["n_static"] == 0) & (kind == "ip"),
         lambda i: f"{c['n_page'][i]} pages and not one of their images, scripts or styles")
    keys = c["key"]
    if kind == "ip":
        fake = np.array([k in fake_crawlers for k in keys.tolist()], dtype=bool)
        fire("fake_crawler", fake, lambda i: fake_crawlers[keys[i]])
        src = np.array([k in ddos_sources for k in keys.tolist()], dtype=bool)
        fire("ddos_source", src, lambda i: ddos_sources[keys[i]])
    mask = np.zeros(len(keys), dtype=np.int64)
    for rule, (hit, _) in fired.items():
        mask |= np.where(hit, RULE_BITS[rule], 0)
    rows = np.flatnonzero(mask)
    parts: dict[int, list[str]] = {i: [] for i in rows.tolist()}
    for rule in sorted(fired, key=lambda r: -RULES[r].weight):    # strongest reason first
        hit, text = fired[rule]
        for i in np.flatnonzero(hit).tolist():
            parts[i].append(f"{kind} {keys[i]}: {text(i)}")
    evidence = []
    for i in rows.tolist():
        fast = c["fast_line"][i]
        file, line, what = ((c["fast_file"][i], fast, "first fast booking") if fast > 0 else
                            (c["first_file"][i], c["first_line"][i], "first request"))
        evidence.append(f"{kind}: {files[int(file)]}:{int(line)} ({what})")
    picked = mask[rows]
    score = mask_score(picked)
    if kind == "ip" and verified:
        score[np.isin(keys[rows], list(verified))] = 0.0
    return Verdicts(pa.array(keys[rows].tolist(), pa.string()), picked, score,
                    pa.array(["; ".join(parts[i]) for i in rows.tolist()], pa.string()),
                    pa.array(evidence, pa.string()))


def _agent(agents: list[str], ua_id) -> str:
    try:
        text = agents[int(ua_id)]
    except (TypeError, ValueError, IndexError):
        return "no agent"
    return text[:60] or "no agent"


def _numpy(col: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_decimal(col.type) or pa.types.is_integer(col.type):
        return col.cast(pa.int64()).fill_null(0).to_numpy()
    if pa.types.is_floating(col.type):
        return col.cast(pa.float64()).to_numpy(zero_copy_only=False)
    return col.to_numpy(zero_copy_only=False)
