"""Helpers of the console tests: log in through the form, read a form's token, copy the world,
serve the app on loopback.  A module of its own, because `conftest` is a name every test folder
has, and importing it by name can pick up another folder's."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

from console_world import PASSWORD, ConsoleWorld
from fastapi.testclient import TestClient

SECRET = "c" * 32


def copy_world(template: ConsoleWorld, folder: Path) -> ConsoleWorld:
    source = Path(template.url.removeprefix("sqlite:///"))
    target = folder / "console.db"
    shutil.copy(source, target)
    return replace(template, url=f"sqlite:///{target}")


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
