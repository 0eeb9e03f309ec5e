"""Contacts (issue 14 §6): units get contact people through the API and the CLI, and a unit
no routed channel can reach is listed as a problem for the center.

The demo city brings a handler (经办人) and a leader (分管领导) with a mobile and an e-mail for
every unit, a local government (属地政府) per district and the government duty office
(政府值班室); the routes are the default ones (log for outside people, in-app for users)
unless a test switches them. Clock: Monday 2026-11-23 09:00.
"""

from __future__ import annotations

from typing import Any

from hotline.demo import DEMO_UNITS, demo_contacts
from hotline.directory import add_unit
from hotline.messages.contact_problems import problems as find_problems
from hotline.messages.contacts import add_contact, contacts_for, update_contact
from hotline.messages.settings import parse_routes
from tests.conftest import Hotline
from tests.helpers.api import Caller, assert_error


def patch(caller: Caller, url: str, body: dict[str, Any]) -> Any:
    """PATCH with the caller's token."""
    headers = {"Authorization": f"Bearer {caller.token}"}
    return caller.client.patch(url, json=body, headers=headers)


def delete(caller: Caller, url: str) -> Any:
    """DELETE with the caller's token."""
    return caller.client.delete(url, headers={"Authorization": f"Bearer {caller.token}"})


def test_the_demo_city_brings_everyones_contacts(hotline: Hotline) -> None:
    with hotline.services.transaction() as session:
        handlers = contacts_for(session, "unit", "sms", unit_code="ZJJ")
        leaders = contacts_for(session, "unit_leader", "email", unit_code="ZJJ")
        government = contacts_for(session, "government", "sms", district="利州区")
        duty = contacts_for(session, "duty_office", "sms")
        shown = [(c.name, c.phone, c.email) for c in [*handlers, *leaders, *government, *duty]]
    assert shown == [
        ("示范市住房和城乡建设局经办人", "13900000011", "zjj.handler@shifan.example"),
        ("示范市住房和城乡建设局分管领导", "13900000012", "zjj.leader@shifan.example"),
        ("利州区人民政府办公室", "13900010002", "government2@shifan.example"),
        ("示范市人民政府总值班室", "13900020000", "duty_office@shifan.example"),
    ]
    assert len(demo_contacts()) == 2 * len(DEMO_UNITS) + 6 + 1


def unit_contacts(caller: Caller, unit: str, query: str = "") -> list[dict[str, Any]]:
    """The unit's contacts as the caller reads them."""
    response = caller.get(f"/api/v1/units/{unit}/contacts{query}")
    assert response.status_code == 200, response.json
    return response.json


HANDLER = {"role": "handler", "name": "刘洋", "phone": "139-0000-9999", "email": "liu@zjj.example"}


def test_a_unit_keeps_its_contacts_and_the_center_all(hotline: Hotline) -> None:
    h = hotline
    added = h.unit.post("/api/v1/units/ZJJ/contacts", json=HANDLER)
    assert added.status_code == 201, added.json
    contact = added.json
    assert (contact["unit"], contact["role"], contact["role_label"]) == ("ZJJ", "handler", "经办人")
    assert contact["reachable_by"] == ["sms", "email"] and contact["active"] is True
    shown = [(c["role"], c["name"]) for c in unit_contacts(h.unit, "ZJJ")]
    assert shown == [
        ("handler", "示范市住房和城乡建设局经办人"),
        ("handler", "刘洋"),
        ("leader", "示范市住房和城乡建设局分管领导"),
    ]
    # The new handler gets texts too, at its digits only.
    with h.services.transaction() as session:
        phones = [c.phone for c in contacts_for(session, "unit", "sms", unit_code="ZJJ")]
    assert phones == ["13900000011", "139-0000-9999"]

    # A landline only: a call number, not an SMS target; the center moves it to duty.
    url = f"/api/v1/contacts/{contact['id']}"
    changed = patch(h.unit, url, {"phone": "0839-3266123", "email": None})
    assert changed.status_code == 200, changed.json
    assert (changed.json["phone"], changed.json["email"], changed.json["reachable_by"]) == (
        "0839-3266123",
        None,
        [],
    )
    assert patch(h.center, url, {"role": "duty"}).json["role"] == "duty"

    # Deactivated: gone from the list (kept for past messages), back with include_inactive.
    gone = delete(h.unit, url)
    assert gone.status_code == 200 and gone.json["active"] is False
    assert [c["id"] for c in unit_contacts(h.unit, "ZJJ")].count(contact["id"]) == 0
    assert [c["active"] for c in unit_contacts(h.unit, "ZJJ", "?include_inactive=true")].count(
        False
    ) == 1

    # Other units, operators and leaders: not theirs.
    assert_error(h.other_unit.get("/api/v1/units/ZJJ/contacts"), 403, "forbidden")
    assert_error(h.other_unit.post("/api/v1/units/ZJJ/contacts", json=HANDLER), 403, "forbidden")
    assert_error(patch(h.other_unit, url, {"name": "x"}), 404, "not_found")
    assert_error(delete(h.operator, url), 404, "not_found")
    assert_error(patch(h.supervisor, url, {"name": "x"}), 403, "forbidden")  # reads, no edits
    assert_error(h.leader.get("/api/v1/contacts"), 403, "forbidden")
    # The supervisor reads every unit's; the center manages any.
    assert len(unit_contacts(h.supervisor, "LZQ")) == 2
    assert h.center.post("/api/v1/units/LZQ/contacts", json=HANDLER).status_code == 201


