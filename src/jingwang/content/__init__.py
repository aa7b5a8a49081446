"""Chinese text risk classification (内容研判): which 净网 categories a post or chat line
belongs to, how sure, why (the cues in the text's own words), how urgent, and its indicators.

:func:`classify` is the entry point (:mod:`jingwang.content.classify`): normalisation
(:mod:`~jingwang.content.normalise`), the knowledge base of ``kb/*.toml``
(:mod:`~jingwang.content.kb`, :mod:`~jingwang.content.rules`), urgency for lives at risk.
:func:`suggest_category` is the console's first keyword triage of a citizen report
(:mod:`~jingwang.content.lexicon`).  Like every detector, this package imports neither the store
nor the API.
"""

from __future__ import annotations

from jingwang.content.classify import CategoryScore, ContentResult, classify, classify_many
from jingwang.content.lexicon import LEXICON, Suggestion, suggest_category

__all__ = ["LEXICON", "CategoryScore", "ContentResult", "Suggestion", "classify",
           "classify_many", "suggest_category"]
