"""The keyword triage: hand-written texts whose category a person knows."""

from __future__ import annotations

import pytest

from jingwang.categories import CATEGORIES
from jingwang.content import LEXICON, Suggestion, suggest_category


@pytest.mark.parametrize(("text", "category", "terms"), [
    ("招聘兼职刷单，日结返利，加QQ群 123456789", "fraud", {"刷单", "返利", "兼职"}),
    ("百家乐真人娱乐，首充返水，每天下注就送", "gambling", {"百家乐", "下注", "返水"}),
    ("高价收购收款码，跑分日入过千，代收款项", "money_laundering", {"跑分", "收款码", "代收"}),
    ("接码平台，卡商直供黑卡，猫池批发", "black_sim", {"接码", "卡商", "黑卡", "猫池"}),
    ("专业办证，各类假证件加急", "fake_documents", {"办证", "假证", "证件"}),
    ("四六级代考，考前出答案，作弊器包过", "exam_cheating", {"代考", "答案", "作弊器"}),
    ("寂寞吗？裸聊视频，下载APP看更多", "porn", {"裸聊"}),
    ("出售针孔摄像头，偷拍神器，远程窃听", "surveillance_devices", {"针孔", "偷拍", "窃听"}),
    ("承接删帖、控评，专业水军刷量", "water_army", {"删帖", "控评", "水军", "刷量"}),
    ("出租DDoS攻击平台，黑客包月打死竞争对手", "hacking", {"DDoS", "攻击", "黑客"}),
    ("ddos 压力测试，木马免杀", "hacking", {"DDoS", "木马"}),
    ("协和医院专家号，脚本抢号，黄牛代挂号", "scalping", {"脚本抢", "抢号", "黄牛"}),
    ("活着太累了，有没有人一起走，想轻生", "suicide_pact", {"一起走", "轻生"}),
    ("雇人讨债，上门打人报复", "violence_for_hire", {"雇人", "讨债", "打人", "报复"}),
    ("社工库查询，出售数据，身份证号四件套", "pii_trade", {"社工库", "出售数据", "身份证号"}),
    ("网传某地封城是谣言，请勿造谣传谣", "rumor", {"谣言", "造谣", "传谣"}),
    ("超级签、企业签，APP封装报毒处理", "illegal_app", {"超级签", "企业签", "APP封装"}),
    ("卡接回U 一笔一回 不压资金", "money_laundering", {"卡接回U", "一笔一回"}),
])
def test_a_text_with_crime_words_gets_its_category_and_the_words(text, category, terms) -> None:
    suggestion = suggest_category(text)
    assert suggestion is not None
    assert suggestion.category == category
    assert terms <= set(suggestion.matched_terms)
    assert 0 < suggestion.score <= 1


def test_a_text_without_crime_words_gets_no_suggestion() -> None:
    assert suggest_category("今天天气很好，我们去公园散步，晚上回家吃饭。") is None
    assert suggest_category("") is None


def test_more_words_weigh_more_and_a_weak_word_alone_weighs_little() -> None:
    one = suggest_category("刷单")
    two = suggest_category("刷单 杀猪盘")
    weak = suggest_category("兼职")
    assert one and two and weak
    assert weak.score < one.score < two.score
    assert one.score == pytest.approx(0.5) and weak.score == pytest.approx(1 - 0.5 ** 0.5, abs=1e-4)


def test_the_stronger_category_wins_a_mixed_text() -> None:
    suggestion = suggest_category("网赌平台找人跑分，收款码代收，帮洗钱")
    assert suggestion == Suggestion("money_laundering", suggestion.score,
                                    suggestion.matched_terms)
    assert {"跑分", "收款码", "代收", "洗钱"} <= set(suggestion.matched_terms)


def test_a_word_said_twice_counts_once() -> None:
    assert suggest_category("刷单 刷单 刷单") == suggest_category("刷单")


def test_every_category_has_words() -> None:
    assert set(LEXICON) == set(CATEGORIES)
    assert all(LEXICON[c] for c in CATEGORIES)
