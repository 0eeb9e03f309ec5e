"""Moving running tickets to a new version of ticket.bpmn: POST /processes/ticket/migrations."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from hotline.models import ProcessDefinition, ProcessInstance, Ticket, Timer
from tests.conftest import Hotline
from tests.helpers.processes import MIGRATIONS_URL as URL
from tests.helpers.processes import (
    at_handle,
    by_number,
    deploy_v2,
    migrate,
    ticket_xml,
    version_of,
)
from tests.helpers.tickets import DONE

NEW_FIELD = (
    '<camunda:formField id="visit_note" label="走访记录" type="string">'
    '<camunda:properties><camunda:property id="content" value="true"/></camunda:properties>'
    "</camunda:formField>"
)


def relabelled_with_optional_field(hotline: Hotline) -> str:
    """v2: triage renamed on the canvas, handle gains an optional field."""
    xml = ticket_xml(hotline).replace('name="分类处置"', 'name="分类与处置"', 1)
    basis = '<camunda:formField id="basis"'
    assert basis in xml
    return xml.replace(basis, NEW_FIELD + basis, 1)


def without_review(hotline: Hotline) -> str:
    """v2: the review task is replaced by one with another id (removed as far as tickets go)."""
    return ticket_xml(hotline).replace('"review"', '"final_check"')


def timer_rows(hotline: Hotline, number: str) -> list[tuple[str, str, object]]:
    """The ticket's pending timers: (id, element, due time)."""
    with hotline.services.transaction() as session:
        ticket_id = session.scalars(select(Ticket.id).where(Ticket.number == number)).one()
        rows = session.scalars(select(Timer).where(Timer.ticket_id == ticket_id)).all()
        return sorted((r.id, r.element_id, r.due_at) for r in rows)


