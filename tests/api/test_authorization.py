"""The authorization matrix: every role against every route, with the status each must get."""

from __future__ import annotations

import pytest
from api_world import as_user
from sqlalchemy import select

from jingwang.store.db import open_store, session_scope
from jingwang.store.models import AuditEvent

ROLES = ("admin", "ana", "cc_officer", "nt_officer", "na_officer", "platform", None)
EVERYONE = dict.fromkeys(ROLES, 200) | {None: 401}
DATA = {"admin": 200, "ana": 200, "cc_officer": 200, "nt_officer": 200, "na_officer": 200,
        "platform": 403, None: 401}
ADMIN_ONLY = dict.fromkeys(ROLES, 403) | {"admin": 200, None: 401}
CREATORS = dict.fromkeys(ROLES, 403) | {"admin": 201, "ana": 201, None: 401}
# The 崇川 clue: its county's officer and the city above see it; 南安's officer gets a 404.
CHONGCHUAN = {"admin": 200, "ana": 200, "cc_officer": 200, "nt_officer": 200,
              "na_officer": 404, "platform": 403, None: 401}
NANAN = {"admin": 200, "ana": 200, "cc_officer": 404, "nt_officer": 404, "na_officer": 200,
         "platform": 403, None: 401}

# (method, path, json body, expected status by role); {cc} and {na} are clue ids.
MATRIX = [
    ("GET", "/api/me", None, EVERYONE),
    ("GET", "/api/clues", None, DATA | {"platform": 403}),
    ("GET", "/api/clues/{cc}", None, CHONGCHUAN),
    ("GET", "/api/clues/{na}", None, NANAN),
    ("POST", "/api/clues", {"title": "t", "category": "fraud", "unit": "NT"}, CREATORS),
    ("POST", "/api/clues/{cc}/status", {"to": "rejected", "note": "不属实"}, CHONGCHUAN),
    ("POST", "/api/clues/{cc}/status", {"to": "pushed"},
     CHONGCHUAN | {"cc_officer": 403, "nt_officer": 403}),
    ("POST", "/api/clues/{na}/forward", {"unit": "QZ"}, NANAN),
    ("GET", "/api/indicators?q=13806280000", None, DATA | {"platform": 200}),
    ("GET", "/api/indicators/1", None, DATA | {"platform": 200}),
    ("GET", "/api/hits?q=heiye_a1", None, DATA),
    ("GET", "/api/hits?case=A3206022026090100001", None, DATA),
    ("GET", "/api/findings", None, DATA),
    ("GET", "/api/findings/999", None, {**DATA, **{r: 404 for r in DATA if DATA[r] == 200}}),
    ("GET", "/api/cases", None, DATA),
    ("GET", "/api/cases/A3206022026090100001", None, DATA),
    ("GET", "/api/gangs", None, DATA),
    ("GET", "/api/gangs/G-none", None, {**DATA, **{r: 404 for r in DATA if DATA[r] == 200}}),
    ("GET", "/api/reports", None, DATA),
    ("POST", "/api/reports", {"text": "有人冒充客服让我转账到 6222020928159013962"},
     dict.fromkeys(ROLES, 201)),
    ("GET", "/api/units", None, EVERYONE),
    ("POST", "/api/units", {"code": "NT-HM", "name": "海门分局网安大队",
                            "region_code": "320614", "level": "county", "parent": "NT"},
     ADMIN_ONLY | {"admin": 201}),
    ("GET", "/api/users", None, ADMIN_ONLY),
    ("POST", "/api/users", {"username": "new_officer", "role": "unit_officer",
                            "unit": "NT-CC", "password": "long enough pass"},
     ADMIN_ONLY | {"admin": 201}),
    ("POST", "/api/users/ana/tokens", {"name": "script"}, ADMIN_ONLY | {"admin": 201}),
    ("GET", "/api/audit", None, ADMIN_ONLY),
    ("GET", "/api/stats/campaign", None, DATA | {"platform": 200}),
]


def _path(world, template: str) -> str:
    return template.format(cc=world.clues["chongchuan"], na=world.clues["nanan"])


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX,
                         ids=[f"{m} {p} {b.get('to', '') if b else ''}".strip()
                              for m, p, b, _ in MATRIX])
def test_every_role_gets_the_status_the_matrix_says(world, client, role, method, path, body,
                                                    expected) -> None:
    response = client.request(method, _path(world, path), json=body,
                              headers=as_user(world, role))
    assert response.status_code == expected[role], response.text


def test_every_route_is_in_the_matrix(client) -> None:
    spec = client.get("/openapi.json").json()
    routes = {(m.upper(), p) for p, item in spec["paths"].items() for m in item}
    covered = set()
    for method, path, _, _ in MATRIX:
        bare = path.split("?")[0].replace("{cc}", "{clue_id}").replace("{na}", "{clue_id}")
        covered.add((method, bare))
    generic = {("GET", "/api/indicators/{indicator_id}"), ("GET", "/api/findings/{finding_id}"),
               ("GET", "/api/cases/{case_no}"), ("GET", "/api/gangs/{key}"),
               ("POST", "/api/users/{username}/tokens")}
    missing = routes - covered - generic - {("POST", "/api/login"), ("POST", "/api/logout")}
    assert not missing, f"routes with no row in the matrix: {sorted(missing)}"


def test_another_countys_clue_is_404_and_the_attempt_is_audited(world, client) -> None:
    nanan = world.clues["nanan"]
    response = client.get(f"/api/clues/{nanan}", headers=as_user(world, "cc_officer"))
    assert response.status_code == 404
    assert response.json() == {"detail": f"no clue {nanan}"}
    missing = client.get("/api/clues/99999", headers=as_user(world, "cc_officer"))
    assert missing.json() == {"detail": "no clue 99999"}  # the same answer: nothing to probe
    client.app.state.audit.flush()
    with session_scope(open_store(world.url)) as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert [(e.actor, e.object_type, e.object_id) for e in denied] == [
        ("cc_officer", "clue", str(nanan))]


def test_an_officer_queue_holds_only_its_units_clues(world, client) -> None:
    def queue(user):
        items = client.get("/api/clues", headers=as_user(world, user)).json()["items"]
        return sorted(c["id"] for c in items)

    c = world.clues
    assert queue("cc_officer") == [c["chongchuan"]]
    assert queue("nt_officer") == sorted([c["chongchuan"], c["nantong"]])
    assert queue("na_officer") == [c["nanan"]]
    assert queue("ana") == sorted(c.values())


def test_no_route_can_change_or_delete_the_audit_trail(client) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]["/api/audit"]) == {"get"}
    assert not [p for p, item in spec["paths"].items() if {"delete", "put", "patch"} & set(item)]
