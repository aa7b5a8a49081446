"""The knowledge-base layer: what each category's words and patterns say about a text.

For every category it collects, in the normalised text, the jargon that fired (strong and weak),
the patterns that make a text a crime rather than talk about it (recruiting, prices, contact,
promises), the general signs of soliciting, and the cues against it (news, police notices,
education, the category's own hard negatives), each quoted in the text's own words.  The
evidence becomes a score in [0, 1):

    evidence = 1.0 × strong words + 0.4 × weak words + 0.8 × illegal patterns
               + 0.3 when the text solicits + 0.4 when it carries contact details
    against  = 0.8 × the category's negative cues + 0.6 × news/education cues
    score    = 1 − exp(−(evidence − against))

Weak words alone never make a category (their evidence is capped at 0.6, score 0.45): a text
needs a strong word or an illegal pattern.  The learned layer (:mod:`jingwang.content.model`)
weighs the same text from its characters; :mod:`jingwang.content.classify` joins the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from jingwang.content.kb import ANY, EDUCATION, NEGATIVE, NEWS, STRONG, WEAK, KnowledgeBase
from jingwang.content.normalise import Normalised

W_STRONG, W_WEAK, W_ILLEGAL, W_SOLICIT, W_CONTACT = 1.0, 0.4, 0.8, 0.3, 0.4
W_NEGATIVE, W_NEWS = 0.8, 0.6
WEAK_ONLY_CAP = 0.6
CONTACT_KINDS = frozenset({"phone", "qq", "wechat", "telegram", "url", "domain", "email",
                           "alipay"})


@dataclass
class Evidence:
    """What fired for one category, each cue in the text's own words."""

    category: str
    strong: dict[str, str] = field(default_factory=dict)    # canonical word → as written
    weak: dict[str, str] = field(default_factory=dict)
    illegal: dict[str, str] = field(default_factory=dict)   # pattern → the text it matched
    against: dict[str, str] = field(default_factory=dict)   # the category's negative cues
    news: dict[str, str] = field(default_factory=dict)      # news and education cues
    solicits: str | None = None
    contact: str | None = None

    @property
    def support(self) -> float:
        evidence = W_STRONG * len(self.strong) + W_WEAK * len(self.weak) \
            + W_ILLEGAL * len(self.illegal)
        if not self.strong and not self.illegal:
            return min(evidence, WEAK_ONLY_CAP)
        return evidence + (W_SOLICIT if self.solicits else 0.0) \
            + (W_CONTACT if self.contact else 0.0)

    @property
    def opposition(self) -> float:
        return W_NEGATIVE * len(self.against) + W_NEWS * len(self.news)

    @property
    def score(self) -> float:
        margin = self.support - self.opposition
        return 1.0 - math.exp(-margin) if margin > 0 else 0.0

    @property
    def any_for(self) -> bool:
        return bool(self.strong or self.weak or self.illegal)

    def explanation(self) -> str:
        """The cues that fired, in the text's own words."""
        parts = []
        if self.strong or self.weak:
            parts.append("jargon " + ", ".join([*self.strong.values(), *self.weak.values()]))
        if self.illegal:
            parts.append("crime pattern " + ", ".join(self.illegal.values()))
        if self.solicits:
            parts.append(f"soliciting {self.solicits}")
        if self.contact:
            parts.append(f"contact {self.contact}")
        if self.against or self.news:
            parts.append("against: " + ", ".join([*self.against.values(),
                                                  *self.news.values()]))
        return "; ".join(parts)


@dataclass
class Gathered:
    """Each category's evidence in a text (those with nothing for them left out), and the news
    and education cues, which speak against every category."""

    evidence: dict[str, Evidence]
    news: dict[str, str]



def gather(norm: Normalised, kb: KnowledgeBase, contact: str | None = None) -> Gathered:
    """Every category's evidence in ``norm`` (categories with nothing for them are left out)."""
    found: dict[str, Evidence] = {}
    general: dict[str, str] = {}
    text = norm.text

    def of(code: str) -> Evidence:
        if code not in found:
            found[code] = Evidence(code)
        return found[code]

    matches = list(kb.cues(text))
    jargon = [(start, end) for start, end, cues in matches
              if any(c.kind in (STRONG, WEAK) for c in cues)]
    for start, end, cues in matches:
        # A word inside a longer word of jargon (接码 in 接码平台) is not a second cue.
        inside = any(s <= start and end <= e and (s, e) != (start, end) for s, e in jargon)
        written = norm.original(start, end)
        for cue in cues:
            if inside and cue.kind in (STRONG, WEAK):
                continue
            if cue.category == ANY and cue.kind in (NEWS, EDUCATION):
                general.setdefault(cue.term, written)
            elif cue.kind == STRONG:
                of(cue.category).strong.setdefault(text[start:end], written)
            elif cue.kind == WEAK:
                of(cue.category).weak.setdefault(text[start:end], written)
            elif cue.kind == NEGATIVE:
                of(cue.category).against.setdefault(cue.term, written)
    index = kb.illegal_index
    for i in kb.illegal_candidates(text):
        code, pattern, _ = index[i]
        match = pattern.search(text)
        if match:
            of(code).illegal.setdefault(pattern.pattern,
                                        norm.original(match.start(), match.end()))
    solicit = None
    for pattern in kb.solicitation:
        match = pattern.search(text)
        if match:
            solicit = norm.original(match.start(), match.end())
            break
    for code in list(found):
        evidence = found[code]
        if not evidence.any_for:
            del found[code]  # only cues against: nothing to weigh
            continue
        evidence.news = dict(general)
        evidence.solicits = solicit
        evidence.contact = contact
    return Gathered(found, general)
