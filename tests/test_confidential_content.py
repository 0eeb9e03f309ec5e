"""A confidential ticket's content stays in its channel (meizhou 第二十条, 第二十一条,
第二十二条: 不得擅自对外提供): no message carries it, in-app notices reach only the unit's
named staff, the public lookup shows the status alone, drill-downs keep the row but not the
number for the unit at large, hot-spot warnings never quote it; and the center sees which
units hold confidential tickets with nobody named to take them."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from typing import Any

from click.testing import Result
from openpyxl import load_workbook

from hotline.messages.dispatch import dispatch_round
from hotline.models.messages import OutboxMessage
from tests.conftest import Hotline
from tests.helpers.api import Caller
from tests.helpers.clock import move_clock
from tests.helpers.confidential import (
    SECRET,
    SECRET_ADDRESS,
    SECRET_CONTENT,
    dispatched_secret,
    named_staff,
    secret_ticket,
)
from tests.helpers.hotspots import add_background, run_detection, warning
from tests.helpers.messages import messaging_hotline as messaging_hotline  # fixture
from tests.helpers.messages import outbox
from tests.helpers.tickets import ACK, DISPATCH_ZJJ, DONE

SECRETS = (SECRET_CONTENT, SECRET_ADDRESS, SECRET["name"], SECRET["phone"], "滨河路3号")


def carries_no_secret(rows: list[OutboxMessage]) -> None:
    """No outbox row's text, subject or address holds the content or the requester."""
    for row in rows:
        text = f"{row.subject}\n{row.body}\n{row.address}\n{row.recipient_name}"
        assert not [s for s in SECRETS if s in text], (row.kind, row.recipient, text)


