"""The shipped knowledge base: every category has its file, each file is sound, and the
classifier holds each category to the texts its file names."""

from __future__ import annotations

import pytest

from jingwang.categories import CATEGORIES
from jingwang.content import classify
from jingwang.content.kb import KnowledgeBaseError, compile_kb, load_kb

KB = load_kb()


def test_every_category_has_a_file_with_words_patterns_and_examples() -> None:
    assert set(KB.categories) == set(CATEGORIES)
    for code, category in KB.categories.items():
        assert category.about and len(category.strong) >= 10, code
        assert category.illegal and category.negatives, code
        assert len(category.examples) >= 3 and len(category.hard_negatives) >= 3, code


@pytest.mark.parametrize("code", sorted(CATEGORIES))
def test_each_categorys_examples_are_it(code: str) -> None:
    missed = [text for text in KB.categories[code].examples
              if code not in classify(text, KB).labels]
    assert missed == []


@pytest.mark.parametrize("code", sorted(CATEGORIES))
def test_each_categorys_hard_negatives_are_not_it(code: str) -> None:
    wrong = [text for text in KB.categories[code].hard_negatives
             if code in classify(text, KB).labels]
    assert wrong == []


def test_a_table_above_plain_keys_is_refused_with_the_file_name(tmp_path) -> None:
    (tmp_path / "gambling.toml").write_text(
        'code = "gambling"\nstrong = ["网赌"]\n[variants]\n"博彩" = ["菠菜"]\n'
        'illegal = ["招代理"]\n', encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"gambling\.toml: illegal inside \[variants\]"):
        compile_kb(tmp_path)


def test_a_bad_pattern_is_refused_with_the_file_and_pattern(tmp_path) -> None:
    (tmp_path / "fraud.toml").write_text('code = "fraud"\nillegal = ["(刷单"]\n',
                                         encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"fraud\.toml: illegal pattern '\(刷单'"):
        compile_kb(tmp_path)


def test_a_file_named_for_no_category_is_refused(tmp_path) -> None:
    (tmp_path / "lottery.toml").write_text('code = "lottery"\n', encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"lottery\.toml: code must be"):
        compile_kb(tmp_path)


def test_first_characters_of_patterns():
    import re

    from jingwang.content.kb import first_characters

    assert first_characters(re.compile("(代|专业代?)(抢|挂)")) == frozenset("代专")
    assert first_characters(re.compile("[跑刷]分")) == frozenset("跑刷")
    assert first_characters(re.compile("(?:日赚|月入)+\\d+")) == frozenset("日月")
    assert first_characters(re.compile(".{0,6}微信")) is None
    assert first_characters(re.compile("(加)?微信")) is None
    assert first_characters(re.compile("[^a]b")) is None
    assert first_characters(re.compile("(?i)vx")) is None


def test_only_the_patterns_that_cannot_match_are_skipped() -> None:
    # Every crime pattern that matches a text of the knowledge base is among the candidates
    # the first-character index keeps for it.
    from jingwang.content.normalise import normalise

    texts = [t for c in KB.categories.values() for t in (*c.examples, *c.hard_negatives)]
    matched = 0
    for raw in texts:
        text = normalise(raw, KB.replacer).text
        candidates = set(KB.illegal_candidates(text))
        for i, (_, pattern, _) in enumerate(KB.illegal_index):
            if pattern.search(text):
                matched += 1
                assert i in candidates, (raw, pattern.pattern)
    assert matched > 50
    assert len(KB.illegal_candidates("今天天气不错")) < len(KB.illegal_index) / 4
