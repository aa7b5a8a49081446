"""Crawled web pages: legit sites, the gangs' own sites, fake state organs, hacked pages.

Seed report 001 counts 2.15 million illegal links cleared from search results and 800+ search-ad
accounts; report 003 a gang that ran 126 sites imitating state organs ("仿冒中共中央党校函授学院
江苏分院") to sell fake diplomas.  `write_pages` writes `world.scale.pages` pages, each as
`pages/<n>.html` and as a `response` record of `pages.warc.gz`, with `truth_pages.csv`:

* legit: hospitals, shops, news and police anti-fraud warnings that use the crime vocabulary
  (hard negatives), local government service pages — with 备案号 in their footers, and now and
  then a harmless `display:none` (a mobile menu) that points into the same site;
* illegal, on the gangs' own domains with their contacts: gambling (菠菜, 百家乐, 首充送, app
  downloads), fraud (刷单返利, loans, investment), DDoS "压力测试" platforms with plans, illegal
  app download pages;
* fake_gov (`fake_cert` gangs): a state organ's look (国徽, 党政机关, 学历/证书查询, 函授学院)
  selling diplomas through the gang's WeChat, QQ and phone;
* injected (`seo_promoter` gangs): a legit page with links to gambling or fraud domains hidden by
  `display:none`, `visibility:hidden`, zero font size, off-screen positioning, a hiding class or
  a `<noscript>` block, sometimes with a search-referrer redirect.  The domains are those of the
  promoter's customers (gangs listing it in `suppliers`), else its own.

Every choice comes from `world.rng("web_pages")`; WARC dates and record ids too, so one seed
writes the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from jingwang.simulate import identities as ids
from jingwang.simulate.regions import REGION_CODES, REGIONS
from jingwang.simulate.world import Gang, World

CRAWL_START = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)
SHARES = {"illegal": 0.25, "fake_gov": 0.12, "injected": 0.18}     # the rest is legit
ILLEGAL_ARCHETYPES = ("gambling_op", "fraud_op", "ddos", "app_builder")
PROVINCE = {"11": ("京", "010"), "12": ("津", "022"), "13": ("冀", "0311"), "14": ("晋", "0351"),
            "21": ("辽", "024"), "22": ("吉", "0431"), "23": ("黑", "0451"), "31": ("沪", "021"),
            "32": ("苏", "025"), "33": ("浙", "0571"), "34": ("皖", "0551"), "35": ("闽", "0591"),
            "36": ("赣", "0791"), "37": ("鲁", "0531"), "41": ("豫", "0371"), "42": ("鄂", "027"),
            "43": ("湘", "0731"), "44": ("粤", "020"), "45": ("桂", "0771"), "46": ("琼", "0898"),
            "50": ("渝", "023"), "51": ("川", "028"), "52": ("贵", "0851"), "53": ("云", "0871"),
            "61": ("陕", "029"), "62": ("甘", "0931"), "65": ("新", "0991")}
SERVERS = ("nginx", "Apache", "Microsoft-IIS/8.5", "Tengine", "openresty")
CASINOS = ("金沙", "威尼斯人", "新葡京", "太阳城", "永利", "银河", "美高梅", "皇冠")
GAMES = ("真人百家乐", "龙虎斗", "牛牛", "体育投注", "重庆时时彩", "电子游艺", "捕鱼达人",
         "德州扑克")
DEPTS = ("心血管内科", "消化内科", "神经内科", "儿科", "妇产科", "骨科", "眼科", "口腔科", "皮肤科",
         "肿瘤科", "内分泌科", "呼吸与危重症医学科")
GOODS = (("有机大米 5kg", 69), ("新疆红枣 1kg", 39), ("智能手环", 199), ("保温杯 500ml", 89),
         ("儿童绘本套装", 128), ("无线耳机", 299), ("茶叶礼盒", 268), ("纯棉四件套", 359))
ANCHORS = {"gambling": ("澳门新葡京", "百家乐官网", "菠菜导航", "线上娱乐城", "体育投注",
                        "真人视讯"),
           "fraud": ("刷单兼职", "贷款秒批", "日结兼职", "投资理财", "网贷口子"),
           "fake_documents": ("办证", "学历查询", "毕业证办理", "证书代办")}
HIDERS = ("display:none", "visibility:hidden;height:0;overflow:hidden",
          "font-size:0;line-height:0", "position:absolute;left:-9999px;top:-9999px",
          "noscript", "class")


@dataclass
class Page:
    """One crawled page and what it really is."""

    url: str
    label: str
    category: str
    gang_id: str
    html: str
    ip: str


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _doc(title: str, body: str, keywords: str = "", description: str = "",
         head: str = "") -> str:
    """A whole HTML document."""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="keywords" content="{keywords}">\n'
            f'<meta name="description" content="{description}">\n<title>{_esc(title)}</title>\n'
            f'<link rel="stylesheet" href="/static/css/style.css">\n{head}</head>\n<body>\n'
            f"{body}\n</body>\n</html>\n")


def _nav(items: tuple[str, ...], mobile: bool = False) -> str:
    links = "".join(f'<li><a href="/{path}/">{name}</a></li>' for path, name in zip(
        ("index", "about", "list", "news", "service", "contact"), items, strict=False))
    menu = (f'\n<div class="m-menu" style="display:none"><ul>{links}</ul></div>'
            if mobile else "")           # a harmless hidden block, for the detector to ignore
    return f'<nav class="nav"><ul>{links}</ul></nav>{menu}'


@dataclass
class Site:
    """A registered site: who runs it, where, its domain and its filing numbers."""

    owner: str
    region: str
    domain: str
    icp: str
    police: str
    phone: str


def _site(rng: random.Random, owner: str, region: str, domain: str) -> Site:
    abbr, area = PROVINCE[region[:2]]
    local = rng.randint(6 * 10**6, 9 * 10**6 - 1) * (10 if len(area) == 3 else 1)
    return Site(owner, region, domain, f"{abbr}ICP备{rng.randint(10**7, 10**8 - 1)}号-1",
                f"{abbr}公网安备 {region}{rng.randint(10**7, 10**8 - 1)}号", f"{area}-{local}")


def _legit_domain(rng: random.Random, kind: str) -> str:
    """A company's domain: pinyin, what it is, a Chinese or common TLD ('taihemall.com')."""
    name = "".join(rng.choice(ids.SYLLABLES) for _ in range(2))
    return f"{name}{kind}.{rng.choice(ids.TLDS_LEGIT)}"


