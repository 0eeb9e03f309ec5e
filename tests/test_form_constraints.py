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
    assert (form["calls"]["min"], form["calls"]["max"], form["calls"]["default"]) == (1, 5, "1")
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
        ('<camunda:formField id="x" type="long" defaultValue="many"/>', "does not fit a long"),
        (
            '<camunda:formField id="x" type="enum" defaultValue="c">'
            '<camunda:value id="a" name="A"/></camunda:formField>',
            "'c' is not one of the field's values",
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
