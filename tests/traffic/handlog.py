"""A small access log built by hand, where who is who is known line by line.

Release at 07:00:00 (+0800) on 2026-09-07, with an hour of ordinary browsing before it:

- patients 36.1.1.1–36.1.1.12 (accounts 1001–1012): home page, its files, the doctor's page,
  a slot query and a booking a minute or more after the release, from real browsers;
- a fast script: 43.48.172.10 and .11, python-requests, accounts 2001–2004, booking in the
  release second and the next, over and over;
- a proxy-pool scalper: account 3001 from 16 addresses in 16 /24s, a real browser's name, each
  address once, a slot query and a booking a second or two after the release, no page first;
- Google's real crawler from 66.249.66.1 (in the published ranges), a page every 2 s;
- a fake Googlebot from 45.77.23.9, scraping doctor pages every second;
- a flood from 06:30 to 06:33: 300 addresses (91.0.x.y) hitting / with cache-busting queries;
- AhrefsBot from 54.36.148.7: robots.txt, then doctor pages every 20 s;
- a scanner from 185.220.101.4 with a browser's name: 40 admin paths, all not found.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

TZ = timezone(timedelta(hours=8))
RELEASE = datetime(2026, 9, 7, 7, 0, 0, tzinfo=TZ)
BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/139.0.0.0 Safari/537.36")
PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
         "like Gecko) Mobile/15E148 MicroMessenger/8.0.60(0x18003c2f) NetType/WIFI "
         "Language/zh_CN")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HUMANS = [f"36.1.1.{i}" for i in range(1, 13)]
FAST = ["43.48.172.10", "43.48.172.11"]
POOL = [f"{27 + i}.{10 + i}.{i}.{20 + i}" for i in range(16)]
REAL_BOT, FAKE_BOT = "66.249.66.1", "45.77.23.9"
FLOOD = [f"91.0.{i // 200}.{i % 200 + 1}" for i in range(300)]
AHREFS, SCANNER = "54.36.148.7", "185.220.101.4"
AHREFS_UA = "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"


def line(ip: str, when: datetime, request: str, status: int = 200, nbytes: int = 1000,
         ua: str = BROWSER, referer: str = "-") -> tuple[datetime, str]:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S %z")
    return when, (f'{ip} - - [{stamp}] "{request}" {status} {nbytes} "{referer}" "{ua}" '
                  f'0.012 "-"')


def build() -> list[str]:
    out: list[tuple[datetime, str]] = []
    start = RELEASE - timedelta(hours=1)
    for k in range(600):                           # ordinary browsing before the release
        ip = f"36.2.{k // 50}.{k % 50 + 1}"
        t = start + timedelta(seconds=6 * k)
        out.append(line(ip, t, f"GET /index.htm?uid={5000 + k} HTTP/1.1", ua=PHONE))
        out.append(line(ip, t + timedelta(seconds=0.3), "GET /static/css/app.css HTTP/1.1",
                        ua=PHONE))
    for i, ip in enumerate(HUMANS):
        uid = 1001 + i
        t = RELEASE - timedelta(minutes=3) + timedelta(seconds=7 * i)
        for step, request in enumerate([f"GET /index.htm?uid={uid} HTTP/1.1",
                                        "GET /static/js/app.js HTTP/1.1",
                                        f"GET /doctor/118023.htm?uid={uid} HTTP/1.1"]):
            out.append(line(ip, t + timedelta(seconds=9 * step), request, ua=PHONE))
        booked = RELEASE + timedelta(seconds=70 + 11 * i)
        out.append(line(ip, booked - timedelta(seconds=8),
                        f"GET /api/slot/query?doc=118023&uid={uid} HTTP/1.1", ua=PHONE))
        out.append(line(ip, booked, f"POST /api/slot/book?doc=118023&uid={uid} HTTP/1.1",
                        status=409, ua=PHONE))
    for k in range(40):                            # the fast script
        ip, uid = FAST[k % 2], 2001 + k % 4
        t = RELEASE + timedelta(seconds=k // 20)
        out.append(line(ip, t, f"POST /api/slot/book?doc=118023&uid={uid} HTTP/1.1",
                        status=409, ua="python-requests/2.31.0"))
    for k, ip in enumerate(POOL):                  # the proxy pool, each exit once
        t = RELEASE + timedelta(seconds=1 + k % 2)
        out.append(line(POOL[(k + 1) % len(POOL)], t - timedelta(seconds=1),
                        "GET /api/slot/query?doc=118023&uid=3001 HTTP/1.1"))
        out.append(line(ip, t, "POST /api/slot/book?doc=118023&uid=3001 HTTP/1.1", status=409))
    for k in range(60):                            # Google's crawler, unhurried
        out.append(line(REAL_BOT, start + timedelta(seconds=2 * k + 30),
                        f"GET /doctor/{118000 + k}.htm HTTP/1.1", ua=GOOGLEBOT))
    for k in range(80):                            # a scraper calling itself Googlebot
        out.append(line(FAKE_BOT, start + timedelta(seconds=600 + k),
                        f"GET /doctor/{118000 + k}.htm HTTP/1.1", ua=GOOGLEBOT))
    out.append(line(AHREFS, start + timedelta(seconds=5), "GET /robots.txt HTTP/1.1",
                    ua=AHREFS_UA))
    for k in range(30):                            # a crawler that says so
        out.append(line(AHREFS, start + timedelta(seconds=20 * k + 20),
                        f"GET /doctor/{118100 + k}.htm HTTP/1.1", ua=AHREFS_UA))
    for k in range(40):                            # a scanner probing for admin pages
        out.append(line(SCANNER, start + timedelta(seconds=1200 + 3 * k),
                        f"GET /{['wp-login.php', 'admin/', '.env', 'phpmyadmin/'][k % 4]}?x={k} "
                        "HTTP/1.1", status=404, nbytes=162))
    flood_start = RELEASE - timedelta(minutes=30)
    for k in range(3000):                          # the flood
        t = flood_start + timedelta(seconds=180 * k / 3000)
        out.append(line(FLOOD[k % 300], t, f"GET /?{982451653 * k % 1000003} HTTP/1.1",
                        status=503, nbytes=190, ua="Go-http-client/1.1"))
    out.sort(key=lambda p: p[0])
    return [text for _, text in out]
