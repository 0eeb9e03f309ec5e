"""Deploy-time checks of who and when: candidate groups, deadlines, diagram layout.

Errors refuse a file and keep the previous version running; warnings are reported with a
successful deployment (API `warnings`, CLI `warning:` lines) and never refuse.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import Result

from processes.problems import DeploymentRefused
from processes.registry import check
from tests.conftest import REPO, Hotline
from tests.helpers.bpmn import process
from tests.helpers.bpmn import write_diagram as write
from tests.helpers.clock import at, move_clock
from tests.helpers.processes import ticket_versions as versions

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
DEADLINE_NONE = '<camunda:property name="deadline" value="none" />'


def without_deadline_none(task_id: str) -> str:
    """ticket.bpmn with `deadline = none` taken off `task_id` (a task with no timer of its own)."""
    start = TICKET_BPMN.index(f'<bpmn:userTask id="{task_id}"')
    end = TICKET_BPMN.index("</bpmn:userTask>", start)
    task = TICKET_BPMN[start:end]
    assert DEADLINE_NONE in task
    return TICKET_BPMN[:start] + task.replace(DEADLINE_NONE, "", 1) + TICKET_BPMN[end:]


NO_DEADLINE = "the task has no deadline"


def user_task(attributes: str, process_id: str = "p", extensions: str = "") -> bytes:
    """start → one user task with `attributes` → end."""
    return process(
        f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name="Work" {attributes}>{extensions}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
        process_id,
    )


def errors_of(xml: bytes) -> list:
    """The refusal's errors (fails the test if the file deploys)."""
    with pytest.raises(DeploymentRefused) as refused:
        check(xml, "diagram.bpmn")
    return refused.value.problems


def warnings_of(xml: bytes) -> list[str]:
    """Messages of the warnings of a file that deploys."""
    return [w.message for w in check(xml, "diagram.bpmn")[1]]


@pytest.mark.parametrize(
    "groups",
    [
        "center",
        "unit:ZJJ",
        "unit:${unit}",
        "unit_reviewer:${unit}, center",
        "${assigned_group}",
        "leader,authority",
    ],
)
def test_known_candidate_groups_deploy(groups: str) -> None:
    """Roles, unit:<code>, unit_reviewer:<code> and expressions are accepted."""
    ids, _warnings = check(user_task(f'camunda:candidateGroups="{groups}"'), "diagram.bpmn")
    assert ids == ["p"]


@pytest.mark.parametrize("group", ["centre", "unit:", "engineering"])
def test_unknown_candidate_group_is_refused_at_the_task(group: str) -> None:
    """A group nobody has (a typo, an empty unit code) is an error naming the task."""
    xml = user_task(f'camunda:candidateGroups="{group}"')
    [problem] = errors_of(xml)
    assert (problem.element_id, problem.element_name) == ("work", "Work")
    assert problem.severity == "error" and problem.line
    assert f"unknown candidate group {group!r}" in problem.message
    assert "unit:<unit code>" in problem.message


def test_bad_due_date_expression_is_refused_and_a_plain_date_is_fine() -> None:
    """camunda:dueDate is checked at deploy: `${…}` must compile; an ISO date is a date."""
    [problem] = errors_of(user_task('camunda:candidateGroups="center" camunda:dueDate="${a +}"'))
    assert problem.element_id == "work" and "dueDate" in problem.message
    assert check(user_task('camunda:dueDate="2026-12-01T17:00:00"'), "d.bpmn")[0] == ["p"]
    # A Python name starting like a duration is an expression, not a bad ISO value.
    assert check(user_task('camunda:dueDate="Promised_due"'), "d.bpmn")[0] == ["p"]


def test_hotline_task_without_candidate_group_is_refused() -> None:
    """In the hotline's own processes (here `ticket`), every user task must say who does it."""
    [problem] = errors_of(user_task('camunda:dueDate="${due_at}"', process_id="ticket"))
    assert problem.element_id == "work"
    assert "needs Candidate groups" in problem.message
    # Third-party processes keep Camunda's default: the center may take it.
    assert check(user_task(""), "diagram.bpmn")[0] == ["p"]


