"""The simulated crawl: HTML files, the WARC, the truth, and what each kind of page holds."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from jingwang.simulate.web_pages import write_pages
from jingwang.simulate.world import build_world

HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0"
                          r"|(?:left|top|text-indent)\s*:\s*-\d{3,}px")
VOID = {"meta", "link", "img", "input", "br", "hr"}


class HiddenLinks(HTMLParser):
    """Collects the hrefs of links a visitor cannot see: inside an element hidden by its style,
    by a class the page's <style> hides, or inside <noscript>."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.hidden_classes: set[str] = set()
        self.in_style = False
        self.hidden: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "style":
            self.in_style = True
        hidden = (tag == "noscript" or bool(HIDING_STYLE.search(a.get("style") or ""))
                  or bool(set((a.get("class") or "").split()) & self.hidden_classes))
        hidden = hidden or (bool(self.stack) and self.stack[-1])
        if tag == "a" and a.get("href"):
            (self.hidden if hidden else self.visible).append(a["href"])
        if tag not in VOID:
            self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_style:
            self.hidden_classes |= set(re.findall(r"\.([\w-]+)\s*\{[^}]*display\s*:\s*none", data))


def _links(html: str) -> HiddenLinks:
    parser = HiddenLinks()
    parser.feed(html)
    return parser


def _host_in(href: str, domains: set[str]) -> bool:
    host = urlsplit(href).hostname or ""
    return any(host == d or host.endswith("." + d) for d in domains)


@pytest.fixture(scope="module")
def world():
    return build_world(7, "small")


@pytest.fixture(scope="module")
def written(world, tmp_path_factory):
    out = tmp_path_factory.mktemp("web")
    return out, write_pages(world, out)


@pytest.fixture(scope="module")
def pages(written) -> list[tuple[dict[str, str], str]]:
    out = written[0]
    with (out / "truth_pages.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [(row, (out / "pages" / f"{n}.html").read_text(encoding="utf-8"))
            for n, row in enumerate(rows)]


def test_same_seed_same_bytes(written, tmp_path):
    again = write_pages(build_world(7, "small"), tmp_path)
    assert again == written[1]
    for name in ("pages.warc.gz", "truth_pages.csv"):
        assert (tmp_path / name).read_bytes() == (written[0] / name).read_bytes()
    first = sorted(p.name for p in (written[0] / "pages").iterdir())
    assert first == sorted(p.name for p in (tmp_path / "pages").iterdir())
    for name in first:
        assert (tmp_path / "pages" / name).read_bytes() == \
            (written[0] / "pages" / name).read_bytes()


def test_counts_cover_every_label(world, written, pages):
    counts = written[1]
    assert sum(counts.values()) == world.scale.pages == len(pages)
    assert all(counts[label] > 0 for label in ("legit", "illegal", "fake_gov", "injected"))
    assert len({row["url"] for row, _ in pages}) == len(pages)


def test_warc_reads_back_one_response_per_page(written, pages):
    with (written[0] / "pages.warc.gz").open("rb") as f:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(),
                    r.rec_headers.get_header("WARC-Date"), r.content_stream().read())
                   for r in ArchiveIterator(f) if r.rec_type == "response"]
    assert len(records) == len(pages)
    for (uri, status, date, body), (row, html) in zip(records, pages, strict=True):
        assert uri == row["url"] and status == "200"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", date)
        assert body.decode("utf-8") == html


def test_pages_are_whole_chinese_documents(pages):
    for _, html in pages:
        for part in ('<html lang="zh-CN">', '<meta charset="utf-8">', "<title>", "</html>"):
            assert part in html
        assert re.search(r"[\u4e00-\u9fff]{4}", html)


def test_illegal_and_fake_sites_show_their_gangs_contacts(world, pages):
    checked = 0
    for row, html in pages:
        if row["label"] not in ("illegal", "fake_gov"):
            continue
        gang = world.gang(row["gang_id"])
        values = [v for kind in ("wechat", "qq", "telegram", "domain", "ip", "tron")
                  for v in gang.values(kind)]
        values += [p.removeprefix("+86") for p in gang.values("phone")]
        assert any(v in html for v in values), row["url"]
        assert urlsplit(row["url"]).hostname.split(".", 1)[1] in gang.values("domain")
        checked += 1
    assert checked > 0


def test_fake_state_organs_look_official_but_are_not_gov_cn(pages):
    for row, html in pages:
        if row["label"] == "fake_gov":
            assert row["category"] == "fake_documents"
            assert "党政机关" in html and ("学历" in html or "证书" in html)
            assert not urlsplit(row["url"]).hostname.endswith(".gov.cn")


def test_injected_pages_hide_links_to_the_promoted_domains(world, pages):
    for row, html in pages:
        if row["label"] != "injected":
            continue
        promoter = world.gang(row["gang_id"])
        assert promoter.archetype == "seo_promoter"
        domains = set(promoter.values("domain")) | {
            d for g in world.gangs if promoter.id in g.suppliers for d in g.values("domain")}
        foreign = [h for h in _links(html).hidden if urlsplit(h).hostname]   # not the site's menu
        assert foreign and all(_host_in(h, domains) for h in foreign), row["url"]


def test_legit_pages_hide_nothing_foreign_and_carry_filing_numbers(pages):
    for row, html in pages:
        if row["label"] != "legit":
            continue
        assert row["gang_id"] == "" and "ICP备" in html and "公网安备" in html
        assert all(h.startswith("/") for h in _links(html).hidden)


def test_hard_negatives_use_the_crime_vocabulary(pages):
    legit = " ".join(html for row, html in pages if row["label"] == "legit")
    assert sum(word in legit for word in ("刷单", "百家乐", "首充送", "压力测试", "学历")) >= 2
