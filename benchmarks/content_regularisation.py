"""The n-gram layer's regularisation: macro-F1 of the fast layers on the held-out authors of
the corpus (split (a) of ``benchmarks/content.py``) and the share of held-out real benign chat
flagged, for each C of the per-category logistic regressions — how the shipped C was chosen.

    python benchmarks/content_regularisation.py [--c 2,8,32,128,512]

Each C is a whole :func:`jingwang.content.train.build_model` (bars tuned out of fold by
author), about two and a half minutes on two cores.  The C is chosen on the held-out split
itself, so the chosen C's score there is a little optimistic.  The last line is the summary.
"""

from __future__ import annotations

import argparse
import time

from content import data_arguments, flagged_share, predict, read_splits, score
from jingwang.content.train import build_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arguments(parser)
    parser.add_argument("--c", default="2,8,32,128,512")
    args = parser.parse_args()
    data = read_splits(args.corpus, args.real)
    cut = data.cut
    summary = []
    for c in (float(x) for x in args.c.split(",")):
        start = time.perf_counter()
        model = build_model(cut.train + data.real_train, c=c)
        rows, macro, _ = score(cut.test, predict([e.text for e in cut.test], "fast", model))
        flagged = flagged_share(data.benign, model)
        print(f"C {c:g}: (a) macro-F1 {macro:.3f}; real benign flagged {flagged:.3%}; recall "
              f"violence {rows['violence_for_hire'][1]:.3f} suicide "
              f"{rows['suicide_pact'][1]:.3f} ({time.perf_counter() - start:.0f} s)",
              flush=True)
        summary.append(f"C {c:g} {macro:.3f}")
    print("content regularisation: (a) macro-F1 " + ", ".join(summary))


if __name__ == "__main__":
    main()