def notices(caller: Caller) -> list[dict[str, Any]]:
    """The caller's in-app notifications."""
    response = caller.get("/api/v1/notifications", query_string={"per_page": 100})
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_no_message_about_a_confidential_ticket_carries_its_content(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    """A special confidential report, dispatched, urged and approved, with every recipient
    routed (SMS, e-mail, in-app, log): the number and category travel, the content, the
    address and the requester never; the requester is sent nothing."""
    h = messaging_hotline()
    number = secret_ticket(h, urgency="special")
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    staff = named_staff(h)
    staff.complete(number, "acknowledge", ACK)
    urge = {"level": "urge", "reason": "请尽快办理"}
    assert h.center.post(f"/api/v1/tickets/{number}/escalations", json=urge).status_code == 201
    staff.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    rows = outbox(h, number)
    kinds = {r.kind for r in rows}
    assert {"special_ticket", "ticket_dispatched", "ticket_urged"} <= kinds, kinds
    assert {"unit", "government"} <= {r.recipient for r in rows}
    assert all(number in r.subject for r in rows)
    assert [r for r in rows if r.recipient == "requester"] == []
    carries_no_secret(rows)


def test_in_app_notices_of_a_confidential_ticket_reach_only_named_staff(
    hotline: Hotline,
) -> None:
    """The dispatch notice of a plain ticket lands with every ZJJ user; that of a
    confidential one only with ZJJ's named staff, and holds no content either."""
    h = hotline
    staff = named_staff(h)
    plain = h.new_ticket()["number"]
    h.center.complete(plain, "triage", DISPATCH_ZJJ)
    secret = dispatched_secret(h)
    while dispatch_round(h.services.sessions):
        pass
    assert {n["ticket_number"] for n in notices(h.unit)} == {plain}
    assert {n["ticket_number"] for n in notices(h.reviewer)} == {plain}
    mine = notices(staff)
    assert {n["ticket_number"] for n in mine} == {plain, secret}
    text = json.dumps(mine, ensure_ascii=False)
    assert not [s for s in SECRETS if s in text]
    [row] = outbox(h, secret, channel="inapp")
    assert row.status == "sent"


def test_a_unit_holding_confidential_tickets_with_no_named_staff_is_a_contact_problem(
    hotline: Hotline, cli: Callable[..., Result]
) -> None:
    """ZJJ gets a confidential ticket and HBJ a joint part of one, with nobody named: the
    in-app notice fails (the admins hear of it) and the center's problem list (API and
    `hotline contacts problems`) names both units; once ZJJ names staff with `hotline users
    add --confidential`, ZJJ leaves the list and its new user takes the ticket."""
    h = hotline
    secret = dispatched_secret(h)
    joint = secret_ticket(h)
    h.center.complete(
        joint, "triage", {"disposition": "joint", "lead_unit": "LZQ", "units": "LZQ,HBJ"}
    )
    named_staff(h, "LZQ")
    while dispatch_round(h.services.sessions):
        pass
    [failed] = outbox(h, secret, channel="inapp", recipient="unit")
    assert failed.status == "failed"
    assert failed.last_error == "no active user of named staff of unit ZJJ to notify"
    [alert] = outbox(h, secret, kind="message_failed")
    assert alert.recipient == "admin"
    carries_no_secret(outbox(h, secret))

    def unstaffed() -> dict[str, str]:
        response = h.center.get("/api/v1/contacts/problems")
        assert response.status_code == 200, response.json
        return {
            p["unit"]: p["message"] for p in response.json if p["recipient"] == "confidential_staff"
        }

    found = unstaffed()
    assert set(found) == {"ZJJ", "HBJ"}
    assert found["ZJJ"].startswith("1 confidential ticket(s) wait on this unit")
    assert "hotline users add --confidential" in found["ZJJ"]
    assert "meizhou 第二十一条" in found["ZJJ"]
    for caller in (h.supervisor, h.admin):
        assert caller.get("/api/v1/contacts/problems").status_code == 200
    assert h.unit.get("/api/v1/contacts/problems").status_code == 403

    listed = cli("contacts", "problems")
    assert listed.exit_code == 1
    assert f"ZJJ 示范市住房和城乡建设局: confidential_staff: {found['ZJJ']}" in listed.stdout

    added = cli("users", "add", "--role", "unit", "--unit", "ZJJ", "--confidential", "王专员")
    assert added.exit_code == 0, added.output
    staff = Caller(h.unit.client, added.stdout.strip(), "王专员")
    assert set(unstaffed()) == {"HBJ"}
    staff.complete(secret, "acknowledge", ACK)
    assert h.ticket(secret)["status"] == "handling"


def lookup(h: Hotline, number: str) -> dict[str, Any]:
    """The public progress lookup with the requester's phone tail."""
    response = h.app.test_client().get(
        f"/public/tickets/{number}", query_string={"phone_tail": SECRET["phone"][-4:]}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_the_public_lookup_shows_a_confidential_ticket_by_its_status_alone(
    hotline: Hotline,
) -> None:
    """Even to the right phone tail, handled and closed: no steps, no reply, no unit."""
    h = hotline
    number = dispatched_secret(h)
    staff = named_staff(h)
    staff.complete(number, "acknowledge", ACK)
    staff.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    body = lookup(h, number)
    assert body == {"number": number, "status": "closed", "status_label": "已办结"}
    text = json.dumps(body, ensure_ascii=False)
    assert DONE["reply"] not in text and not [s for s in SECRETS if s in text]


def drilled(caller: Caller, figure: str = "received") -> list[dict[str, Any]]:
    """The rows behind November's `figure` for ZJJ, as `caller` drills down."""
    query = {"period": "month", "from": "2026-11-01", "by": "unit"}
    response = caller.get("/api/v1/stats", query_string=query)
    assert response.status_code == 200, response.json
    [group] = [g for g in response.json["groups"] if g["key"] == "ZJJ"]
    rows = caller.get(group["tickets"][figure] + "&per_page=100")
    assert rows.status_code == 200, rows.json
    assert rows.json["total"] == group["counts"][figure]  # the rows add up to the figure
    return rows.json["items"]


def test_statistics_drill_down_keeps_the_row_but_not_the_number_for_the_unit_at_large(
    hotline: Hotline,
) -> None:
    """ZJJ's received count holds both tickets; its ordinary user drills down to a plain
    row and a confidential one without number or district; its named staff and the center
    see both numbers; no row carries content or requester."""
    h = hotline
    plain = h.new_ticket()["number"]
    h.center.complete(plain, "triage", DISPATCH_ZJJ)
    secret = dispatched_secret(h)
    staff = named_staff(h)
    rows = {r["confidential"]: r for r in drilled(h.unit)}
    assert rows[False]["ticket_number"] == plain and rows[False]["district"] == "利州区"
    assert (rows[True]["ticket_number"], rows[True]["district"]) == (None, None)
    assert rows[True]["category"] == "report"  # the figure's split stays readable
    for caller in (staff, h.center, h.supervisor):
        seen = drilled(caller)
        assert {r["ticket_number"] for r in seen} == {plain, secret}, caller.name
        text = json.dumps(seen, ensure_ascii=False)
        assert not [s for s in SECRETS if s in text], caller.name


def test_hot_spot_warnings_never_quote_a_confidential_demand(hotline: Hotline) -> None:
    """Seven noise complaints make a warning whose keywords every unit and the bulletin
    read; seven confidential ones about the same thing make none and join none."""
    h = hotline
    add_background(h)
    calls = ("滨河路工地半夜打桩，吵得睡不着", "夜间施工噪音扰民，晚上十一点还在作业")
    secrets = [secret_ticket(h, content=calls[i % 2] + "，举报人住3号") for i in range(7)]
    assert run_detection(h) == []
    plain = [h.new_ticket(content=calls[i % 2])["number"] for i in range(7)]
    [warning_id] = run_detection(h)
    named = {t["number"] for t in warning(h.center, warning_id)["tickets"]}
    assert named == set(plain) and not named & set(secrets)


def test_reports_and_searches_carry_no_confidential_requester_or_content(
    hotline: Hotline,
) -> None:
    """A confidential report closed in November: November's bulletin (JSON and the xlsx
    every unit downloads) and the knowledge search, even for its own words, show neither
    the requester nor the content (no report or search of this service indexes tickets)."""
    h = hotline
    number = dispatched_secret(h)
    staff = named_staff(h)
    staff.complete(number, "acknowledge", ACK)
    staff.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    move_clock(h, "2026-12-01 10:00")
    made = h.center.post("/api/v1/bulletins", json={"period": "2026-11"})
    assert made.status_code == 201, made.json
    content = json.dumps(
        h.unit.get(f"/api/v1/bulletins/{made.json['id']}").json, ensure_ascii=False
    )
    assert "示范市住房和城乡建设局" in content  # ZJJ's figures are there
    book = load_workbook(BytesIO(h.unit.get(made.json["xlsx_url"]).data))
    cells = " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    )
    for text in (content, cells):
        assert not [s for s in SECRETS if s in text]
    for q in ("红包", "滨河路3号", "科长收受开发商红包"):
        found = h.unit.get("/api/v1/knowledge/search", query_string={"q": q})
        assert found.status_code == 200, found.json
        assert number not in found.get_data(as_text=True)
        assert not [s for s in SECRETS if s in found.get_data(as_text=True)]
