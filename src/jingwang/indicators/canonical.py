"""Canonical form and validation of each indicator kind (DESIGN.md, "The data model").

`canonicalize(kind, raw)` returns the one stored form of a value or raises `InvalidIndicator`
with the reason.  It accepts values as people write them (full-width digits, Chinese numerals,
spaces and dashes in numbers, defanged domains), so the CLI's search box and the extractor agree.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache

import idna
import phonenumbers
import tldextract

from jingwang.indicators.checksums import (
    base58check_payload,
    bech32_valid,
    eip55_checksum,
    gb11643_check_char,
    luhn_valid,
)
from jingwang.indicators.deobfuscate import fold_text
from jingwang.indicators.kinds import KINDS
from jingwang.indicators.patterns import SEPARATOR


class InvalidIndicator(ValueError):
    """A value that is not a valid indicator of the kind asked for; `reason` says why."""

    def __init__(self, kind: str, raw: str, reason: str) -> None:
        super().__init__(f"not a valid {kind}: {raw!r} ({reason})")
        self.kind = kind
        self.raw = raw
        self.reason = reason


# --- domains ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _tld_extractor() -> tldextract.TLDExtract:
    # The bundled Public Suffix List snapshot only: jingwang runs air-gapped and never fetches.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


_DEFANGED_DOT = re.compile(
    r"\[\.\]|\(\.\)|\{\.\}|【\.】|\[dot\]|\(dot\)|\s*点\s*|\s*。\s*|\s*\.\s+|\s+\.", re.IGNORECASE
)


def refang_host(host: str) -> str:
    """Undo dot disguises in a host name: 'xx88[.]com', 'xx88点com', 'xx88 . com' → 'xx88.com'."""
    return _DEFANGED_DOT.sub(".", fold_text(host)).strip().strip(".")


def split_host(host: str) -> tuple[str, str, str]:
    """(subdomain, domain, suffix) of an ASCII host by the bundled Public Suffix List."""
    ext = _tld_extractor()(host)
    return ext.subdomain, ext.domain, ext.suffix


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ASCII_LABEL = re.compile(_LABEL)
_ASCII_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def to_ascii_host(host: str) -> str:
    """Lowercase IDNA (A-label) form of a host name, or raise ValueError."""
    host = refang_host(host).lower()
    if not host or len(host) > 253:
        raise ValueError("empty or too long")
    if host.isascii():
        if _ASCII_HOST.fullmatch(host):
            return host
        bad = next(lab for lab in host.split(".") if not _ASCII_LABEL.fullmatch(lab))
        raise ValueError(f"bad label {bad!r}")
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(str(exc)) from exc


def canonical_domain(raw: str) -> str:
    """Registered domain (eTLD+1), lowercase, IDNA: 'WWW.XX88.com.cn' → 'xx88.com.cn'."""
    try:
        host = to_ascii_host(raw)
    except ValueError as exc:
        raise InvalidIndicator("domain", raw, str(exc)) from None
    _, domain, suffix = split_host(host)
    if not suffix:
        raise InvalidIndicator("domain", raw, "no known public suffix")
    if not domain:
        raise InvalidIndicator("domain", raw, "a public suffix, not a registered domain")
    return f"{domain}.{suffix}"


# --- URLs, IPs, e-mail -----------------------------------------------------------------------

_SCHEME = re.compile(r"^\s*(h[tx]{2}ps?|ftp)\s*(?:\[:\]|:)\s*//", re.IGNORECASE)
_HOST_PART = re.compile(r"^([^/?#\s:]+)(:\d{1,5})?(.*)$", re.DOTALL)


_PATH_START = re.compile(r"[/?#]")
_HOST_PORT = re.compile(r"^(.*?)(:\d{1,5})?$", re.DOTALL)


def canonical_url(raw: str) -> str:
    """Refanged URL with lowercase scheme and host; path and query kept as written."""
    text = fold_text(raw).strip()
    m = _SCHEME.match(text)
    if m:
        scheme = m.group(1).lower().replace("x", "t")
        rest = text[m.end():]
    else:
        scheme, rest = "http", text
    # Refang the host part only: a path may legitimately contain '[.]' or '点'.
    cut = _PATH_START.search(rest)
    host_text, tail = (rest[: cut.start()], rest[cut.start():]) if cut else (rest, "")
    userinfo = ""
    if "@" in host_text:  # "user:pass@host" — kept, it is evidence
        userinfo, host_text = host_text.rsplit("@", 1)
        userinfo += "@"
    hm = _HOST_PORT.match(host_text.strip())
    host_raw, port = (hm.group(1), hm.group(2) or "") if hm else (host_text, "")
    try:
        host = str(ipaddress.IPv4Address(canonical_ip(host_raw)))
    except (InvalidIndicator, ValueError):
        host = _url_host(raw, host_raw)
    if any(c.isspace() for c in tail):
        raise InvalidIndicator("url", raw, "whitespace in path")
    return f"{scheme}://{userinfo}{host}{port}{tail}"


def _url_host(raw: str, host_raw: str) -> str:
    try:
        host = to_ascii_host(host_raw)
    except ValueError as exc:
        raise InvalidIndicator("url", raw, f"bad host: {exc}") from None
    if not split_host(host)[2]:
        raise InvalidIndicator("url", raw, "host has no known public suffix")
    return host


def canonical_ip(raw: str) -> str:
    """Dotted IPv4 without leading zeros ('010.001.2.3' → '10.1.2.3'), or a compressed IPv6."""
    text = refang_host(raw)
    parts = text.split(".")
    if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts):
        octets = [int(p) for p in parts]
        if all(o <= 255 for o in octets):
            return ".".join(map(str, octets))
        raise InvalidIndicator("ip", raw, "octet above 255")
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        raise InvalidIndicator("ip", raw, "not an IPv4 or IPv6 address") from None


_EMAIL_AT = re.compile(r"\s*(?:@|\[at\]|\(at\)|\{at\}|【at】|#)\s*", re.IGNORECASE)
_EMAIL_LOCAL = re.compile(r"[a-z0-9](?:[a-z0-9._%+-]{0,62}[a-z0-9_])?")


def canonical_email(raw: str) -> str:
    """Lowercase address with a valid local part and a host under a known public suffix."""
    parts = _EMAIL_AT.split(fold_text(raw).strip(), maxsplit=1)
    if len(parts) != 2:
        raise InvalidIndicator("email", raw, "no @")
    local, host = parts[0].lower(), parts[1]
    if not _EMAIL_LOCAL.fullmatch(local) or ".." in local:
        raise InvalidIndicator("email", raw, "bad local part")
    try:
        host = to_ascii_host(host)
    except ValueError as exc:
        raise InvalidIndicator("email", raw, f"bad host: {exc}") from None
    _, domain, suffix = split_host(host)
    if not domain or not suffix:
        raise InvalidIndicator("email", raw, "host has no registered domain")
    return f"{local}@{host}"


_SEPARATORS = re.compile(SEPARATOR)


def strict_digits(kind: str, raw: str) -> str:
    """The digits of a number written with separators only ('6222 0212-3456'); else invalid."""
    digits = _SEPARATORS.sub("", fold_text(raw).strip())
    if not digits.isdigit() or not digits.isascii():
        raise InvalidIndicator(kind, raw, "not a number")
    return digits


# --- telephone numbers and personal numbers --------------------------------------------------

def _phone_digits(raw: str) -> str:
    """Digits of a written phone number, with '+' kept for an international prefix."""
    folded = fold_text(raw).strip()
    plus = folded.startswith("+")
    digits = strict_digits("phone", folded[1:] if plus else folded)
    if plus:
        return "+" + digits
    if digits.startswith("0086"):
        return "+86" + digits[4:]
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        return "+" + digits
    return digits


# Mainland mobile numbers straight from libphonenumber's metadata: checking the 11 digits
# against this pattern is what is_valid_number does for them, without parsing.
_CN_MOBILE = re.compile(
    phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern
)


def is_cn_mobile(digits: str) -> bool:
    """True for 11 plain digits that are a valid mainland mobile number."""
    return len(digits) == 11 and _CN_MOBILE.fullmatch(digits) is not None


def canonical_phone(raw: str) -> str:
    """E.164: '138 1234 5678' → '+8613812345678', '0513-85123456' → '+8651385123456'."""
    digits = _phone_digits(raw)
    national = digits[3:] if digits.startswith("+86") else digits
    if is_cn_mobile(national):
        return "+86" + national
    if len(digits.lstrip("+")) < 7:
        raise InvalidIndicator("phone", raw, "too short")
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidIndicator("phone", raw, str(exc)) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIndicator("phone", raw, "not a valid number in the numbering plan")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# GB/T 2260 province-level codes (first two digits of a division code).
PROVINCE_CODES: frozenset[str] = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


def canonical_id_card(raw: str) -> str:
    """18-character resident ID with upper 'X', checked by region prefix, birth date and GB 11643.

    A 15-digit first-generation number is upgraded to 18 characters (century '19' and check char).
    """
    text = _SEPARATORS.sub("", fold_text(raw).strip().upper())
    if len(text) == 15 and text.isdigit():
        body = text[:6] + "19" + text[6:]
        text = body + gb11643_check_char(body)
    problem = id_card_problem(text)
    if problem is not None:
        raise InvalidIndicator("id_card", raw, problem)
    return text


def id_card_problem(text: str) -> str | None:
    """Why an 18-character ID number (upper 'X') is invalid, or None when it is valid."""
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        return "not 17 digits and a check character"
    if text[:2] not in PROVINCE_CODES or text[2:4] == "00":
        return "unknown region prefix"
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return "birth date does not exist"
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        return "birth date out of range"
    if gb11643_check_char(text[:17]) != text[17]:
        return "GB 11643 check character does not match"
    return None


def bank_card_bin_plausible(digits: str) -> bool:
    """Issuer prefixes seen on cards in China: UnionPay 62/60/9558, Visa 4, Mastercard 5, JCB 35."""
    n = len(digits)
    if not 16 <= n <= 19:
        return False
    return (digits[0] in "456" or digits.startswith("35")
            or (digits.startswith("9558") and n == 19))


def canonical_bank_card(raw: str) -> str:
    """Card number digits, 16–19 long, with a plausible issuer prefix and a valid Luhn digit."""
    digits = strict_digits("bank_card", raw)
    problem = bank_card_problem(digits)
    if problem is not None:
        raise InvalidIndicator("bank_card", raw, problem)
    return digits


def bank_card_problem(digits: str) -> str | None:
    """Why a plain digit string is not a card number, or None when it is one."""
    if not 16 <= len(digits) <= 19:
        return "not 16–19 digits"
    if not bank_card_bin_plausible(digits):
        return "implausible issuer prefix"
    if not luhn_valid(digits):
        return "Luhn check fails"
    return None


def canonical_device(raw: str) -> str:
    """IMEI: 15 digits with a valid Luhn check digit."""
    digits = strict_digits("device", raw)
    if len(digits) != 15 or not luhn_valid(digits):
        raise InvalidIndicator("device", raw, "not a 15-digit IMEI with a valid check digit")
    return digits


# --- accounts and handles --------------------------------------------------------------------

def canonical_qq(raw: str) -> str:
    """QQ number: 5–11 digits, no leading zero."""
    digits = strict_digits("qq", raw)
    if not 5 <= len(digits) <= 11 or digits[0] == "0":
        raise InvalidIndicator("qq", raw, "not 5–11 digits without a leading zero")
    return digits


_WECHAT_ID = re.compile(r"[a-z][-_a-z0-9]{5,19}")


def canonical_wechat(raw: str) -> str:
    """WeChat id lowercased (6–20 chars from a letter), or the phone/QQ number it is bound to."""
    text = fold_text(raw).strip().lower()
    if _WECHAT_ID.fullmatch(text):
        return text
    try:
        digits = strict_digits("wechat", text)
    except InvalidIndicator:
        digits = ""
    if 5 <= len(digits) <= 11:
        return digits
    raise InvalidIndicator("wechat", raw, "not a WeChat id or a bound number")


_TELEGRAM_HANDLE = re.compile(r"[a-z][a-z0-9_]{4,31}")
_TELEGRAM_LINK_HEAD = re.compile(r"^(?:https?://)?(?:www\.)?(?:t|telegram)\.me/", re.IGNORECASE)


def canonical_telegram(raw: str) -> str:
    """Telegram username lowercased without '@' (also taken from a t.me link)."""
    text = fold_text(raw).strip()
    text = _TELEGRAM_LINK_HEAD.sub("", text)
    text = text.lstrip("@").lower()
    if not _TELEGRAM_HANDLE.fullmatch(text) or text.endswith("_"):
        raise InvalidIndicator("telegram", raw, "not a 5–32 character username")
    return text


def canonical_alipay(raw: str) -> str:
    """Alipay account: the phone number (E.164) or e-mail address it is registered with."""
    text = fold_text(raw).strip()
    if "@" in text:
        return canonical_email(text)
    try:
        return canonical_phone(text)
    except InvalidIndicator:
        raise InvalidIndicator("alipay", raw, "neither a phone number nor an e-mail") from None


_PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_CERT_FINGERPRINT = re.compile(r"(?:[0-9a-f]{2}:?){19,31}[0-9a-f]{2}")


def canonical_app(raw: str) -> str:
    """Android package name (lowercase) or signing-certificate fingerprint (hex, no colons)."""
    text = fold_text(raw).strip().lower()
    if _CERT_FINGERPRINT.fullmatch(text):
        hexdigits = text.replace(":", "")
        if len(hexdigits) in (40, 64):
            return hexdigits
    if _PACKAGE_NAME.fullmatch(text) and len(text) <= 255:
        return text
    raise InvalidIndicator("app", raw, "not a package name or a SHA-1/SHA-256 fingerprint")


# --- crypto-currency addresses ---------------------------------------------------------------

_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")


def canonical_btc(raw: str) -> str:
    """Bitcoin address: legacy/P2SH Base58Check (kept as written) or Bech32 (lowercased)."""
    text = raw.strip()
    if text.lower().startswith("bc1"):
        if bech32_valid(text):
            return text.lower()
        raise InvalidIndicator("btc", raw, "Bech32 checksum fails")
    if not _BASE58.fullmatch(text) or not 26 <= len(text) <= 35:
        raise InvalidIndicator("btc", raw, "not a Base58 address")
    payload = base58check_payload(text)
    if payload is None or len(payload) != 21 or payload[0] not in (0x00, 0x05):
        raise InvalidIndicator("btc", raw, "Base58Check checksum or version fails")
    return text


def canonical_tron(raw: str) -> str:
    """TRON address (USDT-TRC20): 'T…', Base58Check with version byte 0x41, kept as written."""
    text = raw.strip()
    if not _BASE58.fullmatch(text) or len(text) != 34 or not text.startswith("T"):
        raise InvalidIndicator("tron", raw, "not a 34-character T… address")
    payload = base58check_payload(text)
    if payload is None or len(payload) != 21 or payload[0] != 0x41:
        raise InvalidIndicator("tron", raw, "Base58Check checksum fails")
    return text


_ETH = re.compile(r"0[xX][0-9a-fA-F]{40}")


def canonical_eth(raw: str) -> str:
    """Ethereum address lowercased; a mixed-case address must carry a valid EIP-55 checksum."""
    text = raw.strip()
    if not _ETH.fullmatch(text):
        raise InvalidIndicator("eth", raw, "not 0x and 40 hex digits")
    body = text[2:]
    if body.lower() != body and body.upper() != body and eip55_checksum(body) != body:
        raise InvalidIndicator("eth", raw, "EIP-55 checksum fails")
    return "0x" + body.lower()


_PAYMENT_ACCOUNT = re.compile(r"[0-9A-Z][0-9A-Z._:@-]{2,63}")


def canonical_payment_account(raw: str) -> str:
    """An account number on a payment service or at a bank that is not a card number (a ledger's
    account id: `8000EBD30`, `C1093826151`): spaces removed, upper case, 3–64 characters of
    letters, digits and `._:@-`.  A Luhn-valid card number is a `bank_card` instead."""
    text = re.sub(r"\s+", "", raw).upper()
    if not _PAYMENT_ACCOUNT.fullmatch(text):
        raise InvalidIndicator("payment_account", raw,
                               "not 3-64 letters, digits or ._:@- starting with a letter or digit")
    return text


CANONICALIZERS: dict[str, Callable[[str], str]] = {
    "phone": canonical_phone,
    "qq": canonical_qq,
    "wechat": canonical_wechat,
    "telegram": canonical_telegram,
    "bank_card": canonical_bank_card,
    "id_card": canonical_id_card,
    "domain": canonical_domain,
    "url": canonical_url,
    "ip": canonical_ip,
    "email": canonical_email,
    "btc": canonical_btc,
    "eth": canonical_eth,
    "tron": canonical_tron,
    "alipay": canonical_alipay,
    "app": canonical_app,
    "device": canonical_device,
    "payment_account": canonical_payment_account,
}
assert set(CANONICALIZERS) == set(KINDS)


def canonicalize(kind: str, raw: str) -> str:
    """The canonical form of `raw` as an indicator of `kind`; raises InvalidIndicator."""
    try:
        fn = CANONICALIZERS[kind]
    except KeyError:
        raise InvalidIndicator(kind, raw, f"unknown kind; known: {', '.join(KINDS)}") from None
    return fn(raw)


def is_valid(kind: str, raw: str) -> bool:
    """True when `raw` canonicalises as `kind`."""
    try:
        canonicalize(kind, raw)
    except InvalidIndicator:
        return False
    return True
