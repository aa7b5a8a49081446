"""API fixtures: the small world built once per session as a SQLite file, copied for each test
so a test that changes something leaves the next one the same world."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from api_world import World, build_world

from jingwang.api.app import create_app
from jingwang.store.db import dispose_engines


@pytest.fixture(scope="session")
def template_world(tmp_path_factory) -> tuple[Path, World]:
    folder = tmp_path_factory.mktemp("api-world")
    world = build_world(f"sqlite:///{folder / 'world.db'}")
    dispose_engines()
    return folder / "world.db", world


@pytest.fixture
def world(template_world, tmp_path) -> World:
    path, template = template_world
    copy = tmp_path / "world.db"
    shutil.copy(path, copy)
    yield World(url=f"sqlite:///{copy}", tokens=template.tokens, clues=template.clues)
    dispose_engines()


@pytest.fixture
def client(world) -> TestClient:
    return TestClient(create_app(world.url, secret="s" * 32))