def _footer(site: Site, extra: str = "") -> str:
    _, city, county = REGIONS[site.region]
    return (f'<footer class="footer">\n<p>主办单位：{site.owner}　地址：{city}{county}'
            f"　电话：{site.phone}</p>\n<p>版权所有 © 2026 {site.owner}　"
            f'<a href="https://beian.miit.gov.cn/" target="_blank">{site.icp}</a>　'
            f'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode='
            f'{site.police.split()[1][:-1]}" target="_blank">{site.police}</a></p>{extra}\n'
            "</footer>")


def _note(name: str, value: object) -> str:
    return f"<p>{name}：{value}</p>"


def _gov_code(rng: random.Random, region: str) -> str:
    return f"{region[:4]}{rng.randint(10**5, 10**6 - 1)}"


def _city(region: str) -> str:
    return REGIONS[region][1].removesuffix("市")


def _gov_domain(rng: random.Random) -> str:
    return "".join(rng.choice(ids.SYLLABLES) for _ in range(2)) + ".gov.cn"


def _hospital(rng: random.Random, region: str) -> tuple[str, str]:
    name = f"{_city(region)}市第{rng.choice('一二三四五六')}人民医院"
    site = _site(rng, name, region, _legit_domain(rng, rng.choice(("yy", "rmyy", "hospital"))))
    depts = rng.sample(DEPTS, 6)
    doctors = "".join(f"<li>{ids.person_name(rng)} 主任医师 {d} 专家门诊："
                      f"周{rng.choice('一二三四五')}上午</li>" for d in depts[:4])
    body = (f'<header><h1 class="logo">{name}</h1></header>\n'
            f"{_nav(('首页', '医院概况', '科室导航', '专家介绍', '就医指南', '预约挂号'), True)}\n"
            f"<main>\n<h2>门诊指南</h2>\n<p>门诊时间：周一至周五 8:00-12:00，13:30-17:00；"
            f"急诊24小时开放。</p>\n<p>预约挂号请通过本院官方微信公众号或市统一预约挂号平台，"
            f"号源每日7:00、15:00放出。请勿相信号贩子“代挂专家号”，谨防诈骗。</p>\n"
            f"<h3>重点科室</h3>\n<ul>{''.join(f'<li>{d}</li>' for d in depts)}</ul>\n"
            f"<h3>专家介绍</h3>\n<ul>{doctors}</ul>\n</main>\n{_footer(site)}")
    return f"https://www.{site.domain}/guide.html", _doc(
        f"门诊指南 - {name}", body, f"{name},预约挂号,门诊时间", f"{name}门诊与预约挂号指南")


