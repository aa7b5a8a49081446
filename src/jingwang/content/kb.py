"""The content knowledge base, read from ``kb/*.toml`` and compiled for matching.

One file per category (``kb/README.md`` says what each key holds) and ``_common.toml`` for what
they share.  :func:`load_kb` compiles them once: every written variant, split character and
pinyin initial into one :class:`~jingwang.content.normalise.Replacer`; every word (jargon,
negative cues, news and education cues) into one Aho-Corasick automaton over normalised text;
every pattern into a regular expression.  A file that breaks the schema is refused with its name
and the reason.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

from jingwang.categories import CATEGORIES
from jingwang.content.normalise import Replacer, normalise

KB_DIR = Path(__file__).parent / "kb"
COMMON = "_common"

STRONG = "strong"
WEAK = "weak"
NEGATIVE = "negative"
NEWS = "news"
EDUCATION = "education"
ANY = "*"  # a cue that speaks against every category
SCHEMA_KEYS = frozenset({"code", "name", "about", "strong", "weak", "illegal", "negatives",
                         "targets", "times", "examples", "hard_negatives", "solicitation",
                         "news", "education"})


class KnowledgeBaseError(ValueError):
    """A knowledge-base file that breaks the schema: names the file and the reason."""


@dataclass(frozen=True)
class Category:
    """One category's knowledge: its words, patterns and the texts the tests hold it to."""

    code: str
    name: str
    about: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    illegal: tuple[re.Pattern[str], ...]
    negatives: tuple[str, ...]
    targets: tuple[re.Pattern[str], ...] = ()
    times: tuple[re.Pattern[str], ...] = ()
    examples: tuple[str, ...] = ()
    hard_negatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cue:
    """What a word in the automaton means: for which category (or ``*``), which kind of cue."""

    category: str
    kind: str
    term: str


@dataclass
class KnowledgeBase:
    categories: dict[str, Category]
    replacer: Replacer
    automaton: ahocorasick.Automaton
    solicitation: tuple[re.Pattern[str], ...]
    variants: dict[str, str] = field(default_factory=dict)

    def cues(self, text: str) -> Iterator[tuple[int, int, list[Cue]]]:
        """Every (start, end, cues) of a word of the base found in normalised ``text``."""
        if not text:
            return
        for end, (length, cues) in self.automaton.iter(text):
            yield end - length + 1, end + 1, cues


def _strings(data: dict, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeBaseError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _patterns(data: dict, key: str, where: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for source in _strings(data, key, where):
        try:
            out.append(re.compile(source))
        except re.error as exc:
            raise KnowledgeBaseError(f"{where}: {key} pattern {source!r}: {exc}") from exc
    return tuple(out)


def _table(data: dict, key: str, where: str) -> dict[str, str]:
    """``[variants]`` (canonical = [written, …]) or a plain ``written = canonical`` table, as
    written form → canonical word."""
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise KnowledgeBaseError(f"{where}: [{key}] must be a table")
    misplaced = sorted(set(table) & SCHEMA_KEYS)
    if misplaced:
        raise KnowledgeBaseError(f"{where}: {', '.join(misplaced)} inside [{key}]: a table must "
                                 f"come after every plain key of the file")
    out: dict[str, str] = {}
    for left, right in table.items():
        if isinstance(right, list):  # canonical = [variants]
            for written in right:
                if not isinstance(written, str) or not written.strip():
                    raise KnowledgeBaseError(f"{where}: [{key}] {left!r} has an empty variant")
                out[written.strip()] = left
        elif isinstance(right, str) and right.strip():  # written = canonical
            out[left] = right.strip()
        else:
            raise KnowledgeBaseError(f"{where}: [{key}] {left!r} must map to a word or a list")
    return out


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeBaseError(f"{path.name}: {exc}") from exc


def _category(path: Path, data: dict) -> Category:
    where = path.name
    code = data.get("code")
    if code != path.stem or code not in CATEGORIES:
        raise KnowledgeBaseError(f"{where}: code must be {path.stem!r}, a category code")
    return Category(code=code, name=str(data.get("name", CATEGORIES[code])),
                    about=str(data.get("about", "")).strip(),
                    strong=_strings(data, "strong", where), weak=_strings(data, "weak", where),
                    illegal=_patterns(data, "illegal", where),
                    negatives=_strings(data, "negatives", where),
                    targets=_patterns(data, "targets", where),
                    times=_patterns(data, "times", where),
                    examples=_strings(data, "examples", where),
                    hard_negatives=_strings(data, "hard_negatives", where))


def compile_kb(folder: Path = KB_DIR) -> KnowledgeBase:
    """Read and compile every file of ``folder``."""
    common_path = folder / f"{COMMON}.toml"
    common = _read(common_path) if common_path.exists() else {}
    variants: dict[str, str] = {}
    for key in ("variants", "split_characters", "pinyin_initials"):
        variants.update(_table(common, key, common_path.name))
    categories: dict[str, Category] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.stem == COMMON:
            continue
        data = _read(path)
        categories[path.stem] = _category(path, data)
        variants.update(_table(data, "variants", path.name))
    replacer = Replacer(variants)
    words: dict[str, list[Cue]] = {}

    def add(term: str, cue: Cue) -> None:
        # The word as the text will read once its variants are mapped back.
        key = normalise(term, replacer).text
        if key:
            words.setdefault(key, []).append(cue)

    for cat in categories.values():
        for term in cat.strong:
            add(term, Cue(cat.code, STRONG, term))
        for term in cat.weak:
            add(term, Cue(cat.code, WEAK, term))
        for term in cat.negatives:
            add(term, Cue(cat.code, NEGATIVE, term))
    for kind in (NEWS, EDUCATION):
        for term in _strings(common, kind, common_path.name):
            add(term, Cue(ANY, kind, term))
    automaton = ahocorasick.Automaton()
    for key, cues in words.items():
        automaton.add_word(key, (len(key), cues))
    if words:
        automaton.make_automaton()
    return KnowledgeBase(categories=categories, replacer=replacer, automaton=automaton,
                         solicitation=_patterns(common, "solicitation", common_path.name),
                         variants=variants)


@lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    """The shipped knowledge base, compiled once per process."""
    return compile_kb(KB_DIR)
