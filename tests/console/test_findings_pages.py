"""The findings inbox: filters, masking by role, and promoting a finding to one routed clue."""

from __future__ import annotations

from console_helpers import form_token, log_in
from console_world import PHONE
from sqlalchemy import func, select

from jingwang.store.db import open_store, session_scope
from jingwang.store.models import AuditEvent, Clue, ClueEvent


def promote(client, finding_id: int, urgency: str = "urgent"):
    page = client.get("/console/findings")
    return client.post(f"/console/findings/{finding_id}/promote",
                       data={"csrf": form_token(page.text), "urgency": urgency},
                       follow_redirects=False)


def test_the_inbox_shows_the_findings_without_a_clue_newest_first(client, world) -> None:
    fraud, gambling = world.loose_findings
    log_in(client, "analyst")
    page = client.get("/console/findings")
    assert page.status_code == 200
    assert page.text.index(f'data-finding="{gambling}"') \
        < page.text.index(f'data-finding="{fraud}"')
    assert PHONE in page.text and "bet-test.vip" in page.text and "console-test" in page.text
    assert f'action="/console/findings/{fraud}/promote"' in page.text
    with session_scope(open_store(world.url)) as s:
        promoted = s.scalar(select(Clue.finding_id).where(Clue.finding_id.is_not(None)))
    assert f'data-finding="{promoted}"' not in page.text
    shown = client.get(f"/console/findings?show=all&focus={promoted}").text
    assert f'data-finding="{promoted}"' in shown and 'class="clue-link"' in shown
    only = client.get("/console/findings?category=gambling")
    assert f'data-finding="{gambling}"' in only.text
    assert f'data-finding="{fraud}"' not in only.text


def test_focus_highlights_one_finding(client, world) -> None:
    log_in(client, "analyst")
    fraud = world.loose_findings[0]
    page = client.get(f"/console/findings?focus={fraud}&category=gambling")
    assert f'id="finding-{fraud}" data-finding="{fraud}" class="focus"' in page.text


def test_promoting_makes_one_routed_clue_and_the_inbox_links_to_it(client, world) -> None:
    fraud = world.loose_findings[0]
    log_in(client, "analyst")
    answer = promote(client, fraud)
    assert answer.status_code == 303
    clue_id = int(answer.headers["location"].removeprefix("/console/clues/"))
    with session_scope(open_store(world.url)) as s:
        clues = s.scalars(select(Clue).where(Clue.finding_id == fraud)).all()
        assert [c.id for c in clues] == [clue_id]
        clue = clues[0]
        assert clue.category == "fraud" and clue.urgency == "urgent"
        assert clue.unit_id is not None or clue.routing_reason
        assert s.scalar(select(func.count(ClueEvent.id)).where(ClueEvent.clue_id == clue_id))
        assert s.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "clue.create", AuditEvent.object_id == str(clue_id))) == 1
    everything = client.get("/console/findings?show=all")
    assert f'href="/console/clues/{clue_id}"' in everything.text
    assert f'action="/console/findings/{fraud}/promote"' not in everything.text
    assert f'data-finding="{fraud}"' not in client.get("/console/findings").text
    again = promote(client, fraud)
    assert again.status_code == 303 and again.headers["location"] == f"/console/clues/{clue_id}"
    with session_scope(open_store(world.url)) as s:
        assert s.scalar(select(func.count(Clue.id)).where(Clue.finding_id == fraud)) == 1


def test_a_promotion_needs_its_form_token_and_a_known_finding(client, world) -> None:
    log_in(client, "analyst")
    forged = client.post(f"/console/findings/{world.loose_findings[0]}/promote",
                         data={"csrf": "forged"})
    assert forged.status_code == 403
    assert promote(client, 10**9).status_code == 404
    with session_scope(open_store(world.url)) as s:
        assert s.scalar(select(func.count(Clue.id)).where(
            Clue.finding_id == world.loose_findings[0])) == 0


def test_officer_and_platform_cannot_open_or_use_the_inbox(client, world) -> None:
    for user in ("officer", "platform"):
        log_in(client, user)
        answer = client.get("/console/findings")
        assert answer.status_code == 403 and "无权" in answer.text
        token = form_token(client.get("/console/").text)
        refused = client.post(f"/console/findings/{world.loose_findings[0]}/promote",
                              data={"csrf": token})
        assert refused.status_code == 403
        client.cookies.clear()
