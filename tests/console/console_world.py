"""The console's test world: the demo's simulated small world (seed 7) — detected, linked,
clues made, routed and pushed — plus the people the tests log in as and two findings that no
clue has taken up yet.  Every answer a test expects is read off this store, never typed in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from jingwang.api.access import units_below
from jingwang.api.security import hash_password
from jingwang.demo import run_demo
from jingwang.store.db import open_store, session_scope
from jingwang.store.directory import add_user
from jingwang.store.linked import add_finding
from jingwang.store.models import Clue, Gang, GangMember, Unit

PASSWORD = "demo password 7"
PHONE = "+8613900001111"


@dataclass
class ConsoleWorld:
    url: str
    officer_unit_id: int
    own_clue: int            # a pushed clue in the officer's reach
    foreign_clue: int        # a clue outside the reach of both officers below
    other_officer: str       # an officer of a unit that cannot see own_clue
    county_officer: str      # an officer of the county holding county_clue
    county_clue: int         # a pushed clue of that county
    gang_key: str            # the gang with the most members
    loose_findings: list[int]  # findings without a clue


def build_console_world(folder: Path) -> ConsoleWorld:
    result = run_demo(folder, seed=7, scale="small", password=PASSWORD)
    engine = open_store(result.db_url)
    with session_scope(engine) as s:
        officer = result.people and "officer" in result.people.users
        assert officer, "the demo world has no local unit with clues"
        from jingwang.store.models import User
        user = s.scalars(select(User).where(User.username == "officer")).one()
        reach = units_below(s, user.unit_id)
        own = s.scalars(select(Clue.id).where(Clue.unit_id.in_(reach), Clue.status == "pushed")
                        .order_by(Clue.id)).first()
        # The demo's county officer (the county with the most clues) and a pushed clue of it.
        county = s.scalars(select(User).where(User.username == "county_officer")).one().unit
        county_clue = s.scalars(select(func.min(Clue.id)).where(Clue.unit_id == county.id,
                                                                Clue.status == "pushed")).one()
        # Another county's clue where there is one, else any clue out of both reaches.
        foreign = s.scalars(select(Clue).join(Unit, Unit.id == Clue.unit_id)
                            .where(Clue.unit_id.not_in(reach | {county.id}))
                            .order_by(Unit.level != "county", Clue.id)).first()
        # An officer of a county outside the officer's reach and away from the foreign clue.
        other_unit = s.scalars(select(Unit).where(Unit.level == "county",
                                                  Unit.id.not_in(reach))
                               .order_by(Unit.code)).first()
        add_user(s, "other_officer", "unit_officer", unit=other_unit,
                 password_hash=hash_password(PASSWORD))
        gang = s.scalars(select(Gang).join(GangMember, GangMember.gang_id == Gang.id)
                         .group_by(Gang.id).order_by(func.count().desc(), Gang.key)).first()
        loose = [add_finding(s, "console-test", "fraud", 0.91,
                             f"兼职刷单 引流到 QQ 群，联系电话 {PHONE}", source="posts",
                             record_id="console-test-1", indicators=[("phone", PHONE)]).id,
                 add_finding(s, "console-test", "gambling", 0.72, "网赌推广 bet-test.vip",
                             source="posts", record_id="console-test-2",
                             indicators=[("domain", "bet-test.vip")]).id]
        world = ConsoleWorld(url=result.db_url, officer_unit_id=user.unit_id, own_clue=own,
                             foreign_clue=foreign.id, other_officer="other_officer",
                             county_officer="county_officer", county_clue=county_clue,
                             gang_key=gang.key, loose_findings=loose)
    engine.dispose()
    assert world.own_clue is not None, "no pushed clue in the officer's reach"
    return world
