"""IP → region through a MaxMind-format database.

The database is written in the test with ``mmdb-writer`` (a pure-Python writer of the MaxMind
DB format) and read back through ``maxminddb``, so the real reader and file format are
exercised. Where mmdb-writer is not installed those tests are skipped; the record mapping is
also tested against a stand-in reader, which always runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jingwang.regions import IpLocator, attribute_indicator, owning_unit, strongest
from jingwang.regions.ip import ENV_VAR, region_of_record

NANTONG_ZH = {
    "country": {"iso_code": "CN", "names": {"en": "China", "zh-CN": "中国"}},
    "subdivisions": [{"iso_code": "JS", "names": {"en": "Jiangsu", "zh-CN": "江苏省"}}],
    "city": {"names": {"en": "Nantong", "zh-CN": "南通"}},
}


def english(province: str, city: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "country": {"iso_code": "CN", "names": {"en": "China"}},
        "subdivisions": [{"names": {"en": province}}],
    }
    if city:
        record["city"] = {"names": {"en": city}}
    return record


RECORDS: dict[str, dict[str, Any]] = {
    "1.2.3.0/24": NANTONG_ZH,
    "1.2.4.0/24": english("Fujian", "Xiamen"),  # 厦 has two readings; Xiamen is one
    "1.2.5.0/24": english("Xinjiang Uyghur Autonomous Region", "Urumqi"),
    "1.2.6.0/24": english("Beijing", "Chaoyang"),
    "1.2.7.0/24": english("Guangxi Zhuang Autonomous Region"),
    "1.2.8.0/24": english("Shaanxi", "Xi'an"),
    "8.8.8.0/24": {"country": {"iso_code": "US"}, "city": {"names": {"en": "Mountain View"}}},
    "2400:da00::/32": {"province": "福建省", "city": "泉州市", "districts": "南安市"},
}


@pytest.fixture
def geoip_db(tmp_path: Path) -> Path:
    writer_module = pytest.importorskip("mmdb_writer")
    netaddr = pytest.importorskip("netaddr")
    writer = writer_module.MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="GeoIP2-City",
        languages=["en", "zh-CN"],
    )
    for network, record in RECORDS.items():
        writer.insert_network(netaddr.IPSet([network]), record)
    path = tmp_path / "city.mmdb"
    writer.to_db_file(str(path))
    return path


@pytest.mark.parametrize(
    ("ip", "code"),
    [
        ("1.2.3.4", "320600"),
        ("1.2.4.5", "350200"),
        ("1.2.5.6", "650100"),
        ("1.2.6.7", "110105"),
        ("1.2.7.8", "450000"),
        ("1.2.8.9", "610100"),
        ("2400:da00::1", "350583"),
    ],
)
def test_database(geoip_db: Path, ip: str, code: str) -> None:
    with IpLocator(geoip_db) as locator:
        a = locator.locate(ip)
        assert a is not None
        assert (a.region_code, a.method, a.evidence, a.strength) == (code, "ip", f"ip {ip}", 0.9)


@pytest.mark.parametrize("ip", ["8.8.8.8", "9.9.9.9", "not an ip", ""])
def test_not_located(geoip_db: Path, ip: str) -> None:
    with IpLocator(geoip_db) as locator:
        assert locator.locate(ip) is None


def test_through_attribute_indicator(geoip_db: Path, units) -> None:
    with IpLocator(geoip_db) as locator:
        a = attribute_indicator("ip", "1.2.3.4", ip_reader=locator)
        assert a.reason == "ip 1.2.3.4 attributed to 江苏省南通市"
        assert owning_unit(a.region_code, units).name == "南通市公安局"
        # The IP (0.9) outweighs a phone elsewhere (0.7).
        phone = attribute_indicator("phone", "+8659512345678")
        assert strongest([phone, a]).region_code == "320600"


def test_from_env(geoip_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(geoip_db))
    locator = IpLocator.from_env()
    assert locator is not None
    assert locator.locate("1.2.3.4").region_code == "320600"
    locator.close()


def test_from_env_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert IpLocator.from_env() is None
    monkeypatch.setenv(ENV_VAR, "  ")
    assert IpLocator.from_env() is None
    assert IpLocator.from_env({}) is None


def test_from_env_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "none.mmdb"))
    with pytest.raises(FileNotFoundError, match=ENV_VAR):
        IpLocator.from_env()


class FakeReader:
    """Stands in for maxminddb.Reader: a dict from IP to record."""

    def __init__(self, records: dict[str, Any]) -> None:
        self.records = records
        self.closed = False

    def get(self, ip: str) -> Any:
        if ip not in self.records and not ip[:1].isdigit():
            raise ValueError(f"{ip!r} does not appear to be an IPv4 or IPv6 address")
        return self.records.get(ip)

    def close(self) -> None:
        self.closed = True


def test_stand_in_reader() -> None:
    reader = FakeReader(
        {
            "1.2.3.4": NANTONG_ZH,
            "5.6.7.8": english("Jiangsu", "Nantong"),
            "5.6.7.9": english("Fujian", "Nan'an"),
            "5.6.7.10": english("Hong Kong"),
            "5.6.7.11": {"country": {"iso_code": "CN"}},
        }
    )
    with IpLocator(reader) as locator:
        assert locator.locate("1.2.3.4").region_code == "320600"
        assert locator.locate("5.6.7.8").region_code == "320600"
        assert locator.locate("5.6.7.9").region_code == "350583"
        assert locator.locate("5.6.7.10").region_code == "810000"
        assert locator.locate("5.6.7.11") is None  # the country alone says nothing
        assert locator.locate("9.9.9.9") is None
        assert locator.locate("bogus") is None
    assert reader.closed


def test_region_of_record() -> None:
    assert region_of_record(NANTONG_ZH) == "320600"
    assert region_of_record({"country": {"iso_code": "HK"}}) == "810000"
    assert region_of_record(english("Ningxia Hui Autonomous Region")) == "640000"
    assert region_of_record(english("Anhui", "Hefei")) == "340100"
    assert region_of_record(english("Shanxi", "Taiyuan")) == "140100"
    assert region_of_record(english("Atlantis")) is None
    assert region_of_record(None) is None
    assert region_of_record({"province": "江苏省", "city": "南通市"}) == "320600"
