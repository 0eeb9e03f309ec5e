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

from tests.conftest import REPO, Hotline
from wiring.cli import _env_name

BLOCK = re.compile(r"<!-- walkthrough:start -->\s*```bash\n(.*?)```", re.S)


def block(name: str) -> str:
    """The bash block between `<!-- walkthrough-NAME:start -->` and its end marker."""
    found = re.search(
        rf"<!-- walkthrough-{name}:start -->\s*```bash\n(.*?)```",
        (REPO / "README.md").read_text(),
        re.S,
    )
    assert found, f"README has no walkthrough-{name} block"
    return found.group(1)


@pytest.fixture
def live_url(hotline: Hotline) -> Iterator[str]:
    """The app under test served over real HTTP on a free port."""
    server = make_server("127.0.0.1", 0, hotline.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def run_script(hotline: Hotline, live_url: str, tmp_path: Path, script: str) -> list[str]:
    """Run README bash with the demo tokens against the live server; its output lines."""
    env_file = tmp_path / "var" / "demo-tokens.env"
    env_file.parent.mkdir(exist_ok=True)
    callers = [
        hotline.operator, hotline.center, hotline.unit, hotline.other_unit, hotline.third_unit,
        hotline.reviewer, hotline.supervisor, hotline.leader, hotline.authority, hotline.admin,
    ]  # fmt: skip
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
    return result.stdout.strip().splitlines()


def test_walkthrough_closes_a_ticket(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """Following the README takes a ticket from creation to closed with the demo tokens."""
    script = BLOCK.search((REPO / "README.md").read_text()).group(1)
    lines = run_script(hotline, live_url, tmp_path, script)
    number = lines[0].removeprefix("ticket ")
    assert re.fullmatch(r"GY\d{8}\d{6}", number)
    assert "('triage', '" + number + "')" in lines[1]
    assert lines[-1].startswith("closed satisfied [")
    assert "'ticket_closed'" in lines[-1]
    assert hotline.ticket(number)["status"] == "closed"


def test_walkthrough_joint_ticket(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """The joint walk-through: both parts handled, the lead merges, the ticket closes."""
    script = BLOCK.search((REPO / "README.md").read_text()).group(1) + block("joint")
    lines = run_script(hotline, live_url, tmp_path, script)
    assert lines[-1] == "closed True"
    assert "[('ZJJ', 'lead', 'dispatched'), ('HBJ', 'assisting', 'dispatched')]" in lines
    assert lines[-2] == "[('ZJJ', 'done'), ('HBJ', 'done')]"
    joint = [
        t for t in hotline.center.get("/api/v1/tickets?per_page=50").json["items"] if t["joint"]
    ]
    assert len(joint) == 1 and joint[0]["reply"].startswith("已责令停工整改")


def test_walkthrough_escalation(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """The escalation walk-through: government review redirects the ticket to LZQ."""
    script = BLOCK.search((REPO / "README.md").read_text()).group(1) + block("escalation")
    lines = run_script(hotline, live_url, tmp_path, script)
    assert lines[-1] == "LZQ government ['acknowledge']"
    assert "government_review ZJJ" in lines
    escalated = [line for line in lines if line.endswith("'government_review')]")]
    assert len(escalated) == 1 and escalated[0].startswith("[('GY")


def test_walkthrough_knowledge_article(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """The knowledge walk-through: published after two approvals, found, public, retired."""
    script = BLOCK.search((REPO / "README.md").read_text()).group(1) + block("knowledge")
    lines = run_script(hotline, live_url, tmp_path, script)
    assert lines[-1] == "public 404"
    found = [line for line in lines if "<em>" in line]
    assert len(found) == 1 and "住房<em>公积金</em>" in found[0], lines
    assert "住房公积金怎么提取？" in lines
    assert lines.count("unit_review completed") == 2 and lines.count("center_review completed") == 2


def test_walkthrough_process_change(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """The process-owner walk-through: v2 deployed, its required field enforced, rolled back."""
    for folder in ("bpmn", "examples"):  # the walk-through runs from the repo folder
        (tmp_path / folder).symlink_to(REPO / folder)
    script = BLOCK.search((REPO / "README.md").read_text()).group(1) + block("process")
    lines = run_script(hotline, live_url, tmp_path, script)
    assert "[('ticket', 2, True, [])]" in lines
    assert "{'contact_method': ['Missing data for required field.']}" in lines
    assert lines[-4:] == ["handle completed", "[True]", "handle completed", "[('ticket', 3)]"]
    listed = {p["process_id"]: p for p in hotline.admin.get("/api/v1/processes").json}
    assert listed["ticket"]["latest_version"] == 3


def test_walkthrough_appeals(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """The appeals walk-through: an exemption filed, accepted by the center, read by the unit."""
    script = BLOCK.search((REPO / "README.md").read_text()).group(1) + block("appeals")
    lines = run_script(hotline, live_url, tmp_path, script)
    assert lines[-3:] == [
        "review_appeal completed",
        "acknowledge_decision completed",
        "accepted ['appeal_filed', 'appeal_accepted', 'score_changed', 'appeal_decision_read']",
    ]


def test_walkthrough_bulletin(hotline: Hotline, live_url: str, tmp_path: Path) -> None:
    """The bulletin walk-through: the demo's bulletin read, both files downloaded, version 2."""
    from hotline import clock
    from hotline.demo import load_demo_bulletin
    from hotline.policy import active_profile

    with hotline.services.transaction() as session:
        profile = active_profile(hotline.services.runtime.extras)
        load_demo_bulletin(session, profile, clock.now())  # as `hotline demo` does
    lines = run_script(hotline, live_url, tmp_path, block("bulletin"))
    assert lines[0].startswith("('2026-10', 1, '")
    assert lines[1] == "%PDF"
    assert lines[-1] == "('2026-10', 2, 'on_demand')"
    assert (tmp_path / "bulletin.xlsx").read_bytes()[:2] == b"PK"  # a zip: the XLSX workbook
