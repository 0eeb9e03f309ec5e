"""`hotline deploy --check FILE...`: validate diagrams without storing them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import REPO
from tests.helpers.bpmn import write_diagram as write
from tests.helpers.processes import ticket_versions as versions
from wiring.services import Services

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
CHANGED = TICKET_BPMN.replace('label="处置方式"', 'label="处置方式（新）"')
BROKEN = TICKET_BPMN.replace('camunda:topic="ticket.answer"', 'camunda:topic="ticket.nope"')


def test_check_good_file_exits_0_and_stores_nothing(
    run: Callable[..., Result], services: Services, tmp_path: Path
) -> None:
    """A changed but valid diagram: exit 0, says it would deploy, no new version."""
    result = run("deploy", "--check", write(tmp_path, "ticket.bpmn", CHANGED))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stdout.strip() == "ok ticket.bpmn: would deploy ticket"
    assert versions(services) == [1]


def test_check_reports_every_refused_file_and_exits_1(
    run: Callable[..., Result], services: Services, tmp_path: Path
) -> None:
    """A good and a broken file: exit 1, the broken file's element and topic named, no traceback."""
    good = write(tmp_path, "ticket.bpmn", CHANGED)
    broken = write(tmp_path, "broken.bpmn", BROKEN)
    half = write(tmp_path, "half.bpmn", TICKET_BPMN[:300])
    result = run("deploy", "--check", good, broken, half)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "ok ticket.bpmn" in result.stdout
    assert "broken.bpmn" in result.stderr and "answer_directly" in result.stderr
    assert "ticket.nope" in result.stderr
    assert "half.bpmn" in result.stderr and "not well-formed" in result.stderr
    assert "Traceback" not in result.stderr
    assert versions(services) == [1]


def test_plain_deploy_still_stores_a_version(
    run: Callable[..., Result], services: Services, tmp_path: Path
) -> None:
    """Without --check the same file deploys as version 2."""
    result = run("deploy", write(tmp_path, "ticket.bpmn", CHANGED))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stdout.strip() == "deployed ticket v2 (ticket.bpmn)"
    assert versions(services) == [1, 2]
