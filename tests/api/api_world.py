"""A small world for the API tests: a unit tree, one user of each role, clues in two counties,
a case, and indicators — every answer the tests expect is known from it."""

from __future__ import annotations

from dataclasses import dataclass

from jingwang.api.security import hash_password
from jingwang.api.tokens import issue_token
from jingwang.ingest.records import TextRecord
from jingwang.ingest.text import ingest_text
from jingwang.store.clue_flow import create_clue
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.directory import add_unit, add_user
from jingwang.store.linked import CaseIn, upsert_cases

PASSWORD = "correct horse battery"
PHONE = "+8613806280000"


@dataclass
class World:
    url: str
    tokens: dict[str, str]          # username → API token
    clues: dict[str, int]           # "chongchuan" | "nanan" | "nantong" → clue id


def build_world(url: str) -> World:
    init_store(url)
    engine = open_store(url)
    with session_scope(engine) as s:
        mps = add_unit(s, "MPS", "公安部网络安全保卫局", "000000", "ministry")
        js = add_unit(s, "JS", "江苏省公安厅网安总队", "320000", "province", mps)
        nt = add_unit(s, "NT", "南通市公安局网安支队", "320600", "city", js)
        cc = add_unit(s, "NT-CC", "崇川分局网安大队", "320602", "county", nt)
        fj = add_unit(s, "FJ", "福建省公安厅网安总队", "350000", "province", mps)
        qz = add_unit(s, "QZ", "泉州市公安局网安支队", "350500", "city", fj)
        na = add_unit(s, "QZ-NA", "南安市公安局网安大队", "350583", "county", qz)
        pw = hash_password(PASSWORD)
        add_user(s, "admin", "admin", password_hash=pw)
        add_user(s, "ana", "analyst", password_hash=pw)
        add_user(s, "cc_officer", "unit_officer", unit=cc, password_hash=pw)
        add_user(s, "nt_officer", "unit_officer", unit=nt, password_hash=pw)
        add_user(s, "na_officer", "unit_officer", unit=na, password_hash=pw)
        add_user(s, "platform", "platform", password_hash=pw)
        clues = {
            "chongchuan": create_clue(s, "崇川 刷单诈骗", "fraud", unit=cc,
                                      description=f"受害人称对方电话 {PHONE}").id,
            "nanan": create_clue(s, "南安 假证", "fake_documents", unit=na).id,
            "nantong": create_clue(s, "南通 网赌", "gambling", unit=nt).id,
        }
        upsert_cases(s, [CaseIn(case_no="A3206022026090100001", title="刷单诈骗",
                                category="fraud", region_code="320602",
                                description=f"嫌疑人电话 {PHONE}，微信 heiye_a1")])
        ingest_text(s, [TextRecord(id="A3206022026090100001",
                                   text=f"嫌疑人电话 {PHONE}，微信 heiye_a1", row=1)], "cases")
        ingest_text(s, [TextRecord(id="p1", text=f"兼职刷单 加微信 heiye_a1 电话 {PHONE}",
                                   row=1)], "posts")
        tokens = {u: issue_token(s, u, "tests") for u in
                  ("admin", "ana", "cc_officer", "nt_officer", "na_officer", "platform")}
    return World(url=url, tokens=tokens, clues=clues)


def as_user(world: World, username: str | None) -> dict[str, str]:
    """Headers that make a request come from ``username`` (None: the anonymous public)."""
    return {"Authorization": f"Bearer {world.tokens[username]}"} if username else {}
