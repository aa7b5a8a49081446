"""Building the n-gram layer from labelled examples: fit, stack with the knowledge base, set
thresholds — all on data the held-out test never touches.

:func:`build_model` takes training examples only.  It keeps a validation slice of them aside (by
a hash of the text), fits the n-gram model on the rest, then on the validation slice fits the
stack (the model's logit with the knowledge base's margin, per category) and the threshold per
category that gives the best F1.  ``scripts/train_content_model.py`` runs it on the corpus's
training split and saves the shipped model; ``benchmarks/content.py`` runs it per split.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import numpy as np
import sklearn

from jingwang.categories import CATEGORIES
from jingwang.content.corpus import Example, text_bucket
from jingwang.content.kb import KnowledgeBase, load_kb
from jingwang.content.model import NgramModel, fit_stack, train, tune_thresholds
from jingwang.content.normalise import normalise
from jingwang.content.rules import gather

VALIDATION_SHARE = 0.15


def margins(texts: Sequence[str], kb: KnowledgeBase, codes: Sequence[str]) -> np.ndarray:
    """texts × categories: the knowledge base's evidence for minus against."""
    rows = []
    for text in texts:
        found = gather(normalise(text, kb.replacer), kb)
        rows.append([found.margin(c) for c in codes])
    return np.array(rows, dtype=np.float64).reshape(len(texts), len(codes))


def build_model(examples: Sequence[Example], kb: KnowledgeBase | None = None,
                c: float = 8.0) -> NgramModel:
    """The n-gram layer trained on ``examples``, stacked and thresholded on a slice of them."""
    kb = kb or load_kb()
    codes = list(CATEGORIES)
    fit = [e for e in examples if text_bucket(e.text + "#val") >= VALIDATION_SHARE]
    val = [e for e in examples if text_bucket(e.text + "#val") < VALIDATION_SHARE]
    model = train([normalise(e.text, kb.replacer).text for e in fit],
                  [e.labels for e in fit], codes, c=c)
    val_labels = [e.labels for e in val]
    probabilities = model.predict_proba([normalise(e.text, kb.replacer).text for e in val])
    val_margins = margins([e.text for e in val], kb, codes)
    model.meta["stack"] = fit_stack(model, probabilities, val_margins, val_labels)
    model.thresholds = tune_thresholds(model, model.combine(probabilities, val_margins),
                                       val_labels)
    counts = Counter(label for e in fit for label in (e.labels or ("benign",)))
    model.meta.update({
        "built": dt.date.today().isoformat(), "sklearn": sklearn.__version__,
        "examples": len(fit), "validation": len(val),
        "authors": sorted({e.author for e in examples}), "per_label": dict(sorted(
            counts.items())),
    })
    return model
