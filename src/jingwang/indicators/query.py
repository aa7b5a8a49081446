"""Read a search query the way extraction reads text: '138 1234 5678' means +8613812345678.

A query may be anything a person pastes: a number with spaces, a defanged domain, a handle with
'@', a URL.  `query_candidates` returns every (kind, value) it could stand for, most specific
first, so the store can be asked for all of them at once.
"""

from __future__ import annotations

from jingwang.indicators.canonical import CANONICALIZERS, InvalidIndicator
from jingwang.indicators.extract import extract_indicators

# Kinds tried on the bare query when extraction finds nothing that covers it: a plain
# '123456789' may be a QQ number or a WeChat id, 'heiye888' a WeChat id or a Telegram handle.
_BARE_KINDS = ("phone", "id_card", "bank_card", "email", "url", "domain", "ip", "btc", "eth",
               "tron", "qq", "wechat", "telegram", "alipay", "app", "device")


def query_candidates(query: str, kind: str | None = None) -> list[tuple[str, str]]:
    """Every (kind, canonical value) the query may denote; only `kind` when one is given."""
    q = query.strip()
    if not q:
        return []
    if kind is not None:
        try:
            return [(kind, CANONICALIZERS[kind](q))] if kind in CANONICALIZERS else []
        except InvalidIndicator:
            return []
    found: list[tuple[str, str]] = []
    for e in extract_indicators(q):
        if (e.kind, e.value) not in found:
            found.append((e.kind, e.value))
        if e.kind == "phone" and e.value.startswith("+861"):
            # A mainland mobile number is also the WeChat account bound to it.
            found.append(("wechat", e.value[3:]))
    for k in _BARE_KINDS:
        try:
            pair = (k, CANONICALIZERS[k](q))
        except InvalidIndicator:
            continue
        if pair not in found:
            found.append(pair)
    return found
