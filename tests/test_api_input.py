"""Bad input on every endpoint: a JSON error naming the field, never HTML, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.conftest import REPO, Caller, Hotline
from tests.helpers.tickets import DONE
from tests.helpers.tickets import ticket_body as valid_body

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")


def assert_error(response: TestResponse, status: int, code: str, field: str | None = None) -> dict:
    """Assert the JSON error shape, status and code, and that `fields` names `field`."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    if field is not None:
        assert field in error["fields"], error
    return error


def ticket_count(h: Hotline) -> int:
    """How many tickets the center sees."""
    response = h.center.get("/api/v1/tickets")
    assert response.status_code == 200, response.json
    return response.json["total"]


# -- tickets: create ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in valid_body().items() if k != "channel"}, "channel"),
        ({k: v for k, v in valid_body().items() if k != "category"}, "category"),
        ({k: v for k, v in valid_body().items() if k != "requester"}, "requester"),
        ({k: v for k, v in valid_body().items() if k != "content"}, "content"),
        (valid_body(channel="fax"), "channel"),
        (valid_body(category="gossip"), "category"),
        (valid_body(urgency="asap"), "urgency"),
        (valid_body(urgency=None), "urgency"),
        (valid_body(confidential="true"), "confidential"),
        pytest.param(
            valid_body(confidential=1),
            "confidential",
        ),
        (valid_body(content="   "), "content"),
        (valid_body(content="字" * 20001), "content"),
        (valid_body(content=123), "content"),
        (valid_body(address="路" * 501), "address"),
        (valid_body(district="区" * 101), "district"),
        (valid_body(priority="high"), "priority"),
        (valid_body(requester="张三"), "requester"),
        (valid_body(requester={"name": "张三"}), "requester"),
        (valid_body(requester={"name": "  ", "phone": "13800001234"}), "requester"),
        (valid_body(requester={"name": "张三", "phone": "call me"}), "requester"),
        (valid_body(requester={"name": "张三", "phone": "13800001234", "id": "x"}), "requester"),
    ],
)
def test_create_ticket_refuses_bad_fields(hotline: Hotline, body: dict, field: str) -> None:
    """Each invalid creation field gives 422 naming it, and no ticket is created."""
    response = hotline.operator.post("/api/v1/tickets", json=body)
    assert_error(response, 422, "validation_error", field)
    assert ticket_count(hotline) == 0


def test_create_ticket_nested_requester_errors_name_the_subfield(hotline: Hotline) -> None:
    """A bad requester phone is reported under requester.phone, not only requester."""
    body = valid_body(requester={"name": "张三", "phone": "abc"})
    error = assert_error(
        hotline.operator.post("/api/v1/tickets", json=body), 422, "validation_error", "requester"
    )
    assert "phone" in error["fields"]["requester"], error


@pytest.mark.parametrize("payload", [[valid_body()], "ticket", 42, None])
def test_create_ticket_body_must_be_an_object(hotline: Hotline, payload: Any) -> None:
    """A JSON body that is not an object is refused with 422, not a crash."""
    response = hotline.operator.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert_error(response, 422, "validation_error")
    assert ticket_count(hotline) == 0


def test_create_ticket_without_body_names_required_fields(hotline: Hotline) -> None:
    """No body at all: 422 naming the required fields."""
    error = assert_error(hotline.operator.post("/api/v1/tickets"), 422, "validation_error")
    assert {"channel", "category", "requester", "content"} <= set(error["fields"]), error


def test_create_ticket_with_text_body_is_refused(hotline: Hotline) -> None:
    """A text/plain body is not taken as a ticket: a JSON 4xx, nothing created."""
    response = hotline.operator.post("/api/v1/tickets", data="噪音投诉", content_type="text/plain")
    assert response.status_code in (415, 422), response.get_data(as_text=True)
    assert_error(response, response.status_code, response.json["error"]["code"])
    assert ticket_count(hotline) == 0


