"""Console fixtures: the simulated world built once per run and copied for each test; a
TestClient logged in as any user; a live server (uvicorn on loopback) for the browser tests."""

from __future__ import annotations

import re
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from console_world import PASSWORD, ConsoleWorld, build_console_world

from jingwang.api.app import create_app
from jingwang.store.db import dispose_engines

SECRET = "c" * 32


@pytest.fixture(scope="session")
def template_console_world(tmp_path_factory) -> ConsoleWorld:
    world = build_console_world(tmp_path_factory.mktemp("console-world"))
    dispose_engines()
    return world


def copy_world(template: ConsoleWorld, folder: Path) -> ConsoleWorld:
    source = Path(template.url.removeprefix("sqlite:///"))
    target = folder / "console.db"
    shutil.copy(source, target)
    return replace(template, url=f"sqlite:///{target}")


@pytest.fixture
def world(template_console_world, tmp_path) -> Iterator[ConsoleWorld]:
    yield copy_world(template_console_world, tmp_path)
    dispose_engines()


def form_token(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has no form token"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/console/login")
    answer = client.post("/console/login", data={"username": username, "password": password,
                                                 "csrf": form_token(page.text)},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def app(world):
    return create_app(world.url, secret=SECRET)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 in a thread of the test process."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the console server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
