"""How the n-gram layer reads a text, side by side: the per-category regressions alone, and
blended with the two-stage reading ("any trade?" × "which trade?", :data:`MIX`); the knowledge
base's score taken where it is higher everywhere (as before) or only where it is sure
(:data:`KB_SURE`).  For each: macro-F1 of the fast layers on (a) the held-out authors of the
corpus and (b) the labelled real chat, trained without any real data, and (c) the share of
held-out real benign chat flagged — the splits of ``benchmarks/content.py``.

    python benchmarks/content_readings.py [--only before,shipped]

Each reading is two whole :func:`jingwang.content.train.build_model` runs (bars tuned out of
fold by author), about three minutes each on two cores.  The last line is the summary.
"""

from __future__ import annotations

import argparse
import time

from content import data_arguments, flagged_share, predict, read_splits, score
from jingwang.content.classify import KB_SURE
from jingwang.content.model import MIX
from jingwang.content.train import build_model

READINGS = {
    "before": ("per-category, knowledge base's score wherever higher", 0.0, 0.0),
    "sure": ("per-category, knowledge base's score where sure", 0.0, KB_SURE),
    "shipped": (f"blend {MIX:g} two-stage, knowledge base's score where sure", MIX, KB_SURE),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arguments(parser)
    parser.add_argument("--only", default=",".join(READINGS))
    args = parser.parse_args()
    data = read_splits(args.corpus, args.real)
    cut, real = data.cut, data.real
    print(f"(a) {len(cut.test):,} held-out texts; (b) {len(real):,} labelled real chat lines; "
          f"(c) {len(data.benign):,} held-out real benign chat lines")
    summary = []
    for key in args.only.split(","):
        title, mix, sure = READINGS[key]
        start = time.perf_counter()
        model = build_model(cut.train + data.real_train, mix=mix, sure=sure)
        _, a, _ = score(cut.test, predict([e.text for e in cut.test], "fast", model))
        flagged = flagged_share(data.benign, model)
        b = None
        if real:
            cross = build_model(data.written, mix=mix, sure=sure)
            _, b, _ = score(real, predict([e.text for e in real], "fast", cross))
        b_text = f"{b:.3f}" if b is not None else "-"
        print(f"{key:8} {title:58} (a) {a:.3f}  (b) {b_text}  (c) {flagged:.3%}  "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
        summary.append(f"{key} (a) {a:.3f} (b) {b_text} (c) {flagged:.3%}")
    print("content readings, fast layers: " + "; ".join(summary))


if __name__ == "__main__":
    main()