def test_create_ticket_with_malformed_json_is_422(hotline: Hotline) -> None:
    """A body that is not valid JSON gives a JSON 4xx naming the body, not a 500."""
    response = hotline.operator.post(
        "/api/v1/tickets", data='{"channel": "phone",', content_type="application/json"
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    error = assert_error(response, response.status_code, response.json["error"]["code"])
    assert error["fields"], error
    assert ticket_count(hotline) == 0


@pytest.mark.parametrize("where", ["content", "requester"])
def test_create_ticket_refuses_nul_characters(hotline: Hotline, where: str) -> None:
    """Text with a NUL character is refused with 422 naming the field on every database."""
    if where == "content":
        body = valid_body(content="噪音\x00扰民")
    else:
        body = valid_body(requester={"name": "张\x00三", "phone": "13800001234"})
    response = hotline.operator.post("/api/v1/tickets", json=body)
    assert_error(response, 422, "validation_error", where)


@pytest.mark.parametrize("who", ["unit", "other_unit", "supervisor", "leader"])
def test_create_ticket_forbidden_for_roles_without_intake(hotline: Hotline, who: str) -> None:
    """Only operators, the center and admins register tickets; others get 403."""
    caller: Caller = getattr(hotline, who)
    response = caller.post("/api/v1/tickets", json=valid_body())
    assert_error(response, 403, "forbidden")
    assert ticket_count(hotline) == 0


def test_unit_with_invalid_body_gets_403_and_nothing_is_written(hotline: Hotline) -> None:
    """A caller without the role learns nothing about the body: 403 before validation."""
    response = hotline.unit.post("/api/v1/tickets", json={"channel": "fax"})
    assert_error(response, 403, "forbidden")
    assert ticket_count(hotline) == 0


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("unit", "/api/v1/tickets/GY00000000000001/escalations"),
        ("leader", "/api/v1/tickets/GY00000000000001/escalations"),
        ("unit", "/api/v1/knowledge/questions"),
        ("operator", "/api/v1/knowledge/questions"),
        ("center", "/api/v1/processes/ticket/migrations"),
    ],
)
def test_role_is_checked_before_the_body(hotline: Hotline, who: str, url: str) -> None:
    """An invalid body from a caller who may not use the endpoint is a 403, not a 422."""
    response = getattr(hotline, who).post(url, json={"level": 99, "unit": 5, "from_version": "x"})
    assert_error(response, 403, "forbidden")


# -- tickets: list and get ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("status=open", "status"),
        ("category=gossip", "category"),
    ],
)
def test_ticket_list_refuses_bad_query(hotline: Hotline, query: str, field: str) -> None:
    """Bad paging or filter values give 422 naming the query parameter."""
    hotline.new_ticket()
    response = hotline.center.get(f"/api/v1/tickets?{query}")
    assert_error(response, 422, "validation_error", field)


def test_ticket_list_filters_and_pages(hotline: Hotline) -> None:
    """Valid filters narrow the list; a page past the end is empty, not an error."""
    first = hotline.new_ticket()["number"]
    second = hotline.new_ticket(category="consultation")["number"]
    hotline.center.complete(first, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    by_status = hotline.center.get("/api/v1/tickets?status=dispatched").json
    assert [t["number"] for t in by_status["items"]] == [first]
    by_category = hotline.center.get("/api/v1/tickets?category=consultation").json
    assert [t["number"] for t in by_category["items"]] == [second]
    by_unit = hotline.center.get("/api/v1/tickets?unit=ZJJ").json
    assert [t["number"] for t in by_unit["items"]] == [first]
    far = hotline.center.get("/api/v1/tickets?page=9&per_page=1").json
    assert (far["items"], far["total"], far["page"], far["per_page"]) == ([], 2, 9, 1)


@pytest.mark.parametrize(
    "number", ["GY20261123999999", "nothing", "x" * 300, "GY2026%2F..%2F1", "%E5%B7%A5%E5%8D%95"]
)
def test_ticket_get_unknown_number_is_404(hotline: Hotline, number: str) -> None:
    """Unknown or odd ticket numbers give a JSON 404."""
    hotline.new_ticket()
    assert_error(hotline.center.get(f"/api/v1/tickets/{number}"), 404, "not_found")


# -- tasks: list, get ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=0", "per_page"),
        ("per_page=500", "per_page"),
    ],
)
def test_inbox_refuses_bad_paging(hotline: Hotline, query: str, field: str) -> None:
    """Bad inbox paging gives 422 naming the parameter."""
    assert_error(hotline.center.get(f"/api/v1/tasks?{query}"), 422, "validation_error", field)


