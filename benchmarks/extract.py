"""Indicator extraction: jingwang against iocextract and ioc-finder on the labelled corpus.

    python benchmarks/extract.py [--corpus PATH] [--mb 5] [--finder-mb 1] [--chunk-kb 8]

Quality: every tool runs on each corpus line; its output is mapped to our kinds and put in our
canonical form the same way for every peer (domain -> registered domain with the bundled public
suffix list, url -> lowercase scheme and host with ``hxxp`` refanged, ``t.me/<handle>`` ->
telegram, phone -> E.164 through phonenumbers with region CN, email lowercase), then scored on
the set of ``(line id, kind, value)`` (``tests/indicators/scoring.py``). jingwang's output is
taken as it comes, since canonical values are its contract.

Throughput: the corpus text is repeated to at least ``--mb`` MB of UTF-8 (MB = 10^6 bytes) and
each tool makes one timed pass over all of it, best of 3; only the tool's own calls are timed,
not our mapping. The text is handed over as consecutive records of about ``--chunk-kb`` KB (whole
lines, never split), the way posts and pages arrive: iocextract is superlinear on one long
string (0.05 MB takes 0.7 s, 0.2 MB 2.8 s, so 5 MB in one call would take hours), and 8 KB
records suit every tool. ``--chunk-kb 0`` passes the whole text as one string. ioc-finder is
slow, so it gets a smaller text (``--finder-mb``); MB/s is computed on what it was given.

Quality is also measured on the hand-labelled real chat lines in ``tests/indicators/``
(``real_heldout.jsonl``, seen while tuning the rules; ``real_untouched.jsonl``, never looked at
while tuning), and throughput on real platform text too (``shared/data/content/real_chat.jsonl``,
far less dense in indicators than the corpus), when those files are present.

The last line printed is the one-line summary.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import phonenumbers
import tldextract

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "indicators"))

import scoring  # noqa: E402

Pairs = set[tuple[str, str]]

SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
IPV4 = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")
TME = re.compile(r"^(?:https?://)?t\.me/([A-Za-z][A-Za-z0-9_]{4,31})/?$", re.I)
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", re.S)


# --------------------------------------------------------------------------------------------
# Mapping peers' output to our kinds and canonical forms
# --------------------------------------------------------------------------------------------


def refang_host(host: str) -> str:
    return host.replace("[.]", ".").replace("(.)", ".").replace("[dot]", ".").strip(".").lower()


def canon_domain(host: str) -> str | None:
    host = refang_host(host).split(":")[0]
    if IPV4.fullmatch(host):
        return None
    reg = SUFFIXES(host).top_domain_under_public_suffix
    return reg or None


def canon_ip(text: str) -> str | None:
    m = IPV4.fullmatch(text.strip())
    if not m or any(int(g) > 255 for g in m.groups()):
        return None
    return ".".join(str(int(g)) for g in m.groups())


def canon_url(text: str) -> Pairs:
    """A url (only with a scheme or a path, as our contract says) plus its registered domain."""
    out: Pairs = set()
    text = text.strip()
    m = TME.match(text)
    if m:
        return {("telegram", m.group(1).lower())}
    sm = SCHEME.match(text)
    scheme, rest = (sm.group(1).lower(), sm.group(2)) if sm else ("", text)
    scheme = {"hxxp": "http", "hxxps": "https", "hxxxp": "http"}.get(scheme, scheme)
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0),
              default=len(rest))
    host, path = refang_host(rest[:cut]), rest[cut:]
    if not host:
        return out
    if scheme or path:
        out.add(("url", f"{scheme or 'http'}://{host}{path}"))
    reg = canon_domain(host)
    if reg:
        out.add(("domain", reg))
    return out


def canon_phone(text: str) -> str | None:
    try:
        num = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def _add(out: Pairs, kind: str, value: str | None) -> None:
    if value:
        out.add((kind, value))


# --------------------------------------------------------------------------------------------
# Tools: raw call (timed) and mapping (not timed)
# --------------------------------------------------------------------------------------------


def iocextract_raw(text: str) -> dict[str, list[str]]:
    import iocextract

    return {
        "urls": list(iocextract.extract_urls(text, refang=True)),
        "ips": list(iocextract.extract_ips(text, refang=True)),
        "emails": list(iocextract.extract_emails(text, refang=True)),
        "phones": list(iocextract.extract_telephone_nums(text)),
    }


def iocextract_map(raw: dict[str, list[str]]) -> Pairs:
    out: Pairs = set()
    for u in raw["urls"]:
        out |= canon_url(u)
    for ip in raw["ips"]:
        _add(out, "ip", canon_ip(ip))
    for e in raw["emails"]:
        out.add(("email", e.strip().lower()))
    for p in raw["phones"]:
        _add(out, "phone", canon_phone(p))
    return out


FINDER_TYPES = ("urls", "domains", "email_addresses", "ipv4s", "bitcoin_addresses")


def finder_raw(text: str) -> dict:
    from ioc_finder import find_iocs

    # Emails do not yield a domain in our contract; ask ioc-finder for the same.
    return find_iocs(text, parse_domain_from_email_address=False,
                     included_ioc_types=FINDER_TYPES)


def finder_map(raw: dict) -> Pairs:
    out: Pairs = set()
    tme_hosts = set()
    for u in raw.get("urls", []):
        pairs = canon_url(u)
        out |= pairs
        if any(k == "telegram" for k, _ in pairs):
            tme_hosts.add("t.me")
    for d in raw.get("domains", []):
        reg = canon_domain(d)
        if reg and reg not in tme_hosts:
            out.add(("domain", reg))
    for e in raw.get("email_addresses", []):
        out.add(("email", e.lower()))
    for ip in raw.get("ipv4s", []):
        _add(out, "ip", canon_ip(ip))
    for b in raw.get("bitcoin_addresses", []):
        out.add(("btc", b))
    return out


def jingwang_raw(text: str) -> list:
    from jingwang.indicators import extract_indicators

    return list(extract_indicators(text))


def jingwang_map(raw: list) -> Pairs:
    return {(i.kind, i.value) for i in raw}


TOOLS: dict[str, tuple[Callable, Callable]] = {
    "jingwang": (jingwang_raw, jingwang_map),
    "iocextract": (iocextract_raw, iocextract_map),
    "ioc-finder": (finder_raw, finder_map),
}


def available(name: str) -> str | None:
    """None when the tool can run, else why not."""
    module = {"jingwang": "jingwang.indicators", "iocextract": "iocextract",
              "ioc-finder": "ioc_finder"}[name]
    try:
        __import__(module)
    except ImportError as exc:
        return f"{module} not importable ({exc})"
    return None


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def records(texts: Iterable[str], mb: float, chunk_kb: float) -> list[str]:
    """The corpus lines repeated to at least ``mb`` MB, joined into ~``chunk_kb`` KB records."""
    texts = list(texts)
    size = sum(len(t.encode("utf-8")) + 1 for t in texts)
    lines = texts * max(1, -(-int(mb * 1_000_000) // size))
    if chunk_kb <= 0:
        return ["\n".join(lines)]
    out: list[str] = []
    cur: list[str] = []
    n = 0
    for line in lines:
        cur.append(line)
        n += len(line.encode("utf-8")) + 1
        if n >= chunk_kb * 1000:
            out.append("\n".join(cur))
            cur, n = [], 0
    if cur:
        out.append("\n".join(cur))
    return out


def throughput(raw: Callable, recs: list[str], repeats: int = 3) -> tuple[float, float]:
    """(MB/s, MB): 10^6 bytes of UTF-8 per second, best of ``repeats`` passes over ``recs``."""
    nbytes = sum(len(r.encode("utf-8")) for r in recs) + len(recs) - 1
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for rec in recs:
            raw(rec)
        best = min(best, time.perf_counter() - t0)
    return nbytes / 1_000_000 / best, nbytes / 1_000_000


REAL_SETS = {
    "real": ROOT / "tests" / "indicators" / "real_heldout.jsonl",
    "real-untouched": ROOT / "tests" / "indicators" / "real_untouched.jsonl",
}
REAL_CHAT = ROOT.parent / "shared" / "data" / "content" / "real_chat.jsonl"


def quality(raw: Callable, mapper: Callable, rows: list[dict]) -> dict:
    """Per-kind and micro scores of one tool on one labelled corpus."""
    pred = {(r["id"], kind, value) for r in rows for kind, value in mapper(raw(r["text"]))}
    return scoring.score(scoring.gold_triples(rows), pred)


def real_chat_texts(limit_mb: float) -> list[str]:
    """Real platform text (shared/data/content/real_chat.jsonl), up to ``limit_mb`` MB."""
    import json

    out, size = [], 0
    with REAL_CHAT.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            out.append(text)
            size += len(text.encode("utf-8")) + 1
            if size >= limit_mb * 1_000_000:
                break
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=scoring.CORPUS, help="JSON-lines corpus")
    ap.add_argument("--mb", type=float, default=5.0, help="throughput text size (MB)")
    ap.add_argument("--finder-mb", type=float, default=1.0,
                    help="throughput text size for the slow ioc-finder (MB)")
    ap.add_argument("--chunk-kb", type=float, default=8.0,
                    help="record size handed to each call (KB); 0 = the whole text at once")
    ap.add_argument("--repeats", type=int, default=3, help="best of N timing runs")
    args = ap.parse_args(argv)

    try:
        rows = scoring.load_corpus(args.corpus)
        real = {name: scoring.load_corpus(path) for name, path in REAL_SETS.items()
                if path.exists()}
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    texts = [r["text"] for r in rows]
    print(f"corpus {args.corpus}: {len(rows)} lines, {len(scoring.gold_triples(rows))} gold "
          f"indicators, {sum(not r['indicators'] for r in rows)} lines without any")
    for name, real_rows in real.items():
        print(f"{name}: {REAL_SETS[name].name}, {len(real_rows)} hand-labelled real chat lines")
    chat = real_chat_texts(args.mb) if REAL_CHAT.exists() else []
    if not chat:
        print(f"real-text throughput skipped: {REAL_CHAT} not found")

    summary = []
    for name, (raw, mapper) in TOOLS.items():
        why = available(name)
        if why:
            print(f"\n== {name}: skipped, {why}")
            summary.append(f"{name} n/a")
            continue
        scores = quality(raw, mapper, rows)
        mb = args.finder_mb if name == "ioc-finder" else args.mb
        speed, size = throughput(raw, records(texts, mb, args.chunk_kb), args.repeats)
        print(f"\n== {name}  (throughput on {size:.1f} MB of corpus text in "
              f"~{args.chunk_kb:g} KB records: {speed:.2f} MB/s)")
        print(scoring.format_table(scores))
        part = f"{name} F1 {scores['micro'].f1:.3f}"
        for real_name, real_rows in real.items():
            real_scores = quality(raw, mapper, real_rows)
            m = real_scores["micro"]
            print(f"  on {real_name}: P {m.precision:.3f} R {m.recall:.3f} F1 {m.f1:.3f}")
            part += f" / {real_name} {m.f1:.3f}"
        part += f", {speed:.2f} MB/s dense"
        if chat:
            chat_speed, chat_size = throughput(
                raw, records(chat, mb, args.chunk_kb), max(1, args.repeats - 1))
            print(f"  throughput on {chat_size:.1f} MB of real chat text: {chat_speed:.2f} MB/s")
            part += f" / {chat_speed:.2f} MB/s real"
        summary.append(part)
    print()
    print(" | ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
