"""The fast statistical layer: character n-grams of the normalised text and logistic
regressions over them (scikit-learn), with decision bars per category.

Two readings of the same n-grams are blended (:data:`MIX`): one regression per category
("is this text that trade?"), and two stages — one regression for "is this text any of the
trades?" times one multinomial regression for "which trade, given that it is one?".  The
second pools every category's positives for the first question, which carries over to authors
the model never read better than seventeen separate ones do, and the softmax of the second keeps
neighbouring trades (跑分 beside 黑卡) from both claiming a text.

It reads the text after normalisation (:mod:`jingwang.content.normalise`), so ``菠🥬`` and
``bc`` reach it as ``博彩``.  The model is saved as plain arrays — the n-gram vocabulary, its
idf, the sparse weights, the thresholds — in one ``.npz`` file with a JSON header, not a pickle:
it loads on any scikit-learn version and holds no code.  ``scripts/train_content_model.py``
builds the shipped one (``models/content_ngram.npz``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

MODEL_PATH = Path(__file__).parent / "models" / "content_ngram.npz"
NGRAMS = (1, 3)
MIN_DF = 2
MAX_FEATURES = 80_000
PRUNE = 1e-2  # weights smaller than this are dropped from the saved model
# Unweighted classes: with "balanced", a category of 500 texts among 25,000 was given such weight
# that two characters of chat ("走开") scored 0.99 — and every threshold went to the ceiling.
CLASS_WEIGHT = None
C = 128.0
"""The inverse regularisation of each per-category regression and of the "any trade" one.
Weak regularisation reads other authors better here (``benchmarks/content_regularisation.py``
sweeps it on the held-out authors); chosen on that split, so its score there is a little
optimistic."""
C_WHICH = 32.0
"""… and of the multinomial "which trade" regression."""
MIX = 0.5
"""The share of the two-stage reading in the blended probability (0: per-category only)."""


def _vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True,
                           min_df=MIN_DF if vocabulary is None else 1,
                           max_features=MAX_FEATURES if vocabulary is None else None,
                           vocabulary=vocabulary, lowercase=False, dtype=np.float32)


@dataclass
class NgramModel:
    """Per-category probabilities of normalised texts."""

    categories: tuple[str, ...]
    vectorizer: TfidfVectorizer
    weights: sparse.csr_matrix
    """features × categories, the per-category regressions; where :attr:`mix` > 0 followed
    by the "any trade" column and the multinomial "which trade" columns (2 × categories + 1)."""
    intercepts: np.ndarray
    thresholds: dict[str, float] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    alone: dict[str, float] = field(default_factory=dict)
    """The bar per category where the model speaks without the knowledge base (the
    classifier's default where empty)."""
    mix: float = 0.0
    """The two-stage reading's share of the probability (:data:`MIX`)."""
    sure: float = 0.0
    """The knowledge base's score at which it stands beside the model's probability (the
    classifier's ``KB_SURE`` where the bars were tuned so; 0: the higher of the two always)."""

    def features(self, normalised: Sequence[str]) -> sparse.csr_matrix:
        """texts × n-grams tf-idf of normalised texts."""
        return self.vectorizer.transform(normalised).tocsr()

    def predict_proba(self, normalised: Sequence[str] | sparse.csr_matrix) -> np.ndarray:
        """texts × categories probabilities (of texts, or of their :meth:`features`)."""
        features = normalised if sparse.issparse(normalised) else self.features(normalised)
        logits = (features @ self.weights).toarray() + self.intercepts
        k = len(self.categories)
        each = _sigmoid(logits[:, :k])
        if not self.mix:
            return each
        which = logits[:, k + 1:]
        which = np.exp(which - which.max(axis=1, keepdims=True))
        which /= which.sum(axis=1, keepdims=True)
        return (1.0 - self.mix) * each + self.mix * _sigmoid(logits[:, k:k + 1]) * which

    def top_ngrams(self, row: sparse.csr_matrix, category: str, k: int = 3) -> list[str]:
        """The n-grams of one text's :meth:`features` row that weigh most for ``category``
        (the longer one where one holds another), for the explanation."""
        j = self.categories.index(category)
        column = self._dense()[:, j]
        contributions = sorted(((value * column[i], i) for value, i in
                                zip(row.data, row.indices, strict=True) if column[i] > 0),
                               reverse=True)
        vocab = self._inverse()
        grams: list[str] = []
        for _, i in contributions[:4 * k]:
            gram = vocab[i]
            if len(gram) < 2 or any(gram in g for g in grams):
                continue
            grams = [g for g in grams if g not in gram] + [gram]
            if len(grams) == k:
                break
        return grams

    def _dense(self) -> np.ndarray:
        if getattr(self, "_dense_weights", None) is None:
            self._dense_weights = self.weights.toarray()
        return self._dense_weights

    def _inverse(self) -> list[str]:
        if getattr(self, "_vocab_list", None) is None:
            vocab = self.vectorizer.vocabulary_
            self._vocab_list = sorted(vocab, key=vocab.get)
        return self._vocab_list

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vectorizer.vocabulary_, key=self.vectorizer.vocabulary_.get)
        header = {"categories": list(self.categories), "thresholds": self.thresholds,
                  "alone": self.alone, "mix": self.mix, "kb_sure": self.sure, "vocabulary": vocab,
                  "meta": self.meta}
        w = self.weights.tocsr()
        np.savez_compressed(path, header=np.frombuffer(json.dumps(header, ensure_ascii=False)
                                                       .encode("utf-8"), dtype=np.uint8),
                            idf=self.vectorizer.idf_.astype(np.float32),
                            data=w.data.astype(np.float32), indices=w.indices.astype(np.int32),
                            indptr=w.indptr.astype(np.int64), shape=np.array(w.shape),
                            intercepts=self.intercepts.astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> NgramModel:
        with np.load(path) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            vocabulary = {gram: i for i, gram in enumerate(header["vocabulary"])}
            vectorizer = _vectorizer(vocabulary)
            vectorizer.idf_ = data["idf"].astype(np.float64)
            weights = sparse.csr_matrix((data["data"], data["indices"], data["indptr"]),
                                        shape=tuple(data["shape"]))
            intercepts = data["intercepts"].astype(np.float64)
        return cls(tuple(header["categories"]), vectorizer, weights, intercepts,
                   {k: float(v) for k, v in header["thresholds"].items()}, header["meta"],
                   {k: float(v) for k, v in header.get("alone", {}).items()},
                   float(header.get("mix", 0.0)), float(header.get("kb_sure", 0.0)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _binary(features: sparse.csr_matrix, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """One regression's (coefficients, intercept); a column that never fires where ``y``
    holds no positive."""
    if y.sum() == 0:
        return np.zeros(features.shape[1], dtype=np.float32), -10.0
    clf = LogisticRegression(C=c, solver="liblinear", class_weight=CLASS_WEIGHT, max_iter=200)
    clf.fit(features, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _which(features: sparse.csr_matrix, labels: Sequence[Sequence[str]],
           categories: Sequence[str], c: float) -> tuple[np.ndarray, np.ndarray]:
    """The multinomial "which trade" regression over the texts of some trade (a text of two
    trades counts once for each): features × categories coefficients and the intercepts
    (a category with no text never wins)."""
    rows, classes = [], []
    for i, row in enumerate(labels):
        for code in row:
            if code in categories:
                rows.append(i)
                classes.append(categories.index(code))
    coef = np.zeros((features.shape[1], len(categories)), dtype=np.float32)
    intercepts = np.full(len(categories), -30.0)
    clf = LogisticRegression(C=c, max_iter=300).fit(features[rows], classes)
    present = clf.classes_
    if len(present) == 2:  # scikit-learn keeps one column for two classes
        coef[:, present[1]] = clf.coef_[0]
        intercepts[present] = [0.0, float(clf.intercept_[0])]
    else:
        coef[:, present] = clf.coef_.T
        intercepts[present] = clf.intercept_
    return coef, intercepts


def train(normalised: Sequence[str], labels: Sequence[Sequence[str]],
          categories: Sequence[str], c: float = C, mix: float = MIX) -> NgramModel:
    """The per-category regressions over the texts' character n-grams and, where ``mix`` >
    0 and at least two categories have texts, the two-stage ones blended in; every threshold
    0.5 until :func:`tune_thresholds` sets them."""
    vectorizer = _vectorizer()
    features = vectorizer.fit_transform(normalised)
    columns, intercepts = [], []
    for code in categories:
        coef, b = _binary(features, np.array([code in row for row in labels], dtype=np.int8), c)
        columns.append(coef)
        intercepts.append(b)
    trades = {code for row in labels for code in row if code in categories}
    if mix and len(trades) >= 2:
        coef, b = _binary(features, np.array([any(code in categories for code in row)
                                              for row in labels], dtype=np.int8), c)
        which, which_b = _which(features, labels, list(categories), C_WHICH)
        columns += [coef, *which.T]
        intercepts += [b, *which_b]
    else:
        mix = 0.0
    weights = np.vstack(columns).T
    weights[np.abs(weights) < PRUNE] = 0.0
    return NgramModel(tuple(categories), vectorizer, sparse.csr_matrix(weights),
                      np.array(intercepts), {code: 0.5 for code in categories}, mix=mix)


def fbeta(predicted: np.ndarray, truth: np.ndarray, beta: float = 1.0) -> float:
    """F-beta of boolean predictions against boolean truth (beta 2: recall weighs twice)."""
    tp = int((predicted & truth).sum())
    b2 = beta * beta
    return (1 + b2) * tp / max(1, b2 * int(truth.sum()) + int(predicted.sum()))


def tune_thresholds(model: NgramModel | object, probabilities: np.ndarray,
                    labels: Sequence[Sequence[str]], floor: float = 0.5,
                    ceiling: float = 0.975, benign: np.ndarray | None = None,
                    budget: float = 1.0, beta: dict[str, float] | None = None
                    ) -> dict[str, float]:
    """Per category, the threshold in [floor, ceiling] with the best F-beta (``beta`` per
    category, else F1) on these (validation) texts, among those that flag at most a ``budget``
    share of the ``benign`` ones (a mask); 0.5 where the category has none, the ceiling where
    no threshold keeps within the budget."""
    out: dict[str, float] = {}
    limit = budget * int(benign.sum()) if benign is not None else None
    for j, code in enumerate(model.categories):
        y = np.array([code in row for row in labels])
        if not y.any():
            out[code] = 0.5
            continue
        best, best_f = ceiling, -1.0
        for t in np.arange(floor, ceiling + 1e-9, 0.025):
            pred = probabilities[:, j] >= t
            if limit is not None and int((pred & benign).sum()) > limit:
                continue
            f = fbeta(pred, y, (beta or {}).get(code, 1.0))
            if f > best_f + 1e-9:
                best, best_f = float(t), f
        out[code] = round(best, 3)
    return out


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> NgramModel | None:
    """The shipped model, or None where none has been built yet."""
    target = Path(path) if path else MODEL_PATH
    return NgramModel.load(target) if target.exists() else None