def _shop(rng: random.Random, region: str) -> tuple[str, str]:
    domain = _legit_domain(rng, rng.choice(("mall", "shop", "yx")))
    name = f"{''.join(rng.choice(ids.SURNAMES) for _ in range(2))}优选商城"
    site = _site(rng, f"{_city(region)}{name[:2]}电子商务有限公司", region, domain)
    goods = "".join(f'<li class="item"><a href="/goods/{rng.randint(1000, 9999)}.html">{g}</a>'
                    f'<span class="price">¥{p}</span></li>' for g, p in rng.sample(GOODS, 5))
    hotline = f"400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    body = (f'<header><h1 class="logo">{name}</h1><p>正品保障 · 七天无理由退货</p></header>\n'
            f"{_nav(('首页', '全部商品', '新品上市', '会员中心', '购物车'), rng.random() < 0.5)}\n"
            f'<main>\n<ul class="goods">{goods}</ul>\n<p>客服热线：{hotline}（9:00-21:00）。'
            f"本店不会以退款、刷单为由要求您转账，请认准官方渠道。</p>\n</main>\n"
            f"{_footer(site, _note('统一社会信用代码', rng.randint(10**17, 10**18)))}")
    return f"https://www.{domain}/", _doc(name, body, "网上商城,正品,包邮", f"{name}官方网站")


NEWS = (("警方破获特大网络赌博案 涉案资金逾{n}亿元",
         "{city}警方近日打掉一个跨境网络赌博团伙。该团伙以“菠菜”“百家乐”“首充送”等噱头在"
         "网上招揽赌客，通过“跑分”平台转移赌资。警方提醒：网络赌博十赌九骗，切勿下载来路不明的"
         "“娱乐城”APP。"),
        ("“刷单返利”骗局又出新花样 {city}一市民被骗{n}万元",
         "受害人在社交软件上看到“日赚300-800”的兼职广告，按要求下载APP做任务，前几单小额返利后"
         "被诱导大额垫付，最终无法提现。民警提示：所有刷单都是诈骗。"),
        ("仿冒国家机关网站卖假证 警方查获假证书{n}千余本",
         "犯罪团伙架设仿冒“函授学院”“学历查询”网站{n}个，声称“学信网可查”，实际出售伪造的学历"
         "证书。学历查询请登录中国高等教育学生信息网（学信网）。"),
        ("打掉DDoS攻击平台 {n}名嫌疑人落网",
         "该平台以“压力测试”为名出租攻击流量，按包月套餐收费，曾导致多家网站瘫痪。"
         "提供“压力测试”攻击服务同样涉嫌破坏计算机信息系统罪。"))


def _news(rng: random.Random, region: str) -> tuple[str, str]:
    paper = f"{_city(region)}{rng.choice(('日报', '晚报', '新闻网'))}"
    site = _site(rng, paper, region, _legit_domain(rng, rng.choice(("news", "daily", "rb"))))
    title, text = rng.choice(NEWS)
    n, city = rng.randint(2, 60), _city(region)
    title, text = title.format(n=n, city=city), text.format(n=n, city=city)
    body = (f'<header><h1 class="logo">{paper}</h1></header>\n'
            f"{_nav(('首页', '本地', '国内', '法治', '财经', '视频'), rng.random() < 0.5)}\n"
            f'<article>\n<h1>{title}</h1>\n<p class="meta">2026-09-{rng.randint(1, 19):02d} '
            f"来源：{paper}　记者 {ids.person_name(rng)}</p>\n<p>{text}</p>\n"
            f"<p>如发现违法犯罪线索，请拨打110或登录 www.12377.cn 举报。</p>\n</article>\n"
            f"{_footer(site, _note('互联网新闻信息服务许可证', rng.randint(10**10, 10**11)))}")
    return (f"https://www.{site.domain}/fazhi/2026/{rng.randint(1000, 9999)}.html",
            _doc(title, body, "法治,反诈,警方", title))


