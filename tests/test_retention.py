"""Retention under guangxi (seeds/002_74be2da07faa6da0.txt): closed tickets archived after the
profile's 90 days (第二十八条 办结归档, the delay a default), the requester's personal data
purged after 5 years (a default; 第二十二条 保密), a legal hold stopping the purge.

Clock: Monday 2026-11-23 09:00 Shanghai, moved forward by the admin's clock API; the daily job
(scheduler.retention.run_retention) is run by hand after each move, as the scheduler's pass
runs it. The requester 13800001234 gets the callback text through the stand-in gateway and
answers it, so the ticket's messages and SMS replies carry the phone too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from hotline.config import Settings
from hotline.messages.dispatch import dispatch_round
from processes.registry import deploy_directory
from tests.conftest import Hotline, make_hotline
from tests.helpers.api import assert_error
from tests.helpers.receivers import SmsReceiver
from tests.helpers.retention import (
    MARKER,
    audit_actions,
    auditor,
    closed,
    closed_at,
    delete,
    exports,
    job,
    just_before,
    purge_rows,
    tables_holding,
    years_after,
)
from tests.helpers.sms import at_callback, reply, with_gateway
from tests.helpers.tickets import NOISE, kinds
from wiring.services import build_services

PHONE = "13800001234"  # the requester who texts back
OTHER_PHONE = "13900005678"  # a requester whose ticket closes later
MONTH = {"period": "month", "from": "2026-11-01"}


@pytest.fixture
def gateway() -> Iterator[SmsReceiver]:
    """The stand-in SMS gateway."""
    receiver = SmsReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def gx(settings: Settings, manual_clock, gateway: SmsReceiver) -> Iterator[Hotline]:
    """guangxi, texting requesters through the stand-in gateway."""
    services = build_services(with_gateway(settings, gateway.url, gateway.secret, "guangxi"))
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    yield make_hotline(services)
    services.dispose()


def closed_by_text(h: Hotline, gateway: SmsReceiver) -> str:
    """A ticket whose requester got the callback text and answered 1 (满意): closed."""
    number = at_callback(h, requester={"name": "李四", "phone": PHONE})
    dispatch_round(h.services.sessions)
    assert any(t["kind"] == "callback_request" for t in gateway.texts(PHONE))
    assert reply(h, gateway.secret, PHONE, "1").status_code == 200
    assert h.ticket(number)["status"] == "closed"
    return number


def figures(h: Hotline) -> list[dict]:
    """November's figures as the center reads them: totals, by unit, the tickets behind."""
    shown = []
    for query in (MONTH, {**MONTH, "by": "unit"}, {**MONTH, "by": "category"}):
        response = h.center.get("/api/v1/stats", query_string=query)
        assert response.status_code == 200, response.json
        shown.append(response.json)
    behind = h.center.get("/api/v1/stats/tickets", query_string={**MONTH, "figure": "closed"})
    assert behind.status_code == 200, behind.json
    return [*shown, behind.json]


def scores(h: Hotline) -> list[dict]:
    """Every unit's score of 23 November (the closing day), scored again now."""
    response = h.center.post("/api/v1/assessment/scores", json={"day": "2026-11-23"})
    assert response.status_code == 200, response.json
    assert any(row["unit"] == "ZJJ" for row in response.json["items"])
    return sorted(response.json["items"], key=lambda row: row["unit"])