def test_offices_are_listed_by_role(hotline: Hotline) -> None:
    h = hotline
    page = h.center.get("/api/v1/contacts?role=government&per_page=100").json
    assert [c["district"] for c in page["items"]] == [
        "利州区", "市直", "旺苍县", "昭化区", "朝天区", "青川县",
    ]  # fmt: skip
    [duty] = h.center.get("/api/v1/contacts?role=duty_office").json["items"]
    assert (duty["name"], duty["unit"], duty["district"]) == ("示范市人民政府总值班室", None, None)

    body = {"role": "government", "district": "苍溪县", "name": "苍溪县人民政府办公室"}
    added = h.center.post("/api/v1/contacts", json={**body, "email": "cx@gov.example"})
    assert added.status_code == 201, added.json
    assert h.center.get("/api/v1/contacts?district=苍溪县").json["total"] == 1
    assert_error(h.unit.post("/api/v1/contacts", json=body), 403, "forbidden")

    # A unit user lists its own unit's contacts only, and no office's.
    mine = h.unit.get("/api/v1/contacts").json
    assert {c["unit"] for c in mine["items"]} == {"ZJJ"} and mine["total"] == 2
    assert h.unit.get("/api/v1/contacts?role=government").json["total"] == 0
    assert_error(h.unit.get("/api/v1/contacts?unit=LZQ"), 403, "forbidden")


WRONG = [
    ("/api/v1/units/ZJJ/contacts", {"role": "handler", "name": "王五"}, 422, "phone"),
    ("/api/v1/units/ZJJ/contacts", {**HANDLER, "phone": "call me"}, 422, "phone"),
    ("/api/v1/units/ZJJ/contacts", {**HANDLER, "email": "liu@"}, 422, "email"),
    ("/api/v1/units/ZJJ/contacts", {**HANDLER, "name": "  "}, 422, "name"),
    ("/api/v1/units/ZJJ/contacts", {**HANDLER, "role": "government"}, 422, "role"),
    ("/api/v1/units/ZJJ/contacts", {**HANDLER, "unit": "LZQ"}, 422, "unit"),
    ("/api/v1/units/NOPE/contacts", HANDLER, 404, "unit"),
    ("/api/v1/contacts", {**HANDLER, "role": "government"}, 422, "district"),
    ("/api/v1/contacts", {**HANDLER, "role": "duty_office", "district": "利州区"}, 422,
     "district"),
    ("/api/v1/contacts", HANDLER, 422, "role"),
]  # fmt: skip


def test_wrong_contacts_are_refused_naming_the_field(hotline: Hotline) -> None:
    for url, body, status, field in WRONG:
        code = "not_found" if status == 404 else "validation_error"
        assert_error(hotline.center.post(url, json=body), status, code, field)
    assert len(unit_contacts(hotline.center, "ZJJ")) == 2  # none was added


def test_changes_that_would_break_a_contact_are_refused(hotline: Hotline) -> None:
    h = hotline
    [handler, _leader] = unit_contacts(h.center, "ZJJ")
    url = f"/api/v1/contacts/{handler['id']}"
    for body, field in [
        ({"phone": None, "email": None}, "phone"),
        ({"role": "government"}, "role"),
        ({"district": "利州区"}, "district"),
        ({"active": "no"}, "active"),
        ({"colour": "red"}, "colour"),
    ]:
        assert_error(patch(h.center, url, body), 422, "validation_error", field)
    assert unit_contacts(h.center, "ZJJ")[0] == handler  # nothing changed
    assert_error(patch(h.center, "/api/v1/contacts/999999", {"name": "x"}), 404, "not_found")


def problems(caller: Caller) -> list[tuple[str, str | None, str]]:
    """(recipient, unit or district, message) of each problem the caller is shown."""
    response = caller.get("/api/v1/contacts/problems")
    assert response.status_code == 200, response.json
    return [(p["recipient"], p["unit"] or p["district"], p["message"]) for p in response.json]