def _police_warning(rng: random.Random, region: str) -> tuple[str, str]:
    name = f"{_city(region)}市公安局"
    site = _site(rng, name, region, _gov_domain(rng))
    body = (f'<header><h1 class="logo">{name}</h1><p class="gov">党政机关</p></header>\n'
            f"{_nav(('首页', '警务公开', '反诈专区', '网上办事', '互动交流'), True)}\n"
            "<main>\n<h2>反诈预警：这些都是诈骗！</h2>\n<ol>\n<li>“刷单返利”“日赚几百”的兼职，"
            "都是诈骗。</li>\n<li>“无抵押、黑户可贷、秒批”的网贷，先收费的都是诈骗。</li>\n"
            "<li>“首充送”“百家乐”“菠菜”平台稳赚不赔？网络赌博就是骗局。</li>\n<li>网上“办证、"
            "学历可查”的网站是仿冒的，学历请到学信网查验。</li>\n<li>陌生人让您下载APP、共享"
            "屏幕，立即挂断。</li>\n</ol>\n<p>接到可疑电话请拨打全国反诈专线96110，报警请拨110，"
            "举报违法信息请登录 www.12377.cn。</p>\n</main>\n"
            f"{_footer(site, _note('政府网站标识码', _gov_code(rng, region)))}")
    return (f"https://www.{site.domain}/fzzq/{rng.randint(100, 999)}.html",
            _doc(f"反诈预警 - {name}", body, "反诈,预警,刷单,网络赌博", "全民反诈"))


def _gov_service(rng: random.Random, region: str) -> tuple[str, str]:
    _, city, county = REGIONS[region]
    name = f"{city}{county}人民政府"
    site = _site(rng, name, region, _gov_domain(rng))
    item = rng.choice(("学历证书查验", "成人高等教育函授报名", "职业资格证书补办", "居住证办理"))
    body = (f'<header><h1 class="logo">{name}</h1><p class="gov">党政机关</p></header>\n'
            f"{_nav(('首页', '政务公开', '政务服务', '互动交流', '走进' + county), True)}\n"
            f"<main>\n<h2>办事指南：{item}</h2>\n<p>办理对象：本地户籍或持有居住证人员。</p>\n"
            f"<p>办理材料：居民身份证原件；相关证书原件及复印件。</p>\n<p>办理地点：{county}"
            f"政务服务中心一楼综合窗口，咨询电话 {site.phone}。学历证书可在中国高等教育学生"
            f"信息网（chsi.com.cn）自助查验，函授报名以省教育考试院公告为准。</p>\n</main>\n"
            f"{_footer(site, _note('政府网站标识码', _gov_code(rng, region)))}")
    return (f"https://www.{site.domain}/zwfw/bszn/{rng.randint(10000, 99999)}.html",
            _doc(f"{item} - {name}", body, f"{item},办事指南", f"{name}{item}办事指南"))


LEGIT: tuple[Callable[[random.Random, str], tuple[str, str]], ...] = (
    _hospital, _shop, _news, _police_warning, _gov_service)


def _contacts(gang: Gang, rng: random.Random) -> str:
    """The gang's contacts as its sites show them."""
    parts = [f"微信：{w}" for w in gang.values("wechat")]
    parts += [f"QQ：{q}" for q in gang.values("qq")]
    parts += [f"Telegram：@{t}" for t in gang.values("telegram")]
    parts += [f"电话：{p.removeprefix('+86')}" for p in gang.values("phone")[:1]]
    rng.shuffle(parts)
    return '<div class="kefu">在线客服 ' + "　".join(parts) + "</div>"


def _slug(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(rng.randint(3, 6)))


def _home(gang: Gang, rng: random.Random) -> str:
    return f"{rng.choice(('https://www.', 'http://www.', 'http://m.'))}{rng.choice(gang.values('domain'))}/"


