"""Which reads the access audit records: a requester shown in clear is a read, a masked one is
not; every open of a confidential ticket is; a same-phone repeat reads the other ticket's
phone (guangyuan 第二十二条 访问查询…全过程安全管理; meizhou 第二十一条)."""

from __future__ import annotations

import csv
import io
from typing import Any

from hotline.directory import add_user
from tests.conftest import Hotline
from tests.helpers.api import Caller
from tests.helpers.audit import audit_rows, auditor
from tests.helpers.confidential import MASKED, dispatched_secret, named_staff


def _rows(reader: Caller, **query: Any) -> list[tuple[str, str, str | None, str]]:
    """(who, action, ticket, endpoint) of the rows `query` selects, oldest first, without the
    auditor's own reads."""
    rows = [r for r in audit_rows(reader, **query) if r["role"] != "auditor"]
    return [
        (r["actor_name"], r["action"], r["ticket_number"], r["endpoint"]) for r in reversed(rows)
    ]


def test_a_masked_requester_is_no_read_but_opening_a_confidential_ticket_is(
    hotline: Hotline,
) -> None:
    h = hotline
    secret = dispatched_secret(h)  # registered by the operator, who reads it in clear
    staff = named_staff(h)
    reader = auditor(h)
    before = _rows(reader)
    assert before == [
        ("demo-operator", "open_confidential", secret, "POST /api/v1/tickets"),
        ("demo-operator", "read_requester", secret, "POST /api/v1/tickets"),
    ]
    url = f"/api/v1/tickets/{secret}"

    for masked in (h.supervisor, h.admin):
        shown = masked.get(url).json
        assert shown["requester"] == MASKED
        listed = masked.get("/api/v1/tickets").json["items"]
        assert [t["requester"] for t in listed] == [MASKED]
    assert h.unit.get(url).status_code == 404  # ZJJ at large: not even opened
    assert staff.get(url).json["requester"] != MASKED  # the named staff read it in clear
    assert _rows(reader)[len(before) :] == [
        ("demo-supervisor", "open_confidential", secret, f"GET {url}"),
        ("demo-admin", "open_confidential", secret, f"GET {url}"),
        ("secret-zjj", "open_confidential", secret, f"GET {url}"),
        ("secret-zjj", "read_requester", secret, f"GET {url}"),
    ]


def test_a_list_records_one_read_per_ticket_shown_in_clear(hotline: Hotline) -> None:
    h = hotline
    plain = [
        h.new_ticket(requester={"name": f"张{n}", "phone": f"1350000{n:04d}"})["number"]
        for n in range(3)
    ]
    secret = dispatched_secret(h)
    reader = auditor(h)
    before = len(_rows(reader))
    page = h.supervisor.get("/api/v1/tickets", query_string={"per_page": 2}).json
    assert page["total"] == 4 and len(page["items"]) == 2
    shown = [t["number"] for t in page["items"]]
    assert secret in shown  # newest first: masked for the supervisor, so no read
    assert _rows(reader)[before:] == [
        ("demo-supervisor", "read_requester", number, "GET /api/v1/tickets")
        for number in shown
        if number != secret
    ]
    assert set(shown) - {secret} <= set(plain)


def test_a_same_phone_repeat_reads_the_other_tickets_phone(hotline: Hotline) -> None:
    h = hotline
    caller = {"name": "赵六", "phone": "13600006666"}
    first = h.new_ticket(requester=caller)["number"]
    second = h.new_ticket(requester=caller)["number"]
    other = h.new_ticket(requester={"name": "钱七", "phone": "13600007777"})["number"]
    reader = auditor(h)
    before = len(_rows(reader))

    repeats = h.center.get(f"/api/v1/tickets/{second}/repeats").json["possible_repeats"]
    reasons = {r["number"]: r["reason"] for r in repeats}
    assert reasons[first] == "same_phone"
    assert reasons.get(other) in (None, "similar_content")  # another phone reads nothing
    url = f"/api/v1/tickets/{second}/repeats"
    rows = [r for r in audit_rows(reader, ticket=first) if r["endpoint"] == f"GET {url}"]
    assert [(r["actor_name"], r["action"], r["detail"]) for r in rows] == [
        ("demo-center", "read_requester", {"fields": ["phone"], "same_phone_as": second})
    ]
    assert _rows(reader)[before:] == [("demo-center", "read_requester", first, f"GET {url}")]
    # A unit is refused the repeats view: nothing read, nothing recorded.
    h.center.complete(second, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    assert h.unit.get(url).status_code == 403
    assert len(_rows(reader)) == before + 1


def test_a_name_written_as_a_formula_does_not_run_in_the_csv(hotline: Hotline) -> None:
    h = hotline
    number = h.new_ticket()["number"]
    with h.services.transaction() as session:
        token = add_user(session, '=HYPERLINK("http://evil.example","x")', "center")
    Caller(h.app.test_client(), token, "formula").get(f"/api/v1/tickets/{number}")
    reader = auditor(h)
    response = reader.get("/api/v1/audit", query_string={"format": "csv", "role": "center"})
    table = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["actor_name"] for r in table] == ['\'=HYPERLINK("http://evil.example","x")']
    # The API's JSON keeps the name as it is.
    assert audit_rows(reader, role="center")[0]["actor_name"].startswith("=HYPERLINK")
