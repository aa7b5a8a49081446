"""Report triage: the keyword category suggestion (`suggest_category`) on simulated citizen
reports and on real chat text.

    python benchmarks/report_triage.py [--seeds 7,11] [--scale small] [--real PATH]

Simulated: a world per seed is written to a temporary folder (`simulate_world`) and every report
in ``reports.jsonl`` is triaged against ``truth/reports.csv``.  On illicit reports, accuracy is
the share whose suggestion is the true category (no suggestion counts wrong) and coverage the
share with any suggestion; on benign reports, the false-suggestion rate is the share with any
suggestion.  The per-category table is for the first seed.  The lexicon was written from the
seeds' police reports and crime vocabulary, not fitted on these reports; the simulator's report
wording shares that vocabulary, so these figures are optimistic for real reports.

Real: every line of ``shared/data/content/real_chat.jsonl`` (tg-spam, qq-group, cold; binary
labels, not our categories).  Benign lines (ham, normal, offensive, safe) that get any
suggestion are false suggestions (per source); spam/ad lines that get one are covered (whether
the category is right cannot be told from these labels).  The most frequent suggested categories
and matched words on benign lines are listed, since they are where the false suggestions come
from.

The last line printed is the summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from jingwang.categories import CATEGORIES
from jingwang.content.lexicon import suggest_category
from jingwang.simulate.run import simulate_world

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "content" / "real_chat.jsonl"
if not REAL.exists():
    REAL = ROOT / "shared" / "data" / "content" / "real_chat.jsonl"
BENIGN = {"ham", "normal", "offensive", "safe"}
ADS = {"spam", "ad"}


def _share(n: int, d: int) -> float:
    return n / d if d else 0.0


def score_world(world: Path) -> dict[str, object]:
    """Triage every report of a written world against its truth."""
    texts: dict[str, str] = {}
    with (world / "reports.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            texts[r["id"]] = r.get("text") or ""
    with (world / "truth" / "reports.csv").open(encoding="utf-8", newline="") as f:
        truth = list(csv.DictReader(f))
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, right, suggested
    confusions: Counter[tuple[str, str]] = Counter()
    benign = benign_hit = 0
    t0 = time.perf_counter()
    for row in truth:
        s = suggest_category(texts.get(row["report_id"], ""))
        if row["label"] == "illicit":
            c = per_cat[row["category"]]
            c[0] += 1
            c[1] += s is not None and s.category == row["category"]
            c[2] += s is not None
            if s is not None and s.category != row["category"]:
                confusions[(row["category"], s.category)] += 1
        else:
            benign += 1
            benign_hit += s is not None
    seconds = time.perf_counter() - t0
    n = sum(c[0] for c in per_cat.values())
    return {
        "illicit": n, "benign": benign, "seconds": seconds, "per_cat": dict(per_cat),
        "accuracy": _share(sum(c[1] for c in per_cat.values()), n),
        "coverage": _share(sum(c[2] for c in per_cat.values()), n),
        "false": _share(benign_hit, benign), "confusions": confusions,
    }


def score_real(path: Path) -> dict[str, object]:
    """Any-suggestion rates per source and label on the real chat lines."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # n, suggested
    benign_cats: Counter[str] = Counter()
    benign_terms: Counter[str] = Counter()
    ad_cats: Counter[str] = Counter()
    lines = 0
    t0 = time.perf_counter()
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            s = suggest_category(r["text"])
            c = counts[(r["source"], r["label"])]
            c[0] += 1
            lines += 1
            if s is None:
                continue
            c[1] += 1
            if r["label"] in BENIGN:
                benign_cats[s.category] += 1
                benign_terms.update(s.matched_terms)
            else:
                ad_cats[s.category] += 1
    seconds = time.perf_counter() - t0
    return {"counts": dict(counts), "lines": lines, "seconds": seconds,
            "benign_cats": benign_cats, "benign_terms": benign_terms, "ad_cats": ad_cats}


def _pooled(counts: dict[tuple[str, str], list[int]], labels: set[str]) -> tuple[float, int]:
    n = sum(v[0] for k, v in counts.items() if k[1] in labels)
    hit = sum(v[1] for k, v in counts.items() if k[1] in labels)
    return _share(hit, n), n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="7,11")
    ap.add_argument("--scale", default="small")
    ap.add_argument("--real", type=Path, default=REAL)
    ap.add_argument("--top", type=int, default=8, help="benign false-suggestion words to list")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s]

    results: dict[int, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="jingwang-triage-") as tmp:
        for seed in seeds:
            world = Path(tmp) / f"seed{seed}"
            simulate_world(seed, args.scale, world)
            results[seed] = score_world(world)

    print(f"simulated reports ({args.scale})")
    print(f"{'seed':>5} {'illicit':>8} {'accuracy':>9} {'coverage':>9} {'benign':>7} "
          f"{'false-sugg':>10} {'ms':>7}")
    for seed, r in results.items():
        print(f"{seed:>5} {r['illicit']:>8} {r['accuracy']:>9.3f} {r['coverage']:>9.3f} "
              f"{r['benign']:>7} {r['false']:>10.3f} {1000 * r['seconds']:>7.1f}")

    if seeds:
        first = results[seeds[0]]
        print(f"\nper category, seed {seeds[0]} (illicit reports)")
        print(f"{'category':<22} {'n':>5} {'accuracy':>9} {'coverage':>9}")
        per_cat = first["per_cat"]
        for cat in CATEGORIES:
            if cat in per_cat:
                n, right, sugg = per_cat[cat]
                print(f"{cat:<22} {n:>5} {_share(right, n):>9.3f} {_share(sugg, n):>9.3f}")
        conf = first["confusions"].most_common(5)
        if conf:
            print("most frequent wrong suggestions: "
                  + ", ".join(f"{t}->{p} {k}" for (t, p), k in conf))

    real_summary = "real data missing"
    if args.real.exists():
        rr = score_real(args.real)
        counts = rr["counts"]
        print(f"\nreal chat ({args.real.name}, {rr['lines']} lines, "
              f"{rr['seconds']:.2f} s, {rr['lines'] / max(rr['seconds'], 1e-9):,.0f} lines/s)")
        print(f"{'source':<9} {'label':<10} {'lines':>7} {'suggested':>9} {'share':>7}  kind")
        for (source, label), (n, hit) in sorted(counts.items()):
            kind = "false-suggestion" if label in BENIGN else "coverage"
            print(f"{source:<9} {label:<10} {n:>7} {hit:>9} {_share(hit, n):>7.3f}  {kind}")
        fp, nb = _pooled(counts, BENIGN)
        cov, na = _pooled(counts, ADS)
        print(f"{'all':<9} {'benign':<10} {nb:>7} {'':>9} {fp:>7.3f}  false-suggestion")
        print(f"{'all':<9} {'spam/ad':<10} {na:>7} {'':>9} {cov:>7.3f}  coverage")
        print("benign lines, suggested categories: "
              + ", ".join(f"{c} {k}" for c, k in rr["benign_cats"].most_common(args.top)))
        print("benign lines, matched words: "
              + ", ".join(f"{t} {k}" for t, k in rr["benign_terms"].most_common(args.top)))
        print("spam/ad lines, suggested categories: "
              + ", ".join(f"{c} {k}" for c, k in rr["ad_cats"].most_common(args.top)))
        real_summary = f"real benign false-suggestion {fp:.3f}, real ads covered {cov:.3f}"

    sim = " ".join(f"seed{s} {r['accuracy']:.3f}" for s, r in results.items())
    print(f"report triage: simulated accuracy {sim}; {real_summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