@pytest.mark.parametrize(
    "task_id",
    ["not-a-uuid", "123", "00000000-0000-0000-0000-000000000000", "x" * 100, "'; drop table x"],
)
def test_task_get_unknown_or_malformed_id_is_404(hotline: Hotline, task_id: str) -> None:
    """A task id that is not a UUID, or no task's UUID, gives a JSON 404."""
    hotline.new_ticket()
    assert_error(hotline.center.get(f"/api/v1/tasks/{task_id}"), 404, "not_found")


def test_task_get_shows_the_form(hotline: Hotline) -> None:
    """GET /tasks/{id} lists the form fields with their options."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    detail = hotline.center.get(f"/api/v1/tasks/{task['id']}").json
    fields = {f["id"]: f for f in detail["form"]}
    assert set(fields) == {
        "disposition", "unit", "answer", "decline_reason", "lead_unit", "units",
        "merge_into", "repeat_of", "termination_opinion", "articles",
    }  # fmt: skip
    assert [o["id"] for o in fields["disposition"]["options"]] == [
        "answer", "dispatch", "decline", "joint", "leader", "merge", "terminate",
    ]  # fmt: skip


def test_task_form_marks_required_fields(hotline: Hotline) -> None:
    """The diagram's required constraint shows as `required: true` in the task's form."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    fields = {f["id"]: f for f in hotline.center.get(f"/api/v1/tasks/{task['id']}").json["form"]}
    assert fields["disposition"]["required"] is True
    assert fields["unit"]["required"] is False


# -- tasks: complete ----------------------------------------------------------------------

OWNER = {
    "triage": "center",
    "acknowledge": "unit",
    "handle": "unit",
    "approve_extension": "center",
    "review": "center",
    "callback": "center",
}
DISPATCH = {"disposition": "dispatch", "unit": "ZJJ"}
HANDLE = [("triage", DISPATCH), ("acknowledge", {"contacted": True})]
PATHS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "triage": [],
    "acknowledge": [("triage", DISPATCH)],
    "handle": HANDLE,
    "approve_extension": [
        *HANDLE,
        ("handle", {"outcome": "extension", "extension_reason": "检测", "requester_told": True}),
    ],
    "review": [*HANDLE, ("handle", DONE)],
    "callback": [*HANDLE, ("handle", DONE), ("review", {"approved": True})],
}


def reach(h: Hotline, key: str) -> tuple[str, Caller]:
    """A new ticket whose ready task is `key`; returns its number and the task's owner."""
    number = h.new_ticket()["number"]
    for step, data in PATHS[key]:
        getattr(h, OWNER[step]).complete(number, step, data)
    return number, getattr(h, OWNER[key])


def snapshot(h: Hotline, number: str, task_id: str) -> tuple[dict, dict, list[str]]:
    """The ticket (with events and tasks), the task detail and the inbox ids, as seen now."""
    ticket = h.ticket(number)
    task = h.admin.get(f"/api/v1/tasks/{task_id}")
    assert task.status_code == 200, task.json
    return ticket, task.json, [t["id"] for t in h.admin.inbox()]


