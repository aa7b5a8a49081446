"""Chinese text risk classification (内容研判).

For now a first, honest triage: :func:`suggest_category` matches a keyword lexicon per 净网
category (:mod:`jingwang.content.lexicon`) and says which words it matched, so a person can judge
the suggestion.  A later classifier replaces the scoring, not the interface.  Like every
detector, this package imports neither the store nor the API.
"""

from __future__ import annotations

from jingwang.content.lexicon import LEXICON, Suggestion, suggest_category

__all__ = ["LEXICON", "Suggestion", "suggest_category"]
