"""Case records as victims report them, and citizen reports from the public form.

A case names the indicators the victim saw (the number that called, the WeChat that added them,
the site, the card they paid into) the way a police officer types them — plain, mostly — so that
linking can match cases across regions (串并案).  Citizen reports point at posts and sites, some
rightly, some not.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from jingwang.simulate import identities as ids
from jingwang.simulate.disguise import disguise
from jingwang.simulate.posts import DAYS, START
from jingwang.simulate.regions import REGION_CODES
from jingwang.simulate.world import Gang, World

# Which gangs leave victims who go to the police, and what the case is filed as.
VICTIM_MAKERS = ("fraud_op", "gambling_op", "pii_seller", "fake_cert", "violence_poster",
                 "ddos", "scalper")

CASE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "fraud": (
        "受害人{name}报称，{date}通过网络结识对方，对方以刷单返利为由，诱导其在{site}操作，"
        "先后向{card}转账{k}笔共计{amount}元。对方{contact}。",
        "报案人{name}称，{date}接到自称客服的来电{phone}，被诱导下载APP并贷款，"
        "将{amount}元转入{card}后被拉黑。",
        "{name}在{date}通过{contact}联系“贷款客服”，被以解冻费、保证金等名义骗取{amount}元。",
    ),
    "gambling": (
        "举报人{name}称其丈夫沉迷网络赌博网站{site}，{date}以来累计充值{amount}元，充值卡号{card}。",
        "{name}报称，{date}在{site}下注亏损{amount}元，平台客服{contact}，提现被拒。",
    ),
    "pii_trade": (
        "{name}报称，{date}起频繁接到推销电话，对方能说出其姓名住址，怀疑信息被{contact}出售。",
    ),
    "fake_documents": (
        "{name}报称，{date}在{site}办理学历证书，付款{amount}元后发现证书系伪造，对方{contact}。",
    ),
    "violence_for_hire": (
        "{name}报称，{date}发现有人在网上雇人对其实施伤害，发布者{contact}。",
    ),
    "hacking": (
        "某公司报称，{date}其网站遭受大流量攻击，期间收到勒索信息，对方{contact}。",
    ),
    "scalping": (
        "某医院报称，{date}起专家号源放出即被抢空，有人在网上加价倒卖号源，{contact}。",
    ),
}


@dataclass(frozen=True)
class CaseTruth:
    case_id: str
    gang_id: str
    category: str
    indicators: tuple[tuple[str, str], ...]


def _plain(kind: str, value: str) -> str:
    if kind == "phone":
        return value[3:] if value.startswith("+86") else value
    return value


def _case_text(gang: Gang, rng: random.Random, date: str) -> tuple[str, list[tuple[str, str]]]:
    template = rng.choice(CASE_TEMPLATES[gang.category])
    found: list[tuple[str, str]] = []

    def pick(kind: str) -> str:
        values = gang.values(kind)
        if not values:
            return {"card": "对方账户", "phone": "陌生号码", "site": "某网站"}.get(kind, "")
        value = rng.choice(values)
        found.append((kind, value))
        return _plain(kind, value)

    contact_kind = rng.choice([k for k in ("wechat", "qq", "telegram", "phone")
                               if gang.values(k)] or ["phone"])
    contact = ""
    if "{contact}" in template and gang.values(contact_kind):
        text, pairs = disguise(contact_kind, rng.choice(gang.values(contact_kind)), rng)
        contact = "联系方式为" + text
        found.extend(pairs)
    values = {
        "name": ids.person_name(rng)[0] + "某", "date": date, "k": str(rng.randint(2, 9)),
        "amount": f"{rng.randint(3, 480) * 100:,}",
        "contact": contact or "联系方式不详",
        "card": pick("bank_card") if "{card}" in template else "",
        "phone": pick("phone") if "{phone}" in template else "",
        "site": pick("domain") if "{site}" in template else "",
    }
    return template.format(**values), found


def generate_cases(world: World) -> Iterator[tuple[dict[str, object], CaseTruth]]:
    """(case record, its truth): victims spread over the country, gangs by activity."""
    rng = world.rng("cases")
    makers = [g for g in world.gangs if g.archetype in VICTIM_MAKERS and g.category in
              CASE_TEMPLATES]
    if not makers:
        return
    weights = [g.activity for g in makers]
    for i in range(1, world.scale.cases + 1):
        gang = rng.choices(makers, weights=weights)[0]
        reported = START + dt.timedelta(days=rng.randrange(DAYS), hours=rng.randint(8, 20),
                                        minutes=rng.randrange(60))
        region = rng.choice(REGION_CODES)
        date = f"{reported.month}月{max(1, reported.day - rng.randint(0, 3))}日"
        text, found = _case_text(gang, rng, date)
        case_id = f"A{region}{reported:%Y%m%d}{i:05d}"
        record = {"case_id": case_id, "reported_at": reported.isoformat(),
                  "region_code": region, "category": gang.category, "description": text}
        yield record, CaseTruth(case_id, gang.id, gang.category, tuple(dict.fromkeys(found)))


REPORT_TEMPLATES = (
    "我在{platform}上看到有人发广告：{ad}，这是不是违法的？",
    "举报：有人在群里卖个人信息，{ad}",
    "这个网站是赌博网站吧？{ad}",
    "有人冒充客服骗钱，{ad}，请警察叔叔查一下。",
)
NOISE_REPORTS = (
    "每天都有骚扰电话，烦死了，能不能管管。",
    "我觉得隔壁店铺的广告太吵了。",
    "举报 www.jd.com 价格欺诈！",
    "有人在网上骂我，怎么办？",
    "快递丢了，客服电话95588打不通。",
)


def generate_reports(world: World, posts_sample: list[tuple[dict[str, object], object]]
                     ) -> Iterator[tuple[dict[str, object], dict[str, object]]]:
    """(citizen report, its truth): most point at an illicit post's content, some are noise."""
    rng = world.rng("reports")
    illicit = [(p, t) for p, t in posts_sample if getattr(t, "label", "") == "illicit"]
    for i in range(1, world.scale.reports + 1):
        when = START + dt.timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(24 * 60))
        report_id = f"R{when:%Y%m%d}{i:05d}"
        if illicit and rng.random() < 0.65:
            post, truth = rng.choice(illicit)
            ad = str(post["text"])[:80]
            text = rng.choice(REPORT_TEMPLATES).format(platform=post["platform"], ad=ad)
            record = {"id": report_id, "time": when.isoformat(), "category_claimed": "",
                      "text": text, "links": [], "contact": ids.mobile(rng)[:3] + "****"}
            yield record, {"report_id": report_id, "label": "illicit",
                           "category": truth.category, "gang_id": truth.gang_id,
                           "post_id": truth.post_id}
        else:
            text = rng.choice(NOISE_REPORTS)
            record = {"id": report_id, "time": when.isoformat(), "category_claimed": "",
                      "text": text, "links": [], "contact": ""}
            yield record, {"report_id": report_id, "label": "benign", "category": "",
                           "gang_id": "", "post_id": ""}
