"""The access audit over HTTP: every read of a requester, every confidential ticket opened and
every export leaves one row the auditor reads (guangyuan 第二十二条, meizhou 第二十一条), and
nothing else writes to it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hotline.audit import CSV_COLUMNS as CSV_HEADER
from hotline.directory import add_user
from tests.conftest import Hotline
from tests.helpers.api import Caller, assert_error
from tests.helpers.attachments import upload, wav
from tests.helpers.audit import audit_rows, auditor, user_id
from tests.helpers.clock import local, move_clock
from tests.helpers.tickets import ticket_body

REQUESTER = {"name": "李四", "phone": "13912345678"}
CLIENT = "127.0.0.1"  # the Flask test client's address


class Walk:
    """The reads a walk through the API made, as the audit should list them (oldest first)."""

    def __init__(self, h: Hotline) -> None:
        self.h = h
        self.now = "2026-11-23 09:00"  # the manual clock's start, Shanghai
        self.expected: list[dict[str, Any]] = []

    def move(self, when: str) -> None:
        """Move the service clock to `when` (Shanghai wall time)."""
        move_clock(self.h, when)
        self.now = when

    def row(
        self, caller: Caller, action: str, number: str | None, endpoint: str, **detail: Any
    ) -> None:
        """Expect one row of `caller`, at the clock's time, from the test client."""
        self.expected.append(
            {
                "at": self.now,
                "actor_name": caller.name,
                "action": action,
                "ticket_number": number,
                "endpoint": endpoint,
                "detail": detail,
                "client": CLIENT,
            }
        )

    def shown(self, caller: Caller, ticket: dict[str, Any], endpoint: str) -> None:
        """Expect read_requester when the response shows the requester in clear."""
        clear = [f for f in ("name", "phone") if ticket["requester"][f] == REQUESTER[f]]
        if clear:
            self.row(caller, "read_requester", ticket["number"], endpoint, fields=clear)

    def opened(self, caller: Caller, ticket: dict[str, Any], endpoint: str) -> None:
        """Expect a detail's rows: confidential opened, requester, same-phone repeats."""
        if ticket["confidential"]:
            self.row(caller, "open_confidential", ticket["number"], endpoint)
        self.shown(caller, ticket, endpoint)
        if ticket["requester"]["phone"] == REQUESTER["phone"]:
            for repeat in ticket.get("possible_repeats", []):
                if repeat["reason"] == "same_phone":
                    self.row(
                        caller,
                        "read_requester",
                        repeat["number"],
                        endpoint,
                        fields=["phone"],
                        same_phone_as=ticket["number"],
                    )


