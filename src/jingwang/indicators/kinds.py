"""The indicator kinds jingwang knows, which of them are personal data, and how each is named."""

from __future__ import annotations

from enum import StrEnum


class IndicatorKind(StrEnum):
    """Every kind of indicator the knowledge store holds (DESIGN.md, "The data model")."""

    PHONE = "phone"
    QQ = "qq"
    WECHAT = "wechat"
    TELEGRAM = "telegram"
    BANK_CARD = "bank_card"
    ID_CARD = "id_card"
    DOMAIN = "domain"
    URL = "url"
    IP = "ip"
    EMAIL = "email"
    BTC = "btc"
    ETH = "eth"
    TRON = "tron"
    ALIPAY = "alipay"
    APP = "app"
    DEVICE = "device"
    PAYMENT_ACCOUNT = "payment_account"


KINDS: tuple[str, ...] = tuple(k.value for k in IndicatorKind)

# Personal data: masked for roles that may not see it (DESIGN.md).  An Alipay account is its
# holder's phone number or e-mail address (a phone query is also read as one), and a payment
# account a person's ledger id: both are personal data too.
PII_KINDS: frozenset[str] = frozenset({"phone", "id_card", "bank_card", "email",
                                       "payment_account", "alipay"})

KIND_LABELS_ZH: dict[str, str] = {
    "phone": "电话",
    "qq": "QQ",
    "wechat": "微信",
    "telegram": "Telegram",
    "bank_card": "银行卡",
    "id_card": "身份证",
    "domain": "域名",
    "url": "网址",
    "ip": "IP地址",
    "email": "邮箱",
    "btc": "比特币地址",
    "eth": "以太坊地址",
    "tron": "波场(TRON)地址",
    "alipay": "支付宝",
    "app": "APP",
    "device": "设备(IMEI)",
    "payment_account": "支付账户",
}

KIND_LABELS_EN: dict[str, str] = {
    "phone": "Phone", "qq": "QQ", "wechat": "WeChat", "telegram": "Telegram",
    "bank_card": "Bank card", "id_card": "ID card", "domain": "Domain", "url": "URL",
    "ip": "IP address", "email": "Email", "btc": "Bitcoin address",
    "eth": "Ethereum address", "tron": "TRON address", "alipay": "Alipay", "app": "App",
    "device": "Device (IMEI)", "payment_account": "Payment account",
}


def kind_name(kind: str, lang: str = "zh") -> str:
    """An indicator kind as a person reads it: 中文 by default, English with ``lang="en"``."""
    labels = KIND_LABELS_EN if lang == "en" else KIND_LABELS_ZH
    return labels.get(kind, kind)
