"""Regular expressions for indicators as black-industry text writes them, over folded text.

The text is first folded one-for-one (`deobfuscate.fold_text`), so these patterns see ASCII
digits and letters where the writer used full-width, circled or Chinese numerals.  Each pattern
accepts the disguises of its kind in place (`xx88点com`, `hxxp://`, `138🔥1234🔥5678`).
"""

from __future__ import annotations

import re

# Characters that may stand between the digit groups of one number: spaces, dashes, dots,
# brackets, zero-width marks and any emoji or pictograph.  The comma is not among them: a comma
# separates two numbers far more often than it splits one.
_EMOJI = (
    "\u2190-\u21ff\u2300-\u23ff\u2500-\u2775\u2794-\u27bf\u2b00-\u2bff"
    "\U0001f000-\U0001faff\ufe0f\ufe0e\u200b-\u200d\u2060\ufeff\u20e3"
)
# Emoji presentation selectors, zero-width joiners and skin tones ride on the character before
# them: '❤️' is one separator, not two.
_MODIFIERS = "\ufe0f\ufe0e\u200d\u20e3\U0001f3fb-\U0001f3ff"
SEPARATOR = rf"[ \t\u00a0\-_./\\|~*·•—–()（）\[\]{_EMOJI}][{_MODIFIERS}]*"
EMOJI_CLASS = rf"[{_EMOJI}]"

# A run of at least seven digits (no shorter number is a phone, card or ID number) with up to
# three separator characters between groups; an optional leading '+' and a trailing 'X' (the
# check character of an ID number).
DIGIT_RUN = re.compile(
    rf"(?<![0-9])(\+\s?)?[0-9](?:(?:{SEPARATOR}){{0,3}}[0-9]){{6,}}(?:[Xx](?![A-Za-z0-9]))?"
)
# Quick tests that let extraction skip whole passes on text that cannot hold their kinds.
HAS_ALNUM = re.compile(r"[A-Za-z0-9]")
HAS_LONG_TOKEN = re.compile(r"[A-Za-z0-9]{26}")
DIGIT_GROUP = re.compile(r"[0-9]+")

# Host names, with the dot written plainly or disguised.  Strong disguises ([.], (.)) are as
# good as a dot; weak ones (点, 。, ' . ') only count before a common top-level domain.
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
STRONG_DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|【\.】|\[dot\]|\(dot\))"
WEAK_DOT = r"(?:\s?点\s?|\s?。\s?| \. |\. )"
ANY_DOT = rf"(?:{STRONG_DOT}|{WEAK_DOT})"
HOST = rf"{LABEL}(?:{ANY_DOT}{LABEL}){{1,6}}"
DOT_SPLIT = re.compile(rf"{WEAK_DOT}|{STRONG_DOT}", re.IGNORECASE)  # longest disguise first
WEAK_DOT_RE = re.compile(WEAK_DOT)

# Characters a URL path can hold as written in an ad: printable ASCII, stopping at quotes,
# angle brackets, backslashes, braces and anything non-ASCII (Chinese right after a link is
# common; so is a link inside escaped JSON or HTML).
URL_TAIL = r"(?::\d{1,5})?(?:[/?#][!#-&(-;=?-Z\[\]_a-z~]*)?"

SCHEME_URL = re.compile(
    rf"(?=[HhFf])(?:https?://|(?<![A-Za-z])(?:h[tx]{{2}}ps?|ftp)\s?(?:\[:\]|:)\s?//)(?:[^\s/@?#]{{1,64}}@)?({HOST}){URL_TAIL}",
    re.IGNORECASE,
)
BARE_HOST = re.compile(
    rf"(?=[A-Za-z0-9])(?<![A-Za-z0-9@_\-.])((?:www{ANY_DOT})?{HOST})({URL_TAIL})", re.IGNORECASE
)

TELEGRAM_LINK = re.compile(
    r"(?=[HhWwTt])(?:https?://)?(?:www\.)?(?<![A-Za-z0-9.])(?:t|telegram)\.me/(joinchat/|\+)?"
    r"([A-Za-z0-9_]{5,32})",
    re.IGNORECASE,
)

