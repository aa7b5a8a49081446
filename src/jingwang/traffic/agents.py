"""Who a client says it is: user agents read with ua-parser and CrawlerDetect, and search-engine
crawlers checked against their operators' published address ranges.

`AgentBook.classify(ua)` gives one `Agent` per distinct user-agent string: `kind` is `browser`,
`crawler` (it names a search engine's crawler: Googlebot, bingbot, Baiduspider — see `claims`),
`declared` (another crawler that says so: AhrefsBot, Sogou web spider, Bytespider),
`scripting` (an HTTP library or a tool: python-requests, okhttp, curl, Go-http-client, an empty
agent; CrawlerDetect's list, which is maintained, not ours), `headless` (HeadlessChrome,
PhantomJS), `outdated` (a browser or system long out of support: IE, Windows XP, Chrome 49) or
`impossible` (a combination no real browser sends: Chrome's engine on iOS, a `Mozilla/5.0`
without any rendering engine).

`CrawlerRanges` holds the vendored ranges (`data/crawler_ranges.json`, each list with its date)
and, optionally, a file of reverse-DNS answers from the unit's own resolver (`ip hostname` a
line); `verify(ip, operator)` is True when the address is the operator's.  A verified crawler is
never flagged; one that is not is a fake.
"""

from __future__ import annotations

import ipaddress
import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from crawlerdetect import CrawlerDetect
from ua_parser import parse

RANGES_PATH = Path(__file__).parent / "data" / "crawler_ranges.json"
# The hostnames each operator's crawlers reverse-resolve to.
DNS_SUFFIXES = {"google": (".googlebot.com", ".google.com", ".googleusercontent.com"),
                "bing": (".search.msn.com",), "baidu": (".baidu.com", ".baidu.jp")}
_ENGINE = re.compile(r"AppleWebKit|Gecko|Trident|Presto|KHTML", re.I)
_OLD_OS = {"Windows": {"XP", "Vista", "2000", "98", "95", "ME", "NT"}}
_MIN_MAJOR = {"Chrome": 90, "Chrome Mobile": 90, "Chrome Mobile WebView": 90, "Firefox": 90,
              "Firefox Mobile": 90, "Edge": 90, "Opera": 70, "Safari": 11, "Mobile Safari": 11}


@dataclass(frozen=True)
class Agent:
    kind: str
    reason: str
    operator: str = ""       # the search engine a crawler claims to be


class CrawlerRanges:
    def __init__(self, path: Path = RANGES_PATH, dns: Path | None = None) -> None:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        self.operators: dict[str, dict] = doc["operators"]
        self.networks = {op: [ipaddress.ip_network(p, strict=False) for p in spec["prefixes"]]
                         for op, spec in self.operators.items()}
        # Each operator's ranges as sorted (first, last) integers, for a binary search.
        self._spans = {op: sorted((int(n.network_address), int(n.broadcast_address))
                                  for n in nets) for op, nets in self.networks.items()}
        self.dns: dict[str, str] = {}
        if dns is not None:
            for line in Path(dns).read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) >= 2 and not line.startswith("#"):
                    self.dns[parts[0]] = parts[1].rstrip(".").lower()

    def claims(self, ua: str) -> str:
        """The operator whose crawler the agent names, or ''."""
        low = ua.lower()
        for op, spec in self.operators.items():
            if any(a.lower() in low for a in spec["agents"]):
                return op
        return ""

    def verify(self, ip: str, operator: str) -> bool:
        host = self.dns.get(ip)
        if host is not None:
            return host.endswith(DNS_SUFFIXES.get(operator, ()))
        try:
            addr = int(ipaddress.ip_address(ip))
        except ValueError:
            return False
        spans = self._spans.get(operator, [])
        i = bisect_right(spans, (addr, float("inf"))) - 1
        return i >= 0 and spans[i][0] <= addr <= spans[i][1]

    def list_dates(self) -> dict[str, str]:
        return {op: spec["list_date"] for op, spec in self.operators.items()}


class AgentBook:
    """Classifies user agents once each (a log has few distinct ones)."""

    def __init__(self, ranges: CrawlerRanges | None = None) -> None:
        self.ranges = ranges or CrawlerRanges()
        self._detect = CrawlerDetect()
        self.classify = lru_cache(maxsize=65_536)(self._classify)

    def _classify(self, ua: str) -> Agent:
        if not ua.strip():
            return Agent("scripting", "sends no User-Agent")
        operator = self.ranges.claims(ua)
        if operator:
            return Agent("crawler", f"calls itself {operator}'s crawler", operator)
        if self._detect.isCrawler(ua):
            what = self._detect.getMatches() or ua[:40]
            if "headless" in str(what).lower() or "phantom" in str(what).lower():
                return Agent("headless", f"headless browser ({what})")
            if ua.startswith("Mozilla/"):      # a bot that says so (AhrefsBot, Sogou, MJ12bot)
                return Agent("declared", f"declares itself a crawler ({what})")
            return Agent("scripting", f"scripted client ({what})")
        parsed = parse(ua)
        family = parsed.user_agent.family if parsed.user_agent else "Other"
        major = parsed.user_agent.major if parsed.user_agent else None
        os_family = parsed.os.family if parsed.os else "Other"
        os_major = parsed.os.major if parsed.os else None
        if family == "HeadlessChrome" or "Headless" in ua:
            return Agent("headless", "headless browser (HeadlessChrome)")
        if ua.startswith("Mozilla/") and not _ENGINE.search(ua) and "compatible;" not in ua:
            return Agent("impossible", "a Mozilla/5.0 agent with no rendering engine")
        if os_family == "iOS" and family in ("Chrome Mobile", "Chrome", "Firefox Mobile",
                                             "Chrome Mobile WebView"):
            return Agent("impossible", f"{family} {major} on iOS (Chrome there is CriOS)")
        if family == "IE":
            return Agent("outdated", f"Internet Explorer {major}")
        if os_major in _OLD_OS.get(os_family, ()):
            return Agent("outdated", f"{family} {major} on {os_family} {os_major}")
        if os_family == "Android" and os_major and os_major.isdigit() and int(os_major) < 5:
            return Agent("outdated", f"Android {os_major}")
        floor = _MIN_MAJOR.get(family)
        if floor and major and major.isdigit() and int(major) < floor:
            return Agent("outdated", f"{family} {major}")
        if family == "Other" or (family == "Android" and "Dalvik" in ua):
            return Agent("scripting", f"not a browser ({ua[:40]})")
        return Agent("browser", "")
