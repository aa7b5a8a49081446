"""The search, indicator and gang pages: what each role sees, masked as the API masks it, the
unmasked reads audited, and the gang's picture drawn here (deterministic, inside its box)."""

from __future__ import annotations

import re

from console_helpers import log_in
from sqlalchemy import func, select

from jingwang.api.access import mask, units_below
from jingwang.api.console.gang_graph import CAP, HEIGHT, WIDTH, Node, gang_graph, layout
from jingwang.store.db import open_store, session_scope
from jingwang.store.gang_view import gang_view
from jingwang.store.models import AuditEvent, GangMember, Indicator
from jingwang.store.repository import indicator_profile

OUTSIDE = re.compile(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""",
                     re.IGNORECASE)


def a_phone(world) -> Indicator:
    """The mainland mobile number seen most often in the world."""
    with session_scope(open_store(world.url)) as s:
        return s.scalars(select(Indicator).where(Indicator.kind == "phone",
                                                 Indicator.value.like("+861%"))
                         .order_by(Indicator.sighting_count.desc(), Indicator.id)).first()


def loosely(phone: str) -> str:
    """'+8613912345678' as a person types it: '139 1234-5678'."""
    digits = phone.removeprefix("+86")
    return f"{digits[:3]} {digits[3:7]}-{digits[7:]}"


def row_of(html: str, indicator_id: int) -> str:
    """The result row of one indicator on the search page."""
    return re.search(rf'<tr data-indicator="{indicator_id}">.*?</tr>', html, re.S).group(0)


def read_audits(client, world, actor: str) -> list[AuditEvent]:
    client.app.state.audit.flush()  # reads are audited by a writer thread: wait for it
    with session_scope(open_store(world.url)) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.actor == actor,
                                                       AuditEvent.action == "read_pii")))


def test_a_phone_typed_loosely_is_found_and_shown_plainly_to_the_analyst(client, world) -> None:
    phone = a_phone(world)
    log_in(client, "analyst")
    page = client.get("/console/search", params={"q": loosely(phone.value)})
    assert page.status_code == 200
    assert f'data-indicator="{phone.id}"' in page.text
    assert phone.value in row_of(page.text, phone.id) and "识别为" in page.text
    assert f'href="/console/indicators/{phone.id}"' in page.text
    events = read_audits(client, world, "analyst")
    assert any(e.object_type == "indicator" and str(phone.id) in (e.object_id or "").split(",")
               and e.detail["kinds"] == ["phone"] for e in events)


def test_the_platform_sees_the_phone_masked_and_its_read_is_not_audited(client, world) -> None:
    phone = a_phone(world)
    log_in(client, "platform")
    page = client.get("/console/search", params={"q": loosely(phone.value)})
    assert page.status_code == 200 and f'data-indicator="{phone.id}"' in page.text
    row = row_of(page.text, phone.id)
    assert mask("phone", phone.value) in row and phone.value not in row
    reading = re.search(r'data-kind="phone">.*?</span></span>', page.text).group(0)
    assert mask("phone", phone.value) in reading and phone.value not in reading
    # Nowhere on the page: not under another reading either (the Alipay reading of a phone).
    assert phone.value not in page.text
    assert read_audits(client, world, "platform") == []
    one = client.get(f"/console/indicators/{phone.id}")
    assert one.status_code == 200 and mask("phone", phone.value) in one.text
    assert phone.value not in one.text and 'class="sightings"' not in one.text


def test_a_query_that_is_no_indicator_says_so_on_the_page(client) -> None:
    log_in(client, "analyst")
    page = client.get("/console/search", params={"q": "!!??"})
    assert page.status_code == 200 and "无法将" in page.text
    assert client.get("/console/search", params={"q": "x", "kind": "nope"}).status_code == 200
    english = client.get("/console/search", params={"q": "!!??", "lang": "en"})
    assert "is not a phone, card, account" in english.text


def test_the_indicator_page_lists_the_gangs_and_cases_the_store_links_to_it(client, world
                                                                            ) -> None:
    with session_scope(open_store(world.url)) as s:
        member = s.scalars(select(GangMember.indicator_id)
                           .where(GangMember.indicator_id.is_not(None))
                           .group_by(GangMember.indicator_id)
                           .order_by(func.count().desc(), GangMember.indicator_id)).first()
        profile = indicator_profile(s, member)
        gangs = [g.gang.key for g in profile.gangs]
        cases = [c.case_no for c in profile.cases]
    assert gangs
    log_in(client, "analyst")
    page = client.get(f"/console/indicators/{member}")
    assert page.status_code == 200
    for key in gangs:
        assert f'href="/console/gangs/{key}"' in page.text
    for case_no in cases:
        assert f'data-case="{case_no}"' in page.text
    assert client.get("/console/indicators/999999999").status_code == 404
    assert client.get("/console/indicators/abc").status_code == 404


def test_an_officer_sees_only_the_clues_within_its_reach(client, world) -> None:
    with session_scope(open_store(world.url)) as s:
        reach = units_below(s, world.officer_unit_id)
        for member in s.scalars(select(GangMember.indicator_id).distinct()
                                .where(GangMember.indicator_id.is_not(None))
                                .order_by(GangMember.indicator_id)):
            clues = indicator_profile(s, member).clues
            own = [c.id for c in clues if c.unit_id in reach]
            other = [c.id for c in clues if c.unit_id not in reach]
            if own and other:
                break
        else:
            raise AssertionError("no indicator with clues both in and out of the reach")
    log_in(client, "officer")
    page = client.get(f"/console/indicators/{member}")
    assert page.status_code == 200
    assert all(f'data-clue="{c}"' in page.text for c in own)
    assert not any(f'data-clue="{c}"' in page.text for c in other)


def test_the_gang_page_shows_members_cases_and_the_graph(client, world) -> None:
    with session_scope(open_store(world.url)) as s:
        view = gang_view(s, world.gang_key)
    log_in(client, "analyst")
    page = client.get(f"/console/gangs/{world.gang_key}")
    assert page.status_code == 200
    assert f'data-count="{len(view.indicators)}"' in page.text
    assert '<svg class="graph" role="img"' in page.text
    linked = {k for k, *_ in view.upstream + view.downstream} - {view.key}
    expected = min(CAP, 1 + len(linked) + len(view.cases) + len(view.indicators))
    assert len(re.findall(r'<g class="node ', page.text)) == expected
    assert page.text.count("<title>") >= expected
    for case_no, *_ in view.cases:
        assert case_no in page.text
    for key in linked:
        assert f'href="/console/gangs/{key}"' in page.text


def test_an_unknown_gang_is_a_404_page_and_the_platform_may_not_open_gangs(client, world
                                                                           ) -> None:
    log_in(client, "analyst")
    missing = client.get("/console/gangs/G-nope")
    assert missing.status_code == 404 and "未找到" in missing.text
    client.post("/console/logout", data={"csrf": re.search(
        r'name="csrf" value="([^"]+)"', missing.text).group(1)})
    log_in(client, "platform")
    assert client.get(f"/console/gangs/{world.gang_key}").status_code == 403


def test_no_page_loads_anything_from_another_host(client, world) -> None:
    phone = a_phone(world)
    log_in(client, "analyst")
    for url in (f"/console/search?q={phone.value.removeprefix('+86')}",
                f"/console/indicators/{phone.id}", f"/console/gangs/{world.gang_key}"):
        page = client.get(url)
        assert page.status_code == 200 and not OUTSIDE.search(page.text), url


def _nodes(n_cases: int, n_indicators: int):
    center = Node("g", "center", "G", "G")
    linked = [Node("g2", "gang", "G2", "G2")]
    cases = [Node(f"c{i}", "case", f"c{i}", f"c{i}") for i in range(n_cases)]
    indicators = [Node(f"i{i}", "indicator", f"i{i}", f"i{i}", kind="phone")
                  for i in range(n_indicators)]
    links = [(f"i{i}", f"c{i % max(n_cases, 1)}") for i in range(0, n_indicators, 2)]
    return gang_graph(center, linked, cases, indicators, links)


def test_the_layout_is_deterministic_capped_and_inside_its_box() -> None:
    nodes, edges, capped = _nodes(30, 40)
    assert not capped and len(nodes) == 72
    first, again = layout(nodes, edges), layout(nodes, edges)
    assert [(p.x, p.y) for p in first.nodes] == [(p.x, p.y) for p in again.nodes]
    big_nodes, big_edges, big_capped = _nodes(200, 300)
    assert big_capped and len(big_nodes) == CAP
    assert sum(n.group == "indicator" for n in big_nodes) >= (CAP - 2) // 3
    for picture in (first, layout(big_nodes, big_edges), layout(nodes[:1], [])):
        for p in picture.nodes:
            assert p.size <= p.x <= WIDTH - p.size and p.size <= p.y <= HEIGHT - p.size
    assert all(a != b for a, b in big_edges)
    assert {k for e in big_edges for k in e} <= {n.key for n in big_nodes}
