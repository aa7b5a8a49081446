"""A keyword lexicon per 净网 category and the triage it gives: :func:`suggest_category`.

The words come from the police reports in the seeds and the way their crimes are advertised
(刷单返利, 跑分, 接码, 裸聊 …).  A strong term (weight 1.0) names the crime by itself; a weak
one (0.5) only leans towards it (学生, 攻击, 证件).  A category's score is ``1 - 0.5 ** w`` for
the summed weight ``w`` of its distinct matched terms, so one strong word gives 0.5, two give
0.75; the best-scoring category is suggested (ties: the order of
:data:`jingwang.categories.CATEGORIES`), with the words that made it.  Latin letters match
regardless of case (DDoS, APP).  Matching is one Aho-Corasick pass over the text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from jingwang.categories import CATEGORIES

STRONG = 1.0
WEAK = 0.5

# category code → {term: weight}; terms are written as people write them, case-folded on load.
LEXICON: dict[str, dict[str, float]] = {
    "pii_trade": {"社工库": STRONG, "出售数据": STRONG, "公民信息": STRONG, "四件套": STRONG,
                  "开房记录": STRONG, "身份证号": WEAK, "个人信息": WEAK, "查档": WEAK,
                  "手机号段": WEAK,
                  "户籍": WEAK, "手机定位": WEAK},
    "gambling": {"网赌": STRONG, "博彩": STRONG, "百家乐": STRONG, "赌场": STRONG,
                 "彩票代投": STRONG, "赌博": STRONG, "网络赌博": STRONG, "下注": WEAK,
                 "投注": WEAK, "返水": WEAK, "真人娱乐": WEAK},
    "fraud": {"刷单": STRONG, "杀猪盘": STRONG, "冒充客服": STRONG, "返利": WEAK,
              "兼职": WEAK, "诈骗": STRONG, "注销校园贷": STRONG, "安全账户": STRONG,
              "垫付": WEAK, "高额回报": WEAK, "投资理财": WEAK},
    "violence_for_hire": {"讨债": STRONG, "雇人": STRONG, "打人": STRONG, "报复": WEAK,
                          "网约暴力": STRONG, "帮忙出气": STRONG, "砍人": STRONG,
                          "需要狠人": STRONG, "寻人办事": STRONG},
    "suicide_pact": {"自杀": STRONG, "轻生": STRONG, "约死": STRONG, "网约自杀": STRONG,
                     "一起走": WEAK, "烧炭": STRONG, "不想活": STRONG},
    "porn": {"裸聊": STRONG, "约炮": STRONG, "色情": STRONG, "黄片": STRONG, "涉黄": STRONG,
             "成人视频": STRONG, "援交": STRONG, "福利姬": WEAK},
    "fake_documents": {"办证": STRONG, "假证": STRONG, "证件": WEAK, "学历认证": WEAK,
                       "刻章": STRONG, "假文凭": STRONG, "毕业证": WEAK,
                       "代办": WEAK, "资格证": WEAK},
    "water_army": {"水军": STRONG, "删帖": STRONG, "刷量": STRONG, "控评": STRONG,
                   "黑公关": STRONG, "刷评": STRONG, "刷粉": STRONG, "舆情公关": WEAK},
    "exam_cheating": {"代考": STRONG, "作弊器": STRONG, "考试答案": STRONG, "答案": WEAK,
                      "替考": STRONG, "包过": WEAK, "真题": WEAK},
    "surveillance_devices": {"窃听": STRONG, "偷拍": STRONG, "针孔": STRONG,
                             "窃照": STRONG, "定位器": WEAK, "监听": STRONG},
    "black_sim": {"接码": STRONG, "卡商": STRONG, "猫池": STRONG, "黑卡": STRONG,
                  "打码": WEAK, "物联网卡": STRONG, "实名卡": WEAK, "GOIP": STRONG,
                  "黑号": STRONG, "收购微信号": STRONG,
                  "接码平台": STRONG, "手机卡": WEAK},
    "money_laundering": {"跑分": STRONG, "收款码": STRONG, "代收": STRONG, "四方支付": STRONG,
                         "第四方支付": STRONG, "洗钱": STRONG, "卡农": STRONG,
                         "出租银行卡": STRONG, "USDT": WEAK, "承兑": WEAK,
                         "车手": STRONG, "卡接回U": STRONG, "一笔一回": STRONG,
                         "不压资金": WEAK, "收购银行卡": STRONG, "支付通道": WEAK},
    "hacking": {"黑客": STRONG, "DDoS": STRONG, "木马": STRONG, "攻击": WEAK, "入侵": WEAK,
                "肉鸡": STRONG, "流量攻击": STRONG, "拖库": STRONG, "撞库": STRONG,
                "挂马": STRONG},
    "scalping": {"抢号": STRONG, "黄牛": STRONG, "挂号": WEAK, "脚本抢": STRONG,
                 "代挂号": STRONG, "号贩子": STRONG, "抢票": WEAK},
    "illegal_app": {"违法APP": STRONG, "下载APP": WEAK, "非法APP": STRONG, "安装包": WEAK,
                    "APK": WEAK,
                    "超级签": STRONG, "企业签": STRONG, "APP封装": STRONG, "报毒处理": STRONG},
    "rumor": {"谣言": STRONG, "造谣": STRONG, "传谣": STRONG, "不实信息": WEAK},
    "minor_harm": {"未成年": STRONG, "学生": WEAK, "儿童": WEAK, "幼女": STRONG,
                   "萝莉": STRONG, "中小学生": WEAK},
}
assert set(LEXICON) == set(CATEGORIES), "every category needs its words, and only those"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested category, its score (0–1) and the lexicon words matched, in text order."""

    category: str
    score: float
    matched_terms: tuple[str, ...]


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    entries: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for category, terms in LEXICON.items():
        for term, weight in terms.items():
            entries[term.casefold()].append((category, term, weight))
    for key, value in entries.items():
        automaton.add_word(key, tuple(value))
    automaton.make_automaton()
    return automaton


def suggest_category(text: str) -> Suggestion | None:
    """The category whose words weigh most in ``text``, or None when no word matches."""
    if not text:
        return None
    weights: dict[str, float] = defaultdict(float)
    terms: dict[str, list[str]] = defaultdict(list)
    for _end, entries in _automaton().iter(text.casefold()):
        for category, term, weight in entries:
            if term not in terms[category]:
                terms[category].append(term)
                weights[category] += weight
    if not weights:
        return None
    order = list(CATEGORIES)
    best = max(weights, key=lambda c: (weights[c], -order.index(c)))
    return Suggestion(best, round(1.0 - 0.5 ** weights[best], 4), tuple(terms[best]))
