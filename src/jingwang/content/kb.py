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
from functools import cached_property, lru_cache
from pathlib import Path
from re import _constants, _parser  # type: ignore[attr-defined]

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

    @cached_property
    def illegal_index(self) -> tuple[tuple[str, re.Pattern[str], frozenset[str] | None], ...]:
        """Every category's crime patterns as (code, pattern, first characters): a pattern
        whose every match begins with one of its first characters cannot match a text holding
        none of them, and need not be run on it (None: no such set is known)."""
        return tuple((code, pattern, first_characters(pattern))
                     for code, category in self.categories.items()
                     for pattern in category.illegal)

    @cached_property
    def illegal_by_character(self) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
        """(character → the positions in :attr:`illegal_index` of the patterns that can
        begin with it, the positions of those always run)."""
        by_character: dict[str, list[int]] = {}
        always = []
        for i, (_, _, first) in enumerate(self.illegal_index):
            if first is None:
                always.append(i)
                continue
            for character in first:
                by_character.setdefault(character, []).append(i)
        return {c: tuple(v) for c, v in by_character.items()}, tuple(always)

    def illegal_candidates(self, text: str) -> list[int]:
        """The positions in :attr:`illegal_index`, in order, of the patterns that can match
        ``text`` at all (the others begin with a character it does not hold)."""
        by_character, always = self.illegal_by_character
        found = set(always)
        for character in set(text):
            hit = by_character.get(character)
            if hit:
                found.update(hit)
        return sorted(found)

    def cues(self, text: str) -> Iterator[tuple[int, int, list[Cue]]]:
        """Every (start, end, cues) of a word of the base found in normalised ``text``."""
        if not text:
            return
        for end, (length, cues) in self.automaton.iter(text):
            yield end - length + 1, end + 1, cues


def _first(items: list) -> frozenset[str] | None:
    """The characters a match of the parsed items can begin with, or None when unknown."""
    if not items:
        return None
    op, arg = items[0]
    if op is _constants.LITERAL:
        return frozenset(chr(arg))
    if op is _constants.IN:
        if all(kind is _constants.LITERAL for kind, _ in arg):
            return frozenset(chr(c) for _, c in arg)
        return None
    if op is _constants.SUBPATTERN:
        return _first(list(arg[-1]))
    if op is _constants.BRANCH:
        firsts = [_first(list(alternative)) for alternative in arg[1]]
        return None if any(f is None for f in firsts) else frozenset().union(*firsts)
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and arg[0] >= 1:
        return _first(list(arg[2]))
    return None


def first_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters every match of ``pattern`` begins with (None when not known: a pattern
    that can begin with any character, or with nothing, is always run)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        return _first(list(_parser.parse(pattern.pattern)))
    except Exception:  # the private parser moved: run the pattern, as before
        return None


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
