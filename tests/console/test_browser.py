"""The console in a real browser: Debian's chromium driven by Playwright against a live server
on loopback over the simulated small world.

Every request the browser makes to anything but that server is cut off and recorded, and each
test fails when there was one: the pages must work on an isolated network.  Screenshots of the
dashboard, a clue page and a gang page go to $JINGWANG_SCREENSHOTS (default out/screenshots;
the README's pictures are made with JINGWANG_SCREENSHOTS=docs/screenshots).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from console_helpers import SECRET, LiveServer, copy_world
from console_world import PASSWORD

from jingwang.api.app import create_app
from jingwang.store.db import dispose_engines

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update"]
WIDE = {"width": 1366, "height": 768}
NARROW = {"width": 375, "height": 740}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium; .ci/run does)",
                allow_module_level=True)


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("JINGWANG_SCREENSHOTS", "out/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def server(template_console_world, tmp_path) -> Iterator[tuple[LiveServer, object]]:
    world = copy_world(template_console_world, tmp_path)
    with LiveServer(create_app(world.url, secret=SECRET)) as live:
        yield live, world
    dispose_engines()


class Session:
    """A browser context on the live server that refuses (and remembers) every request to any
    other address, and every page error."""

    def __init__(self, browser, base: str, viewport: dict[str, int] = WIDE) -> None:
        self.base = base
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.context.route("**/*", self._only_the_server)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", lambda dialog: dialog.accept())

    def _only_the_server(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base + "/") or url == self.base or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str) -> None:
        answer = self.page.goto(self.base + path)
        assert answer is not None

    def log_in(self, username: str) -> None:
        self.open("/console/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state()
        assert "/console/login" not in self.page.url, f"{username} could not log in"

    def figure(self, name: str) -> int:
        text = self.page.inner_text(f'[data-figure="{name}"] b')
        return int(text.replace(",", ""))

    def fits_the_width(self) -> bool:
        return self.page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth + 1")

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"the page reached outside the server: {self.outside}"
        assert self.errors == [], f"script errors on the page: {self.errors}"


@pytest.fixture
def session(browser, server) -> Iterator[Session]:
    live, _ = server
    s = Session(browser, live.url)
    yield s
    s.close()


def test_a_county_officer_works_a_clue_and_the_dashboard_follows(session, server) -> None:
    _, world = server
    session.log_in(world.county_officer)
    session.open("/console/dashboard?from=2000-01-01&to=2100-01-01")
    received_before = session.figure("received")
    verified_before = session.figure("verified")

    session.open("/console/clues")
    row = session.page.locator(f'tr[data-clue="{world.county_clue}"]')
    assert row.count() == 1
    row.locator("a").first.click()
    session.page.wait_for_url(re.compile(rf"/console/clues/{world.county_clue}$"))
    assert session.page.inner_text("#clue-status") == "已推送"

    session.page.fill('form[data-step="received"] input[name=note]', "已签收，安排核查")
    session.page.click('form[data-step="received"] button')
    session.page.wait_for_url(re.compile(r"done=received"))
    assert session.page.inner_text("#clue-status") == "已签收"
    session.page.fill('form[data-step="verified"] input[name=note]', "核查属实")
    session.page.click('form[data-step="verified"] button')
    session.page.wait_for_url(re.compile(r"done=verified"))
    assert session.page.inner_text("#clue-status") == "已核查"
    history = session.page.inner_text("#history")
    assert "已签收，安排核查" in history and "核查属实" in history
    session.page.screenshot(path=str(screenshot_dir() / "clue.png"), full_page=True)

    session.open("/console/dashboard?from=2000-01-01&to=2100-01-01")
    assert session.figure("received") == received_before + 1
    assert session.figure("verified") == verified_before + 1
    session.open("/console/dashboard")  # this month, as the page opens by default
    session.page.screenshot(path=str(screenshot_dir() / "dashboard.png"), full_page=True)


def test_a_county_officer_cannot_open_another_countys_clue(session, server) -> None:
    _, world = server
    session.log_in(world.county_officer)
    answer = session.page.goto(f"{session.base}/console/clues/{world.foreign_clue}")
    assert answer is not None and answer.status == 404
    assert "未找到" in session.page.inner_text("h1")
    session.open("/console/clues")
    assert session.page.locator(f'tr[data-clue="{world.foreign_clue}"]').count() == 0


def test_a_citizen_report_end_to_end(session, server) -> None:
    text = "有人在网上招兼职刷单，先垫付再返利，我被骗了 3000 元，对方 QQ 号 2837465910"
    session.open("/report")
    session.page.fill("textarea[name=text]", text)
    session.page.fill("textarea[name=links]", "http://shuadan-fanli.top/join")
    session.page.click("form button[type=submit]")
    session.page.wait_for_load_state()
    receipt = session.page.inner_text("#receipt")
    assert re.fullmatch(r"web-[0-9a-f]{16}", receipt.strip())

    session.log_in("analyst")
    session.open("/console/reports")
    item = session.page.locator(f'[data-report="{receipt.strip()}"]')
    assert item.count() == 1
    content = item.inner_text()
    assert "2837465910" in content and "shuadan-fanli.top" in content
    assert "电信网络诈骗" in content  # the suggested category, from 刷单/返利


def test_the_gang_page_draws_the_gang(session, server) -> None:
    _, world = server
    session.log_in("analyst")
    session.open(f"/console/gangs/{quote(world.gang_key, safe='')}")
    assert session.page.locator("svg.graph").count() == 1
    session.page.screenshot(path=str(screenshot_dir() / "gang.png"), full_page=True)


PAGES = ["/console/", "/console/dashboard", "/console/clues", "/console/findings",
         "/console/reports", "/console/search?q=13800138000", "/console/indicators/1"]


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1366x768", "narrow"])
def test_every_page_loads_offline_and_fits_the_screen(browser, server, viewport) -> None:
    live, world = server
    s = Session(browser, live.url, viewport)
    try:
        s.open("/report")
        assert s.fits_the_width(), "/report is wider than the screen"
        s.log_in("analyst")
        pages = [*PAGES, f"/console/clues/{world.own_clue}",
                         f"/console/gangs/{quote(world.gang_key, safe='')}"]
        for path in pages:
            s.open(path)
            assert s.page.locator("main").count() == 1, path
            assert s.fits_the_width(), f"{path} is wider than {viewport['width']} px"
        s.open("/console/?lang=en")
        assert s.page.get_attribute("html", "lang") == "en"
    finally:
        s.close()
