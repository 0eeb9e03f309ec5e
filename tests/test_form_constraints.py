"""Camunda 7 form field constraints and defaults become the API's validation, with no code.

A process owner gives the 签收 (acknowledge) form of ticket.bpmn a length limit, a number
range, defaults and a read-only field in Camunda Modeler; the API enforces them at once.
"""

from __future__ import annotations

import io

import pytest

from processes.problems import DeploymentRefused
from processes.registry import check
from tests.conftest import REPO, Hotline

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
NOTE = """<camunda:formField id="note" label="签收备注" type="string">
            <camunda:properties>
              <camunda:property id="content" value="true"/>
            </camunda:properties>
          </camunda:formField>"""
FIELDS = """<camunda:formField id="note" label="签收备注" type="string">
            <camunda:properties><camunda:property id="content" value="true"/></camunda:properties>
            <camunda:validation>
              <camunda:constraint name="minlength" config="4"/>
              <camunda:constraint name="maxlength" config="20"/>
            </camunda:validation>
          </camunda:formField>
          <camunda:formField id="calls" label="联系次数" type="long" defaultValue="1">
            <camunda:validation>
              <camunda:constraint name="min" config="1"/>
              <camunda:constraint name="max" config="5"/>
            </camunda:validation>
          </camunda:formField>
          <camunda:formField id="seen_urgency" label="紧急程度" type="string"
              defaultValue="${urgency}">
            <camunda:validation><camunda:constraint name="readonly"/></camunda:validation>
          </camunda:formField>"""


def with_fields(fields: str) -> str:
    """ticket.bpmn with the acknowledge form's `note` field replaced by `fields`."""
    assert TICKET_BPMN.count(NOTE) == 1
    return TICKET_BPMN.replace(NOTE, fields)