def test_compatible_v2_moves_tickets_and_they_finish_on_it(hotline: Hotline) -> None:
    at_triage = hotline.new_ticket()["number"]
    handling = at_handle(hotline)
    deadlines_before = timer_rows(hotline, handling)
    assert deadlines_before  # handle carries deadline timers
    version = deploy_v2(hotline, relabelled_with_optional_field(hotline))
    assert version == 2

    report = migrate(hotline, {"from_version": 1, "to_version": 2})
    assert report["moved"] == 2 and report["refused"] == 0
    rows = by_number(report)
    assert rows[at_triage]["moved"] and rows[handling]["moved"]
    assert version_of(hotline, at_triage) == version_of(hotline, handling) == 2
    assert timer_rows(hotline, handling) == deadlines_before  # same deadlines, same due times

    # The open tasks now show v2: the new label and the new optional field.
    assert hotline.center.task_for(at_triage, "triage")["name"] == "分类与处置"
    task = hotline.unit.task_for(handling, "handle")
    form = hotline.unit.get(f"/api/v1/tasks/{task['id']}").json["form"]
    assert "visit_note" in [f["id"] for f in form]
    assert "process_migrated" in [e["kind"] for e in hotline.ticket(handling)["events"]]

    # The moved ticket completes its lifecycle on v2.
    hotline.unit.complete(handling, "handle", {**DONE, "visit_note": "已到现场"})
    hotline.center.complete(handling, "review", {"approved": True})
    hotline.center.complete(handling, "callback", {"satisfaction": "satisfied"})
    ticket = hotline.ticket(handling)
    assert ticket["status"] == "closed" and ticket["tasks"] == []
    # The ticket at triage goes on normally too.
    hotline.center.complete(at_triage, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    assert hotline.unit.task_for(at_triage, "acknowledge")


def test_ticket_past_a_removed_task_is_reported_and_stays(hotline: Hotline) -> None:
    handling = at_handle(hotline)
    reviewing = at_handle(hotline)
    hotline.unit.complete(reviewing, "handle", DONE)
    deploy_v2(hotline, without_review(hotline))

    report = migrate(hotline, {"from_version": 1, "to_version": 2})
    rows = by_number(report)
    assert rows[handling]["moved"]  # review is still ahead of it: nothing it reached changed
    assert not rows[reviewing]["moved"]
    assert [r["element_id"] for r in rows[reviewing]["reasons"]] == ["review"]
    assert "removed or renamed" in rows[reviewing]["reasons"][0]["message"]
    assert version_of(hotline, reviewing) == 1
    events = [e["kind"] for e in hotline.ticket(reviewing)["events"]]
    assert "process_migrated" not in events
    # The one left behind finishes on v1.
    hotline.center.complete(reviewing, "review", {"approved": True})
    hotline.center.complete(reviewing, "callback", {"satisfaction": "satisfied"})
    assert hotline.ticket(reviewing)["status"] == "closed"


def test_completed_task_whose_form_changed_cannot_move(hotline: Hotline) -> None:
    handling = at_handle(hotline)
    xml = ticket_xml(hotline)
    # acknowledge was completed: a new required field there changes what it recorded.
    marker = 'id="acknowledge"'
    start = xml.index(marker)
    form_at = xml.index("<camunda:formData>", start) + len("<camunda:formData>")
    deploy_v2(hotline, xml[:form_at] + NEW_FIELD + xml[form_at:])
    report = migrate(hotline, {"from_version": 1, "to_version": 2})
    row = by_number(report)[handling]
    assert not row["moved"]
    assert row["reasons"][0]["element_id"] == "acknowledge"
    assert "form" in row["reasons"][0]["message"]


def test_dry_run_changes_nothing(hotline: Hotline) -> None:
    handling = at_handle(hotline)
    deploy_v2(hotline, relabelled_with_optional_field(hotline))
    report = migrate(hotline, {"from_version": 1, "to_version": 2, "dry_run": True})
    assert report["dry_run"] is True
    assert by_number(report)[handling]["moved"]
    assert version_of(hotline, handling) == 1
    assert "process_migrated" not in [e["kind"] for e in hotline.ticket(handling)["events"]]
    task = hotline.unit.task_for(handling, "handle")
    form = hotline.unit.get(f"/api/v1/tasks/{task['id']}").json["form"]
    assert "visit_note" not in [f["id"] for f in form]


def test_bad_requests_are_refused_naming_the_problem(hotline: Hotline) -> None:
    at_handle(hotline)
    deploy_v2(hotline, relabelled_with_optional_field(hotline))
    body = {"from_version": 1, "to_version": 2}
    assert hotline.center.post(URL, json=body).status_code == 403
    assert hotline.unit.post(URL, json=body).status_code == 403
    missing = hotline.admin.post("/api/v1/processes/no_such/migrations", json=body)
    assert missing.status_code == 404
    unknown = migrate(hotline, {"from_version": 1, "to_version": 9}, expect=422)
    assert "to_version" in json.dumps(unknown)
    unknown = migrate(hotline, {"from_version": 7, "to_version": 2}, expect=422)
    assert "from_version" in json.dumps(unknown)
    same = migrate(hotline, {"from_version": 2, "to_version": 2}, expect=422)
    assert "to_version" in json.dumps(same)
    assert "to_version" in json.dumps(migrate(hotline, {"from_version": 1}, expect=422))
    assert version_of(hotline, at_handle(hotline)) == 2  # new tickets start on the latest


def _clone(session, instance: ProcessInstance, copies: int) -> None:
    """Copies of one instance, each with its own task ids (ids are primary keys elsewhere)."""
    task_ids = list(json.loads(instance.state)["tasks"])
    for _ in range(copies):
        state = instance.state
        for task_id in task_ids:
            state = state.replace(task_id, str(uuid.uuid4()))
        session.add(
            ProcessInstance(
                definition_id=instance.definition_id,
                ticket_id=instance.ticket_id,
                status="running",
                state=state,
                created_at=instance.created_at,
                updated_at=instance.updated_at,
            )
        )


def test_a_thousand_instances_move_in_one_call(hotline: Hotline) -> None:
    handling = at_handle(hotline)
    with hotline.services.transaction() as session:
        instance = session.scalars(
            select(ProcessInstance)
            .join(Ticket, Ticket.id == ProcessInstance.ticket_id)
            .where(Ticket.number == handling, ProcessInstance.status == "running")
        ).one()
        _clone(session, instance, 999)
    deploy_v2(hotline, relabelled_with_optional_field(hotline))
    report = migrate(hotline, {"from_version": 1, "to_version": 2})
    assert report["moved"] == 1000 and report["refused"] == 0
    with hotline.services.transaction() as session:
        left = session.scalars(
            select(ProcessInstance.id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .where(ProcessDefinition.process_id == "ticket", ProcessDefinition.version == 1)
        ).all()
    assert left == []


def test_only_admins_migrate_even_with_a_bad_body(hotline: Hotline) -> None:
    """A non-admin learns nothing about the body: 403 before any validation."""
    for caller in (hotline.center, hotline.unit):
        response = caller.post(URL, json={"from_version": "x"})
        assert response.status_code == 403, response.json
    assert hotline.admin.post(URL, json={"from_version": "x"}).status_code == 422
