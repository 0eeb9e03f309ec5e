"""The README's curl walk-through, run as written against a live server."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from hotline.cli import _env_name
from tests.conftest import REPO, Hotline

BLOCK = re.compile(r"<!-- walkthrough:start -->\s*```bash\n(.*?)```", re.S)


@pytest.fixture
def live_url(hotline: Hotline) -> Iterator[str]:
    """The app under test served over real HTTP on a free port."""
    server = make_server("127.0.0.1", 0, hotline.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_walkthrough_closes_a_ticket(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """Following the README takes a ticket from creation to closed with the demo tokens."""
    script = BLOCK.search((REPO / "README.md").read_text()).group(1)
    env_file = tmp_path / "var" / "demo-tokens.env"
    env_file.parent.mkdir()
    callers = [hotline.operator, hotline.center, hotline.unit, hotline.other_unit, hotline.admin]
    env_file.write_text("".join(f"{_env_name(c.name)}={c.token}\n" for c in callers))
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "HOTLINE_URL": live_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    number = lines[0].removeprefix("ticket ")
    assert re.fullmatch(r"GY\d{8}\d{6}", number)
    assert "('triage', '" + number + "')" in lines[1]
    assert lines[-1].startswith("closed satisfied [")
    assert "'ticket_closed'" in lines[-1]
    assert hotline.ticket(number)["status"] == "closed"
