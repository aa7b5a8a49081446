"""`jingwang serve` runs the real server (uvicorn) over a store, reached over TCP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from api_world import build_world


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_over_http_with_tokens_and_public_reports(tmp_path) -> None:
    world = build_world(f"sqlite:///{tmp_path / 'served.db'}")
    port = _free_port()
    env = {**os.environ, "JINGWANG_SECRET": "t" * 32}
    server = subprocess.Popen(
        [sys.executable, "-m", "jingwang.cli", "--db", world.url, "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not answer in 30 s")
        token = {"Authorization": f"Bearer {world.tokens['cc_officer']}"}
        queue = httpx.get(f"{base}/api/clues", headers=token).json()
        assert [c["id"] for c in queue["items"]] == [world.clues["chongchuan"]]
        report = httpx.post(f"{base}/api/reports", json={"text": "举报 网赌网站 bet888.vip"})
        assert report.status_code == 201 and report.json()["indicators"] == 1
        assert httpx.get(f"{base}/api/clues").status_code == 401
        assert "swagger-ui" in httpx.get(f"{base}/docs").text
    finally:
        server.terminate()
        server.wait(timeout=10)
