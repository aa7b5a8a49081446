"""Console fixtures: the simulated world built once per run and copied for each test, and a
TestClient over it (log in with ``console_helpers.log_in``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from console_helpers import SECRET, copy_world
from console_world import ConsoleWorld, build_console_world

from jingwang.api.app import create_app
from jingwang.store.db import dispose_engines


@pytest.fixture(scope="session")
def template_console_world(tmp_path_factory) -> ConsoleWorld:
    world = build_console_world(tmp_path_factory.mktemp("console-world"))
    dispose_engines()
    return world


@pytest.fixture
def world(template_console_world, tmp_path) -> Iterator[ConsoleWorld]:
    yield copy_world(template_console_world, tmp_path)
    dispose_engines()


@pytest.fixture
def app(world):
    return create_app(world.url, secret=SECRET)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app)