def test_hotline_task_without_deadline_is_a_warning_unless_declared() -> None:
    """No dueDate and no timer: a warning (it deploys); `deadline = none` silences it."""
    bare = user_task('camunda:candidateGroups="center"', process_id="ticket")
    assert any(NO_DEADLINE in w for w in warnings_of(bare))
    declared = user_task(
        'camunda:candidateGroups="center"',
        process_id="ticket",
        extensions='<bpmn:extensionElements><camunda:properties><camunda:property name="deadline"'
        ' value="none"/></camunda:properties></bpmn:extensionElements>',
    )
    assert not any(NO_DEADLINE in w for w in warnings_of(declared))
    due = user_task('camunda:candidateGroups="center" camunda:dueDate="${d}"', "ticket")
    assert not any(NO_DEADLINE in w for w in warnings_of(due))
    # Other processes are not held to the hotline's time limits.
    assert not any(NO_DEADLINE in w for w in warnings_of(user_task("")))


def test_assignee_is_a_warning() -> None:
    """camunda:assignee is not how this service offers tasks: said, but not refused."""
    found = warnings_of(user_task('camunda:candidateGroups="center" camunda:assignee="demo"'))
    assert any("camunda:assignee is ignored" in w for w in found)


def test_missing_layout_is_a_warning_per_element() -> None:
    """No BPMNDiagram at all: one warning; a partial one names each element left out."""
    bare = user_task('camunda:candidateGroups="center"')
    assert any("no diagram layout (bpmndi:BPMNDiagram)" in w for w in warnings_of(bare))
    xml = TICKET_BPMN.replace('<bpmndi:BPMNShape id="review_di"', '<bpmndi:BPMNShape id="x"')
    xml = xml.replace('bpmnElement="review"', 'bpmnElement="nothing"')
    found = check(xml.encode(), "ticket.bpmn")[1]
    assert [(w.element_id, w.severity) for w in found] == [("review", "warning")]
    assert "Camunda Modeler will not show it" in found[0].message


def test_every_hotline_diagram_deploys_without_warnings() -> None:
    """bpmn/ is held to its own rules: no warning at all."""
    for path in sorted((REPO / "bpmn").glob("*.bpmn")):
        assert check(path.read_bytes(), path.name)[1] == [], path.name


def upload(hotline: Hotline, name: str, xml: str) -> object:
    """POST one file to /api/v1/processes as admin."""
    data = {"files": [(io.BytesIO(xml.encode("utf-8")), name)]}
    return hotline.admin.post("/api/v1/processes", data=data, content_type="multipart/form-data")


def test_api_returns_warnings_with_the_deployment_and_errors_refuse(hotline: Hotline) -> None:
    """A warning rides along a 201; an unknown group gets a 422 and v1 keeps running."""
    no_deadline = without_deadline_none("review")
    response = upload(hotline, "ticket.bpmn", no_deadline)
    assert response.status_code == 201, response.json
    [row] = response.json
    assert row["version"] == 2
    [warning] = row["warnings"]
    assert warning["severity"] == "warning" and warning["element_id"] == "review"
    assert NO_DEADLINE in warning["message"] and warning["line"]

    typo = TICKET_BPMN.replace(
        'camunda:candidateGroups="center">', 'camunda:candidateGroups="centre">', 1
    )
    refused = upload(hotline, "ticket.bpmn", typo)
    assert refused.status_code == 422
    [problem] = refused.json["error"]["fields"]["problems"]
    assert problem["element_id"] == "triage" and problem["severity"] == "error"
    assert "unknown candidate group 'centre'" in problem["message"]
    listed = {p["process_id"]: p for p in hotline.admin.get("/api/v1/processes").json}
    assert listed["ticket"]["latest_version"] == 2


def test_cli_deploy_prints_warnings_and_reports_every_refused_file(
    run: Callable[..., Result],
    hotline: Hotline,
    tmp_path: Path,
) -> None:
    """`hotline deploy` is all or nothing over its files, and lists every problem of each."""
    no_deadline = without_deadline_none("review")
    warned = write(tmp_path, "ticket.bpmn", no_deadline)
    result = run("deploy", warned)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "deployed ticket v2 (ticket.bpmn)"
    assert "warning: ticket.bpmn:" in result.stderr and "review" in result.stderr

    typo = write(tmp_path, "typo.bpmn", TICKET_BPMN.replace('"center">', '"centre">', 1))
    broken = write(tmp_path, "broken.bpmn", TICKET_BPMN.replace('"ticket.answer"', '"ticket.nope"'))
    result = run("deploy", warned, typo, broken)
    assert result.exit_code == 1
    assert "refused: typo.bpmn:" in result.stderr and "'centre'" in result.stderr
    assert "refused: broken.bpmn:" in result.stderr and "ticket.nope" in result.stderr
    assert "nothing was deployed: 2 error(s)" in result.stderr
    assert versions(hotline.services) == [1, 2]  # the good file was not stored either


