"""Every console page over the demo world on SQLite and on PostgreSQL: the pages' queries
(ordering by urgency, grouping, the campaign figures) must run on both stores."""

from __future__ import annotations

from urllib.parse import quote

from console_helpers import SECRET, form_token, log_in
from console_world import PASSWORD
from fastapi.testclient import TestClient
from sqlalchemy import select

from jingwang.api.app import create_app
from jingwang.demo import run_demo
from jingwang.store.db import open_store, session_scope
from jingwang.store.models import Clue, Gang, Indicator, User


def test_every_page_answers_and_a_clue_moves_on_either_store(store_url, tmp_path) -> None:
    run_demo(tmp_path, seed=7, scale="small", db_url=store_url, password=PASSWORD)
    with session_scope(open_store(store_url)) as s:
        county = s.scalars(select(User).where(User.username == "county_officer")).one()
        clue = s.scalars(select(Clue.id).where(Clue.unit_id == county.unit_id,
                                               Clue.status == "pushed")).first()
        gang = s.scalars(select(Gang.key).order_by(Gang.key)).first()
        indicator = s.scalars(select(Indicator.id).where(Indicator.kind == "phone")).first()
    client = TestClient(create_app(store_url, secret=SECRET))
    log_in(client, "analyst")
    for path in ("/console/", "/console/dashboard", "/console/dashboard.csv?by=region",
                 "/console/clues?status=all&urgency=urgent", f"/console/clues/{clue}",
                 "/console/findings?show=all", "/console/reports",
                 "/console/search?q=13800138000", f"/console/indicators/{indicator}",
                 f"/console/gangs/{quote(gang, safe='')}"):
        assert client.get(path).status_code == 200, path
    client.cookies.clear()
    log_in(client, "county_officer")
    page = client.get(f"/console/clues/{clue}")
    assert page.status_code == 200
    done = client.post(f"/console/clues/{clue}/status",
                       data={"csrf": form_token(page.text), "to": "received"},
                       follow_redirects=False)
    assert done.status_code == 303
    with session_scope(open_store(store_url)) as s:
        assert s.get(Clue, clue).status == "received"
    assert client.get("/console/dashboard").status_code == 200
