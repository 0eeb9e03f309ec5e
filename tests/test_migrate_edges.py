"""Migrations whose saved task tree differs in shape from the target: boundary events added
to a task that had none, and instances inside a running multi-instance."""

from __future__ import annotations

from processes.registry import deploy
from tests.conftest import REPO, Hotline
from tests.helpers.clock import move_clock
from tests.helpers.joint import MERGE, part_done
from tests.helpers.processes import at_handle, by_number, deploy_v2, migrate, ticket_xml, version_of
from tests.helpers.processes import version_of as ticket_version
from tests.helpers.tickets import ACK, DONE, joint_ticket

REVIEW_REMINDER = """
    <bpmn:boundaryEvent id="review_remind" cancelActivity="false" attachedToRef="review">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="flow_review_remind" sourceRef="review_remind" targetRef="end_rr"/>
    <bpmn:endEvent id="end_rr"/>
"""


def test_first_boundary_event_on_a_waiting_task_is_refused_not_broken(hotline: Hotline) -> None:
    """v2 gives `review` its first boundary event: a ticket at review cannot move (its tree has
    no place for it) and says so; it finishes on v1. One still at handle moves."""
    reviewing = at_handle(hotline)
    hotline.unit.complete(reviewing, "handle", DONE)
    handling = at_handle(hotline)
    xml = ticket_xml(hotline).replace("</bpmn:process>", REVIEW_REMINDER + "</bpmn:process>")
    deploy_v2(hotline, xml)

    rows = by_number(migrate(hotline, {"from_version": 1, "to_version": 2}))
    assert not rows[reviewing]["moved"] and rows[handling]["moved"]
    [reason] = rows[reviewing]["reasons"]
    assert reason["element_id"] == "review" and "boundary event" in reason["message"]
    assert ticket_version(hotline, reviewing) == 1
    hotline.center.complete(reviewing, "review", {"approved": True})
    hotline.center.complete(reviewing, "callback", {"satisfaction": "satisfied"})
    assert hotline.ticket(reviewing)["status"] == "closed"


def test_joint_instance_migrated_mid_parts_still_reaches_merge(hotline: Hotline) -> None:
    """A joint ticket whose parts are open moves to joint v2 and still ends in the lead's merge."""
    move_clock(hotline, "2026-11-23 09:00")
    number = joint_ticket(hotline)
    joint = (REPO / "bpmn" / "joint.bpmn").read_text(encoding="utf-8")
    deploy_v2_joint = joint.replace('name="分办签收"', 'name="分办签收（新）"', 1)
    assert deploy_v2_joint != joint
    with hotline.services.transaction() as session:
        from processes.registry import deploy

        deploy(session, deploy_v2_joint.encode("utf-8"), "joint.bpmn")
    response = hotline.admin.post(
        "/api/v1/processes/joint/migrations", json={"from_version": 1, "to_version": 2}
    )
    assert response.status_code == 200 and response.json["moved"] == 1, response.json
    assert hotline.unit.task_for(number, "acknowledge_part")["name"] == "分办签收（新）"

    for caller in (hotline.unit, hotline.third_unit, hotline.other_unit):
        caller.complete(number, "acknowledge_part", ACK)
    hotline.third_unit.complete(number, "handle_part", part_done("围挡"))
    hotline.other_unit.complete(number, "handle_part", part_done("噪音"))
    hotline.unit.complete(number, "handle_part", part_done("施工"))
    hotline.unit.complete(number, "merge", MERGE)
    assert hotline.ticket(number)["status"] == "in_review"


def joint_version_of(hotline: Hotline, number: str) -> int:
    """The version of joint.bpmn the ticket's running joint instance is on."""
    return version_of(hotline, number, "joint", running=True)


def test_joint_instances_of_the_diagram_before_the_merge_timer(hotline: Hotline) -> None:
    """joint.bpmn gained `merge_overdue` (issue 11 §2). A joint ticket started on the previous
    version whose parts are open moves and its lead is urged when it merges late; one already
    at `merge` is refused naming `merge` (its task tree has no place for the timer) and can
    still be merged on the old version."""
    move_clock(hotline, "2026-11-23 09:00")
    old = (REPO / "tests" / "data" / "joint_before_merge_timer.bpmn").read_bytes()
    new = (REPO / "bpmn" / "joint.bpmn").read_bytes()
    with hotline.services.transaction() as session:
        [before] = deploy(session, old, "joint.bpmn")
    merging = joint_ticket(hotline, units="ZJJ,HBJ")
    for caller, what in ((hotline.unit, "施工"), (hotline.third_unit, "围挡")):
        caller.complete(merging, "acknowledge_part", ACK)
        caller.complete(merging, "handle_part", part_done(what))
    parting = joint_ticket(hotline, units="ZJJ,HBJ")
    assert (
        joint_version_of(hotline, merging) == joint_version_of(hotline, parting) == before.version
    )
    with hotline.services.transaction() as session:
        [after] = deploy(session, new, "joint.bpmn")
    response = hotline.admin.post(
        "/api/v1/processes/joint/migrations",
        json={"from_version": before.version, "to_version": after.version},
    )
    assert response.status_code == 200, response.json
    rows = by_number(response.json)
    assert rows[parting]["moved"] and not rows[merging]["moved"]
    [reason] = rows[merging]["reasons"]
    assert reason["element_id"] == "merge" and "boundary event" in reason["message"]
    assert joint_version_of(hotline, parting) == after.version

    hotline.unit.complete(merging, "merge", MERGE)
    assert hotline.ticket(merging)["status"] == "in_review"
    for caller, what in ((hotline.unit, "施工"), (hotline.third_unit, "围挡")):
        caller.complete(parting, "acknowledge_part", ACK)
        caller.complete(parting, "handle_part", part_done(what))
    move_clock(hotline, "2026-11-27 00:01")  # the lead's due, 24:00 Thursday, has passed
    urged = hotline.ticket(parting)["events"]
    assert [e["data"]["unit"] for e in urged if e["kind"] == "ticket_overdue"] == ["ZJJ"]