def test_a_purge_after_the_period_removes_the_personal_data_and_the_months_figures_stay(
    gx: Hotline, gateway: SmsReceiver
) -> None:
    h = gx
    number = closed_by_text(h, gateway)
    november, november_scores = figures(h), scores(h)
    closing = closed_at(h, number)

    # Five years (guangxi [retention.personal_data], a default) less a minute: kept.
    assert job(h, just_before(years_after(closing, 5)))["purged"] == []
    later = h.new_ticket(requester={"name": "王五", "phone": OTHER_PHONE})["number"]
    assert h.ticket(number)["requester"] == {"name": "李四", "phone": PHONE}
    assert tables_holding(h, PHONE) != []

    assert job(h, years_after(closing, 5))["purged"] == [number]
    ticket = h.ticket(number)
    assert ticket["requester"] == {"name": MARKER, "phone": MARKER}
    assert ticket["address"] == MARKER
    assert "personal_data_purged" in kinds(ticket)
    # Nowhere in the database any more: not the ticket, its texts, nor the reply it sent.
    assert tables_holding(h, PHONE) == []
    assert tables_holding(h, "李四") == []
    # The open ticket keeps its requester (and shows the scan would find a phone).
    assert "tickets.requester_phone" in tables_holding(h, OTHER_PHONE)
    assert h.ticket(later)["requester"]["phone"] == OTHER_PHONE
    # One audit row for the purge, by the system, saying what went and why.
    assert purge_rows(h, number) == [
        {
            "actor": "system",
            "role": "system",
            "what": "personal_data",
            "reason": "personal data kept 5 years (第二十二条, default) after closing",
            "fields": ["requester_name", "requester_phone", "address"],
            "messages": 1,
            "sms_replies": 1,
            "files": 0,
        }
    ]
    # Showing the marker is no read of personal data: the audit records none.
    logged = audit_actions(h, number)
    assert "read_requester" in logged  # the reads made while the phone was there
    h.ticket(number)
    assert audit_actions(h, number) == logged
    # November's figures and scores are what they were before the purge.
    assert figures(h) == november
    assert scores(h) == november_scores
    # A second run finds nothing to do: no second audit row.
    assert job(h, years_after(closing, 5) + timedelta(days=1))["purged"] == []
    assert len(purge_rows(h, number)) == 1


def test_a_legal_hold_stops_the_purge_and_releasing_it_lets_the_next_run_purge(
    gx: Hotline,
) -> None:
    h = gx
    number = closed(h)
    holds = f"/api/v1/tickets/{number}/legal-holds"
    placed = h.center.post(holds, json={"reason": "行政复议案件在办，保留诉求人信息"})
    assert placed.status_code == 201, placed.json
    hold = placed.json
    assert (hold["ticket_number"], hold["active"], hold["released_at"]) == (number, True, None)
    assert hold["reason"] == "行政复议案件在办，保留诉求人信息" and hold["placed_by"]

    five_years = years_after(closed_at(h, number), 5)
    assert job(h, five_years) == {
        "archived": [number],
        "recordings": [],
        "purged": [],
        "held": [number],
    }
    assert h.ticket(number)["requester"] == {"name": "张三", "phone": "13800001234"}
    assert purge_rows(h, number) == []
    # The next day's run still skips it: the hold has no end date.
    assert job(h, five_years + timedelta(days=1))["held"] == [number]

    released = delete(h.center, f"{holds}/{hold['id']}")
    assert released.status_code == 200, released.json
    assert released.json["active"] is False and released.json["released_by"]
    listed = h.center.get(holds).json["items"]
    assert [(x["id"], x["active"]) for x in listed] == [(hold["id"], False)]

    assert job(h, five_years + timedelta(days=2)) == {
        "archived": [],
        "recordings": [],
        "purged": [number],
        "held": [],
    }
    ticket = h.ticket(number)
    assert ticket["requester"] == {"name": MARKER, "phone": MARKER}
    assert [k for k in kinds(ticket) if "legal_hold" in k or "purged" in k] == [
        "legal_hold_placed",
        "legal_hold_released",
        "personal_data_purged",
    ]
    assert len(purge_rows(h, number)) == 1