def _gambling(gang: Gang, rng: random.Random) -> tuple[str, str, str]:
    brand, url = rng.choice(CASINOS), _home(gang, rng)
    bonus = rng.choice((38, 58, 88, 100, 128))
    games = "".join(f'<li><a href="/game/{i}.html">{g}</a></li>'
                    for i, g in enumerate(rng.sample(GAMES, 5)))
    usdt = (f"<p>USDT(TRC20) 充值地址：{rng.choice(gang.values('tron'))}</p>\n"
            if gang.values("tron") else "")
    body = (f'<header><h1 class="logo">{brand}娱乐城</h1><p>亚洲最大线上娱乐平台 · 菠菜老品牌'
            f"</p></header>\n<main>\n<h2>新会员首充送{bonus}%，每日返水1.2%，百家乐无上限</h2>\n"
            f'<ul class="games">{games}</ul>\n<p class="dl"><a href="{url}app/{_slug(rng)}.apk">'
            f'安卓APP下载</a>　<a href="{url}app/ios.html">iOS下载（企业签，安装后请信任证书）'
            f"</a></p>\n{usdt}{_contacts(gang, rng)}\n</main>\n<footer><p>© {brand}娱乐城 "
            "菲律宾PAGCOR认证 理性投注</p></footer>")
    return url, "gambling", _doc(f"{brand}娱乐城-首充送{bonus}%-百家乐-体育投注", body,
                                  "百家乐,菠菜,首充送,真人视讯", f"{brand}娱乐城官网")


FRAUD = (("任务平台", "刷单返利 日赚300-800 佣金秒结", "<p>宝妈学生均可做，手机操作，"
          "先垫付后返利，单单有佣金，做满三单返本金加15%。</p>"),
         ("信用贷", "无视征信 黑户可贷 秒批到账", "<p>额度1万-50万，无抵押无担保，"
          "放款前仅需缴纳少量解冻金/保证金。</p>"),
         ("财富学院", "导师带单 稳赚不赔 年化300%", "<p>内部数字货币项目，名额有限，"
          "加入VIP群跟导师操作，保本保收益。</p>"))


def _fraud(gang: Gang, rng: random.Random) -> tuple[str, str, str]:
    name, slogan, text = rng.choice(FRAUD)
    url = _home(gang, rng)
    card = (f"<p>入金对公账户：{rng.choice(gang.values('bank_card'))}</p>\n"
            if gang.values("bank_card") and rng.random() < 0.5 else "")
    body = (f'<header><h1 class="logo">{name}</h1><p>{slogan}</p></header>\n<main>\n{text}\n'
            f'<p class="dl"><a href="{url}download/app.apk">立即下载APP</a></p>\n{card}'
            f"{_contacts(gang, rng)}\n</main>\n<footer><p>© 2026 {name}</p></footer>")
    return url, "fraud", _doc(f"{name}-{slogan}", body, slogan.replace(" ", ","), slogan)


def _ddos(gang: Gang, rng: random.Random) -> tuple[str, str, str]:
    name, url = f"{rng.choice(('星辰', '暗影', '雷霆', '天网', '极光'))}压力测试", _home(gang, rng)
    plans = "".join(f"<tr><td>{p}</td><td>{g}G</td><td>{s}秒</td><td>¥{c}</td></tr>"
                    for p, g, s, c in (("体验版/天", 10, 60, 30), ("月卡", 100, 300, 300),
                                       ("至尊月卡", 1000, 3600, 2000)))
    api = "".join(f"<p>API：http://{ip}:8080/api/attack?key=你的密钥&amp;method=CC</p>\n"
                  for ip in gang.values("ip")[:1])
    body = (f'<header><h1 class="logo">{name}</h1><p>专业DDoS/CC压力测试 · 秒级响应</p>'
            f"</header>\n<main>\n<h2>会员套餐</h2>\n<table><tr><th>套餐</th><th>流量</th>"
            f"<th>单次时长</th><th>价格</th></tr>{plans}</table>\n<p>支持方法：UDP、SYN、"
            f"CC、HTTP-FLOOD、NTP/DNS放大；支持USDT付款。</p>\n{api}{_contacts(gang, rng)}\n"
            "<p>本平台仅供压力测试，严禁用于非法用途。</p>\n</main>")
    return url, "hacking", _doc(f"{name}-在线压力测试平台", body, "压力测试,DDoS,CC",
                                 f"{name}平台")


