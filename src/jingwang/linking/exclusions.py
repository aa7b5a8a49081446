"""Values that must never link two records: big platforms, payment gateways, service numbers.

The lesson of MISP's warning lists and correlation limit: a value everyone uses (qq.com, the
customer-service number 95588, a payment gateway) glues unrelated cases together.  jingwang ships
a default list, lets a unit edit its own (a text file, one `kind value` or `kind *suffix` per
line, `#` comments), and caps any value seen in more than `max_records` records or `max_share`
of all records, whichever is larger.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Registered domains of platforms and institutions that criminals and citizens alike name.
DEFAULT_DOMAINS = (
    "qq.com", "weixin.qq.com", "wechat.com", "alipay.com", "taobao.com", "tmall.com", "jd.com",
    "baidu.com", "weibo.com", "douyin.com", "bilibili.com", "zhihu.com", "163.com", "126.com",
    "sina.com", "sohu.com", "aliyun.com", "t.me", "telegram.org", "google.com", "apple.com",
    "unionpay.com", "95516.com", "tenpay.com", "12377.cn", "gov.cn", "chsi.com.cn", "12306.cn",
    "pinduoduo.com", "meituan.com", "xiaohongshu.com", "kuaishou.com", "github.com",
)
# Mail hosts: an address there is an account, the host itself links nothing.
DEFAULT_SUFFIXES = ("gov.cn",)
# Customer-service and public numbers (E.164) that victims and ads both quote.
DEFAULT_PHONES = (
    "+8695588", "+8695533", "+8695599", "+8695566", "+8695555", "+8695528", "+8695559",
    "+8610086", "+8610010", "+8610000", "+8696110", "+86110", "+8612345", "+8612377",
)
DEFAULT_MAX_RECORDS = 200
# …or in more than this share of all records, whichever is larger: a busy gang's main contact in
# a big store is seen in hundreds of cases and must still link them.
DEFAULT_MAX_SHARE = 0.01


@dataclass
class ExclusionList:
    """Which (kind, value) pairs never link, and the cap above which a value stops linking."""

    values: set[tuple[str, str]] = field(default_factory=set)
    suffixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_records: int = DEFAULT_MAX_RECORDS
    max_share: float = DEFAULT_MAX_SHARE

    def cap(self, total_records: int) -> int:
        """The correlation cap for a store of `total_records` records."""
        return max(self.max_records, math.ceil(self.max_share * total_records))

    def excluded(self, kind: str, value: str) -> bool:
        if (kind, value) in self.values:
            return True
        return any(value.endswith(s) for s in self.suffixes.get(kind, ()))

    def excluded_pairs(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        return {p for p in pairs if self.excluded(*p)}


def default_exclusions(max_records: int = DEFAULT_MAX_RECORDS) -> ExclusionList:
    """The shipped list: big-platform domains, gov.cn, customer-service numbers."""
    values = {("domain", d) for d in DEFAULT_DOMAINS} | {("phone", p) for p in DEFAULT_PHONES}
    suffixes = {"domain": tuple("." + s for s in DEFAULT_SUFFIXES)}
    return ExclusionList(values=values, suffixes=suffixes, max_records=max_records)


class ExclusionFileError(ValueError):
    """A line of an exclusion file that cannot be read; names the file and line."""


def load_exclusions(path: Path | str, base: ExclusionList | None = None) -> ExclusionList:
    """Add a unit's own list to `base` (default: the shipped one): `kind value` per line,
    `kind *suffix` for a suffix, `-kind value` to take a default out, `#` starts a comment."""
    from jingwang.indicators.canonical import CANONICALIZERS, InvalidIndicator

    result = base if base is not None else default_exclusions()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise ExclusionFileError(f"{path}:{n}: expected 'kind value', got {line!r}")
        kind, value = parts[0], parts[1].strip()
        remove = kind.startswith("-")
        kind = kind.lstrip("-")
        if kind not in CANONICALIZERS:
            raise ExclusionFileError(f"{path}:{n}: unknown kind {kind!r}")
        if value.startswith("*"):
            current = result.suffixes.get(kind, ())
            suffix = value[1:]
            result.suffixes[kind] = tuple(s for s in current if s != suffix) if remove \
                else (*current, suffix)
            continue
        try:
            canonical = CANONICALIZERS[kind](value)
        except InvalidIndicator as exc:
            raise ExclusionFileError(f"{path}:{n}: {exc}") from None
        if remove:
            result.values.discard((kind, canonical))
        else:
            result.values.add((kind, canonical))
    return result
