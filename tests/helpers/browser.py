"""The workplace in a real browser: `hotline serve` on a fresh var dir (Workplace), Debian's
Chromium driven by Playwright, a guard against any request leaving 127.0.0.1, axe-core, and
screenshots for the README (docs/screenshots/)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hotline.demo import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium calls home (refused on an intranet).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE = REPO / "tools" / "web-assets" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
HOTLINE = str(Path(sys.executable).parent / "hotline")


class Workplace:
    """`hotline init`, `hotline demo` and `hotline serve` (gunicorn, 2 workers) over a SQLite
    file in `var_dir`, on a free port; the demo users' API tokens in `tokens`."""

    def __init__(self, var_dir: Path, **env: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.var_dir = var_dir
        self.env = {
            **os.environ,
            "HOTLINE_VAR_DIR": str(var_dir),
            "HOTLINE_DATABASE_URL": f"sqlite:///{var_dir / 'hotline.db'}",
            "HOTLINE_PROFILE": "guangyuan",
            "HOTLINE_BPMN_DIR": str(REPO / "bpmn"),
            "HOTLINE_CLOCK": "system",
            **env,
        }
        var_dir.mkdir(parents=True, exist_ok=True)
        self.cli("init")
        self.cli("demo")
        self.tokens = self._tokens(var_dir / "demo-tokens.env")
        self.log = var_dir / "serve.log"
        with self.log.open("wb") as out:
            command = [HOTLINE, "serve", "--workers", "2", "--port", str(self.port)]
            self.process = subprocess.Popen(command, env=self.env, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise AssertionError(f"hotline serve did not start: {self.log.read_text()}")
            time.sleep(0.2)

    def cli(self, *args: str, input: str | None = None) -> str:
        """Run `hotline ARGS` against this workplace's database (`input` on its stdin); its
        stdout."""
        done = subprocess.run(
            [HOTLINE, *args], env=self.env, capture_output=True, text=True, timeout=300,
            input=input,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    @staticmethod
    def _tokens(env_file: Path) -> dict[str, str]:
        lines = env_file.read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def token(self, user: str) -> str:
        """The API token of demo user `user` (demo-center → CENTER_TOKEN)."""
        return self.tokens[user.removeprefix("demo-").replace("-", "_").upper() + "_TOKEN"]

    def request(
        self, method: str, path: str, body: Any = None, user: str | None = None
    ) -> tuple[int, Any]:
        """One API call (as demo `user` when given): status and decoded JSON (or bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            kind = response.getheader("Content-Type", "")
            return response.status, json.loads(raw) if kind.startswith("application/json") else raw
        finally:
            connection.close()

    def api(self, method: str, path: str, user: str, body: Any = None, expect: int = 200) -> Any:
        """An API call that must answer `expect`; its JSON."""
        status, answer = self.request(method, path, body, user)
        assert status == expect, (status, answer)
        return answer

    def close(self) -> None:
        """Stop the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def sign_in(page: Any, base_url: str, user: str, password: str = DEMO_PASSWORD) -> None:
    """Sign `user` in through the sign-in page, as a person would."""
    page.goto(base_url + "/signin")
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/signin" not in page.url, f"{user} could not sign in"


def screenshot(page: Any, name: str) -> Path:
    """Save what the page shows now as docs/screenshots/NAME.png (linked from the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of at least the given impact on the page as it is now
    (the page's context must be opened with bypass_csp=True to inject axe)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in impacts
    ]  # fmt: skip
