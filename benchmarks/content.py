"""Content classification quality and speed: the knowledge base alone ("lexicon") beside the
fast layers (knowledge base + character n-gram model), on data the model never trained on.

    python benchmarks/content.py [--corpus corpus/content] [--real PATH] [--seeds DIR]

(a) the held-out split of our corpus (:func:`jingwang.content.corpus.split`: whole authors
    where a category has several, else 20% by text hash); the model is trained here on the rest;
(b) cross-source: trained without the real data, tested on its labelled part
    (``corpus/content/real/``), where there is one;
(c) benign false positives: the share of real benign chat (``real_chat.jsonl``: ham, normal,
    safe, offensive) flagged with any category — the 60% of it no model trains on (the other
    40% joins training in (a)) — and the seed reports flagged.
Per-category precision/recall/F1 and macro-F1 over the categories the test set holds; then the
throughput of each layer on one core.  The encoder layer (``jingwang[encoder]``) is not built
yet: its column is absent.  The last line is the summary.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from jingwang.categories import CATEGORIES
from jingwang.content import classify_many
from jingwang.content.corpus import Example, read_corpus, read_real_benign, split
from jingwang.content.kb import load_kb
from jingwang.content.model import NgramModel
from jingwang.content.train import build_model

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()),
              ROOT.parent / "shared")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(examples: Sequence[Example], predicted: Sequence[Sequence[str]]
          ) -> tuple[dict[str, tuple[float, float, float, int]], float, float]:
    """Per category (P, R, F1, support) over the categories the examples hold; macro-F1; and
    the share of benign examples given any category."""
    rows = {}
    for code in CATEGORIES:
        truth = [code in e.labels for e in examples]
        if not any(truth):
            continue
        said = [code in p for p in predicted]
        tp = sum(t and s for t, s in zip(truth, said, strict=True))
        fp = sum(s and not t for t, s in zip(truth, said, strict=True))
        fn = sum(t and not s for t, s in zip(truth, said, strict=True))
        rows[code] = (*prf(tp, fp, fn), sum(truth))
    macro = sum(r[2] for r in rows.values()) / len(rows) if rows else 0.0
    benign = [p for e, p in zip(examples, predicted, strict=True) if e.benign]
    fp_rate = sum(bool(p) for p in benign) / len(benign) if benign else 0.0
    return rows, macro, fp_rate


def predict(texts: Sequence[str], layers: str, model: NgramModel | None) -> list[list[str]]:
    return [r.labels for r in classify_many(texts, layers=layers, model=model)]


def compare(title: str, examples: Sequence[Example], model: NgramModel) -> tuple[float, float]:
    texts = [e.text for e in examples]
    lex = score(examples, predict(texts, "lexicon", None))
    fast = score(examples, predict(texts, "fast", model))
    print(f"\n{title}: {len(examples):,} texts, {sum(e.benign for e in examples):,} benign")
    print(f"{'category':22} {'n':>5}  {'lexicon P/R/F1':>20}  {'fast P/R/F1':>20}")
    for code in lex[0]:
        a, b = lex[0][code], fast[0][code]
        print(f"{code:22} {a[3]:>5}  {a[0]:.3f}/{a[1]:.3f}/{a[2]:.3f}     "
              f"{b[0]:.3f}/{b[1]:.3f}/{b[2]:.3f}")
    print(f"{'macro-F1':22} {'':>5}  {lex[1]:>20.3f}  {fast[1]:>20.3f}")
    print(f"{'benign flagged':22} {'':>5}  {lex[2]:>20.3f}  {fast[2]:>20.3f}")
    return lex[1], fast[1]


def throughput(texts: Sequence[str], layers: str, model: NgramModel | None) -> float:
    start = time.perf_counter()
    for _ in classify_many(texts, layers=layers, model=model):
        pass
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "content")
    parser.add_argument("--real", type=Path, default=SHARED / "data" / "content"
                        / "real_chat.jsonl")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    args = parser.parse_args()
    load_kb()
    examples = read_corpus(args.corpus)
    cut = split(examples)
    print(f"corpus: {len(examples):,} examples; held out: "
          + ", ".join(f"{k} ({v})" for k, v in sorted(cut.how.items())))
    has_real = args.real.exists()
    known = [e.text for e in examples]
    real_train = read_real_benign(args.real, "train", known) if has_real else []
    benign = [e.text for e in read_real_benign(args.real, "test", known)] if has_real else []
    print(f"real benign chat: {len(real_train):,} lines join training, {len(benign):,} held "
          f"out for (c)")
    model = build_model(cut.train + real_train)
    a_lex, a_fast = compare("(a) held-out split of our corpus", cut.test, model)

    real = [e for e in examples if e.source == "real"]
    b_text = "(b) no labelled real data in the corpus yet"
    if real:
        written_only = build_model([e for e in examples if e.source != "real"])  # no real
        b_lex, b_fast = compare("(b) cross-source: trained without the real data, tested on it",
                                real, written_only)
        b_text = f"(b) macro-F1 lexicon {b_lex:.3f} fast {b_fast:.3f}"

    seeds = [p.read_text(encoding="utf-8") for p in sorted(args.seeds.glob("*.txt"))] \
        if args.seeds.is_dir() else []
    c_parts = []
    print(f"\n(c) benign false positives: {len(benign):,} held-out real benign chat lines, "
          f"{len(seeds)} seed reports")
    for layers, m in (("lexicon", None), ("fast", model)):
        flagged = sum(bool(p) for p in predict(benign, layers, m)) / max(1, len(benign))
        seeds_flagged = sum(bool(p) for p in predict(seeds, layers, m))
        print(f"{layers:8} real benign flagged {flagged:.4f}; seed reports flagged "
              f"{seeds_flagged}/{len(seeds)}")
        c_parts.append(f"{layers} {flagged:.3%} seeds {seeds_flagged}/{len(seeds)}")

    sample = (benign * 2)[:20_000] or [e.text for e in examples]
    lex_rate = throughput(sample, "lexicon", None)
    fast_rate = throughput(sample, "fast", model)
    print(f"\nthroughput on one core over {len(sample):,} real chat lines: lexicon "
          f"{lex_rate:,.0f} posts/s, fast layers {fast_rate:,.0f} posts/s")
    print(f"content: (a) macro-F1 lexicon {a_lex:.3f} fast {a_fast:.3f}; {b_text}; "
          f"(c) benign flagged {'; '.join(c_parts)}; fast layers {fast_rate:,.0f} posts/s")


if __name__ == "__main__":
    main()