def _app(gang: Gang, rng: random.Random) -> tuple[str, str, str]:
    app = rng.choice(("皇冠棋牌", "速借花", "易赚宝", "聚财通", "乐享直播"))
    url = _home(gang, rng)
    mirror = "".join(f'<a href="http://{ip}/down/{rng.randint(100, 999)}.apk">备用下载</a>'
                     for ip in gang.values("ip")[:1])
    body = (f'<header><h1 class="logo">{app}</h1></header>\n<main>\n<h2>{app}APP 官方下载'
            f'</h2>\n<p class="dl"><a href="{url}{_slug(rng)}.apk">Android 下载</a>　'
            f'<a href="itms-services://?action=download-manifest&amp;url={url}ios.plist">iOS '
            f"超级签下载</a>　{mirror}</p>\n<p>如提示风险请忽略，已做免杀封装；安装后在设置中"
            f"信任企业证书。APP定制开发、包上架请联系客服。</p>\n{_contacts(gang, rng)}\n</main>")
    return url + "download.html", "illegal_app", _doc(f"{app}APP下载", body,
                                                       f"{app},APP下载", f"{app}下载")


ILLEGAL = {"gambling_op": _gambling, "fraud_op": _fraud, "ddos": _ddos, "app_builder": _app}


def _fake_gov(gang: Gang, rng: random.Random) -> tuple[str, str, str]:
    province = REGIONS[gang.region_code][0].removesuffix("省").removesuffix("市")
    organ, pitch = rng.choice(((f"中共中央党校函授学院{province}分院", "本院函授本科、专科学历"),
                               ("全国学历证书查询中心", "本中心可查学历"),
                               ("人力资源和社会保障部职业技能鉴定证书查询中心", "本中心颁发证书"),
                               ("中国高等教育学历认证中心", "认证学历")))
    url = _home(gang, rng)
    abbr = PROVINCE[gang.region_code[:2]][0]
    body = (f'<header class="gov-head"><img src="/images/guohui.png" alt="国徽">'
            f'<h1 class="logo">{organ}</h1><p>中华人民共和国</p><p class="gov">党政机关</p>'
            f"</header>\n{_nav(('首页', '机构概况', '学历查询', '证书查询', '招生简章'))}\n"
            f'<main>\n<form action="/query.php" method="post"><h2>学历/证书查询</h2>'
            f'<label>姓名<input name="xm"></label><label>证书编号<input name="zsbh"></label>'
            f'<label>身份证号<input name="sfz"></label><button type="submit">查询</button>'
            f"</form>\n<p>{pitch}国家承认，学信网可查，可办理各类毕业证、"
            f"学位证、职业资格证，快速拿证，包过包查。</p>\n{_contacts(gang, rng)}\n</main>\n"
            f"<footer><p>主办单位：{organ}　{abbr}ICP备{rng.randint(10**7, 10**8 - 1)}号</p>"
            f"<p>政府网站标识码：bm{rng.randint(10**7, 10**8 - 1)}</p></footer>")
    return url, "fake_documents", _doc(f"{organ}-学历查询", body, "学历查询,证书查询,函授学院",
                                       organ)


def _targets(world: World, promoter: Gang) -> list[tuple[str, str]]:
    """(domain, category) a promoter pushes: its customers' when they have any, else its own."""
    customers = [(d, g.category) for g in world.gangs if promoter.id in g.suppliers
                 for d in g.values("domain")]
    own = [(d, promoter.category) for d in promoter.values("domain")]   # its own site group
    return customers * 3 + own


def _inject(html: str, rng: random.Random, targets: list[tuple[str, str]]) -> str:
    """Hide links to the targets in a legit page, the ways hacked sites do."""
    picked = [rng.choice(targets) for _ in range(rng.randint(3, 10))]
    links = "".join(f'<a href="http://www.{d}/?{rng.randint(1, 999)}">'
                    f"{rng.choice(ANCHORS.get(c, ANCHORS['gambling']))}</a>" for d, c in picked)
    hider = rng.choice(HIDERS)
    if hider == "noscript":
        block = f"<noscript>{links}</noscript>"
    elif hider == "class":
        cls = _slug(rng)
        html = html.replace("</head>", f"<style>.{cls}{{display:none}}</style>\n</head>")
        block = f'<div class="{cls}">{links}</div>'
    else:
        block = f'<div style="{hider}">{links}</div>'
    if rng.random() < 0.3:
        block += ('<script>var r=document.referrer;if(/baidu|sogou|so\\.com|sm\\.cn/.test(r))'
                  f'{{window.location.href="http://www.{picked[0][0]}/";}}</script>')
    if rng.random() < 0.5:
        return html.replace("<body>\n", f"<body>\n{block}\n", 1)
    return html.replace("\n</body>", f"\n{block}\n</body>", 1)


