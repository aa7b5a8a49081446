"""The labelled content corpus (``corpus/content/`` in the repository): reading it and cutting
it into splits that measure generalisation.

An :class:`Example` is one text with its categories (none: benign), its author (one file of
``written/``, or the real data set it came from), its style and whether a benign text is a hard
one.  :func:`split` holds out whole authors of each category (about a sixth of it) where it has
several substantial ones, so a score measures texts written by hands the model never saw; where
one author wrote nearly all of a category, it falls back to a split by a hash of the text and
says so.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jingwang.categories import CATEGORIES


@dataclass(frozen=True)
class Example:
    text: str
    labels: tuple[str, ...]
    author: str
    style: str = ""
    hard: bool = False
    source: str = "written"

    @property
    def benign(self) -> bool:
        return not self.labels


class CorpusError(ValueError):
    """A corpus line that breaks the format: names the file, the line and the reason."""


def read_jsonl(path: Path, source: str = "written") -> Iterator[Example]:
    with path.open(encoding="utf-8") as handle:
        for row, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{row}: invalid JSON ({exc.msg})") from exc
            text, labels = item.get("text"), item.get("labels", [])
            if not isinstance(text, str) or not text.strip():
                raise CorpusError(f"{path}:{row}: no text")
            if not isinstance(labels, list) or any(x not in CATEGORIES for x in labels):
                raise CorpusError(f"{path}:{row}: labels must be category codes: {labels!r}")
            yield Example(text=text.strip(), labels=tuple(sorted(set(labels))),
                          author=str(item.get("author") or path.stem),
                          style=str(item.get("style", "")), hard=bool(item.get("hard")),
                          source=str(item.get("source") or source))


def read_corpus(folder: Path) -> list[Example]:
    """Every example under ``folder`` (``written/*.jsonl`` and ``real/*.jsonl``), de-duplicated
    by text (the first wins)."""
    seen: set[str] = set()
    out: list[Example] = []
    for sub, source in (("written", "written"), ("real", "real")):
        for path in sorted((folder / sub).glob("*.jsonl")):
            for example in read_jsonl(path, source):
                if example.text not in seen:
                    seen.add(example.text)
                    out.append(example)
    return out


REAL_BENIGN_LABELS = frozenset({"ham", "normal", "safe", "offensive"})
REAL_TRAIN_SHARE = 0.4


def read_real_benign(path: Path, part: str, exclude: Iterable[str] = ()) -> list[Example]:
    """The real chat its publishers labelled benign (``ham``, ``normal``, ``safe``,
    ``offensive``: abuse is outside our categories), cut by a hash of the text: ``part="train"``
    is 40% of it, ``part="test"`` the other 60%, which no model trains on.  Texts in
    ``exclude`` (those labelled by hand in the corpus) are left out of both."""
    if part not in ("train", "test"):
        raise ValueError("part is train or test")
    skip = set(exclude)
    out: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            text = str(item.get("text", "")).strip()
            if item.get("label") not in REAL_BENIGN_LABELS or not text or text in skip:
                continue
            in_train = text_bucket(text + "#real") < REAL_TRAIN_SHARE
            if in_train == (part == "train"):
                out.append(Example(text=text, labels=(), author=str(item.get("source")),
                                   style="chat", source="real"))
    return out


def text_bucket(text: str) -> float:
    """A stable number in [0, 1] for a text (its SHA-1), to cut splits that never change."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF


@dataclass
class Split:
    train: list[Example]
    test: list[Example]
    how: dict[str, str]  # category (or "benign") → "authors <id>, <id>" or "text hash"
    held: dict[str, frozenset[str]] = field(default_factory=dict)  # category → authors held out


HOLD_OUT_MIN_SHARE = 0.15
HOLD_OUT_MAX_SHARE = 0.4
AUTHOR_MIN_SHARE = 0.03
"""An author counts as a hand of a category when they wrote at least this share of it."""


def split(examples: Iterable[Example], test_share: float = 0.2) -> Split:
    """Hold out, for each category, whole authors' texts of it: authors taken in a fixed
    pseudo-random order (a hash of author and category), each who wrote at least 3% of the
    category, until they hold 15% of it, never more than 40%; where no such set exists (one
    author wrote nearly all of it), a ``test_share`` of its texts by hash."""
    examples = list(examples)
    authors: dict[str, Counter[str]] = defaultdict(Counter)
    for e in examples:
        for label in e.labels or ("benign",):
            authors[label][e.author] += 1
    how: dict[str, str] = {}
    held: dict[str, frozenset[str]] = {}
    for label, counts in sorted(authors.items()):
        total = sum(counts.values())
        chosen: list[str] = []
        taken = 0
        for author, n in sorted(counts.items(), key=lambda x: (text_bucket(f"{x[0]}#{label}"),
                                                              x[0])):
            if n < AUTHOR_MIN_SHARE * total or taken + n > HOLD_OUT_MAX_SHARE * total:
                continue
            chosen.append(author)
            taken += n
            if taken >= HOLD_OUT_MIN_SHARE * total:
                break
        if taken >= HOLD_OUT_MIN_SHARE * total:
            held[label] = frozenset(chosen)
            how[label] = "authors " + ", ".join(sorted(chosen))
        else:
            how[label] = "text hash"
    train, test = [], []
    for e in examples:
        labels = e.labels or ("benign",)
        by_author = any(e.author in held.get(x, ()) for x in labels)
        by_hash = any(how[x] == "text hash" for x in labels) and text_bucket(e.text) < test_share
        (test if by_author or by_hash else train).append(e)
    return Split(train, test, how, held)
