"""Posts and chat: the gangs' ads and the benign crowd that talks about the same things.

Illicit posts are written from per-archetype templates with the gang's own contacts, disguised
(`disguise.py`).  Benign posts share the vocabulary on purpose — police news about crackdowns,
anti-fraud warnings, legitimate shops, loans and jobs from real companies with real hotlines,
people talking about debt or sadness without arranging anything — because that is what floods
analysts with false alarms.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from jingwang.simulate import identities as ids
from jingwang.simulate.disguise import disguise, phone_text
from jingwang.simulate.world import Gang, World

START = dt.datetime(2026, 9, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DAYS = 30
PLATFORMS = ("weibo", "tieba", "qq-group", "wechat-group", "telegram", "douyin-comment")

# {c} marks where the contacts go. Written after the seed reports' cases and real ads.
ILLICIT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "pii_seller": (
        "出一手新鲜料：车主、学生、宝妈、股民数据都有，实时更新，{c}",
        "精准数据源头，快递单号姓名电话地址，量大从优，要的私聊 {c}",
        "收售各类公民信息，四件套齐全，保真可测试，{c}",
        "出贷款客户料 {n}万条，新鲜度高，可分批，{c}",
        "社工库查询 开房记录 户籍 手机定位 都能查，{c}",
        "医美、教育、保险行业精准客户资料，一手货，{c}",
    ),
    "card_dealer": (
        "卡商供卡，全国实名手机卡、物联网卡，接码平台长期合作 {c}",
        "收购银行卡四件套（卡、手机卡、身份证、U盾），高价回收 {c}",
        "出对公账户、一类卡，不冻结，可同台 {c}",
        "接码平台上线，支持各大APP注册，价格美丽 {c}",
        "手机黑卡批发，免实名，量大包邮，{c}",
    ),
    "app_builder": (
        "定制开发 棋牌/彩票/贷款 APP，包上架，免杀，一条龙服务 {c}",
        "专业搭建博彩网站，源码出售，后台可控，{c}",
        "超级签、企业签，APP封装报毒处理，{c}",
        "贷款APP源码 支持秒批 可改额度 {c}",
    ),
    "seo_promoter": (
        "百度快排、泛目录、蜘蛛池，博彩词首页包上，{c}",
        "黑帽SEO 寄生虫 站群 权重站出租，{c}",
        "网站挂链、外链代发，菠菜推广专业团队 {c}",
    ),
    "gambling_op": (
        "菠菜新站上线，首充送{n}%，百家乐 龙虎 体育 彩票，{c}",
        "bc平台 日出千万 秒提 不限IP，{c}",
        "真人荷官在线发牌，注册送88，{c}",
        "棋牌招代理，高返点，日结，{c}",
        "体育竞猜 足球篮球 高赔率 大额无忧，{c}",
    ),
    "fraud_op": (
        "刷单返利，日赚300-800，手机操作，宝妈学生均可，{c}",
        "无抵押贷款，秒到账，黑户也能下，{c}",
        "内部投资渠道，稳赚不赔，导师带单，{c}",
        "招兼职打字员，在家可做，先交押金后派单，{c}",
        "征信修复 逾期洗白 网贷上岸，{c}",
        "游戏装备低价出售，先付款后发货，{c}",
    ),
    "fourth_party": (
        "四方支付 支付宝微信云闪付通道 稳定不掉单 {c}",
        "提供支付通道 代收代付 费率低 {c}",
        "承接各类盘口跑量，三方四方通道齐全，{c}",
    ),
    "paofen": (
        "招跑分车手，日结佣金{p}%，只需一张银行卡，{c}",
        "卡接回U 一笔一回 不压资金 {c}",
        "跑分平台招募，零押金，躺赚{p}个点，{c}",
        "二道料 保不冻 车队/个人均可操作 {c}",
    ),
    "violence_poster": (
        "有偿帮忙教训一个人，价钱好商量，懂的来，{c}",
        "高价寻人办事，对方欠钱不还，需要狠人，{c}",
        "接单 讨债 教训人 打断腿 价格私聊，{c}",
    ),
    "suicide_poster": (
        "真的撑不下去了，有没有一起走的，找个伴，{c}",
        "约烧炭，有想一起的私聊，不想一个人，{c}",
        "活着太累了，组个队结束吧，{c}",
    ),
    "water_army": (
        "专业刷单 刷评论 刷粉丝 水军控评 删帖，{c}",
        "舆情处理，负面删除，热搜代上，{c}",
        "招水军 发帖一条{n}元 日结 {c}",
    ),
    "fake_cert": (
        "办理各类证件 学历学信网可查 毕业证 资格证，{c}",
        "专业办证，成人本科函授，学历可查，{c}",
        "代办建造师证、教师资格证，包过，{c}",
    ),
    "ddos": (
        "压力测试平台 DDoS CC 包月{n}元 稳定打 {c}",
        "出售肉鸡 流量攻击 打游戏服务器 {c}",
        "网站防御测试 流量{n}G 按天按月 {c}",
    ),
    "scalper": (
        "专家号代挂 协和 301 天坛 北京儿童医院 加价秒抢 {c}",
        "抢号软件出售 京医通 秒抢 成功率高 {c}",
        "挂号黄牛 各大医院专家号 {c}",
    ),
}

BENIGN_TEMPLATES: tuple[str, ...] = (
    # police news and crackdowns (hard negatives: crime words, numbers, no contacts)
    "公安机关近日破获一起侵犯公民个人信息案，抓获犯罪嫌疑人{n}名，查获公民信息{n}万余条。",
    "警方打掉一个网络赌博团伙，涉案金额高达{n}余万元，冻结涉案账户{n}个。",
    "市公安局网安支队发布典型案例，提醒群众不要出租出借银行卡，谨防成为跑分工具人。",
    "{y}年{m}月{d}日，专案组在多地同步收网，捣毁跑分窝点{n}个。",
    "净网行动开展以来，共清理违法信息{n}万条，关停违法网站{n}家。",
    # anti-fraud warnings (service numbers, official domains)
    "警惕刷单返利诈骗！凡是要求先垫付的都是诈骗，如有疑问请拨打96110。",
    "反诈中心提醒：陌生来电自称客服要求转账，请立即挂断，拨打官方客服95588核实。",
    "举报违法和不良信息，请登录 www.12377.cn 或拨打12377。",
    "国家反诈中心APP可以识别诈骗电话，大家都装一个吧。",
    # legitimate shops, loans, jobs (real-company style contacts are indicators but benign)
    "小店新到一批水果，新鲜直发，订购电话 {shop_phone}，地址在人民路{n}号。",
    "正规银行信用贷，年化利率{p}%起，详情咨询客服热线 {hotline}。",
    "本公司招聘客服专员，五险一金，月薪{n}000元，简历投递 hr@{legit_domain}。",
    "京东自营店周年庆，全场{n}折，官网 {legit_domain}。",
    "家政服务，保洁月嫂，联系 {shop_phone} 王阿姨。",
    # ordinary life: debt, sadness, gossip, without arranging anything
    "最近欠了不少网贷，每天被催收电话轰炸，好焦虑，有没有人聊聊怎么上岸的。",
    "心情很差，失恋了，感觉活着好累，出去跑了{n}公里好一点了。",
    "今天在医院排了{n}个小时才挂上号，专家号太难挂了。",
    "游戏里被骗了{n}块钱，以后再也不私下交易了。",
    "下午{h}点开会，带上笔记本，会议室在{n}楼。",
    "这个版本v{n}.{m}.{d}更新后卡顿好多，有人一样吗？",
    "快递单号{order}一直没更新，客服也不回。",
    "有人知道微信支付怎么开发票吗？QQ空间又登不上了。",
)


# Big platforms everyone names, criminals and citizens alike: evidence of nothing on their own,
# and exactly what must not glue the world together when cases are linked.
SHARED_MENTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("资料在百度网盘 https://pan.baidu.com/s/1{code}",
     (("url", "https://pan.baidu.com/s/1{code}"), ("domain", "baidu.com"))),
    ("详情见 www.taobao.com 店铺", (("domain", "taobao.com"),)),
    ("支付宝官网 www.alipay.com 可查", (("domain", "alipay.com"),)),
    ("京东下单 jd.com", (("domain", "jd.com"),)),
    ("QQ邮箱登录 mail.qq.com", (("domain", "qq.com"),)),
    ("抖音搜 www.douyin.com", (("domain", "douyin.com"),)),
)


def shared_mention(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """A phrase naming a big platform, and the indicators in it."""
    text, pairs = rng.choice(SHARED_MENTIONS)
    code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                   for _ in range(8))
    return text.format(code=code), [(k, v.format(code=code)) for k, v in pairs]


@dataclass(frozen=True)
class PostTruth:
    """What a post really is: illicit (with its gang) or benign, and its indicators."""

    post_id: str
    label: str
    category: str
    gang_id: str
    indicators: tuple[tuple[str, str], ...]


def _time(rng: random.Random) -> dt.datetime:
    # Heavier at night for ads, spread over the month.
    day = rng.randrange(DAYS)
    hour = min(23, int(rng.triangular(0, 24, 21)))
    return START + dt.timedelta(days=day, hours=hour, minutes=rng.randrange(60),
                                seconds=rng.randrange(60))


def _fill(template: str, rng: random.Random, contacts: str = "", **extra: str) -> str:
    values = {
        "c": contacts, "n": str(rng.choice((3, 5, 8, 12, 20, 36, 58, 120, 540, 2200))),
        "p": f"{rng.uniform(0.2, 0.5):.1f}", "y": "2026", "m": str(rng.randint(1, 12)),
        "d": str(rng.randint(1, 28)), "h": str(rng.randint(1, 5)),
        "order": "".join(rng.choice("0123456789") for _ in range(rng.choice((12, 15, 18)))),
    }
    values.update(extra)
    return template.format(**values)


ADVERTISED_KINDS = ("wechat", "qq", "telegram", "phone", "domain", "tron", "btc", "bank_card",
                    "ip")


def advertised(gang: Gang) -> list[tuple[str, str]]:
    """The contacts a gang puts in its ads (a 跑分 gang's pass-through cards stay hidden: they
    show in the ledger)."""
    return [(k, v) for k in ADVERTISED_KINDS for v in gang.values(k)
            if not (k == "bank_card" and gang.archetype in ("paofen", "fourth_party"))]


def illicit_post(gang: Gang, rng: random.Random,
                 contacts: list[tuple[str, str]] | None = None
                 ) -> tuple[str, list[tuple[str, str]]]:
    """An ad of this gang with 1–3 of its contacts (or the ones given), disguised; and the
    indicators written."""
    if contacts is None:
        kinds = sorted({k for k, _ in advertised(gang)}, key=ADVERTISED_KINDS.index)
        chosen = rng.sample(kinds, k=min(len(kinds), rng.choice((1, 1, 2, 2, 3))))
        contacts = [(kind, rng.choice(gang.values(kind))) for kind in chosen]
    parts, truth = [], []
    for kind, value in contacts:
        text, found = disguise(kind, value, rng)
        parts.append(text)
        truth.extend(found)
    sep = rng.choice(("，", " ", "；", " / "))
    template = rng.choice(ILLICIT_TEMPLATES[gang.archetype])
    return _fill(template, rng, sep.join(parts)), truth


def benign_post(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """A benign post; shop phones, hotlines and company domains are indicators too."""
    shop = ids.mobile(rng)
    hotline = "400" + "".join(rng.choice("0123456789") for _ in range(7))
    legit = ids.domain(rng, illicit=False)
    template = rng.choice(BENIGN_TEMPLATES)
    text = _fill(template, rng, shop_phone=phone_text("+86" + shop, rng),
                 hotline=f"{hotline[:3]}-{hotline[3:6]}-{hotline[6:]}", legit_domain=legit)
    truth: list[tuple[str, str]] = []
    if "{shop_phone}" in template:
        truth.append(("phone", "+86" + shop))
    if "{hotline}" in template:
        truth.append(("phone", "+86" + hotline))
    if "hr@{legit_domain}" in template:
        truth.append(("email", f"hr@{legit}"))
    elif "{legit_domain}" in template:
        truth.append(("domain", legit))
    if "12377.cn" in template:
        truth.append(("domain", "12377.cn"))
    return text, truth


def generate_posts(world: World, illicit_share: float = 0.15
                   ) -> Iterator[tuple[dict[str, object], PostTruth]]:
    """(post record, its truth) for `world.scale.posts` posts, in id order."""
    rng = world.rng("posts")
    weights = [g.activity for g in world.gangs]
    # Every contact a gang advertises shows up at least once ("名片" posts listing a few each),
    # then ads follow the gangs' heavy-tailed activity.
    cards = [(g, contacts[i:i + 3]) for g in world.gangs
             for contacts in [advertised(g)] for i in range(0, len(contacts), 3)]
    every = max(1, world.scale.posts // max(1, len(cards)))
    for i in range(1, world.scale.posts + 1):
        post_id = f"post-{i:07d}"
        platform = rng.choice(PLATFORMS)
        card = cards.pop(0) if cards and i % every == 0 else None
        if card is not None or rng.random() < illicit_share:
            gang = card[0] if card else rng.choices(world.gangs, weights=weights)[0]
            text, found = illicit_post(gang, rng, card[1] if card else None)
            if rng.random() < 0.12:
                extra, pairs = shared_mention(rng)
                text, found = f"{text}。{extra}", found + pairs
            author = f"{platform}:{rng.choice(gang.members).id.lower()}"
            truth = PostTruth(post_id, "illicit", gang.category, gang.id, _unique(found))
        else:
            text, found = benign_post(rng)
            if rng.random() < 0.15:
                extra, pairs = shared_mention(rng)
                text, found = f"{text} {extra}", found + pairs
            author = f"{platform}:u{rng.randrange(10**7):07d}"
            truth = PostTruth(post_id, "benign", "", "", _unique(found))
        record = {"id": post_id, "platform": platform, "author": author,
                  "time": _time(rng).isoformat(), "text": text}
        yield record, truth


def _unique(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(pairs))
