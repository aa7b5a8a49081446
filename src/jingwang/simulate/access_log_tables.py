"""The access-log simulator's tables: the platform, its request templates with body sizes, the
address ranges of each population and the user agents humans, bots and botnets send."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

HOST = "www.bjguahao-sim.cn"
LOG_FORMAT = ("log_format jingwang '$remote_addr - $remote_user [$time_local] \"$request\" "
              "$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
              "$request_time \"$http_x_forwarded_for\"';")
START = datetime(2026, 9, 7, tzinfo=timezone(timedelta(hours=8)))   # a Monday
DAYS, RELEASE_HOURS, CHUNK = 5, (7, 15), 100_000
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
BOT_SHARE, DDOS_SHARE, CRAWLER_SHARE, FAKE_CRAWLER_SHARE = 0.22, 0.15, 0.02, 0.01
CAREFUL_SHARE = 0.35         # of the bots' lines: the slow proxy-pool and human-like fleets'
HUMAN, BOT, DDOS, CRAWLER = 0, 1, 2, 3
LABELS = ("human", "bot", "ddos", "crawler")
# Who sent a line, finer than its label: the truth's `kind` column.
W_HUMAN, W_FAST, W_SLOW, W_JITTER, W_FAKE, W_DDOS, W_CRAWLER = range(7)
WHO = ("human", "fast", "slow", "jitter", "fake_crawler", "ddos", "crawler")
STYLES = ("fast", "slow", "jitter")   # how a scalper fleet works
ERROR_BYTES = {503: 190, 504: 160}   # nginx's own error pages, server_tokens off
# First octets of each population's addresses, disjoint so that an address has one owner:
# Chinese mobile carriers, proxy/IDC ranges the dynamic-IP services rent, IoT botnets abroad.
HUMAN_FIRST = (36, 39, 42, 49, 58, 59, 60, 61, 101, 111, 112, 113, 114, 115, 116, 117, 120,
               123, 124, 125, 171, 175, 180, 182, 183, 211, 218, 219, 220, 221, 222, 223)
PROXY_FIRST = (27, 43, 45, 47, 103, 106, 118, 119, 121, 122, 139, 140, 150, 154, 202)
DDOS_FIRST = (2, 5, 14, 31, 37, 41, 46, 62, 77, 78, 79, 82, 85, 88, 91, 93, 95, 176, 177,
              178, 179, 181, 185, 186, 187, 188, 189, 190, 191, 197, 200, 201)

# Requests, one a line: body bytes of a 200, then the request ({a} {b} {c} {u} filled per line).
REQUESTS = tuple((t, int(b)) for b, t in (line.split(" ", 1) for line in """
18432 GET /index.htm?uid={u} HTTP/1.1
24576 GET /hospital/{a}.htm?uid={u} HTTP/1.1
21504 GET /hospital/{a}/dept/{c}.htm?uid={u} HTTP/1.1
15360 GET /doctor/{b}.htm?uid={u} HTTP/1.1
164 POST /api/user/login?uid={u} HTTP/1.1
1536 GET /api/slot/query?hos={a}&doc={b}&date={c}&uid={u} HTTP/1.1
212 POST /api/slot/book?hos={a}&doc={b}&date={c}&uid={u} HTTP/1.1
12288 GET /user/orders.htm?uid={u} HTTP/1.1
9216 GET /notice/{c}.htm?uid={u} HTTP/1.1
18432 GET / HTTP/1.1
18432 GET /?{c} HTTP/1.1
7168 GET /search.htm?q={c} HTTP/1.1
1536 GET /api/slot/query?hos={a}&doc={b}&_={c} HTTP/1.1
48211 GET /static/css/app.3f9c2e1a.css HTTP/1.1
287604 GET /static/js/vendor.8d41b7c0.js HTTP/1.1
96377 GET /static/js/app.c5e09a72.js HTTP/1.1
6842 GET /static/img/logo.png HTTP/1.1
71530 GET /static/img/banner1.jpg HTTP/1.1
64118 GET /static/img/banner2.jpg HTTP/1.1
4286 GET /favicon.ico HTTP/1.1
2915 GET /static/img/icon-dept.png HTTP/1.1
1877 GET /static/img/icon-time.png HTTP/1.1
9000 GET /static/img/doctor/{b}.jpg HTTP/1.1
236 GET /robots.txt HTTP/1.1
8192 GET /sitemap.xml HTTP/1.1
""".strip().splitlines()))
(K_HOME, K_HOSPITAL, K_DEPT, K_DOCTOR, K_LOGIN, K_QUERY, K_BOOK, K_ORDERS, K_NOTICE, K_ROOT,
 K_ROOT_RAND, K_SEARCH, K_DDOS_QUERY, K_STATIC) = range(14)
HOME_ASSETS = np.arange(K_STATIC, K_STATIC + 7)
ICONS = np.array([K_STATIC + 7, K_STATIC + 8])
K_APP_JS, K_DOC_IMG, K_ROBOTS, K_SITEMAP = K_STATIC + 2, K_STATIC + 9, K_STATIC + 10, K_STATIC + 11
BASE_BYTES = np.array([b for _, b in REQUESTS])

# Patients' browsers, WeChat's built-in one most of all (weights below).
HUMAN_UA = tuple("""
Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.60(0x18003c2f) NetType/WIFI Language/zh_CN
Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300289 MMWEBSDK/20250503 MicroMessenger/8.0.60.2860(0x28003C3B) WeChat/arm64 Weixin NetType/5G Language/zh_CN
Mozilla/5.0 (Linux; Android 15; 24129PN74C Build/AQ3A.240812.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300289 MicroMessenger/8.0.60.2860(0x28003C3B) WeChat/arm64 Weixin NetType/5G Language/zh_CN
Mozilla/5.0 (Linux; Android 12; HarmonyOS; ALN-AL00; HMSCore 6.14.0.322) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/15.0.4.312 Mobile Safari/537.36
Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1
Mozilla/5.0 (Linux; Android 14; V2324A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Mobile Safari/537.36 VivoBrowser/24.6.10.0
Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Mobile Safari/537.36
Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36
Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36 QIHU 360SE
Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36 Edg/139.0.0.0
Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:142.0) Gecko/20100101 Firefox/142.0
Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15
""".strip().splitlines())  # noqa: E501
HUMAN_UA_WEIGHTS = np.array([18, 16, 12, 9, 8, 6, 6, 9, 6, 3, 2, 5], dtype=float)
# Bots: scripted clients, a browser long out of date, or one that cannot exist.
BOT_UA = tuple("""
python-requests/2.31.0
python-requests/2.28.1
okhttp/4.12.0
okhttp/3.14.9
Apache-HttpClient/4.5.13 (Java/1.8.0_392)
Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/49.0.2623.112 Safari/537.36
Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36
Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36
Mozilla/5.0 (Linux; Android 10) MicroMessenger/8.0.1
Dalvik/2.1.0 (Linux; U; Android 11; M2012K11AC Build/RKQ1.200826.002)
""".strip().splitlines())  # noqa: E501
# The lists flood tools pick from ("-": no User-Agent header).
DDOS_UA = tuple("""
-
Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)
Mozilla/5.0 (Windows NT 6.1; rv:2.0) Gecko/20100101 Firefox/4.0
Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)
Wget/1.12 (linux-gnu)
Go-http-client/1.1
curl/7.29.0
Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.113 Safari/537.36
Mozilla/5.0 (Linux; U; Android 4.4.2; en-us; SM-T530 Build/KOT49H) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Safari/534.30
""".strip().splitlines())  # noqa: E501
# Search engines' crawlers, as they announce themselves; verified ones crawl from their
# operators' published ranges (jingwang/traffic/data/crawler_ranges.json), fake ones do not.
CRAWLER_UA = tuple("""
Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)
Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.7258.154 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)
Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)
Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)
""".strip().splitlines())  # noqa: E501
# Where each of CRAWLER_UA's operators really crawls from (a /24 each; Baidu publishes no list:
# these are addresses its spider is seen from, which resolve to *.baidu.com).
CRAWLER_NETS = ((66 << 24 | 249 << 16 | 66 << 8, 66 << 24 | 249 << 16 | 64 << 8),
                (66 << 24 | 249 << 16 | 79 << 8,),
                (220 << 24 | 181 << 16 | 108 << 8, 116 << 24 | 179 << 16 | 32 << 8),
                (157 << 24 | 55 << 16 | 39 << 8, 40 << 24 | 77 << 16 | 167 << 8))
AGENTS = HUMAN_UA + BOT_UA + DDOS_UA + CRAWLER_UA
BOT_UA0, DDOS_UA0 = len(HUMAN_UA), len(HUMAN_UA) + len(BOT_UA)
CRAWLER_UA0 = DDOS_UA0 + len(DDOS_UA)
REFERERS = ("-", f"https://{HOST}/index.htm", f"https://{HOST}/hospital/list.htm",
            "https://www.baidu.com/s?wd=%E5%8C%97%E4%BA%AC%E6%8C%82%E5%8F%B7")
