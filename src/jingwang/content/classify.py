"""Classify a Chinese text into the 净网 categories, with scores, explanations, urgency and the
indicators it carries.

:func:`classify` is the one call: normalise the text, weigh the knowledge base's evidence per
category (:mod:`jingwang.content.rules`), extract the indicators, keep the categories at or
above their thresholds (best first; an empty list means benign), and say how urgent it is.

Urgency (``immediate``, ``high``, ``normal``) is about lives: a text arranging violence or a
suicide pact is ``immediate`` when it also carries a time (今晚, 明天8点, 已到达) or a place or
target (酒店, 住在, 他的照片), since that is when the police can still stop it; without them it
is ``high``, as is harm to minors; everything else is ``normal``.  The reason says which cue
decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from jingwang.content.encoder import GATE, EncoderHead, available, embed, load_head
from jingwang.content.kb import KnowledgeBase, load_kb
from jingwang.content.model import NgramModel, load_model
from jingwang.content.normalise import Normalised, normalise
from jingwang.content.rules import CONTACT_KINDS, Gathered, gather
from jingwang.indicators import Extracted, extract_indicators

THRESHOLD = 0.7
"""The score a category needs to be reported by the knowledge base alone (the n-gram model
carries a threshold per category of its own)."""

NEWS_GATE = 3
"""A text with this many distinct news or education cues (警方, 破获, 记者, 谨防 …), no contact
detail and nothing soliciting reads as reporting about a crime, not as the crime: benign."""
NEWS_GATE_ALONE = 8
"""With this many, a text is a report or a notice whatever else it holds (an article quotes the
ads it reports on, and its site's contact address)."""
LIFE_AT_RISK = ("violence_for_hire", "suicide_pact")
HIGH_CATEGORIES = frozenset({*LIFE_AT_RISK, "minor_harm"})
URGENCY_LEVELS = ("immediate", "high", "normal")


@dataclass(frozen=True)
class CategoryScore:
    category: str
    score: float
    explanation: str

    def to_dict(self) -> dict[str, object]:
        return {"category": self.category, "score": round(self.score, 3),
                "explanation": self.explanation}


@dataclass
class ContentResult:
    """What one text is: its categories above threshold, urgency with its reason, indicators,
    and every category's score (benign ones included, for thresholds and benchmarks)."""

    categories: list[CategoryScore]
    urgency: str
    urgency_reason: str
    indicators: list[Extracted]
    scores: dict[str, float] = field(default_factory=dict)
    encoded: bool = False  # whether the encoder layer read it (the cascade passed it on)

    @property
    def benign(self) -> bool:
        return not self.categories

    @property
    def labels(self) -> list[str]:
        return [c.category for c in self.categories]

    def to_dict(self, record_id: str | None = None) -> dict[str, object]:
        return {"id": record_id, "categories": [c.to_dict() for c in self.categories],
                "urgency": self.urgency, "urgency_reason": self.urgency_reason,
                "indicators": [{"kind": i.kind, "value": i.value, "raw": i.raw}
                               for i in self.indicators]}


def _contact(indicators: list[Extracted]) -> str | None:
    for item in indicators:
        if item.kind in CONTACT_KINDS:
            return f"{item.kind} {item.raw}"
    return None


def urgency_of(labels: Iterable[str], norm: Normalised, kb: KnowledgeBase) -> tuple[str, str]:
    """(urgency, reason) of a text with these categories."""
    labels = list(labels)
    for code in LIFE_AT_RISK:
        if code not in labels or code not in kb.categories:
            continue
        category = kb.categories[code]
        said = []
        for what, patterns in (("time", category.times), ("place or target", category.targets)):
            for pattern in patterns:
                match = pattern.search(norm.text)
                if match:
                    said.append(f"{what} {norm.original(match.start(), match.end())}")
                    break
        if said:
            return "immediate", f"{code} with {' and '.join(said)}"
    risky = [code for code in labels if code in HIGH_CATEGORIES]
    if risky:
        return "high", f"{risky[0]} without a time, place or target"
    return "normal", ""


MODEL_ALONE = 0.9
"""The probability the n-gram model needs to report a category the knowledge base has no
evidence for, where the model carries no bar of its own for it (n-grams of a short line
overreach: 周末一起去 ≈ 一起走).  A trained model carries one per category, tuned on authors it
did not train on (:func:`jingwang.content.train.tune_bars`)."""
MODEL_ALONE_LIFE = 0.6
"""… lower where a life may be at risk: a missed 约死 post costs more than a checked one."""
CONTESTED = float("inf")
"""… and where the category's own hard-negative cues fired and nothing for it did (家用监控 …,
毕业旅行 beside 找同伴一起走), the model alone does not decide at all: weakly regularised, it
reads a trip's 时间地点 as a pact at 0.9997."""


def kb_table(gathered: Sequence[Gathered], codes: Sequence[str]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """texts × categories: the knowledge base's score, whether it found anything for the
    category, and whether the category's own negative cues fired."""
    shape = (len(gathered), len(codes))
    score, support, contested = np.zeros(shape), np.zeros(shape, bool), np.zeros(shape, bool)
    for i, found in enumerate(gathered):
        for j, code in enumerate(codes):
            evidence = found.evidence.get(code)
            if evidence is not None:
                score[i, j] = evidence.score
                support[i, j] = evidence.score > 0
                contested[i, j] = bool(evidence.against)
    return score, support, contested


def bar_table(support: np.ndarray, contested: np.ndarray, supported: np.ndarray,
              alone: np.ndarray) -> np.ndarray:
    """texts × categories: the bar each score must reach — ``supported`` (per category) where
    the knowledge base has evidence for it; ``alone`` where the model speaks alone, or where the
    category's own hard-negative cues fired beside its evidence (家用 beside 摄像头); the higher of
    ``alone`` and :data:`CONTESTED` where those cues fired and nothing for it did."""
    alone = np.maximum(alone, supported)
    bars = np.where(support, supported, alone)
    bars = np.where(contested & support, alone, bars)
    return np.where(contested & ~support, np.maximum(alone, CONTESTED), bars)


KB_SURE = 0.8
"""The knowledge base's score that stands beside the model's probability: a strong word and a
pattern of the crime (1 − e^−1.8 ≈ 0.83).  Below it, its cue counts rank the texts of authors
the model never read worse than the model does, and taking the higher of the two lowered the
best F1 a bar could reach on them (``benchmarks/content_readings.py``)."""


def joined(raw: np.ndarray, kb_score: np.ndarray, sure: float = KB_SURE) -> np.ndarray:
    """The model's probabilities, raised to the knowledge base's score where that is
    ``sure``."""
    return np.where(kb_score >= sure, np.maximum(raw, kb_score), raw)


def default_alone(code: str) -> float:
    return MODEL_ALONE_LIFE if code in LIFE_AT_RISK else MODEL_ALONE


def decide(raw: np.ndarray, kb: tuple[np.ndarray, np.ndarray, np.ndarray],
           codes: Sequence[str], thresholds: Mapping[str, float],
           threshold: float | None = None, alone: Mapping[str, float] | None = None,
           sure: float = KB_SURE) -> tuple[np.ndarray, np.ndarray]:
    """The fast layers' scores (the model's probabilities) and the bar each must reach
    (:func:`bar_table`): the model's tuned ``thresholds`` and ``alone`` bars — which of them
    the knowledge base's evidence decides — or one ``threshold`` for everything.

    The knowledge base's own score is taken where it is higher only where it is ``sure``
    (:data:`KB_SURE`; the model's own, as its bars were tuned)."""
    kb_score, support, contested = kb  # :func:`kb_table` of the same texts and codes
    scores = joined(raw, kb_score, sure)
    if threshold is not None:
        return scores, np.full(scores.shape, threshold)
    alone = alone or {}
    supported = np.array([thresholds.get(c, 0.5) for c in codes])
    alone_bars = np.array([alone.get(c, default_alone(c)) for c in codes])
    return scores, bar_table(support, contested, supported, alone_bars)


LAYERS = ("lexicon", "fast", "encoder")
"""``lexicon``: the knowledge base alone; ``fast``: with the character n-gram model;
``encoder``: the fast layers, then the encoder for what they did not call benign."""


def _explain(code: str, gathered: Gathered, norm: Normalised, model: NgramModel | None,
             row: object, score: float) -> str:
    """The knowledge base's cues in the text's own words; where the model found the category
    on its own, the n-grams that weighed most, as written in the text."""
    found = gathered.evidence.get(code)
    if found is not None and found.support > 0:
        return found.explanation()
    if model is not None:
        quoted = []
        for gram in model.top_ngrams(row, code):
            at = norm.text.find(gram)
            if at >= 0:
                quoted.append(norm.original(at, at + len(gram)))
        if quoted:
            return f"model {score:.2f} on the words " + ", ".join(quoted)
    return f"model {score:.2f}"


def _results(texts: list[str], kb: KnowledgeBase, model: NgramModel | None,
             threshold: float | None, head: EncoderHead | None = None,
             embedder: Callable[[Sequence[str]], np.ndarray] | None = None
             ) -> list[ContentResult]:
    indicators = [extract_indicators(t) for t in texts]
    norms = [normalise(t, kb.replacer) for t in texts]
    gathered = [gather(n, kb, _contact(i)) for n, i in zip(norms, indicators, strict=True)]
    if model is None:
        codes = list(kb.categories)
        table = kb_table(gathered, codes)[0]
        bars = np.full(table.shape, THRESHOLD if threshold is None else threshold)
    else:
        codes = list(model.categories)
        features = model.features([n.text for n in norms])
        raw = model.predict_proba(features)
        found = kb_table(gathered, codes)
        table, bars = decide(raw, found, codes, model.thresholds, threshold, model.alone,
                             model.sure)
    encoded = np.zeros(len(texts), dtype=bool)
    if head is not None and model is not None:
        table, bars, encoded = _encoder(texts, found, raw, table, bars, codes, head,
                                        embedder or partial(embed, head=head))
    out = []
    for i, (row, norm, found, extracted) in enumerate(zip(table, norms, gathered, indicators,
                                                          strict=True)):
        scores = {c: float(v) for c, v in zip(codes, row, strict=True) if v > 0.01}
        kept = [c for j, c in enumerate(codes) if row[j] >= bars[i, j]]
        kept.sort(key=lambda c: (-scores[c], c))
        if kept and _reads_as_news(found, extracted):
            kept = []
        categories = [CategoryScore(c, scores[c], _explain(
            c, found, norm, model, features[i] if model is not None else None, scores[c]))
            for c in kept]
        urgency, reason = urgency_of(kept, norm, kb)
        out.append(ContentResult(categories, urgency, reason, extracted, scores,
                                 bool(encoded[i])))
    return out


def _encoder(texts: Sequence[str], kb: tuple[np.ndarray, np.ndarray, np.ndarray],
             raw: np.ndarray,
             table: np.ndarray, bars: np.ndarray, codes: Sequence[str], head: EncoderHead,
             embedder: Callable[[Sequence[str]], np.ndarray]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cascade: texts the fast layers did not call confidently benign (the knowledge base
    found something, or the n-gram model gave some category :data:`GATE`) are embedded; a
    category the head is sure of (its tuned threshold) is kept even where the fast layers
    were not, unless the category's own hard-negative cues fired with nothing for it."""
    _, support, contested = kb
    passed = support.any(axis=1) | (raw.max(axis=1) >= GATE)
    if not passed.any():
        return table, bars, passed
    order = [head.categories.index(c) for c in codes]
    probabilities = head.predict_proba(embedder([t for t, p in zip(texts, passed,
                                                                   strict=True) if p]))
    enc = np.zeros_like(table)
    enc[passed] = probabilities[:, order]
    head_bars = np.array([head.thresholds.get(c, 0.5) for c in codes])
    sure = (enc >= head_bars) & ~(contested & ~support)
    table = np.where(sure, np.maximum(table, enc), table)
    bars = np.where(sure, np.minimum(bars, table), bars)
    return table, bars, passed


def _reads_as_news(found: Gathered, indicators: list[Extracted]) -> bool:
    if len(found.news) >= NEWS_GATE_ALONE:
        return True
    if len(found.news) < NEWS_GATE or _contact(indicators) is not None:
        return False
    return not any(e.solicits for e in found.evidence.values())


def _layers_for(layers: str) -> tuple[NgramModel | None, EncoderHead | None]:
    if layers not in LAYERS:
        raise ValueError(f"unknown layers {layers!r}; one of {', '.join(LAYERS)}")
    if layers == "encoder" and not available():
        raise ValueError("the encoder layer needs the encoder extra: "
                         "pip install 'jingwang[encoder]'")
    model = load_model() if layers in ("fast", "encoder") else None
    return model, load_head() if layers == "encoder" else None


def _resolve(layers: str, model: NgramModel | None, head: EncoderHead | None
             ) -> tuple[NgramModel | None, EncoderHead | None]:
    shipped_model, shipped_head = _layers_for(layers)
    return (model if model is not None else shipped_model,
            head if head is not None or layers != "encoder" else shipped_head)


def classify(text: str, kb: KnowledgeBase | None = None, threshold: float | None = None,
             layers: str = "fast", model: NgramModel | None = None,
             head: EncoderHead | None = None) -> ContentResult:
    """The categories of ``text`` above their thresholds, best first, with urgency and
    indicators.  ``layers``: ``lexicon`` (the knowledge base alone), ``fast`` (the default:
    with the shipped n-gram model where it has been built) or ``encoder`` (then the encoder
    for what the fast layers did not call benign; needs ``jingwang[encoder]``)."""
    model, head = _resolve(layers, model, head)
    if layers == "lexicon":
        model, head = None, None
    return _results([text], kb or load_kb(), model, threshold, head)[0]


def classify_many(texts: Iterable[str], kb: KnowledgeBase | None = None,
                  threshold: float | None = None, layers: str = "fast",
                  model: NgramModel | None = None, head: EncoderHead | None = None,
                  batch: int = 512,
                  embedder: Callable[[Sequence[str]], np.ndarray] | None = None
                  ) -> Iterator[ContentResult]:
    """:func:`classify` over many texts, the model run a batch at a time."""
    kb = kb or load_kb()
    model, head = _resolve(layers, model, head)
    if layers == "lexicon":
        model, head = None, None
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == batch:
            yield from _results(chunk, kb, model, threshold, head, embedder)
            chunk = []
    if chunk:
        yield from _results(chunk, kb, model, threshold, head, embedder)
