"""The batch scan on the hand-built log (handlog.py): every client's verdict is known."""

from __future__ import annotations

import handlog  # same folder
import pytest

from jingwang.traffic import LogFormat, ScanOptions, scan_logs
from jingwang.traffic.blocklist import block_list


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand")
    log = folder / "access.log"
    log.write_text("\n".join(handlog.build()) + "\n", encoding="utf-8")
    schedule = folder / "releases.csv"
    schedule.write_text(f"release_at,resource\n{handlog.RELEASE.isoformat()},doctor/118023\n",
                        encoding="utf-8")
    return scan_logs([log], LogFormat.preset("jingwang"), schedule)


def _rows(scan, ip=None, account=None):
    rows = [r for r in scan.clients.to_pylist()
            if (ip is None or r["ip"] == ip) and (account is None or r["account"] == account)]
    assert rows, (ip, account)
    return rows


def test_patients_are_not_flagged(scan):
    for ip in handlog.HUMANS:
        for row in _rows(scan, ip=ip):
            assert not row["flagged"], row
            assert row["kind"] == "human"


def test_the_fast_script_is_a_scalper_for_its_reaction_time(scan):
    for ip in handlog.FAST:
        for row in _rows(scan, ip=ip):
            assert row["flagged"] and row["kind"] == "scalper"
            assert "fast_reaction" in row["rules"] and "scripting_agent" in row["rules"]
            assert "within 2 s of a slot release" in row["reasons"]


def test_the_proxy_pool_is_caught_by_its_account(scan):
    rows = _rows(scan, account="3001")
    assert len(rows) == len(handlog.POOL)            # one client per exit address
    for row in rows:
        assert row["flagged"] and row["kind"] == "scalper", row
        assert "proxy_pool" in row["rules"]
    assert len({r["cluster"] for r in rows}) == 1     # linked through the account


def test_real_googlebot_is_never_flagged_and_the_fake_one_is(scan):
    real = _rows(scan, ip=handlog.REAL_BOT)
    assert all(not r["flagged"] and r["kind"] == "crawler" and r["score"] == 0 for r in real)
    fake = _rows(scan, ip=handlog.FAKE_BOT)
    assert all(r["flagged"] and r["kind"] == "fake_crawler" for r in fake)
    assert "google's crawler from an address outside its known crawler ranges" in fake[0]["reasons"]
    blocked = {b.ip for b in block_list(scan.clients)}
    assert handlog.FAKE_BOT in blocked and handlog.REAL_BOT not in blocked
    assert not blocked & set(handlog.HUMANS)


def test_a_crawler_that_says_so_and_a_scanner_are_bots(scan):
    ahrefs = _rows(scan, ip=handlog.AHREFS)[0]
    assert ahrefs["flagged"] and ahrefs["kind"] == "bot"
    assert {"declared_bot", "robots_txt"} <= set(ahrefs["rules"])
    assert "requests from a crawler that says so (Mozilla/5.0 (compatible; AhrefsBot" \
        in ahrefs["reasons"]
    scanner = _rows(scan, ip=handlog.SCANNER)[0]
    assert scanner["flagged"] and "probing" in scanner["rules"]
    assert "40 of 40 requests refused or not found" in scanner["reasons"]


def test_the_flood_is_one_attack_with_its_sources(scan):
    assert len(scan.attacks) == 1
    attack = scan.attacks[0]
    start = handlog.RELEASE.timestamp() - 1800
    assert start - 10 <= attack.start <= start + 30 and attack.end <= start + 200
    assert set(attack.sources) == set(handlog.FLOOD)
    assert attack.paths == ["/"]
    assert attack.cache_busting_share > 0.9 and attack.error_share > 0.95
    for ip in handlog.FLOOD[:10]:
        assert _rows(scan, ip=ip)[0]["kind"] == "ddos"


def test_releases_come_from_the_schedule(scan):
    assert scan.releases.tolist() == [handlog.RELEASE.timestamp()]
    assert not scan.releases_inferred


def test_releases_are_inferred_without_a_schedule(tmp_path):
    log = tmp_path / "a.log"
    log.write_text("\n".join(handlog.build()) + "\n", encoding="utf-8")
    scan = scan_logs([log])
    assert scan.releases_inferred
    assert scan.releases.tolist() == [handlog.RELEASE.timestamp()]
    fast = _rows(scan, ip=handlog.FAST[0])
    assert all(r["flagged"] for r in fast)


def test_an_asn_database_counts_the_pools_networks(tmp_path):
    writer_module = pytest.importorskip("mmdb_writer")
    netaddr = pytest.importorskip("netaddr")
    writer = writer_module.MMDBWriter(ip_version=6, ipv4_compatible=True,
                                      database_type="GeoLite2-ASN", languages=["en"])
    for k, ip in enumerate(handlog.POOL):
        writer.insert_network(netaddr.IPSet([ip.rsplit(".", 2)[0] + ".0.0/16"]),
                              {"autonomous_system_number": 64500 + k,
                               "autonomous_system_organization": f"proxy host {k}"})
    db = tmp_path / "asn.mmdb"
    writer.to_db_file(str(db))
    log = tmp_path / "access.log"
    log.write_text("\n".join(handlog.build()) + "\n", encoding="utf-8")
    scan = scan_logs([log], LogFormat.preset("jingwang"), options=ScanOptions(asn_db=db))
    row = _rows(scan, account="3001")[0]
    assert "16 /24 networks and 16 ASNs" in row["reasons"]


def test_a_captcha_before_the_booking_counts_as_the_page_flow(tmp_path):
    lines = []
    for day in range(3):                       # a person who solves the captcha, three days
        when = handlog.RELEASE.replace(day=7 + day)
        lines.append(handlog.line("36.9.9.9", when.replace(minute=5),
                                  "GET /api/captcha?uid=77 HTTP/1.1", ua=handlog.PHONE)[1])
        lines.append(handlog.line("36.9.9.9", when.replace(minute=5, second=20),
                                  "POST /api/slot/book?uid=77 HTTP/1.1", ua=handlog.PHONE)[1])
    log = tmp_path / "c.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scan = scan_logs([log], LogFormat.preset("jingwang"))
    assert not any(r["flagged"] for r in scan.clients.to_pylist())
    assert "skips_page" not in {x for r in scan.clients.to_pylist() for x in r["rules"]}
