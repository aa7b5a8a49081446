"""The console's two languages: Simplified Chinese (the default) and English.

A message is written in English in the code and templates (``_("Clue queue")``) and looked up
here for Chinese; English is the message itself.  Each page module adds its own messages with
:func:`add` so no one file holds every page's words.  A small catalogue in code, rather than
gettext ``.po``/``.mo`` files: nothing to compile at install time, and a missing translation
is caught by a test (``tests/console/test_i18n.py``), not by a reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "jw_lang"

ZH: dict[str, str] = {}


def add(messages: Mapping[str, str]) -> None:
    """Add English → Chinese messages (a page module calls this when it is imported)."""
    for english, chinese in messages.items():
        if ZH.get(english, chinese) != chinese:
            raise ValueError(f"two translations of {english!r}: {ZH[english]!r}, {chinese!r}")
        ZH[english] = chinese


def translator(lang: str) -> Callable[..., str]:
    """``_(message, **values)`` in ``lang``: the message translated, then ``{name}`` filled."""

    def _(message: str, **values: object) -> str:
        text = ZH.get(message, message) if lang == "zh" else message
        return text.format(**values) if values else text

    return _


def pick_language(query: str | None, cookie: str | None) -> str:
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    return DEFAULT_LANGUAGE


add({
    # the frame of every page
    "jingwang console": "净网 研判与线索平台",
    "Home": "首页",
    "Dashboard": "态势总览",
    "Clue queue": "线索队列",
    "Findings": "研判发现",
    "Reports": "群众举报",
    "Search": "综合查询",
    "Log in": "登录",
    "Log out": "退出",
    "Username": "用户名",
    "Password": "密码",
    "Wrong username or password.": "用户名或密码错误。",
    "Too many attempts; wait a minute.": "尝试次数过多，请一分钟后再试。",
    "Report a crime": "我要举报",
    "Not found": "未找到",
    "Not allowed": "无权访问",
    "The page or object does not exist, or is outside your unit's reach.":
        "页面或对象不存在，或不在本单位权限范围内。",
    "Your role may not open this page.": "您的角色无权打开此页面。",
    "Your form expired; reload the page and try again.": "表单已过期，请刷新页面后重试。",
    "Error": "错误",
    "Back": "返回",
    "Language": "语言",
    "Role": "角色",
    "Unit": "单位",
    "Category": "类别",
    "Status": "状态",
    "Urgency": "紧急程度",
    "Region": "地区",
    "Score": "分值",
    "Time": "时间",
    "Total": "合计",
    "All": "全部",
    "Filter": "筛选",
    "none": "无",
    "Previous": "上一页",
    "Next": "下一页",
    "Page {page} of {pages}": "第 {page} / {pages} 页",
    "Signed in as {name}": "当前用户：{name}",
    # the landing page
    "Welcome, {name}": "欢迎，{name}",
    "Waiting to be received": "待签收",
    "Overdue": "已逾期",
    "Open clues of my unit": "本单位在办线索",
    "New findings without a clue": "待研判发现（未生成线索）",
    "Citizen reports": "群众举报",
    "Open clues": "在办线索",
    "Most urgent clues": "最紧急的线索",
    "Campaign figures this month": "本月专项战果",
    "Look up a phone, card, account, domain or handle": "查询手机号、银行卡、账号、域名或昵称",
})
