"""The app over real HTTP: werkzeug in a thread (LiveServer), `hotline serve` under gunicorn
(Gunicorn), and a barrier to release concurrent calls together (race)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from hotline.config import Settings


class LiveServer:
    """The app served over real HTTP by werkzeug in a background thread (threaded=True)."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(
        self,
        method: str,
        path: str,
        token: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """One HTTP request on its own connection: (status, headers, decoded JSON body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            sent = {"Authorization": f"Bearer {token}", **(headers or {})}
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                sent["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            assert response.getheader("Content-Type", "").startswith("application/json"), raw
            return response.status, dict(response.getheaders()), json.loads(raw)
        finally:
            connection.close()

    def close(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=30)


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run `calls` in threads released together by a barrier; return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=120) for future in futures]


class Gunicorn:
    """`hotline serve` (gunicorn, one worker, no timers) on a free port; its log captured."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ,
            "HOTLINE_DATABASE_URL": settings.database_url,
            "HOTLINE_VAR_DIR": str(settings.var_dir),
            "HOTLINE_PROFILE": settings.profile,
            "HOTLINE_BPMN_DIR": str(settings.bpmn_dir),
            "HOTLINE_CLOCK": "system",
        }
        self.stdout = log_dir / "gunicorn.out"
        self.stderr = log_dir / "gunicorn.err"
        command = [str(Path(sys.executable).parent / "hotline"), "serve", "--workers", "1"]
        command += ["--no-timers", "--port", str(self.port)]
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        deadline = time.monotonic() + 60
        while True:  # bounded wait for the worker to answer
            try:
                status, _, _ = self.request("GET", "/api/health")
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise AssertionError(f"gunicorn did not start: {self.log()}")
            time.sleep(0.2)

    def request(
        self, method: str, url: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request over a fresh connection: status, headers, body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, url, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def log(self) -> str:
        """Everything gunicorn wrote so far (access log and error log)."""
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def close(self) -> None:
        """Stop this server (its own process only) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
