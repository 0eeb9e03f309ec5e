"""Process owners deploy and version diagrams over HTTP: /api/v1/processes."""

from __future__ import annotations

import io
from typing import Any

from werkzeug.test import TestResponse

from tests.conftest import REPO, Caller, Hotline

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
OLD_LABEL = 'label="处置方式"'
NEW_LABEL = 'label="处置方式（新）"'
CHANGED = TICKET_BPMN.replace(OLD_LABEL, NEW_LABEL)
BROKEN = TICKET_BPMN.replace('camunda:topic="ticket.answer"', 'camunda:topic="ticket.nope"')


def upload(caller: Caller, *files: tuple[str, str]) -> TestResponse:
    """POST the (filename, text) pairs as repeated multipart `files` fields."""
    data = {"files": [(io.BytesIO(text.encode("utf-8")), name) for name, text in files]}
    return caller.post("/api/v1/processes", data=data, content_type="multipart/form-data")


def versions(caller: Caller, process_id: str = "ticket") -> list[dict[str, Any]]:
    """Every version of the process, newest first."""
    response = caller.get(f"/api/v1/processes/{process_id}/versions")
    assert response.status_code == 200, response.json
    return response.json


def disposition_label(caller: Caller, number: str) -> str:
    """The label the triage form shows for the disposition field."""
    task = caller.task_for(number, "triage")
    form = caller.get(f"/api/v1/tasks/{task['id']}").json["form"]
    return next(f["label"] for f in form if f["id"] == "disposition")


def test_changed_diagram_is_version_2_for_new_tickets_only(hotline: Hotline) -> None:
    """A changed label deploys as v2; new tickets show it, a ticket started before keeps v1."""
    before = hotline.new_ticket()["number"]
    response = upload(hotline.admin, ("ticket.bpmn", CHANGED))
    assert response.status_code == 201, response.json
    [stored] = response.json
    assert stored["process_id"] == "ticket" and stored["version"] == 2 and stored["new"] is True
    assert stored["filename"] == "ticket.bpmn" and len(stored["hash"]) == 64
    assert stored["deployed_at"]
    after = hotline.new_ticket()["number"]
    assert disposition_label(hotline.center, before) == "处置方式"
    assert disposition_label(hotline.center, after) == "处置方式（新）"
    rows = versions(hotline.center)
    assert [(v["version"], v["running_instances"], v["latest"]) for v in rows] == [
        (2, 1, True),
        (1, 1, False),
    ]
    listed = {p["process_id"]: p for p in hotline.admin.get("/api/v1/processes").json}
    assert listed["ticket"]["latest_version"] == 2
    assert listed["ticket"]["versions"] == 2 and listed["ticket"]["running_instances"] == 2
    assert listed["joint"]["latest_version"] == 1


def test_same_file_again_makes_no_new_version(hotline: Hotline) -> None:
    """Uploading the deployed file unchanged answers 201 with new=false and stores nothing."""
    response = upload(hotline.admin, ("ticket.bpmn", TICKET_BPMN))
    assert response.status_code == 201, response.json
    assert [(d["version"], d["new"]) for d in response.json] == [(1, False)]
    assert upload(hotline.admin, ("ticket.bpmn", CHANGED)).json[0]["new"] is True
    again = upload(hotline.admin, ("renamed.bpmn", CHANGED))
    assert [(d["version"], d["new"]) for d in again.json] == [(2, False)]
    assert [v["version"] for v in versions(hotline.admin)] == [2, 1]


def test_broken_file_with_a_good_one_stores_nothing(hotline: Hotline) -> None:
    """One refused file refuses the upload: 422 naming file and element; old versions run on."""
    response = upload(hotline.admin, ("ticket.bpmn", CHANGED), ("broken.bpmn", BROKEN))
    assert response.status_code == 422, response.json
    problems = response.json["error"]["fields"]["problems"]
    assert problems, response.json
    problem = next(p for p in problems if p["element_id"] == "answer_directly")
    assert problem["file"] == "broken.bpmn"
    assert problem["element_name"] and problem["line"]
    assert "ticket.nope" in problem["message"]
    assert "broken.bpmn" in response.json["error"]["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert [v["version"] for v in versions(hotline.admin)] == [1]
    hotline.new_ticket()  # the previous version still starts tickets


def test_xml_download_equals_the_upload(hotline: Hotline) -> None:
    """GET …/versions/2/xml returns the uploaded bytes as an application/xml download."""
    assert upload(hotline.admin, ("ticket.bpmn", CHANGED)).status_code == 201
    response = hotline.center.get("/api/v1/processes/ticket/versions/2/xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.get_data(as_text=True) == CHANGED
    assert "attachment" in response.headers["Content-Disposition"]
    assert "ticket-v2.bpmn" in response.headers["Content-Disposition"]
    old = hotline.admin.get("/api/v1/processes/ticket/versions/1/xml")
    assert old.get_data(as_text=True) == TICKET_BPMN


def test_unknown_process_or_version_is_404(hotline: Hotline) -> None:
    """Unknown process ids and versions answer 404."""
    assert hotline.admin.get("/api/v1/processes/nope/versions").status_code == 404
    assert hotline.admin.get("/api/v1/processes/ticket/versions/9/xml").status_code == 404
    assert hotline.admin.get("/api/v1/processes/nope/versions/1/xml").status_code == 404


def test_roles(hotline: Hotline) -> None:
    """Only admins deploy; admin and center read; others 403; no token 401."""
    for caller in (hotline.center, hotline.operator, hotline.unit, hotline.leader):
        assert upload(caller, ("ticket.bpmn", CHANGED)).status_code == 403
    for caller in (hotline.operator, hotline.unit, hotline.supervisor):
        assert caller.get("/api/v1/processes").status_code == 403
        assert caller.get("/api/v1/processes/ticket/versions").status_code == 403
        assert caller.get("/api/v1/processes/ticket/versions/1/xml").status_code == 403
    assert hotline.center.get("/api/v1/processes").status_code == 200
    client = hotline.app.test_client()
    assert client.get("/api/v1/processes").status_code == 401
    assert client.post("/api/v1/processes").status_code == 401
    assert [v["version"] for v in versions(hotline.admin)] == [1]


def test_upload_without_files_names_the_field(hotline: Hotline) -> None:
    """A POST without any `files` part is a 422 naming `files`."""
    response = hotline.admin.post(
        "/api/v1/processes", data={"other": "x"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "files" in response.json["error"]["fields"]