# E-mail, with '@' or a disguise of it; '#' for '@' only before a known mail host, where the
# trick is common ("把#换成@").
EMAIL = re.compile(
    rf"(?=[A-Za-z0-9])(?<![A-Za-z0-9._%+\-\u00c0-\u024f\u0300-\u036f])"
    rf"([A-Za-z0-9][A-Za-z0-9._%+-]{{0,63}})\s?(@|\[at\]|\(at\)|\{{at\}}|#)\s?"
    rf"({LABEL}(?:{STRONG_DOT}{LABEL}){{1,5}})(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
MAIL_HOSTS_FOR_HASH = frozenset(
    "qq.com foxmail.com 163.com 126.com yeah.net 139.com sina.com sina.cn sohu.com aliyun.com "
    "gmail.com outlook.com hotmail.com yahoo.com proton.me protonmail.com icloud.com".split()
)

IPV4 = re.compile(
    r"(?<![0-9A-Za-z.])(\d{1,3})(?:\.|\[\.\]|\(\.\))(\d{1,3})(?:\.|\[\.\]|\(\.\))"
    r"(\d{1,3})(?:\.|\[\.\]|\(\.\))(\d{1,3})(?![0-9]|\.[0-9])"
)
# A version number, possibly a product name away from its cue: "系统版本 HarmonyOS 4.0.0.116".
VERSION_BEFORE = re.compile(
    r"(?:[vV]|版本号?|version|ver\.?|build|固件|firmware|[A-Za-z]+OS|第|条款|条|章节|章)\s*[:：]?\s*"
    r"(?:[A-Za-z][A-Za-z0-9]*\s*)?$",
    re.IGNORECASE,
)

TRON = re.compile(r"(?<![A-Za-z0-9])T[1-9A-HJ-NP-Za-km-z]{33}(?![A-Za-z0-9])")
BTC_LEGACY = re.compile(r"(?<![A-Za-z0-9])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])")
BTC_BECH32 = re.compile(
    r"(?<![A-Za-z0-9])(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}(?![A-Za-z0-9])"
)
ETH = re.compile(r"(?<![A-Za-z0-9])0[xX][0-9a-fA-F]{40}(?![0-9a-fA-F])")

# Between a cue word and its value: punctuation, brackets, emoji and a few filler words
# ("微信号：", "QQ是", "加我vx→", "TG 搜索 @…").
FILLER = (
    rf"(?:\[/?[A-Za-z]{{1,8}}(?:=[^\]]{{0,20}})?\]|[\s:=\-_~|/\\()（）\[\]<>《》【】「」\"'“”‘’!！*#+,，.。、…;；]"
    rf"|{EMOJI_CLASS}"
    r"|号码|号|帐号|账号|ID|id|Id|是|为|加我|加|搜索|搜|添加|联系|私聊|私信|咨询|找我|找|备注){0,6}"
)

_WECHAT_CUES = (
    r"微信|薇信|威信|徽信|维信|围信|微芯|薇芯|徵信|危信|喂信|喂心|胃信|维心|威心|薇心|魏信|潍信|[Vv]信|[Vv]心"
    r"|[Vv]❤|[Vv]♥|嶶"
    r"|(?<![A-Za-z])(?:vx|VX|Vx|vX|wx|WX|Wx|weixin|WeiXin|wechat|WeChat|Wechat|weichat)(?![A-Za-z])"
    r"|卫星|(?:加|\+|➕)\s?[Vv](?![A-Za-z])|(?<![A-Za-z])[Vv](?=\s?[:]|\s?[0-9]{5})|喂(?=\s?[:])|薇|(?<!稍)(?<!轻)(?<!细)微(?![博软商店视米]|小|笑)"
)
_QQ_CUES = (
    r"(?<![A-Za-z])(?:QQ|qq|Qq|qQ)(?:群|号)?(?![A-Za-z])|扣扣|抠抠|寇寇|叩叩|釦筘|蔻蔻|秋秋|企鹅号?|企鹅群"
    r"|群号|进群|[0-9]?群(?=\s?[:：]|[0-9]{5})|(?<![A-Za-z])qun(?![A-Za-z])"
    r"|(?<![A-Za-z])[Qq](?:号|群)|(?<![A-Za-z0-9])[Qq](?=\s?[:=]|[0-9]{5})|扣(?=\s?[:：]?\s?[0-9]{5})"
)
_TELEGRAM_CUES = (
    r"纸飞机|小飞机|飞机号|飞机|电报|(?<![A-Za-z])(?:TG|tg|Tg|telegram|Telegram|TELEGRAM)(?![A-Za-z])"
    r"|✈️?|🛩️?"
)
_ALIPAY_CUES = r"支付宝|支付寶|(?<![A-Za-z])(?:zfb|ZFB|alipay|Alipay)(?![A-Za-z])"
_DEVICE_CUES = r"(?<![A-Za-z])(?:IMEI|imei|Imei|MEID|meid)(?![A-Za-z])|串号|设备号"
_APP_CUES = r"包名|应用包名|(?<![A-Za-z])(?:package name|package|pkg)(?![A-Za-z])"

CUE_LETTER_ID = r"[A-Za-z][-_A-Za-z0-9]{5,19}(?![-_A-Za-z0-9]|\.[A-Za-z]|@)"
CUE_DIGITS = rf"[0-9](?:(?:{SEPARATOR}){{0,2}}[0-9]){{4,18}}(?![0-9])"

WECHAT_CUED = re.compile(
    rf"(?=[微薇威徽维围徵危喂胃魏潍嶶VvWw卫加+➕])(?:{_WECHAT_CUES}){FILLER}"
    rf"(?:({CUE_LETTER_ID})|(\+?{CUE_DIGITS}))"
)
WECHAT_WXID = re.compile(r"(?<![A-Za-z0-9_])wxid_[a-z0-9]{6,24}(?![A-Za-z0-9_])", re.IGNORECASE)
QQ_CUED = re.compile(rf"(?=[Qq扣抠寇叩釦蔻秋企群进0-9])(?:{_QQ_CUES}){FILLER}({CUE_DIGITS})")
TELEGRAM_CUED = re.compile(
    rf"(?=[纸小飞电TtGg✈🛩])(?:{_TELEGRAM_CUES}){FILLER}@?([A-Za-z][A-Za-z0-9_]{{4,31}})(?![A-Za-z0-9_]|\.[A-Za-z]|@)"
)
TELEGRAM_AT = re.compile(r"@([A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_]|\.[A-Za-z])")

# Accounts written before their cue word ("2952354478+蔻", "w2753636 麦饼卫星"), common in
# real ads.  Only a cue that cannot be an ordinary word right after a number qualifies.
# The Latin cue "QQ" after a number must be glued to it ("2952354478+QQ"): "88888 QQ 用户"
# counts users.  The lookaheads are bounded so the pattern stays linear on long hyphen runs.
QQ_BEFORE_CUE = re.compile(
    rf"(?<![0-9A-Za-z])({CUE_DIGITS})(?:[\s+➕\-]{{0,2}}(?:扣扣|蔻|秋秋|企鹅|乞鹅|口口)"
    r"|[+➕\-]?(?:QQ|qq)(?![A-Za-z0-9:：\s]*[0-9]))"
)
WECHAT_BEFORE_CUE = re.compile(
    r"(?<![A-Za-z0-9_+/=])"
    r"((?=[A-Za-z_-]{0,19}[0-9])(?=[0-9_-]{0,19}[A-Za-z])[A-Za-z][-_A-Za-z0-9]{5,19})"
    r"(?![-_A-Za-z0-9])[\s+➕\-]{0,2}(?:麦饼)?(?:卫星|微信|薇信|威信|喂心|vx|VX)"
    r"(?![A-Za-z0-9+/=]|[\u4e00-\u9fff])"
)
# Handset models and systems are written right before 微信 ("iPhone15 微信闪退"): not ids.
DEVICE_MODEL = re.compile(
    r"(?:iphone|ipad|android|ios|mate|nova|redmi|galaxy|pixel|huawei|xiaomi|oppo|vivo|honor|"
    r"windows|win|macos|harmonyos|emui|miui|p)\d", re.IGNORECASE)
# Numbers a WeChat or QQ cue can stand before that are not accounts: dates, service numbers.
NOT_AN_ACCOUNT = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])|9[56]\d{3}|100\d\d|12\d{3}"
)
ALIPAY_CUE = re.compile(rf"(?=[支ZzAa])(?:{_ALIPAY_CUES}){FILLER}")
DEVICE_CUED = re.compile(rf"(?=[IiMm串设])(?:{_DEVICE_CUES}){FILLER}({CUE_DIGITS})")
APP_CUED = re.compile(
    rf"(?=[包应Pp])(?:{_APP_CUES}){FILLER}([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+)",
    re.IGNORECASE,
)

