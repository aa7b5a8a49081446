"""Precision / recall / F1 for indicator extraction against the labelled corpus.

Shared by ``tests/indicators/test_corpus_quality.py`` and ``benchmarks/extract.py``. Everything is
scored on sets of ``(line id, kind, value)`` triples: a prediction is a true positive when the
same triple is in the gold, whatever the position or raw text it came from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).with_name("corpus.jsonl")

Triple = tuple[str, str, str]  # (line id, kind, value)

# Tags that mark a line without gold (or the hard-negative spans inside a positive line).
NEGATIVE_TAGS = frozenset({"negative_seed", "negative_everyday"})


@dataclass
class PRF:
    """Counts and the derived precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn})")


def load_corpus(path: Path | str = CORPUS) -> list[dict]:
    """Corpus rows from a JSON-lines file; one clear error line for a bad row."""
    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc})") from exc
            if not isinstance(row, dict) or not {"id", "text", "indicators"} <= row.keys():
                raise ValueError(f"{path}:{n}: a row needs id, text and indicators")
            if any(not {"kind", "value"} <= ind.keys() for ind in row["indicators"]):
                raise ValueError(f"{path}:{n}: an indicator needs kind and value")
            row.setdefault("tags", [])
            rows.append(row)
    return rows


def gold_triples(rows: Iterable[dict]) -> set[Triple]:
    return {(r["id"], i["kind"], i["value"]) for r in rows for i in r["indicators"]}


def predict(rows: Iterable[dict], extract: Callable[[str], Iterable]) -> set[Triple]:
    """Run ``extract(text) -> iterable of (kind, value)`` over every row."""
    return {(r["id"], kind, value) for r in rows for kind, value in extract(r["text"])}


def score(gold: set[Triple], pred: set[Triple]) -> dict[str, PRF]:
    """Per-kind counts plus ``"micro"`` over all kinds (kinds from gold and predictions)."""
    out: dict[str, PRF] = defaultdict(PRF)
    for t in pred:
        prf = out[t[1]]
        if t in gold:
            prf.tp += 1
        else:
            prf.fp += 1
    for t in gold - pred:
        out[t[1]].fn += 1
    micro = PRF()
    for prf in out.values():
        micro.tp += prf.tp
        micro.fp += prf.fp
        micro.fn += prf.fn
    result = dict(sorted(out.items()))
    result["micro"] = micro
    return result


def errors_by_line(gold: set[Triple], pred: set[Triple]) -> dict[str, tuple[list, list]]:
    """``line id -> (false positives, false negatives)`` as sorted ``(kind, value)`` lists."""
    fps: dict[str, list] = defaultdict(list)
    fns: dict[str, list] = defaultdict(list)
    for line, kind, value in pred - gold:
        fps[line].append((kind, value))
    for line, kind, value in gold - pred:
        fns[line].append((kind, value))
    return {line: (sorted(fps.get(line, [])), sorted(fns.get(line, [])))
            for line in sorted(set(fps) | set(fns))}


def format_errors(rows: list[dict], gold: set[Triple], pred: set[Triple], limit: int = 80) -> str:
    """Readable FP/FN report, one block per line with errors."""
    text = {r["id"]: r["text"] for r in rows}
    out = []
    for n, (line, (fps, fns)) in enumerate(errors_by_line(gold, pred).items()):
        if n == limit:
            out.append("...")
            break
        out.append(f"{line}: {text.get(line, '?')}")
        out += [f"    FP {k} {v}" for k, v in fps]
        out += [f"    FN {k} {v}" for k, v in fns]
    return "\n".join(out)


def score_by_tag(rows: list[dict], gold: set[Triple], pred: set[Triple]) -> dict[str, PRF]:
    """Scores restricted to the lines that carry each tag."""
    by_tag: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for tag in r["tags"]:
            by_tag[tag].add(r["id"])
    out = {}
    for tag, ids in sorted(by_tag.items()):
        out[tag] = score({t for t in gold if t[0] in ids}, {t for t in pred if t[0] in ids})[
            "micro"]
    return out


def negative_lines_with_fp(rows: list[dict], pred: set[Triple]) -> tuple[list[str], int]:
    """Ids of indicator-free lines where something was extracted, and how many such lines."""
    neg = {r["id"] for r in rows if not r["indicators"]}
    hit = sorted({t[0] for t in pred if t[0] in neg})
    return hit, len(neg)


def format_table(scores: dict[str, PRF]) -> str:
    lines = [f"  {'kind':10s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>5s} {'fp':>5s} {'fn':>5s}"]
    for kind, s in scores.items():
        lines.append(f"  {kind:10s} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                     f"{s.tp:5d} {s.fp:5d} {s.fn:5d}")
    return "\n".join(lines)