def test_the_center_sees_units_nobody_can_be_reached_at(hotline: Hotline) -> None:
    h = hotline
    assert problems(h.center) == []  # the demo city: everyone has a contact
    with h.services.transaction() as session:
        add_unit(session, "CXX", "苍溪县人民政府", "苍溪县")
    # Default routes: log (a contact would be named) and in-app (a user would read it).
    nobody = "contact with a phone or e-mail for log or a user account for inapp"
    assert problems(h.center) == [
        ("unit", "CXX", f"no active handler (经办人)、duty (值班) {nobody}"),
        ("unit_leader", "CXX", f"no active leader (分管领导) {nobody}"),
        ("government", "苍溪县", "no active government (属地政府) contact with a phone or "
         "e-mail for log"),
    ]  # fmt: skip
    duty = {"role": "duty", "name": "县政府值班", "phone": "0839-5222110"}
    assert h.center.post("/api/v1/units/CXX/contacts", json=duty).status_code == 201
    assert [p[:2] for p in problems(h.supervisor)] == [
        ("unit_leader", "CXX"),
        ("government", "苍溪县"),
    ]
    assert_error(h.unit.get("/api/v1/contacts/problems"), 403, "forbidden")


def test_reachable_depends_on_the_routed_channels(hotline: Hotline) -> None:
    """With texts for units and mail for leaders, a landline or a missing address counts."""
    routes = parse_routes("unit=sms; unit_leader=email; *=log")
    with hotline.services.transaction() as session:
        assert find_problems(session, routes) == []
        [zjj_handler] = contacts_for(session, "unit", "sms", unit_code="ZJJ")
        update_contact(session, zjj_handler, {"phone": "0839-3266123"})  # a landline
        [lzq_leader] = contacts_for(session, "unit_leader", "email", unit_code="LZQ")
        update_contact(session, lzq_leader, {"email": None})
        found = [(p.recipient, p.unit_code, p.message) for p in find_problems(session, routes)]
        assert found == [
            ("unit_leader", "LZQ", "no active leader (分管领导) contact with an e-mail address "
             "for email"),
            ("unit", "ZJJ", "no active handler (经办人)、duty (值班) contact with a mobile "
             "phone for sms"),
        ]  # fmt: skip
        # The unit's duty mobile stands in for its handler (and receives the texts).
        add_contact(session, role="duty", name="值班", phone="13900009999", unit_code="ZJJ")
        assert [p.unit_code for p in find_problems(session, routes)] == ["LZQ"]
        texted = contacts_for(session, "unit", "sms", unit_code="ZJJ")
        assert [(c.role, c.phone) for c in texted] == [("duty", "13900009999")]
        assert contacts_for(session, "unit", "log", unit_code="ZJJ") == [zjj_handler]


def test_the_cli_adds_lists_and_checks_contacts(hotline: Hotline, cli: Any) -> None:
    added = cli("contacts", "add", "--unit", "ZJJ", "--role", "duty", "--phone", "0839-1234567",
                "住建局值班室")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "ZJJ duty (值班) 住建局值班室 phone=0839-1234567 email=-" in added.output
    office = cli(
        "contacts", "add", "--district", "苍溪县", "--email", "cx@gov.example", "苍溪县政府"
    )
    assert office.exit_code == 0 and "苍溪县 government (属地政府)" in office.output
    listed = cli("contacts", "list", "--unit", "ZJJ")
    assert [line.split(" ", 3)[2] for line in listed.stdout.splitlines()] == [
        "duty", "handler", "leader",
    ]  # fmt: skip
    assert "3 contact(s)" in listed.stderr

    refused = cli("contacts", "add", "--unit", "NOPE", "--role", "handler", "--phone", "1", "x")
    assert refused.exit_code == 1 and "unit 'NOPE' does not exist" in refused.output
    both = cli("contacts", "add", "--unit", "ZJJ", "--district", "利州区", "x")
    assert both.exit_code == 2 and "exactly one of --unit, --district or --office" in both.output

    assert cli("contacts", "problems").exit_code == 0
    with hotline.services.transaction() as session:
        add_unit(session, "CXX", "苍溪县人民政府", "苍溪县")
    found = cli("contacts", "problems")
    assert found.exit_code == 1
    assert found.stdout.splitlines()[0].startswith("CXX 苍溪县人民政府: unit: no active handler")
    gone = cli("contacts", "deactivate", added.stdout.split()[0].lstrip("#"))
    assert gone.exit_code == 0 and gone.stdout.rstrip().endswith("[inactive]")