# Context that makes a digit run something other than an indicator.
NOT_AN_INDICATOR_BEFORE = re.compile(
    r"(?:订单|单号|运单|快递|物流|流水|编号|工号|学号|批次|交易号|商户号|序列号|序号|条码|发票|账单|"
    r"版本|型号|尾号|验证码|密码|卡密|邮编|房号|车次|航班|票号|金额|价格|售价|¥|￥|\$|RMB|人民币|第|共|约|"
    r"order(?:\s*id)?|No\.|no\.|ID:|id:)\s*[:：#]?\s*$",
    re.IGNORECASE,
)
# Units right after a number make it an amount or a count ("2200万", "13812345678元"); only
# measure words that cannot start an ordinary phrase after an account ("名下", "张某" can).
UNIT_AFTER = re.compile(
    r"(?:元|块|万|亿|千|百|%|‰|人|笔|余|多|岁|斤|公斤|吨|倍|小时|公里|美元|刀|个月|条|次"
    r"|[wWkKuU](?![A-Za-z0-9]))"
)
PHONE_CUE_BEFORE = re.compile(
    r"(?:电话|座机|热线|手机|致电|拨打|联系|客服|固话|tel|phone|call|☎|📞|📱)\s*[:：]?\s*$",
    re.IGNORECASE,
)