def deploy(hotline: Hotline, xml: str) -> None:
    """Upload as the admin; it must deploy."""
    data = {"files": [(io.BytesIO(xml.encode("utf-8")), "ticket.bpmn")]}
    response = hotline.admin.post(
        "/api/v1/processes", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.json


def dispatched(hotline: Hotline) -> tuple[str, str]:
    """A new ticket dispatched to ZJJ: its number and the acknowledge task id."""
    number = hotline.new_ticket(urgency="special")["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    return number, hotline.unit.task_for(number, "acknowledge")["id"]


def test_constraints_and_defaults_are_enforced_and_shown(hotline: Hotline) -> None:
    """Lengths, ranges and read-only are 422s naming the field; defaults fill left-out fields."""
    deploy(hotline, with_fields(FIELDS))
    number, task_id = dispatched(hotline)
    form = {f["id"]: f for f in hotline.unit.get(f"/api/v1/tasks/{task_id}").json["form"]}
    assert form["note"]["minlength"] == 4 and form["note"]["maxlength"] == 20
    assert (form["calls"]["min"], form["calls"]["max"], form["calls"]["default"]) == (1, 5, 1)
    assert form["seen_urgency"]["readonly"] is True

    def complete(data: dict) -> tuple[int, dict]:
        response = hotline.unit.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
        return response.status_code, response.json

    status, body = complete({"contacted": True, "note": "好", "calls": 9})
    assert status == 422
    assert set(body["error"]["fields"]) == {"note", "calls"}, body
    status, body = complete({"contacted": True, "seen_urgency": "normal"})
    assert status == 422 and body["error"]["fields"] == {
        "seen_urgency": ["this field is read-only"]
    }

    status, body = complete({"contacted": True, "note": "已电话联系诉求人"})
    assert status == 200, body
    [event] = [
        e for e in hotline.ticket(number)["events"]
        if e["kind"] == "task_completed" and e.get("task") == "acknowledge"
    ]  # fmt: skip
    assert event["data"]["calls"] == 1  # the default, typed as a long
    assert event["data"]["seen_urgency"] == "special"  # ${urgency} from the ticket


@pytest.mark.parametrize(
    ("field", "phrase"),
    [
        ('<camunda:formField id="x" type="color"/>', "type 'color' is not supported"),
        (
            '<camunda:formField id="x" type="string"><camunda:validation>'
            '<camunda:constraint name="min" config="1"/></camunda:validation></camunda:formField>',
            "constraint 'min' applies to long fields, not string",
        ),
        (
            '<camunda:formField id="x" type="string"><camunda:validation>'
            '<camunda:constraint name="maxlength" config="ten"/>'
            "</camunda:validation></camunda:formField>",
            "needs a whole number as config, not 'ten'",
        ),
        (
            '<camunda:formField id="x" type="string"><camunda:validation>'
            '<camunda:constraint name="validator" config="com.example.Check"/>'
            "</camunda:validation></camunda:formField>",
            "constraint 'validator' is not supported",
        ),
        ('<camunda:formField id="x" type="long" defaultValue="many"/>', "does not fit this long"),
        (
            '<camunda:formField id="x" type="enum" defaultValue="c">'
            '<camunda:value id="a" name="A"/></camunda:formField>',
            "default 'c' does not fit this enum field (Must be one of: a.)",
        ),
        ('<camunda:formField id="x" type="string" defaultValue="${a +}"/>', "not a valid"),
    ],
)
def test_bad_form_fields_are_refused_at_deploy(field: str, phrase: str) -> None:
    """What the API could not enforce is refused at the task, naming the field."""
    with pytest.raises(DeploymentRefused) as refused:
        check(with_fields(NOTE + field).encode(), "ticket.bpmn")
    [problem] = refused.value.problems
    assert problem.element_id == "acknowledge" and "form field 'x'" in problem.message
    assert phrase in problem.message, problem.message


def test_a_read_only_field_shows_a_variable_and_never_erases_it(hotline: Hotline) -> None:
    """A read-only `unit` field on 签收 must not reset the variable the next task is offered by."""
    readonly_unit = (
        '<camunda:formField id="unit" label="承办单位" type="string">'
        '<camunda:validation><camunda:constraint name="readonly"/></camunda:validation>'
        "</camunda:formField>"
    )
    deploy(hotline, with_fields(NOTE + readonly_unit))
    number, task_id = dispatched(hotline)
    response = hotline.unit.post(
        f"/api/v1/tasks/{task_id}/complete", json={"data": {"contacted": True}}
    )
    assert response.status_code == 200, response.json
    assert hotline.unit.task_for(number, "handle")["candidate_group"] == "unit:ZJJ"


def test_defaults_are_shown_typed_and_text_around_an_expression_is_kept(hotline: Hotline) -> None:
    """GET shows `1` and `true` as the API takes them back; `已联系 ${urgency}` is text."""
    fields = (
        NOTE
        + '<camunda:formField id="calls" type="long" defaultValue="1"/>'
        + '<camunda:formField id="visited" type="boolean" defaultValue="TRUE"/>'
        + '<camunda:formField id="summary" type="string" defaultValue="已联系 ${urgency}"/>'
    )
    deploy(hotline, with_fields(fields))
    number, task_id = dispatched(hotline)
    form = {f["id"]: f for f in hotline.unit.get(f"/api/v1/tasks/{task_id}").json["form"]}
    assert (form["calls"]["default"], form["visited"]["default"]) == (1, True)
    assert form["summary"]["default"] == "已联系 ${urgency}"
    echoed = {"contacted": True, "calls": form["calls"]["default"], "visited": True}
    response = hotline.unit.post(f"/api/v1/tasks/{task_id}/complete", json={"data": echoed})
    assert response.status_code == 200, response.json
    [event] = [
        e for e in hotline.ticket(number)["events"]
        if e["kind"] == "task_completed" and e.get("task") == "acknowledge"
    ]  # fmt: skip
    assert event["data"]["summary"] == "已联系 special"


@pytest.mark.parametrize(
    ("field", "phrase"),
    [
        (
            '<camunda:formField id="x" type="string"><camunda:validation>'
            '<camunda:constraint name="readonly"/><camunda:constraint name="required"/>'
            "</camunda:validation></camunda:formField>",
            "a read-only required field needs a defaultValue",
        ),
        (
            '<camunda:formField id="x" type="long" defaultValue="9"><camunda:validation>'
            '<camunda:constraint name="max" config="5"/></camunda:validation></camunda:formField>',
            "less than or equal to 5",
        ),
        (
            '<camunda:formField id="x" type="string" defaultValue="a"><camunda:validation>'
            '<camunda:constraint name="minlength" config="3"/>'
            "</camunda:validation></camunda:formField>",
            "Shorter than minimum length 3",
        ),
        ('<camunda:formField id="x" type="date" defaultValue="tomorrow"/>', "Not a valid datetime"),
        (
            '<camunda:formField id="x" type="long"><camunda:validation>'
            '<camunda:constraint name="min" config="5"/><camunda:constraint name="max" config="2"/>'
            "</camunda:validation></camunda:formField>",
            "min 5 is above max 2",
        ),
    ],
)
def test_fields_no_completion_could_satisfy_are_refused(field: str, phrase: str) -> None:
    """A default outside the field's own limits, or limits nothing fits, is refused at deploy."""
    with pytest.raises(DeploymentRefused) as refused:
        check(with_fields(NOTE + field).encode(), "ticket.bpmn")
    [problem] = refused.value.problems
    assert phrase in problem.message, problem.message