@pytest.mark.parametrize(
    "groups",
    ["unit:${a,b}", "unit:${unit}}", "unit:${unit", "unit:ZJJ;center", "unit:Z J"],
)
def test_groups_that_could_never_resolve_to_a_holder_are_refused(groups: str) -> None:
    """Stray braces, commas inside `${}` or separators other than commas make groups nobody
    holds once resolved: refused, not found out when a ticket sits unclaimed."""
    [problem] = errors_of(user_task(f'camunda:candidateGroups="{groups}"'))
    assert "unknown candidate group" in problem.message


def test_hash_brace_groups_are_checked_and_resolved_like_dollar_ones(hotline: Hotline) -> None:
    """`#{…}` is JUEL too: an escape attempt is refused; `unit:#{unit}` reaches the unit."""
    [problem] = errors_of(user_task("camunda:candidateGroups=\"#{__import__('os')}\""))
    assert "is not allowed" in problem.message
    xml = TICKET_BPMN.replace(
        'camunda:candidateGroups="unit:${unit}"', 'camunda:candidateGroups="unit:#{unit}"'
    )
    assert upload(hotline, "ticket.bpmn", xml).status_code == 201
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    assert hotline.unit.task_for(number, "acknowledge")["candidate_group"] == "unit:ZJJ"


def test_blank_group_list_in_a_hotline_task_is_missing() -> None:
    """`","` names no group: in a hotline process that is the missing-group error."""
    [problem] = errors_of(user_task('camunda:candidateGroups="," camunda:dueDate="P1D"', "ticket"))
    assert "needs Candidate groups" in problem.message


@pytest.mark.parametrize(
    ("due", "phrase"),
    [
        ("R3/PT1H", "is not a date or duration"),
        ("2026-13-01", "is not a date or duration"),
        ("  ", "camunda:dueDate is empty"),
        ("${a +}", "is not a valid expression"),
        ("a" + "[0]" * 1000, "nested too deeply"),
    ],
)
def test_due_dates_that_would_fail_at_run_time_are_refused(due: str, phrase: str) -> None:
    """Every dueDate a ticket could not use is refused at deploy, with no Python noise."""
    [problem] = errors_of(user_task(f'camunda:candidateGroups="center" camunda:dueDate="{due}"'))
    assert phrase in problem.message and len(problem.message) < 700, problem.message


def test_due_date_duration_counts_from_the_task_becoming_ready(hotline: Hotline) -> None:
    """camunda:dueDate="PT4H" on acknowledge: the task is due four hours after dispatch."""
    xml = TICKET_BPMN.replace(
        'camunda:dueDate="${acknowledge_due_at}"', 'camunda:dueDate="PT4H"', 1
    )
    assert upload(hotline, "ticket.bpmn", xml).status_code == 201
    move_clock(hotline, "2026-11-23 09:00")
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    due = hotline.unit.task_for(number, "acknowledge")["due_at"]
    assert datetime.fromisoformat(due) == datetime.fromisoformat(at("2026-11-23 13:00"))


def test_same_process_twice_in_one_deployment(hotline: Hotline) -> None:
    """The same file twice is listed once; two different files for one process are refused."""
    changed = TICKET_BPMN.replace('label="处置方式"', 'label="处置方式（新）"')
    data = {
        "files": [
            (io.BytesIO(changed.encode()), "a.bpmn"),
            (io.BytesIO(changed.encode()), "b.bpmn"),
        ]
    }
    response = hotline.admin.post(
        "/api/v1/processes", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201
    assert [(r["process_id"], r["version"], r["new"]) for r in response.json] == [
        ("ticket", 2, True)
    ]
    other = TICKET_BPMN.replace('label="处置方式"', 'label="处置"')
    data = {
        "files": [(io.BytesIO(other.encode()), "c.bpmn"), (io.BytesIO(changed.encode()), "d.bpmn")]
    }
    response = hotline.admin.post(
        "/api/v1/processes", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    [problem] = response.json["error"]["fields"]["problems"]
    assert problem["file"] == "d.bpmn" and "also defined in c.bpmn" in problem["message"]
    listed = {p["process_id"]: p for p in hotline.admin.get("/api/v1/processes").json}
    assert listed["ticket"]["latest_version"] == 2