BAD_FORMS: list[Any] = [
    ("triage", {"disposition": "joint"}, "lead_unit", "required"),
    ("triage", {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ"}, "units", "besides"),
    ("triage", {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,NOPE"}, "units", "NOPE"),
    ("triage", {"disposition": "joint", "lead_unit": "NOPE", "units": "HBJ"}, "lead_unit", "NOPE"),
    ("triage", {"disposition": "dispatch", "unit": "NOPE"}, "unit", "NOPE"),
    ("triage", {"disposition": "dispatch"}, "unit", "required"),
    ("triage", {"disposition": "dispatch", "unit": "  "}, "unit", "required"),
    ("triage", {"disposition": "dispatch", "unit": 7}, "unit", None),
    ("triage", {"disposition": "answer"}, "answer", "required"),
    ("triage", {"disposition": "decline", "decline_reason": ""}, "decline_reason", "required"),
    ("triage", {"disposition": "escalate"}, "disposition", None),
    ("triage", {"disposition": None}, "disposition", None),
    ("triage", {"disposition": ["dispatch"]}, "disposition", None),
    ("triage", {"disposition": "answer", "answer": "好", "priority": 1}, "priority", None),
    ("acknowledge", {"contacted": "yes"}, "contacted", None),
    pytest.param(
        "acknowledge",
        {"contacted": 1},
        "contacted",
        None,
    ),
    pytest.param(
        "acknowledge",
        {"contacted": None},
        "contacted",
        None,
    ),
    pytest.param(
        "review",
        {"approved": 0},
        "approved",
        None,
    ),
    ("acknowledge", {"contacted": True, "note": 5}, "note", None),
    ("handle", {"outcome": "done"}, "basis", "required"),
    ("handle", {"outcome": "done"}, "findings", "required"),
    ("handle", {"outcome": "done"}, "reply", "required"),
    ("handle", {**DONE, "reply": " "}, "reply", "required"),
    ("handle", {"outcome": "return", "suggested_unit": "LZQ"}, "return_reason", "required"),
    ("handle", {"outcome": "return", "return_reason": "非本单位"}, "suggested_unit", "required"),
    ("handle", {"outcome": "extension"}, "extension_reason", "required"),
    ("handle", {"outcome": "finished"}, "outcome", None),
    ("handle", {**DONE, "basis": ["条例"]}, "basis", None),
    ("approve_extension", {"approved": False}, "comment", "required"),
    ("approve_extension", {"approved": "no"}, "approved", None),
    ("review", {"approved": False, "comment": "  "}, "comment", "required"),
    ("review", {"approved": "true"}, "approved", None),
    ("callback", {"satisfaction": "unsatisfied"}, "reasonable", "required"),
    ("callback", {"satisfaction": "unsatisfied", "reasonable": "yes"}, "reasonable", None),
    ("callback", {"satisfaction": "happy"}, "satisfaction", None),
    ("callback", {"satisfaction": "satisfied", "rating": 5}, "rating", None),
    *[
        pytest.param(key, {}, field, None)
        for key, field in [
            ("triage", "disposition"),
            ("acknowledge", "contacted"),
            ("handle", "outcome"),
            ("approve_extension", "approved"),
            ("review", "approved"),
            ("callback", "satisfaction"),
        ]
    ],
    pytest.param(
        "acknowledge",
        {"note": "未联系上"},
        "contacted",
        None,
    ),
    pytest.param(
        "handle",
        {"basis": "x"},
        "outcome",
        None,
    ),
]


@pytest.mark.parametrize(("key", "data", "field", "says"), BAD_FORMS)
def test_complete_refuses_bad_form_data_and_changes_nothing(
    hotline: Hotline, key: str, data: dict[str, Any], field: str, says: str | None
) -> None:
    """Wrong form data gives 422 naming the field; ticket, history and task are unchanged."""
    number, owner = reach(hotline, key)
    task = owner.task_for(number, key)
    before = snapshot(hotline, number, task["id"])
    response = owner.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
    error = assert_error(response, 422, "validation_error", field)
    if says:
        assert any(says in message for message in error["fields"][field]), error
    assert snapshot(hotline, number, task["id"]) == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "data"),
        ({"data": None}, "data"),
        ({"data": "dispatch"}, "data"),
        ({"data": [["disposition", "dispatch"]]}, "data"),
        ({"data": {"disposition": "dispatch", "unit": "ZJJ"}, "comment": "x"}, "comment"),
        ({"disposition": "dispatch", "unit": "ZJJ"}, "data"),
    ],
)
def test_complete_refuses_bad_envelope_and_changes_nothing(
    hotline: Hotline, payload: dict[str, Any], field: str
) -> None:
    """A body without a `data` object gives 422 naming it; nothing moves."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    before = snapshot(hotline, number, task["id"])
    response = hotline.center.post(f"/api/v1/tasks/{task['id']}/complete", json=payload)
    assert_error(response, 422, "validation_error", field)
    assert snapshot(hotline, number, task["id"]) == before


def test_complete_with_json_array_body_is_422(hotline: Hotline) -> None:
    """A JSON array as body is refused with 422 and nothing moves."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    before = snapshot(hotline, number, task["id"])
    response = hotline.center.post(f"/api/v1/tasks/{task['id']}/complete", json=[{"data": {}}])
    assert_error(response, 422, "validation_error")
    assert snapshot(hotline, number, task["id"]) == before


def test_complete_with_malformed_json_is_a_json_4xx(hotline: Hotline) -> None:
    """A body that is not JSON gives a JSON 400/422 naming the body, and nothing moves."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    before = snapshot(hotline, number, task["id"])
    response = hotline.center.post(
        f"/api/v1/tasks/{task['id']}/complete",
        data='{"data": {"disposition": "dispatch"',
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    error = assert_error(response, response.status_code, response.json["error"]["code"])
    assert error["fields"], error
    assert snapshot(hotline, number, task["id"]) == before


@pytest.mark.parametrize(
    "task_id", ["not-a-uuid", "12345", "00000000-0000-0000-0000-000000000000", "z" * 80]
)
def test_complete_unknown_or_malformed_task_id_is_404(hotline: Hotline, task_id: str) -> None:
    """Completing a task id that is not a UUID, or unknown, gives a JSON 404."""
    number = hotline.new_ticket()["number"]
    before = hotline.ticket(number)
    response = hotline.center.post(
        f"/api/v1/tasks/{task_id}/complete", json={"data": {"disposition": "decline"}}
    )
    assert_error(response, 404, "not_found")
    assert hotline.ticket(number) == before


def test_complete_twice_is_409_and_changes_nothing(hotline: Hotline) -> None:
    """A task that is no longer ready gives 409; the second answer is not applied."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    url = f"/api/v1/tasks/{task['id']}/complete"
    first = hotline.center.post(url, json={"data": {"disposition": "dispatch", "unit": "ZJJ"}})
    assert first.status_code == 200, first.json
    before = snapshot(hotline, number, task["id"])
    again = hotline.center.post(
        url, json={"data": {"disposition": "decline", "decline_reason": "x"}}
    )
    assert_error(again, 409, "conflict")
    assert snapshot(hotline, number, task["id"]) == before
    assert before[0]["status"] == "dispatched"


def test_complete_not_yours_is_403_and_changes_nothing(hotline: Hotline) -> None:
    """Completing a task offered to someone else gives 403; nothing moves."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    before = snapshot(hotline, number, task["id"])
    response = hotline.operator.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"disposition": "dispatch", "unit": "ZJJ"}},
    )
    assert_error(response, 403, "forbidden")
    assert snapshot(hotline, number, task["id"]) == before


def test_refused_completion_can_be_corrected(hotline: Hotline) -> None:
    """After a 422 the same task still completes with corrected data."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "NOPE"}, 422)
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    ticket = hotline.ticket(number)
    assert (ticket["status"], ticket["current_unit"]) == ("dispatched", "ZJJ")
    assert [e["kind"] for e in ticket["events"]].count("task_completed") == 1


# -- units --------------------------------------------------------------------------------


def test_units_list_and_wrong_method(hotline: Hotline) -> None:
    """Units are listed for any user; POST is a JSON 405, not HTML."""
    units = hotline.unit.get("/api/v1/units")
    assert units.status_code == 200
    assert {"ZJJ", "LZQ"} <= {u["code"] for u in units.json}
    assert_error(hotline.admin.post("/api/v1/units", json={"code": "X"}), 405, "method_not_allowed")


# -- definitions --------------------------------------------------------------------------


def definition_versions(h: Hotline) -> list[tuple[str, int]]:
    """(process_id, version) of every deployed version of the `ticket` process."""
    response = h.admin.get("/api/v1/definitions")
    assert response.status_code == 200, response.json
    return [(d["process_id"], d["version"]) for d in response.json if d["process_id"] == "ticket"]


@pytest.mark.parametrize("who", ["operator", "center", "unit", "supervisor", "leader"])
def test_deploy_is_admin_only(hotline: Hotline, who: str) -> None:
    """Non-admins get 403 and no version is stored."""
    before = definition_versions(hotline)
    caller: Caller = getattr(hotline, who)
    xml = TICKET_BPMN.replace("12345工单办理", "12345工单办理v2").encode()
    response = caller.post("/api/v1/definitions", data=xml, content_type="application/xml")
    assert_error(response, 403, "forbidden")
    assert definition_versions(hotline) == before


@pytest.mark.parametrize(
    ("xml", "says"),
    [
        (b"<bpmn:definitions", ("not well-formed",)),
        (b"\xff\xfe garbage", ("not well-formed", "UTF-8")),
        (b"<html><body>hi</body></html>", ("not a BPMN",)),
        (
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            b'id="d" targetNamespace="x"/>',
            ("no executable process",),
        ),
    ],
)
def test_deploy_malformed_xml_is_422_naming_the_problem(
    hotline: Hotline, xml: bytes, says: tuple[str, ...]
) -> None:
    """Malformed or non-BPMN XML gives 422 with the problem in fields.problems; nothing stored."""
    before = definition_versions(hotline)
    response = hotline.admin.post(
        "/api/v1/definitions?filename=bad.bpmn", data=xml, content_type="application/xml"
    )
    error = assert_error(response, 422, "validation_error", "problems")
    problems = error["fields"]["problems"]
    assert problems and all(p["file"] == "bad.bpmn" for p in problems), problems
    assert any(s in p["message"] for p in problems for s in says), problems
    assert definition_versions(hotline) == before


def test_deploy_empty_body_is_422(hotline: Hotline) -> None:
    """An empty deployment names the body."""
    before = definition_versions(hotline)
    assert_error(hotline.admin.post("/api/v1/definitions"), 422, "validation_error", "body")
    assert definition_versions(hotline) == before


def test_deploy_refusal_names_the_element(hotline: Hotline) -> None:
    """A diagram with an unknown topic is refused naming the service task; nothing stored."""
    before = definition_versions(hotline)
    xml = TICKET_BPMN.replace('camunda:topic="ticket.answer"', 'camunda:topic="ticket.nope"')
    response = hotline.admin.post(
        "/api/v1/definitions?filename=ticket.bpmn",
        data=xml.encode(),
        content_type="application/xml",
    )
    problems = assert_error(response, 422, "validation_error", "problems")["fields"]["problems"]
    assert [(p["element_id"], p["file"]) for p in problems] == [("answer_directly", "ticket.bpmn")]
    assert "ticket.nope" in problems[0]["message"]
    assert definition_versions(hotline) == before


def test_deploy_good_diagram_makes_a_new_version(hotline: Hotline) -> None:
    """A changed diagram becomes version 2; deploying the same bytes again adds nothing."""
    xml = TICKET_BPMN.replace("12345工单办理", "12345工单办理v2").encode()
    first = hotline.admin.post("/api/v1/definitions?filename=ticket.bpmn", data=xml)
    assert first.status_code == 201, first.json
    assert [(d["process_id"], d["version"]) for d in first.json] == [("ticket", 2)]
    again = hotline.admin.post("/api/v1/definitions?filename=ticket.bpmn", data=xml)
    assert again.status_code == 201, again.json
    assert definition_versions(hotline) == [("ticket", 2), ("ticket", 1)]


def test_deploy_gbk_encoded_diagram_is_not_a_500(hotline: Hotline) -> None:
    """A well-formed BPMN saved as GBK (declared in its XML header) deploys or gets a 422."""
    xml = (
        TICKET_BPMN.replace('encoding="UTF-8"', 'encoding="GBK"')
        .replace("12345工单办理", "12345工单办理GBK")
        .encode("gbk")
    )
    response = hotline.admin.post("/api/v1/definitions?filename=gbk.bpmn", data=xml)
    assert response.status_code in (201, 422), response.get_data(as_text=True)
    if response.status_code == 201:
        assert definition_versions(hotline) == [("ticket", 2), ("ticket", 1)]
        return
    error = assert_error(response, 422, "validation_error", "problems")
    assert any("UTF-8" in p["message"] for p in error["fields"]["problems"]), error
    assert definition_versions(hotline) == [("ticket", 1)]


def test_deploy_overlong_filename_is_422(hotline: Hotline) -> None:
    """A filename longer than the column is refused with 422 naming filename."""
    xml = TICKET_BPMN.replace("12345工单办理", "12345工单办理v2").encode()
    response = hotline.admin.post(f"/api/v1/definitions?filename={'a' * 600}.bpmn", data=xml)
    assert_error(response, 422, "validation_error", "filename")


# -- auth, health, unknown routes ---------------------------------------------------------

ENDPOINTS = [
    ("GET", "/api/v1/tickets"),
    ("POST", "/api/v1/tickets"),
    ("GET", "/api/v1/tickets/GY20261123000001"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/00000000-0000-0000-0000-000000000000"),
    ("POST", "/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete"),
    ("GET", "/api/v1/units"),
    ("GET", "/api/v1/definitions"),
    ("POST", "/api/v1/definitions"),
    ("GET", "/api/v1/nothing-here"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer   ", "Bearer not-a-token", "Basic dXNlcjpwdw==", "token"]
)
def test_every_api_endpoint_needs_a_valid_token(
    hotline: Hotline, method: str, url: str, header: str | None
) -> None:
    """Missing, malformed or unknown tokens give a JSON 401 on every /api/v1 endpoint."""
    headers = {"Authorization": header} if header is not None else {}
    client = hotline.operator.client
    response = client.open(url, method=method, headers=headers, json=valid_body())
    assert_error(response, 401, "unauthorized")
    assert ticket_count(hotline) == 0


def test_health_needs_no_token_and_refuses_post(hotline: Hotline) -> None:
    """Health answers without a token; a wrong method is a JSON 405."""
    client = hotline.operator.client
    response = client.get("/api/health")
    assert response.status_code == 200
    assert (response.json["status"], response.json["profile"]) == ("ok", "guangyuan")
    assert_error(client.post("/api/health"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("GET", "/api/v1/nothing-here", 404, "not_found"),
        ("DELETE", "/api/v1/tickets/GY20261123000001", 405, "method_not_allowed"),
        ("PUT", "/api/v1/tasks", 405, "method_not_allowed"),
        ("GET", "/api/v1/tasks/x/complete", 405, "method_not_allowed"),
        ("GET", "/index.html", 404, "not_found"),
    ],
)
def test_unknown_routes_and_methods_are_json(
    hotline: Hotline, method: str, url: str, status: int, code: str
) -> None:
    """Unknown URLs and methods answer with the JSON error shape, never HTML."""
    response = hotline.center.client.open(
        url, method=method, headers={"Authorization": f"Bearer {hotline.center.token}"}
    )
    assert_error(response, status, code)
    assert "<html" not in response.get_data(as_text=True).lower()


def test_openapi_document_is_served(hotline: Hotline) -> None:
    """The OpenAPI document lists the ticket and task endpoints."""
    response = hotline.operator.client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json["paths"]
    assert "/api/v1/tickets" in paths and "/api/v1/tasks/{task_id}/complete" in paths


# -- hostile but plausible input: huge numbers, deep nesting, NUL characters ----------------


def backend(h: Hotline) -> str:
    """'sqlite' or 'postgresql'."""
    return h.services.engine.dialect.name


@pytest.mark.parametrize("url", ["/api/v1/tickets", "/api/v1/tasks"])
@pytest.mark.parametrize("page", ["100000000000000000000", "922337203685477580"])
def test_huge_page_number_is_not_a_500(hotline: Hotline, url: str, page: str) -> None:
    """A page far beyond any data is an empty page or a 422 naming `page`, never a 500."""
    hotline.new_ticket()
    response = hotline.center.get(f"{url}?page={page}")
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.json["items"] == []
    else:
        assert_error(response, 422, "validation_error", "page")


@pytest.mark.parametrize("where", ["ticket", "complete"])
def test_deeply_nested_json_is_a_4xx(hotline: Hotline, where: str) -> None:
    """A 200 KB body of nested brackets is refused as bad input, not a 500; nothing moves."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    before = snapshot(hotline, number, task["id"])
    nested = "[" * 100_000 + "]" * 100_000
    if where == "ticket":
        url, body = "/api/v1/tickets", nested
    else:
        url, body = f"/api/v1/tasks/{task['id']}/complete", '{"data": ' + nested + "}"
    response = hotline.center.post(url, data=body, content_type="application/json")
    assert response.status_code in (400, 413, 422), response.get_data(as_text=True)
    assert_error(response, response.status_code, response.json["error"]["code"])
    assert snapshot(hotline, number, task["id"]) == before
    assert ticket_count(hotline) == 1


@pytest.mark.parametrize("url", ["/api/v1/tickets/GY2026%00", "/api/v1/tasks/ab%00cd"])
def test_nul_in_path_is_404(hotline: Hotline, url: str) -> None:
    """A NUL in a ticket number or task id is just not found."""
    response = hotline.center.get(url)
    assert response.status_code in (404, 405), response.get_data(as_text=True)
    assert_error(response, response.status_code, response.json["error"]["code"])


def test_nul_in_query_filter_is_not_a_500(hotline: Hotline) -> None:
    """`?unit=` with a NUL finds nothing (or is refused), never a 500."""
    hotline.new_ticket()
    response = hotline.center.get("/api/v1/tickets?unit=ZJJ%00")
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.json["items"] == []
    else:
        assert_error(response, 422, "validation_error", "unit")


def test_nul_in_dispatch_unit_is_422(hotline: Hotline) -> None:
    """Triage to unit 'ZJJ\\x00' is refused naming `unit`; the ticket does not move."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    before = snapshot(hotline, number, task["id"])
    response = hotline.center.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"disposition": "dispatch", "unit": "ZJJ\x00"}},
    )
    assert_error(response, 422, "validation_error", "unit")
    assert snapshot(hotline, number, task["id"]) == before


def test_nul_in_idempotency_key_is_not_a_500(hotline: Hotline) -> None:
    """An Idempotency-Key with a NUL is either refused (422) or works as a key."""
    response = hotline.operator.post(
        "/api/v1/tickets", json=valid_body(), headers={"Idempotency-Key": "a\x00b"}
    )
    assert response.status_code in (201, 422), response.get_data(as_text=True)
    if response.status_code == 422:
        assert_error(response, 422, "validation_error", "Idempotency-Key")
