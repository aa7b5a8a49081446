"""Write an indicator the way a black-industry ad would: full-width, Chinese numerals, emoji
between digit groups, homophone cue words, defanged domains.

`disguise(kind, value, rng)` returns the text to put in a post and the (kind, value) pairs a
correct extractor must find there (a WeChat cue before a mobile number names both).
"""

from __future__ import annotations

import random

_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
_CHINESE = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
_CHINESE_ALT = {"0": "零", "1": "幺"}
_FINANCIAL = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))
_CIRCLED = dict(zip("0123456789", "⓪①②③④⑤⑥⑦⑧⑨", strict=True))
_EMOJI_SEPARATORS = ("🔥", "❤", "🌹", "⭐", "💰", "✨", "👉")

WECHAT_CUES = ("微信", "薇信", "威信", "V信", "vx", "VX", "wx", "加V", "➕V", "v❤", "薇", "卫星")
QQ_CUES = ("QQ", "qq", "扣扣", "企鹅", "Q号", "抠抠", "Q群")
TELEGRAM_CUES = ("飞机", "纸飞机", "TG", "tg", "电报", "telegram")
PHONE_CUES = ("电话", "手机", "联系", "热线", "☎", "call", "手机号")


def _digits_written(digits: str, rng: random.Random) -> str:
    """A digit string in one of the forms ads use to dodge keyword filters."""
    style = rng.choices(
        ("plain", "fullwidth", "chinese", "financial", "circled", "mixed"),
        weights=(5, 1, 1, 1, 1, 1),
    )[0]
    if style == "plain":
        return digits
    table = {"fullwidth": _FULLWIDTH, "chinese": _CHINESE, "financial": _FINANCIAL,
             "circled": _CIRCLED}.get(style)
    if table is not None:
        out = "".join(table[d] for d in digits)
        if style == "chinese" and rng.random() < 0.5:
            out = "".join(_CHINESE_ALT.get(d, c) if rng.random() < 0.5 else c
                          for d, c in zip(digits, out, strict=True))
        return out
    forms = (_FULLWIDTH, _CHINESE, _CIRCLED, None)
    return "".join((f[d] if (f := rng.choice(forms)) else d) for d in digits)


def _grouped(written: str, sizes: tuple[int, ...], rng: random.Random) -> str:
    """Split a written number into groups with spaces, dashes, dots or emoji between them."""
    sep = rng.choice((" ", "-", ".", " ", rng.choice(_EMOJI_SEPARATORS)))
    parts, i = [], 0
    for size in sizes:
        parts.append(written[i:i + size])
        i += size
    if i < len(written):
        parts.append(written[i:])
    return sep.join(p for p in parts if p)


def phone_text(value: str, rng: random.Random) -> str:
    """'+8613812345678' as an ad writes it: '138 1234 5678', '１３８-…', '一三八🔥…'."""
    national = value[3:] if value.startswith("+86") else value.lstrip("+")
    written = _digits_written(national, rng)
    if rng.random() < 0.55:
        written = _grouped(written, (3, 4, 4), rng)
    if rng.random() < 0.1:
        written = "+86 " + written
    return written


def disguise(kind: str, value: str, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """(text to write, the indicators a correct extractor finds in it) for one indicator."""
    if kind == "phone":
        cue = rng.choice(PHONE_CUES)
        return f"{cue}{rng.choice(('：', ':', ' ', ''))}{phone_text(value, rng)}", [(kind, value)]
    if kind == "wechat":
        cue = rng.choice(WECHAT_CUES)
        shown = value.upper() if rng.random() < 0.1 else value
        return f"{cue}{rng.choice(('：', ':', ' ', '号：'))}{shown}", [(kind, value)]
    if kind == "qq":
        cue = rng.choice(QQ_CUES)
        written = _digits_written(value, rng) if rng.random() < 0.3 else value
        return f"{cue}{rng.choice(('：', ':', ' '))}{written}", [(kind, value)]
    if kind == "telegram":
        if rng.random() < 0.3:
            return f"t.me/{value}", [(kind, value)]
        cue = rng.choice(TELEGRAM_CUES)
        return f"{cue}{rng.choice(('：', ' ', ' @', '@'))}" \
               f"{'@' if rng.random() < 0.4 else ''}{value}".replace("@@", "@"), [(kind, value)]
    if kind == "domain":
        return _domain_text(value, rng)
    if kind == "bank_card":
        written = " ".join(value[i:i + 4] for i in range(0, len(value), 4)) \
            if rng.random() < 0.6 else value
        cue = rng.choice(("卡号", "收款卡", "银行卡", "账户"))
        return f"{cue}：{written}", [(kind, value)]
    if kind == "tron":
        return f"{rng.choice(('USDT(TRC20)', 'U地址', 'TRC20', '波场'))}：{value}", [(kind, value)]
    if kind == "btc":
        return f"BTC：{value}", [(kind, value)]
    if kind == "ip":
        return f"{rng.choice(('节点', '服务器', 'IP'))} {value}", [(kind, value)]
    if kind == "email":
        return f"邮箱 {value}", [(kind, value)]
    raise ValueError(f"cannot write {kind}")


def _domain_text(value: str, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    name, _, tld = value.partition(".")
    style = rng.choice(("plain", "www", "dian", "ju", "bracket", "spaced", "url"))
    cue = rng.choice(("网址", "官网", "备用网址", "地址", "点击", "复制打开"))
    if style == "url":
        path = rng.choice(("/reg", "/index.html", "/app/download", "/?code=A7", "/m/"))
        scheme = rng.choice(("https://", "http://", "hxxps://"))
        host = ("www." if rng.random() < 0.5 else "") + value
        url = f"{scheme.replace('hxxps', 'https')}{host}{path}"
        return f"{cue} {scheme}{host}{path}", [("url", url), ("domain", value)]
    written = {
        "plain": value,
        "www": f"www.{value}",
        "dian": f"{name}点{tld}",
        "ju": f"{name}。{tld}",
        "bracket": f"{name}[.]{tld}",
        "spaced": f"{name} . {tld}",
    }[style]
    return f"{cue} {written}", [("domain", value)]