def _draw_kinds(world: World, rng: random.Random) -> list[tuple[str, Gang | None]]:
    """(label, gang) of each page; a label no gang can fill becomes legit."""
    pools = {"illegal": [g for g in world.gangs
                         if g.archetype in ILLEGAL_ARCHETYPES and g.values("domain")],
             "fake_gov": [g for g in world.by_archetype("fake_cert") if g.values("domain")],
             "injected": [g for g in world.by_archetype("seo_promoter") if _targets(world, g)]}
    n = world.scale.pages
    kinds: list[tuple[str, Gang | None]] = []
    for label, share in SHARES.items():
        if pools[label]:
            weights = [g.activity for g in pools[label]]
            kinds += [(label, g) for g in rng.choices(pools[label], weights, k=round(n * share))]
    kinds += [("legit", None)] * (n - len(kinds))
    rng.shuffle(kinds)
    return kinds


def _page(world: World, rng: random.Random, label: str, gang: Gang | None) -> Page:
    region = rng.choice(REGION_CODES)
    if gang is None:
        url, html = rng.choice(LEGIT)(rng, region)
        return Page(url, "legit", "", "", html, ids.ipv4(rng))
    ip = rng.choice(gang.values("ip")) if gang.values("ip") else ids.ipv4(rng)
    if label == "injected":
        url, html = rng.choice(LEGIT)(rng, region)
        html = _inject(html, rng, _targets(world, gang))
        return Page(url, label, gang.category, gang.id, html, ids.ipv4(rng))
    url, category, html = (_fake_gov if label == "fake_gov" else ILLEGAL[gang.archetype])(gang, rng)
    return Page(url, label, category, gang.id, html, ip)


def _warc_record(writer: WARCWriter, page: Page, body: bytes, when: datetime,
                 record_id: uuid.UUID) -> None:
    http = StatusAndHeaders("200 OK", [
        ("Date", format_datetime(when, usegmt=True)),
        ("Server", SERVERS[record_id.int % len(SERVERS)]),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    headers = {"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "WARC-Record-ID": f"<urn:uuid:{record_id}>", "WARC-IP-Address": page.ip}
    writer.write_record(writer.create_warc_record(page.url, "response", payload=io.BytesIO(body),
                                                  http_headers=http,
                                                  warc_headers_dict=headers))


def write_pages(world: World, out_dir: Path,
                progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write pages/<n>.html, pages.warc.gz and truth_pages.csv; return the count per label."""
    rng = world.rng("web_pages")
    (out_dir / "pages").mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(("legit", "illegal", "fake_gov", "injected"), 0)
    when = CRAWL_START
    with (out_dir / "pages.warc.gz").open("wb") as warc, \
            (out_dir / "truth_pages.csv").open("w", encoding="utf-8", newline="") as truth:
        writer, table = WARCWriter(warc, gzip=True), csv.writer(truth, lineterminator="\n")
        table.writerow(["url", "label", "category", "gang_id"])
        seen: set[str] = set()
        for n, (label, gang) in enumerate(_draw_kinds(world, rng)):
            page = _page(world, rng, label, gang)
            if page.url in seen:        # a second page of the same site
                page.url += f"{'&' if '?' in page.url else '?'}page={n}"
            seen.add(page.url)
            body = page.html.encode("utf-8")
            (out_dir / "pages" / f"{n}.html").write_bytes(body)
            when += timedelta(seconds=rng.randint(1, 90))
            _warc_record(writer, page, body, when, uuid.UUID(int=rng.getrandbits(128), version=4))
            table.writerow([page.url, page.label, page.category, page.gang_id])
            counts[page.label] += 1
            if progress:
                progress(1)
    return counts