def test_legal_holds_refuse_bad_input_and_other_roles(gx: Hotline) -> None:
    h = gx
    number = closed(h)
    holds = f"/api/v1/tickets/{number}/legal-holds"
    assert_error(h.center.post(holds, json={}), 422, "validation_error", "reason")
    assert_error(h.center.post(holds, json={"reason": "   "}), 422, "validation_error", "reason")
    assert_error(
        h.center.post(holds, json={"reason": "x", "until": "2030"}),
        422,
        "validation_error",
        "until",
    )
    assert_error(h.unit.post(holds, json={"reason": "x"}), 403, "forbidden")
    assert_error(h.supervisor.post(holds, json={"reason": "x"}), 403, "forbidden")
    assert_error(h.unit.get(holds), 403, "forbidden")
    assert_error(
        h.center.post("/api/v1/tickets/GX000/legal-holds", json={"reason": "x"}), 404, "not_found"
    )
    assert h.center.get(holds).json["items"] == []  # nothing was half-written

    hold = h.admin.post(holds, json={"reason": "纪检调查"}).json
    other = closed(h)
    assert_error(delete(h.center, f"/api/v1/tickets/{other}/legal-holds/{hold['id']}"), 404,
                 "not_found")  # fmt: skip
    assert_error(delete(h.unit, f"{holds}/{hold['id']}"), 403, "forbidden")
    assert delete(h.center, f"{holds}/{hold['id']}").status_code == 200
    assert_error(delete(h.center, f"{holds}/{hold['id']}"), 409, "conflict")


def test_nothing_is_archived_before_its_period_and_the_archive_reads_as_json_and_pdf(
    gx: Hotline,
) -> None:
    h = gx
    number = closed(h)
    archive = f"/api/v1/tickets/{number}/archive"
    ninety_days = closed_at(h, number) + timedelta(days=90)  # guangxi [retention.archive]
    assert job(h, just_before(ninety_days))["archived"] == []
    assert_error(h.center.get(archive), 404, "not_found")

    assert job(h, ninety_days)["archived"] == [number]
    assert "ticket_archived" in kinds(h.ticket(number))
    response = h.center.get(archive)
    assert response.status_code == 200, response.json
    body = response.json
    document = body["document"]
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert body["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert (body["ticket_number"], document["number"]) == (number, number)
    # Everything the ticket holds: its fields, history, messages, satisfaction …
    assert document["ticket"]["content"] == NOISE and document["ticket"]["status"] == "closed"
    assert document["ticket"]["current_unit"] == "ZJJ"
    history = [e["kind"] for e in document["events"]]
    assert history[0] == "ticket_created" and "result_approved" in history
    assert document["satisfaction"]["satisfaction"] == "satisfied"
    assert {m["kind"] for m in document["messages"]} >= {"ticket_dispatched"}
    # … but not the requester, who is shown beside it while the ticket keeps them.
    assert "13800001234" not in canonical and "张三" not in canonical
    assert body["requester"] == {
        "name": "张三",
        "phone": "13800001234",
        "address": "利州区东坝街道滨河路1号",
    }
    assert body["purged_at"] is None and body["legal_holds"] == []

    pdf = h.center.get(body["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    for expected in ("12345热线工单归档摘要", number, "办理过程", "投诉", body["sha256"][:16]):
        assert expected in text, expected
    assert "13800001234" not in text

    # Units, supervisors and the auditor do not read archives; every read is an export.
    for caller in (h.unit, h.supervisor, auditor(h)):
        assert_error(caller.get(archive), 403, "forbidden")
        assert_error(caller.get(body["pdf_url"]), 403, "forbidden")
    assert [(endpoint, detail) for _who, endpoint, detail in exports(h, number)] == [
        (f"GET {archive}", {"what": "archive", "format": "json", "requester": True}),
        (f"GET {archive}.pdf", {"what": "archive", "format": "pdf"}),
    ]
    # Archived once: a later run leaves the record as it was.
    assert job(h, ninety_days + timedelta(days=1))["archived"] == []
    assert h.center.get(archive).json["sha256"] == body["sha256"]
