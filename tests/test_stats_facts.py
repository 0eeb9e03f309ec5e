"""Ticket facts: kept current with each event, equal to a recomputation from history."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import select

from hotline.models.stats import TicketFact
from hotline.policy import load_profile, shipped_profile
from hotline.stats import generate_month, recompute
from hotline.stats.rows import row_values
from tests.conftest import Hotline
from tests.helpers.clock import at, move_clock
from tests.helpers.tickets import DONE, RETURN_TO_LZQ, dispatched, joint_ticket

OBJECT = {"outcome": "objection", "objection_reason": "不属我局职责"}
PART_DONE = {"outcome": "done", "findings": "属实", "opinion": "已整改"}


def facts(h: Hotline) -> list[dict[str, Any]]:
    """Every fact row (without its id), in ticket and sequence order."""
    with h.services.transaction() as session:
        rows = session.scalars(select(TicketFact).order_by(TicketFact.ticket_id, TicketFact.seq))
        return [row_values(r) for r in rows]


def recomputed(h: Hotline) -> list[dict[str, Any]]:
    with h.services.transaction() as session:
        recompute(session)
    return facts(h)


def varied_history(h: Hotline) -> dict[str, str]:
    """Tickets through the real API: return and redispatch, extension, overdue, rehandle,
    joint, a repeat caller, an answer at triage."""
    closed = dispatched(h)
    h.unit.complete(closed, "acknowledge", {"contacted": True})
    h.unit.complete(closed, "handle", DONE)
    h.center.complete(closed, "review", {"approved": True})
    h.center.complete(closed, "callback", {"satisfaction": "satisfied"})

    returned = dispatched(h)
    h.unit.complete(returned, "acknowledge", {"contacted": True})
    h.unit.complete(returned, "handle", RETURN_TO_LZQ)
    h.center.complete(returned, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    h.other_unit.complete(returned, "acknowledge", {"contacted": True})
    h.other_unit.complete(
        returned,
        "handle",
        {"outcome": "extension", "extension_reason": "需现场勘查", "requester_told": True},
    )
    h.center.complete(returned, "approve_extension", {"approved": True})

    joint = joint_ticket(h, units="ZJJ,HBJ")  # the same caller again: a possible repeat
    h.third_unit.complete(joint, "acknowledge_part", {"contacted": True})
    h.unit.complete(joint, "acknowledge_part", {"contacted": True})
    h.third_unit.complete(joint, "handle_part", PART_DONE)
    h.unit.complete(joint, "handle_part", PART_DONE)
    h.unit.complete(joint, "merge", {"basis": "b", "findings": "f", "reply": "r"})
    h.center.complete(joint, "review", {"approved": True})
    h.center.complete(joint, "callback", {"satisfaction": "unsatisfied", "reasonable": True})
    h.unit.complete(joint, "handle", DONE)
    h.center.complete(joint, "review", {"approved": True})
    h.center.complete(joint, "callback", {"satisfaction": "basically_satisfied"})

    answered = h.new_ticket(requester={"name": "李四", "phone": "13900000001"})["number"]
    h.center.complete(answered, "triage", {"disposition": "answer", "answer": "已答复"})
    late = dispatched(h)
    move_clock(h, "2026-11-23 10:00")  # the acknowledge limit (30 min) has passed
    h.unit.complete(late, "acknowledge", {"contacted": True})
    move_clock(h, "2026-12-01 09:00")  # past every due time: the open tickets are overdue
    return {"closed": closed, "returned": returned, "joint": joint, "late": late}


def test_incremental_facts_equal_a_recomputation(hotline: Hotline) -> None:
    h = hotline
    numbers = varied_history(h)
    incremental = facts(h)
    assert incremental == recomputed(h)
    by_ticket: dict[int, list[dict[str, Any]]] = {}
    for row in incremental:
        by_ticket.setdefault(row["ticket_id"], []).append(row)
    rows = list(by_ticket.values())
    closed, returned, joint, answered, late = rows
    assert [(r["unit"], r["outcome"], r["satisfaction"]) for r in closed] == [
        ("ZJJ", "closed", "satisfied")
    ]
    assert closed[0]["handled_on_time"] and closed[0]["acknowledged_on_time"]
    assert [(r["unit"], r["returned"], r["outcome"]) for r in returned] == [
        ("ZJJ", True, "returned"),
        ("LZQ", False, None),
    ]
    assert returned[1]["extended"] == 1 and returned[1]["overdue"]
    assert [(r["unit"], r["role"], r["principal"]) for r in joint] == [
        ("ZJJ", "lead", True),
        ("HBJ", "assisting", False),
    ]
    assert joint[0]["rehandled"] == 1 and joint[0]["repeat"]
    assert {r["satisfaction"] for r in joint} == {"basically_satisfied"}
    assert [(r["unit"], r["outcome"], r["closed"]) for r in answered] == [(None, "answered", True)]
    assert not late[0]["acknowledged_on_time"] and late[0]["acknowledge_working_seconds"] == 3600
    assert len(numbers) == 4


def test_a_generated_month_equals_its_recomputation(hotline: Hotline) -> None:
    with hotline.services.transaction() as session:
        made = generate_month(session, shipped_profile("guangyuan"), "2026-10")
    assert len(made.numbers) == 20 and made.facts == 23
    generated = facts(hotline)
    assert len(generated) == 23
    assert recomputed(hotline) == generated


def test_the_cli_recomputes_and_shows(hotline: Hotline, run: Any) -> None:
    with hotline.services.transaction() as session:
        generate_month(session, shipped_profile("guangyuan"), "2026-10")
    before = facts(hotline)
    result = run("stats", "recompute")
    assert result.exit_code == 0, result.output
    assert "23 facts from 20 tickets" in result.output
    assert facts(hotline) == before
    shown = run("stats", "show", "--month", "2026-10", "--by", "unit")
    assert shown.exit_code == 0, shown.output
    lines = [json.loads(line) for line in shown.output.splitlines()]
    assert [(g["key"], g["received"]) for g in lines] == [
        ("HBJ", 4),
        ("LZQ", 6),
        ("ZJJ", 11),
        (None, 2),
    ]
    bad = run("stats", "show", "--month", "October")
    assert bad.exit_code == 2 and "--month" in bad.output


def other_paths(h: Hotline) -> list[str]:
    """A dispatch objection reassigned, a joint part returned and reassigned, a government
    decision redirecting a ticket, a repeat merged, a ticket declined."""
    extras = h.services.runtime.extras
    # meizhou 第十六条 lets a joint unit return its part (guangyuan 第十二条(三) does not).
    meizhou = load_profile("meizhou").returns
    extras["profile"] = dataclasses.replace(extras["profile"], returns=meizhou)  # type: ignore[index]
    objected = dispatched(h)
    h.unit.complete(objected, "acknowledge", {"contacted": True})
    h.unit.complete(objected, "handle", OBJECT)
    h.center.complete(
        objected, "coordinate_objection", {"decision": "reassign", "unit": "LZQ", "comment": "属地"}
    )
    h.other_unit.complete(objected, "acknowledge", {"contacted": True})
    h.other_unit.complete(objected, "handle", DONE)

    joint = joint_ticket(h, units="ZJJ,HBJ")
    h.third_unit.complete(joint, "acknowledge_part", {"contacted": True})
    h.third_unit.complete(joint, "handle_part", {"outcome": "return", "return_reason": "无关"})
    h.center.complete(joint, "reassign_part", {"decision": "reassign", "unit": "LZQ"})
    h.other_unit.complete(joint, "acknowledge_part", {"contacted": True})

    redirected = dispatched(h)
    escalate = {"level": "government_review", "reason": "久拖未决"}
    response = h.supervisor.post(f"/api/v1/tickets/{redirected}/escalations", json=escalate)
    assert response.status_code == 201, response.json
    decision = {"instruction": "由生态环境局办理", "unit": "HBJ", "due_at": at("2026-12-18 18:00")}
    h.leader.complete(redirected, "government_review", decision)
    h.third_unit.complete(redirected, "acknowledge", {"contacted": True})

    merged = h.new_ticket()["number"]
    h.center.complete(merged, "triage", {"disposition": "merge", "merge_into": redirected})
    declined = h.new_ticket()["number"]
    h.center.complete(
        declined, "triage", {"disposition": "decline", "decline_reason": "非热线事项"}
    )
    return [objected, joint, redirected, merged, declined]


def test_objections_parts_and_redirections_fold_alike(hotline: Hotline) -> None:
    h = hotline
    other_paths(h)
    incremental = facts(h)
    assert incremental == recomputed(h)
    rows = [(r["ticket_id"], r["unit"], r["role"], r["outcome"]) for r in incremental]
    assert rows == [
        (1, "ZJJ", "single", "reassigned"),  # the objection moved it on
        (1, "LZQ", "single", None),
        (2, "ZJJ", "lead", None),
        (2, "HBJ", "assisting", "returned"),
        (2, "LZQ", "assisting", None),
        (3, "ZJJ", "single", "redirected"),
        (3, "HBJ", "single", None),
        (4, None, "none", "merged"),
        (5, None, "none", "declined"),
    ]
    lzq_part = incremental[4]
    assert lzq_part["acknowledged_at"] is not None and not lzq_part["principal"]
    assert incremental[6]["due_at"] is not None and incremental[6]["acknowledged_on_time"]
