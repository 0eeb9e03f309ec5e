"""Bad input on the task endpoints (inbox, task, complete): a JSON error, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Caller, Hotline
from tests.helpers.api import assert_error, at_triage, snapshot
from tests.helpers.tickets import DONE

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
    number, task, before = at_triage(hotline)
    response = hotline.center.post(f"/api/v1/tasks/{task['id']}/complete", json=payload)
    assert_error(response, 422, "validation_error", field)
    assert snapshot(hotline, number, task["id"]) == before


def test_complete_with_json_array_body_is_422(hotline: Hotline) -> None:
    """A JSON array as body is refused with 422 and nothing moves."""
    number, task, before = at_triage(hotline)
    response = hotline.center.post(f"/api/v1/tasks/{task['id']}/complete", json=[{"data": {}}])
    assert_error(response, 422, "validation_error")
    assert snapshot(hotline, number, task["id"]) == before


def test_complete_with_malformed_json_is_a_json_4xx(hotline: Hotline) -> None:
    """A body that is not JSON gives a JSON 400/422 naming the body, and nothing moves."""
    number, task, before = at_triage(hotline)
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
    number, task, before = at_triage(hotline)
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
