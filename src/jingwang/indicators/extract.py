"""Pull indicators out of text the way black-industry actors write it.

`extract_indicators(text)` folds look-alike characters one-for-one, then runs passes from the
most specific pattern to the least: links and e-mail, crypto addresses, IPs, accounts named by a
cue word (微信/QQ/飞机/支付宝/IMEI/包名), bare domains, and last the digit runs that may be phone
numbers, bank cards or ID numbers.  A span taken by an earlier pass is not read again, so the
digits of `123456@qq.com` never become a QQ or a phone number.  Every value is validated by its
kind's canonicaliser (checksums, numbering plan, public suffix) before it is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from jingwang.indicators import patterns as P
from jingwang.indicators.canonical import (
    InvalidIndicator,
    canonical_app,
    canonical_btc,
    canonical_device,
    canonical_domain,
    canonical_email,
    canonical_eth,
    canonical_ip,
    canonical_phone,
    canonical_qq,
    canonical_telegram,
    canonical_tron,
    canonical_url,
    canonical_wechat,
    is_cn_mobile,
)
from jingwang.indicators.digit_runs import digit_runs
from jingwang.indicators.scan import Extracted, Scan, letters_glue, unit_follows

# Top-level domains accepted after a weak dot disguise (点, 。, ' . '): the ones ads use.
COMMON_TLDS = frozenset(
    "com net org cn top vip xyz cc me io info co tv app site club shop online live pro hk tw biz "
    "asia link fun work ltd store tech icu ink wang ren win bet game games cloud mobi one red run "
    "love life world today news space website host press group plus fit bio art com.cn net.cn "
    "org.cn gov.cn edu.cn".split()
)
# After a sentence-like dot (". ", "。") only these: "ok. me", "fun. live" are prose.
SENTENCE_DOT_TLDS = frozenset("com net org cn top vip xyz cc".split())
# Suffixes that are far more often a file extension than a site when written bare ("readme.md").
FILE_LIKE_TLDS = frozenset("md py sh rs pl so zip mov ps js ts txt sb".split())
# First labels that mark a reversed package name ("com.tencent.mm"), not a host.
PACKAGE_HEADS = frozenset("com cn org net io android".split())


def extract_indicators(text: str, kinds: Iterable[str] | None = None) -> list[Extracted]:
    """Every indicator in `text`, in order of position; `kinds` limits which kinds are reported."""
    if not text:
        return []
    st = Scan(text)
    f = st.folded
    if not P.HAS_ALNUM.search(f):
        return []  # every kind needs an ASCII letter or digit once folded
    if "@" in f or "#" in f or "//" in f or ".me/" in f or "at]" in f or "at)" in f:
        _links_and_mail(st)
    if P.HAS_LONG_TOKEN.search(f):
        _crypto(st)
    _ipv4(st)
    _cued_accounts(st)
    _cues_after(st)
    _bare_hosts(st)
    digit_runs(st)
    if st.found:
        _alipay_accounts(st)
    wanted = set(kinds) if kinds is not None else None
    result = sorted(st.found, key=lambda e: (e.start, e.end, e.kind))
    if wanted is not None:
        result = [e for e in result if e.kind in wanted]
    return result


# --- links, mail, crypto, IPs ----------------------------------------------------------------

def _host_value(host_text: str, weak_ok: bool) -> str | None:
    """Registered domain of a host as written, or None when it is not a plausible site."""
    if P.WEAK_DOT_RE.search(host_text):
        labels = [lab for lab in P.DOT_SPLIT.split(host_text) if lab]
        tld = labels[-1]
        two = ".".join(labels[-2:]).lower()
        if not weak_ok or not (tld in COMMON_TLDS or two in COMMON_TLDS):
            return None
        sentence_dot = "。" in host_text or (". " in host_text and " . " not in host_text)
        if sentence_dot and (tld != tld.lower() or (
                tld not in SENTENCE_DOT_TLDS and not any(c.isdigit() for c in labels[-2]))):
            return None  # "he said ok. me too", "下载app。app很好用" are sentences
        # "下午5点com" is not a site: the label before a weak dot needs a letter or some length.
        if labels[-2].isdigit() and len(labels[-2]) < 3:
            return None
    try:
        return canonical_domain(host_text)
    except InvalidIndicator:
        return None


def _links_and_mail(st: Scan) -> None:
    f = st.folded
    for m in P.TELEGRAM_LINK.finditer(f):
        if m.group(1):  # an invite link names a group, not a user: leave it to the URL pass
            continue
        try:
            value = canonical_telegram(m.group(2))
        except InvalidIndicator:
            continue
        st.add("telegram", value, m.start(), m.end())
        st.take(m.start(), m.end())
    for m in P.SCHEME_URL.finditer(f):
        if not st.free(m.start(), m.end()):
            continue
        end = _trim_url_end(f, m.start(), m.end())
        _emit_url(st, m.start(), end, m.start(1), m.end(1))

    for m in P.EMAIL.finditer(f):
        if not st.free(m.start(), m.end()):
            continue
        at, host = m.group(2), m.group(3)
        if at == "#" and P.DOT_SPLIT.sub(".", host).lower() not in P.MAIL_HOSTS_FOR_HASH:
            continue
        try:
            value = canonical_email(f"{m.group(1)}@{host}")
        except InvalidIndicator:
            continue
        st.add("email", value, m.start(), m.end())
        st.take(m.start(), m.end())

def _trim_url_end(f: str, start: int, end: int) -> int:
    """Drop punctuation that ends the sentence rather than the link, and a repeated link."""
    again = _LINK_AGAIN.search(f, start, end)
    if again:  # "https://a.b/x(https://a.b/x)", as chat clients paste links
        end = again.start()
    while end > start and f[end - 1] in ".,;:!?)]}'\"":
        if f[end - 1] == ")" and f.count("(", start, end) >= f.count(")", start, end):
            break
        end -= 1
    return end


def _emit_url(st: Scan, start: int, end: int, host_start: int, host_end: int) -> bool:
    host_text = st.folded[host_start:host_end]
    ip = _as_ipv4(host_text)
    if ip is not None:
        value_host_kind, host_value = "ip", ip
    else:
        domain = _host_value(host_text, weak_ok=True)
        if domain is None:
            return False
        value_host_kind, host_value = "domain", domain
    try:
        url = canonical_url(st.folded[start:end])
    except InvalidIndicator:
        return False
    st.add("url", url, start, end)
    st.add(value_host_kind, host_value, host_start, host_end)
    st.take(start, end)
    return True


def _as_ipv4(host_text: str) -> str | None:
    m = P.IPV4.fullmatch(host_text)
    if not m:
        return None
    try:
        return canonical_ip(host_text)
    except InvalidIndicator:
        return None


def _claim(st: Scan, pattern: re.Pattern[str], kind: str, canon: Callable[[str], str], *,
           group: int = 1, skip: Callable[[str, int, int], bool] | None = None,
           as_written: bool = False) -> None:
    """Report `group` of each match of `pattern` as `kind` where it is free, not skipped, valid."""
    f = st.text if as_written else st.folded
    for m in pattern.finditer(f):
        s, e = m.span(group)
        if not st.free(s, e) or (skip is not None and skip(st.folded, s, e)):
            continue
        try:
            value = canon(f[s:e])
        except InvalidIndicator:
            continue
        st.add(kind, value, s, e)
        st.take(s, e)


def _crypto(st: Scan) -> None:
    # Addresses are case-sensitive and never disguised: read them as written.
    _claim(st, P.TRON, "tron", canonical_tron, group=0, as_written=True)
    _claim(st, P.BTC_BECH32, "btc", canonical_btc, group=0, as_written=True)
    _claim(st, P.BTC_LEGACY, "btc", canonical_btc, group=0, as_written=True)
    _claim(st, P.ETH, "eth", canonical_eth, group=0, as_written=True)


def _ipv4(st: Scan) -> None:
    f = st.folded
    for m in P.IPV4.finditer(f):
        if not st.free(m.start(), m.end()):
            continue
        if P.VERSION_BEFORE.search(f, max(0, m.start() - 24), m.start()):
            continue
        octets = [int(g) for g in m.groups()]
        if any(o > 255 for o in octets) or any(len(g) > 1 and g[0] == "0" for g in m.groups()):
            continue
        end = m.end()
        tail = _URL_TAIL.match(f, end)
        if tail and "/" in tail.group(0) and len(tail.group(0).split("/", 1)[1]) > 0:
            # "1.2.3.4:8080/admin" is a link to the address: report both.  A bare "1.2.3.4:8080"
            # is the address alone.
            url_end = _trim_url_end(f, m.start(), tail.end())
            if _emit_url(st, m.start(), url_end, m.start(), end):
                continue
        st.add("ip", ".".join(map(str, octets)), m.start(), end)
        st.take(m.start(), end)


# --- accounts named by a cue word ------------------------------------------------------------

def _account_digits(f: str, s: int, e: int) -> tuple[int, int, str] | None:
    """The account number a cue names: the longest run of its first digit groups that is 5–11
    digits ("QQ 12345678 13812345678" names 12345678, and the phone stays a phone), unless it is
    a date or a service number."""
    digits, end = "", s
    for g in P.DIGIT_GROUP.finditer(f, s, e):
        if len(digits) + len(g.group(0)) > 11:
            break
        digits, end = digits + g.group(0), g.end()
    if len(digits) < 5 or digits[0] == "0" or P.NOT_AN_ACCOUNT.fullmatch(digits):
        return None
    if unit_follows(f, end):
        return None
    return s, end, digits


# Cue words that are also ordinary words ("卫星" satellite, "飞机" aeroplane, "电报" telegram
# the news agency's medium, "WeChat" the app): after them a capitalised word is prose.
_AMBIGUOUS_CUES = re.compile(r"(?:卫星|纸飞机|小飞机|飞机|电报|微|薇|wechat|weixin)\s+$",
                             re.IGNORECASE)


def _word_not_handle(f: str, cue_start: int, s: int, value: str) -> bool:
    """'卫星 Starlink', '一架飞机 Boeing', 'WeChat Moments' are prose, not accounts; a
    capitalised handle after an unambiguous cue or a ':' ('telegram🔥Wangjm') is an account."""
    if not re.fullmatch(r"[A-Z][a-z]+", value):
        return False
    return _AMBIGUOUS_CUES.fullmatch(f, cue_start, s) is not None


def _cued_accounts(st: Scan) -> None:
    f = st.folded
    _claim(st, P.WECHAT_WXID, "wechat", str.lower, group=0)
    for m in P.QQ_CUED.finditer(f):
        found = _account_digits(f, *m.span(1))
        if found is not None and st.free(found[0], found[1]):
            st.add("qq", found[2], found[0], found[1])
            st.take(found[0], found[1])
    for m in P.WECHAT_CUED.finditer(f):
        if m.group(1):
            s, e = m.span(1)
            if (not st.free(s, e) or _is_host_start(f, e)
                    or _word_not_handle(f, m.start(), s, m.group(1))):
                continue
            try:
                value = canonical_wechat(m.group(1))
            except InvalidIndicator:
                continue
            st.add("wechat", value, s, e)
            st.take(s, e)
            continue
        s, e = m.span(2)
        if not st.free(s, e):
            continue
        try:
            phone = canonical_phone(f[s:e])
        except InvalidIndicator:
            phone = None
        digits = "".join(ch for ch in f[s:e] if ch.isdigit())
        if phone is not None:
            # A WeChat account bound to a mobile number: the number is both.
            st.add("phone", phone, s, e)
            if phone.startswith("+86") and len(digits) >= 11:
                st.add("wechat", digits[-11:], s, e)
            st.take(s, e)
        elif (found := _account_digits(f, s, e)) is not None:
            # "VX: 89584116": a WeChat account bound to a QQ number, written as digits.
            st.add("wechat", found[2], found[0], found[1])
            st.take(found[0], found[1])
    for m in P.TELEGRAM_CUED.finditer(f):
        s, e = m.span(1)
        if (not st.free(s, e) or _is_host_start(f, e)
                or _word_not_handle(f, m.start(), s, m.group(1))):
            continue
        try:
            value = canonical_telegram(m.group(1))
        except InvalidIndicator:
            continue
        at = s - 1 if s > 0 and f[s - 1] == "@" else s
        st.add("telegram", value, at, e)
        st.take(at, e)
    if "@" in f:
        # A bare @handle in this text is a Telegram username far more often than anything else
        # (e-mail addresses were taken before this pass).
        for m in P.TELEGRAM_AT.finditer(f):
            s, e = m.span()
            if not st.free(s, s + 1) or _glued_to_word(f, s):
                continue
            if not st.free(s, e):  # "@gf889https://t.me/…": the handle ends where the link starts
                e = st.taken.find(1, s, e)
            try:
                value = canonical_telegram(f[s + 1:e])
            except InvalidIndicator:
                continue
            st.add("telegram", value, s, e)
            st.take(s, e)
    if _DEVICE_OR_APP_WORDS.search(f):
        _claim(st, P.DEVICE_CUED, "device", canonical_device)
        _claim(st, P.APP_CUED, "app", canonical_app)


def _glued_to_word(f: str, at: int) -> bool:
    """True when '@' at `at` continues a word ('abc@…'), unless that word is a bot command."""
    if at == 0 or not (f[at - 1].isascii() and f[at - 1].isalnum()):
        return False
    i = at
    while i > 0 and f[i - 1].isascii() and (f[i - 1].isalnum() or f[i - 1] == "_"):
        i -= 1
    return not (i > 0 and f[i - 1] == "/")  # "/report@SomeBot" addresses a Telegram bot


_DEVICE_OR_APP_WORDS = re.compile(r"IMEI|imei|Imei|MEID|meid|串号|设备号|包名|package|pkg",
                                  re.IGNORECASE)
_AFTER_CUE_WORDS = re.compile(r"QQ|qq|扣扣|蔻|秋秋|企鹅|乞鹅|口口|卫星|微信|薇信|威信|喂心|vx|VX")


def _cues_after(st: Scan) -> None:
    """Accounts written before their cue: '2952354478+蔻' is QQ, 'w2753636 麦饼卫星' WeChat."""
    if not _AFTER_CUE_WORDS.search(st.folded):
        return
    _claim(st, P.QQ_BEFORE_CUE, "qq", canonical_qq,
           skip=lambda f, s, e: letters_glue(f, s) or is_cn_mobile(f[s:e])
           or P.NOT_AN_ACCOUNT.fullmatch(f[s:e]) is not None)
    _claim(st, P.WECHAT_BEFORE_CUE, "wechat", canonical_wechat,
           skip=lambda f, s, e: P.DEVICE_MODEL.match(f, s, e) is not None)


_HOST_CONTINUES = re.compile(rf"(?:{P.STRONG_DOT}[A-Za-z]|{P.WEAK_DOT}([a-z]{{2,8}})(?![A-Za-z]))")
_URL_TAIL = re.compile(P.URL_TAIL)
_LINK_AGAIN = re.compile(r"\((?:h[tx]{2}ps?|ftp):", re.IGNORECASE)


def _is_host_start(f: str, end: int) -> bool:
    """True when the token ending at `end` continues as a host name ('abc' in 'abc.com')."""
    m = _HOST_CONTINUES.match(f, end, end + 12)
    # A weak dot ("。", "点") only continues a host before a top-level domain: "sha3107。QQ邮箱"
    # ends a handle and a sentence.
    return m is not None and (m.group(1) is None or m.group(1) in COMMON_TLDS)


def _alipay_accounts(st: Scan) -> None:
    """An Alipay cue right before a phone number or e-mail names that account."""
    f = st.folded
    by_start = {e.start: e for e in st.found if e.kind in ("phone", "email")}
    if not by_start:
        return
    for m in P.ALIPAY_CUE.finditer(f):
        hit = by_start.get(m.end())
        if hit is not None:
            st.add("alipay", hit.value, hit.start, hit.end)


# --- bare host names -------------------------------------------------------------------------

def _bare_hosts(st: Scan) -> None:
    f = st.folded
    for m in P.BARE_HOST.finditer(f):
        hs, he = m.span(1)
        if not st.free(hs, he):
            continue
        host_text = f[hs:he]
        labels = [lab.lower() for lab in P.DOT_SPLIT.split(host_text) if lab]
        if all(lab.isdigit() for lab in labels):
            continue
        has_www = labels[0] == "www"
        path = m.group(2)
        path_ok = len(path) > 1 and path[0] in "/?#"
        if not has_www and not path_ok:
            if labels[-1] in FILE_LIKE_TLDS:
                continue
            if len(labels) >= 3 and labels[0] in PACKAGE_HEADS:
                continue  # "com.tencent.mm" is an Android package, not a host
        domain = _host_value(host_text, weak_ok=True)
        if domain is None:
            # "gu.com。 QQ邮箱": the match ran on past the host; try it without trailing labels.
            he, domain = _shorter_host(f, hs, he)
            if domain is None:
                continue
            path_ok = False
        if path_ok:
            end = _trim_url_end(f, hs, m.end())
            if end - he > 1 and _emit_url(st, hs, end, hs, he):
                continue
        st.add("domain", domain, hs, he)
        st.take(hs, he)


def _shorter_host(f: str, hs: int, he: int) -> tuple[int, str | None]:
    """The longest prefix of a host match, cut at a dot, that is a plausible site."""
    cuts = [m.start() for m in P.DOT_SPLIT.finditer(f, hs, he)]
    for cut in reversed(cuts[1:]):
        domain = _host_value(f[hs:cut], weak_ok=True)
        if domain is not None:
            return cut, domain
    return he, None


def extract_values(text: str) -> set[tuple[str, str]]:
    """The set of (kind, value) pairs in `text`: what scoring and de-duplication need."""
    return {(e.kind, e.value) for e in extract_indicators(text)}
