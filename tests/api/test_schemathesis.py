"""Schemathesis against the OpenAPI spec: generated inputs for every operation, sent with an
admin's token (an admin reaches every route); no input may cause a 5xx.

The schema is loaded when the module is imported (Schemathesis builds one test per operation
at collection), so the world it runs on is built then, in a temporary folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from api_world import build_world
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from jingwang.api.app import create_app

_folder = tempfile.TemporaryDirectory(prefix="jingwang-schemathesis-")
_world = build_world(f"sqlite:///{Path(_folder.name) / 'world.db'}")
_app = create_app(_world.url, secret="s" * 32, report_rate=10_000, login_rate=10_000)
ADMIN = {"Authorization": f"Bearer {_world.tokens['admin']}"}
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_input_makes_a_server_error(case) -> None:
    case.call_and_validate(headers=ADMIN, checks=[not_a_server_error])
