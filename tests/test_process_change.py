"""A process owner changes ticket.bpmn in Camunda Modeler and deploys it with one command.

The change is examples/ticket-urgent-reminder.patch (what Modeler saves after adding a
required form field to 办理 and a `PT2H` reminder whose gateway condition is
`${urgency ne 'normal'}`). New tickets follow v2; tickets already running finish on v1
unless they are migrated on request.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from tests.conftest import REPO, Hotline
from tests.helpers.clock import move_clock

PATCH = REPO / "examples" / "ticket-urgent-reminder.patch"
DONE = {
    "outcome": "done",
    "basis": "《环境噪声污染防治法》",
    "findings": "夜间施工属实，已责令停工",
    "reply": "已告知诉求人处理结果",
}


def changed_ticket_bpmn(tmp_path: Path) -> bytes:
    """bpmn/ticket.bpmn with the example patch applied, as a process owner would save it."""
    out = tmp_path / "ticket.bpmn"
    subprocess.run(
        ["patch", "-s", "-o", str(out), str(REPO / "bpmn" / "ticket.bpmn"), str(PATCH)],
        check=True,
    )
    return out.read_bytes()


def deploy(hotline: Hotline, xml: bytes) -> list[dict]:
    """POST /api/v1/processes with one file, as admin; the 201 body."""
    data = {"files": [(io.BytesIO(xml), "ticket.bpmn")]}
    response = hotline.admin.post(
        "/api/v1/processes", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.json
    return response.json


def at_handle(hotline: Hotline, urgency: str = "normal") -> str:
    """A ticket dispatched to ZJJ and acknowledged: its number."""
    number = hotline.new_ticket(urgency=urgency)["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    return number


def reminders(hotline: Hotline, number: str) -> list[str | None]:
    """The BPMN elements that reminded the unit about this ticket."""
    events = hotline.ticket(number)["events"]
    return [e.get("task") for e in events if e["kind"] == "deadline_reminder"]


def complete_handle(hotline: Hotline, number: str, data: dict) -> tuple[int, dict]:
    """POST the unit's handle task; status and body."""
    task = hotline.unit.task_for(number, "handle")
    response = hotline.unit.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    return response.status_code, response.json


def test_changed_diagram_deploys_clean_and_new_tickets_follow_it(
    hotline: Hotline, tmp_path: Path
) -> None:
    """v2 deploys with no warnings; a new urgent ticket needs contact_method and is reminded
    after 2 hours; a normal one is not; a ticket started on v1 keeps the v1 form."""
    move_clock(hotline, "2026-11-23 09:00")
    old = at_handle(hotline, urgency="urgent")
    [stored] = deploy(hotline, changed_ticket_bpmn(tmp_path))
    assert (stored["process_id"], stored["version"], stored["new"]) == ("ticket", 2, True)
    assert stored["warnings"] == []

    urgent = at_handle(hotline, urgency="urgent")
    normal = at_handle(hotline)
    status, body = complete_handle(hotline, urgent, DONE)
    assert status == 422 and "contact_method" in body["error"]["fields"], body
    form = hotline.unit.get(f"/api/v1/tasks/{hotline.unit.task_for(urgent, 'handle')['id']}")
    field = next(f for f in form.json["form"] if f["id"] == "contact_method")
    assert field["required"] is True and field["label"] == "联系诉求人方式"

    move_clock(hotline, "2026-11-23 10:59")
    assert reminders(hotline, urgent) == []
    move_clock(hotline, "2026-11-23 11:01")
    assert reminders(hotline, urgent) == ["remind_urgent"]
    assert reminders(hotline, normal) == []  # the condition sent it to end_not_urgent
    assert reminders(hotline, old) == []  # v1 has no such timer

    assert complete_handle(hotline, urgent, {**DONE, "contact_method": "phone"})[0] == 200
    assert complete_handle(hotline, old, DONE)[0] == 200  # v1's form: no contact_method


def test_running_ticket_migrates_on_request_and_then_needs_the_new_field(
    hotline: Hotline, tmp_path: Path
) -> None:
    """Old tickets stay on v1 until an admin migrates them; then v2's form and timer apply."""
    move_clock(hotline, "2026-11-23 09:00")
    waiting = at_handle(hotline, urgency="urgent")
    deploy(hotline, changed_ticket_bpmn(tmp_path))
    assert complete_handle(hotline, waiting, {})[1]["error"]["fields"].keys() >= {"outcome"}

    url = "/api/v1/processes/ticket/migrations"
    dry = hotline.admin.post(url, json={"from_version": 1, "to_version": 2, "dry_run": True})
    assert dry.status_code == 200 and dry.json["moved"] == 1, dry.json
    status, body = complete_handle(hotline, waiting, {})
    assert "contact_method" not in body["error"]["fields"]  # a dry run moved nothing

    move_clock(hotline, "2026-11-23 12:00")
    moved = hotline.admin.post(url, json={"from_version": 1, "to_version": 2})
    assert moved.json["moved"] == 1 and moved.json["refused"] == 0, moved.json
    assert "process_migrated" in [e["kind"] for e in hotline.ticket(waiting)["events"]]
    # The reminder added to handle, where the ticket waits, counts from the migration.
    move_clock(hotline, "2026-11-23 13:59")
    assert reminders(hotline, waiting) == []
    move_clock(hotline, "2026-11-23 14:01")
    assert reminders(hotline, waiting) == ["remind_urgent"]
    status, body = complete_handle(hotline, waiting, DONE)
    assert status == 422 and "contact_method" in body["error"]["fields"]
    assert complete_handle(hotline, waiting, {**DONE, "contact_method": "visit"})[0] == 200
