"""The shared vocabularies of jingwang: crime categories, chain roles, clue states and roles.

Every package may import this module; it imports nothing from jingwang. Each vocabulary maps
the stable code (what is stored and exchanged) to the Chinese name a person reads. Dicts keep
their order, so iterating a vocabulary gives its codes in the documented order.
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "pii_trade": "侵犯公民个人信息",
    "gambling": "网络赌博",
    "fraud": "电信网络诈骗",
    "violence_for_hire": "网约暴力",
    "suicide_pact": "网约自杀",
    "porn": "淫秽色情",
    "fake_documents": "制售假证",
    "water_army": "网络水军",
    "exam_cheating": "考试作弊",
    "surveillance_devices": "窃听窃照",
    "black_sim": "黑卡黑号/接码",
    "money_laundering": "支付结算/跑分",
    "hacking": "黑客攻击",
    "scalping": "恶意抢号",
    "illegal_app": "违法APP",
    "rumor": "谣言",
    "minor_harm": "涉未成年人",
}
"""Crime category code → 中文 name (a Finding's, Case's or Clue's ``category``)."""

CHAIN_ROLES: dict[str, str] = {
    "material_supply": "物料供应",
    "tech_support": "技术支撑",
    "promotion": "推广引流",
    "payment_settlement": "支付结算",
    "perpetrator": "实施犯罪",
}
"""Role in the black/gray-industry chain (四类黑产 + 物料) → 中文 name."""

CLUE_STATUSES: dict[str, str] = {
    "new": "新建",
    "pushed": "已推送",
    "received": "已签收",
    "verified": "已核查",
    "case_filed": "已立案",
    "closed": "已办结",
    "rejected": "已退回",
}
"""Clue status → 中文 name, in lifecycle order (``rejected`` may end any open state)."""

CLUE_FLOW: tuple[str, ...] = ("new", "pushed", "received", "verified", "case_filed", "closed")
"""The forward path of a clue; each status may only move to the next one (or to ``rejected``)."""

CLUE_TERMINAL: frozenset[str] = frozenset({"closed", "rejected"})
"""Statuses a clue never leaves."""

CLUE_ACTIONS: dict[str, str] = {
    "status": "状态变更",
    "route": "分派",
    "forward": "移交",
    "escalate": "逾期上提",
    "outcome": "战果反馈",
}
"""What a clue event records: a status change (creation included), the clue routed to a unit,
forwarded to another, escalated to the parent unit when overdue, or an outcome report."""

URGENCIES: dict[str, str] = {
    "immediate": "特急",
    "urgent": "紧急",
    "normal": "一般",
}
"""Clue urgency → 中文 name; ``immediate`` when a life is at risk."""

UNIT_LEVELS: dict[str, str] = {
    "ministry": "部",
    "province": "省",
    "city": "市",
    "county": "县",
}
"""Level of a police unit in the hierarchy 部 → 省 → 市 → 县."""

USER_ROLES: dict[str, str] = {
    "admin": "系统管理员",
    "analyst": "研判分析员",
    "unit_officer": "承办单位民警",
    "platform": "平台风控",
    "public": "公众",
}
"""Role of a user of the console and API."""

ENGLISH: dict[str, str] = {
    # categories
    "pii_trade": "Personal data trade", "gambling": "Online gambling", "fraud": "Telecom fraud",
    "violence_for_hire": "Violence for hire", "suicide_pact": "Suicide pacts",
    "porn": "Pornography", "fake_documents": "Fake documents", "water_army": "Paid posters",
    "exam_cheating": "Exam cheating", "surveillance_devices": "Spy devices",
    "black_sim": "Black SIMs / SMS codes", "money_laundering": "Payment laundering",
    "hacking": "Hacking", "scalping": "Scalping bots", "illegal_app": "Illegal apps",
    "rumor": "Rumours", "minor_harm": "Harm to minors",
    # chain roles
    "material_supply": "Material supply", "tech_support": "Tech support",
    "promotion": "Promotion", "payment_settlement": "Payment settlement",
    "perpetrator": "Perpetrator",
    # clue statuses
    "new": "New", "pushed": "Pushed", "received": "Received", "verified": "Verified",
    "case_filed": "Case filed", "closed": "Closed", "rejected": "Rejected",
    # clue actions
    "status": "Status change", "route": "Routed", "forward": "Forwarded",
    "escalate": "Escalated (overdue)", "outcome": "Outcome report",
    # urgencies
    "immediate": "Immediate", "urgent": "Urgent", "normal": "Normal",
    # unit levels
    "ministry": "Ministry", "province": "Province", "city": "City", "county": "County",
    # user roles
    "admin": "Administrator", "analyst": "Analyst", "unit_officer": "Unit officer",
    "platform": "Platform risk team", "public": "Public",
}
"""The English name of every code above (codes are unique across the vocabularies), for the
console's English view and the API's documentation."""


def display_name(code: str | None, lang: str = "zh") -> str:
    """A vocabulary code as a person reads it: 中文 by default, English with ``lang="en"``;
    an unknown code is shown as it is."""
    if code is None:
        return "-"
    if lang == "en":
        return ENGLISH.get(code, code)
    for vocabulary in (CATEGORIES, CHAIN_ROLES, CLUE_STATUSES, CLUE_ACTIONS, URGENCIES,
                       UNIT_LEVELS, USER_ROLES):
        if code in vocabulary:
            return vocabulary[code]
    return code