def test_an_auditor_sees_every_read_of_a_walk_and_nothing_else(hotline: Hotline, cli) -> None:
    h, walk = hotline, Walk(hotline)
    with h.services.transaction() as session:
        token = add_user(session, "zjj-confidential", "unit", "ZJJ", confidential=True)
    named = Caller(h.app.test_client(), token, "zjj-confidential")
    reader = auditor(h)

    # Registered: the operator sees the requester it typed in, in clear.
    response = h.operator.post("/api/v1/tickets", json=ticket_body(requester=REQUESTER))
    plain = response.json
    walk.opened(h.operator, plain, "POST /api/v1/tickets")
    # A confidential one with the same phone: opened, and the same-phone repeat names the first.
    walk.move("2026-11-23 09:10")
    secret = h.center.post(
        "/api/v1/tickets", json=ticket_body(requester=REQUESTER, confidential=True)
    ).json
    assert secret["confidential"] is True
    walk.opened(h.center, secret, "POST /api/v1/tickets")
    # Listed by the center: one row per ticket shown in clear.
    walk.move("2026-11-23 09:20")
    listed = h.center.get("/api/v1/tickets").json["items"]
    assert {t["number"] for t in listed} == {plain["number"], secret["number"]}
    for ticket in listed:
        walk.shown(h.center, ticket, "GET /api/v1/tickets")
    # Dispatched (no read), then opened by the unit and by its named confidential staff.
    for number in (plain["number"], secret["number"]):
        h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    walk.move("2026-11-23 09:30")
    url = f"/api/v1/tickets/{plain['number']}"
    walk.opened(h.unit, h.unit.get(url).json, f"GET {url}")
    assert h.other_unit.get(url).status_code == 404  # not visible: nothing read, nothing kept
    url = f"/api/v1/tickets/{secret['number']}"
    assert h.unit.get(url).status_code == 404  # ZJJ at large is not named: nothing opened
    opened = named.get(url)
    assert opened.status_code == 200, opened.json
    walk.opened(named, opened.json, f"GET {url}")
    # A call recording attached at intake (no read), downloaded by the unit.
    recording = upload(h.operator, plain["number"], wav(), "来电录音.wav", kind="recording")
    assert recording.status_code == 201, recording.json
    download = recording.json["download_url"]
    assert h.unit.get(download).status_code == 200
    walk.row(
        h.unit,
        "download_attachment",
        plain["number"],
        f"GET {download}",
        attachment_id=recording.json["id"],
        kind="recording",
        filename="来电录音.wav",
    )
    # An export: a bulletin downloaded.
    walk.move("2026-11-23 09:40")
    made = h.center.post("/api/v1/bulletins", json={"period": "2026-10"}).json
    assert h.supervisor.get(made["xlsx_url"]).status_code == 200
    walk.row(
        h.supervisor,
        "export",
        None,
        f"GET {made['xlsx_url']}",
        file="bulletin-guangyuan-2026-10-v1.xlsx",
        bulletin_id=made["id"],
    )
    # Inboxes, tasks and the auditor's own ticket list read no requester.
    h.unit.inbox()
    assert reader.get("/api/v1/tickets").json["total"] == 0

    rows = list(reversed(audit_rows(reader)))
    keys = ("actor_name", "action", "ticket_number", "endpoint", "detail", "client")
    seen = [{"at": local(r["at"]), **{k: r[k] for k in keys}} for r in rows]
    assert seen == walk.expected
    # However the masking rules read, the walk read requesters, opened a secret and exported.
    assert {(e["actor_name"], e["action"]) for e in walk.expected} >= {
        ("demo-operator", "read_requester"),
        ("demo-center", "read_requester"),
        ("demo-unit-zjj", "read_requester"),
        ("zjj-confidential", "open_confidential"),
        ("demo-unit-zjj", "download_attachment"),
        ("demo-supervisor", "export"),
    }
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    roles = {
        "demo-operator": ("operator", None),
        "demo-center": ("center", None),
        "demo-unit-zjj": ("unit", "ZJJ"),
        "zjj-confidential": ("unit", "ZJJ"),
        "demo-supervisor": ("supervisor", None),
    }
    for row in rows:
        assert row["actor_id"] == user_id(h, row["actor_name"]), row
        assert (row["role"], row["unit_code"]) == roles[row["actor_name"]], row

    # The auditor's read is itself recorded, after the rows it showed.
    again = audit_rows(reader)
    assert again[1:] == list(reversed(rows))
    assert again[0]["action"] == "read_audit" and again[0]["actor_name"] == reader.name
    assert (again[0]["role"], again[0]["endpoint"]) == ("auditor", "GET /api/v1/audit")

    verified = cli("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.output.strip() == f"{len(again) + 1} rows, chain intact"


def _reads(h: Hotline) -> dict[str, str]:
    """Rows of several readers, at several times; the ticket numbers by name."""
    first = h.new_ticket()["number"]  # the operator's read at 09:00
    move_clock(h, "2026-11-23 10:00")
    second = h.new_ticket(requester={"name": "王五", "phone": "13700007777"})["number"]
    h.center.complete(first, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    move_clock(h, "2026-11-23 11:00")
    h.unit.get(f"/api/v1/tickets/{first}")
    h.center.get(f"/api/v1/tickets/{second}")
    return {"first": first, "second": second}


def test_filters_narrow_the_audit_and_pages_hold_the_rest(hotline: Hotline) -> None:
    h = hotline
    numbers = _reads(h)
    reader = auditor(h)

    def who(**query: Any) -> list[tuple[str, str | None]]:
        """The rows of the reads above (the auditor's own reads add rows as it goes)."""
        rows = audit_rows(reader, **query)
        return [(r["actor_name"], r["ticket_number"]) for r in rows if r["role"] != "auditor"]

    first, second = numbers["first"], numbers["second"]
    everything = who()
    assert everything == [
        ("demo-center", second),
        ("demo-unit-zjj", first),
        ("demo-operator", second),
        ("demo-operator", first),
    ]
    assert who(actor=user_id(h, "demo-unit-zjj")) == [("demo-unit-zjj", first)]
    assert who(role="operator") == [("demo-operator", second), ("demo-operator", first)]
    assert who(unit="ZJJ") == [("demo-unit-zjj", first)]
    assert who(ticket=first) == [("demo-unit-zjj", first), ("demo-operator", first)]
    assert who(action="export") == []
    assert who(**{"from": "2026-11-23T10:00:00+08:00", "to": "2026-11-23T10:59:59+08:00"}) == [
        ("demo-operator", second)
    ]
    assert who(**{"from": "2026-11-23T03:00:00Z"}) == everything[:2]
    page = reader.get("/api/v1/audit", query_string={"action": "read_requester", "per_page": 3,
                                                     "page": 2}).json  # fmt: skip
    assert (page["total"], page["page"], page["per_page"]) == (4, 2, 3)
    assert [(r["actor_name"], r["ticket_number"]) for r in page["items"]] == everything[3:]


def test_bad_filters_are_refused_naming_the_field(hotline: Hotline) -> None:
    reader = auditor(hotline)
    bad = {
        "to": {"from": "2026-11-23T10:00:00+08:00", "to": "2026-11-23T09:00:00+08:00"},
        "from": {"from": "2026-11-23 10:00"},  # no offset
        "action": {"action": "peek"},
        "role": {"role": "visitor"},
        "actor": {"actor": "zjj"},
        "format": {"format": "xlsx"},
        "per_page": {"per_page": 1000},
    }
    for field, query in bad.items():
        assert_error(
            reader.get("/api/v1/audit", query_string=query), 422, "validation_error", field
        )


def test_only_the_auditor_reads_the_audit(hotline: Hotline) -> None:
    h = hotline
    h.new_ticket()
    callers = (h.operator, h.center, h.unit, h.reviewer, h.supervisor, h.leader, h.authority,
               h.admin)  # fmt: skip
    for caller in callers:
        for query in ({}, {"format": "csv"}, {"action": "bogus"}):
            error = assert_error(caller.get("/api/v1/audit", query_string=query), 403, "forbidden")
            assert "auditor" in error["message"], error
    assert h.app.test_client().get("/api/v1/audit").status_code == 401
    # The refusals were not reads: the audit holds the operator's one read of intake.
    assert [r["action"] for r in audit_rows(auditor(h))] == ["read_requester"]


def test_no_method_edits_or_deletes_the_audit(hotline: Hotline) -> None:
    h = hotline
    h.new_ticket()
    reader = auditor(h)
    for method in ("post", "put", "patch", "delete"):
        for url in ("/api/v1/audit", "/api/v1/audit?id=1"):
            response = getattr(reader.client, method)(url, headers=reader._headers(None))
            assert_error(response, 405, "method_not_allowed")
    row = audit_rows(reader)[-1]
    assert row["action"] == "read_requester"
    doc = h.app.test_client().get("/api/openapi.json").json
    assert set(doc["paths"]["/api/v1/audit"]) == {"get"}
    assert not [p for p in doc["paths"] if p.startswith("/api/v1/audit/")]


def test_csv_export_has_a_header_every_matching_row_and_is_itself_recorded(
    hotline: Hotline,
) -> None:
    h = hotline
    numbers = _reads(h)
    reader = auditor(h)
    move_clock(h, "2026-11-23 12:00")
    response = reader.get("/api/v1/audit", query_string={"format": "csv", "role": "operator"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="audit-20261123-120000.csv"'
    )
    table = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [(r["id"], r["actor_name"], r["ticket_number"]) for r in table] == [
        ("1", "demo-operator", numbers["first"]),
        ("2", "demo-operator", numbers["second"]),
    ]  # oldest first, in chain order
    assert list(table[0]) == [*CSV_HEADER]
    assert table[0]["endpoint"] == "POST /api/v1/tickets"
    assert json.loads(table[0]["detail"]) == {"fields": ["name", "phone"]}
    assert table[0]["at"] == "2026-11-23T01:00:00+00:00"
    # Accept: text/csv asks for the same; no filter: every row before this export.
    accepted = reader.get("/api/v1/audit", headers={"Accept": "text/csv"})
    assert accepted.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(accepted.data.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["read_requester"] * 4 + ["read_audit"]
    # Both exports are in the audit, with their filters.
    exports = audit_rows(reader, action="read_audit")
    assert [(r["detail"]["format"], r["detail"]["filters"]) for r in exports] == [
        ("csv", {}),
        ("csv", {"role": "operator"}),
    ]
    assert exports[-1]["endpoint"] == "GET /api/v1/audit"
    assert local(exports[-1]["at"]) == "2026-11-23 12:00"
    # JSON stays the default for a browser's Accept.
    browser = reader.get("/api/v1/audit", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.mimetype == "application/json"


def test_the_auditor_sees_no_tickets(hotline: Hotline) -> None:
    number = hotline.new_ticket()["number"]
    reader = auditor(hotline)
    assert reader.get("/api/v1/tickets").json["total"] == 0
    assert_error(reader.get(f"/api/v1/tickets/{number}"), 404, "not_found")
    assert [r["actor_name"] for r in audit_rows(reader)] == ["demo-operator"]
