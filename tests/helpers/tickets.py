"""Ticket request bodies and the small ticket steps many test files share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.conftest import Hotline

NOISE = "小区夜间施工噪音扰民，晚上十一点后仍在作业"
ACK = {"contacted": True, "note": "已联系诉求人"}
CONTACTED = {"contacted": True}
DISPATCH_ZJJ = {"disposition": "dispatch", "unit": "ZJJ"}
DONE = {
    "outcome": "done",
    "basis": "《城市建筑垃圾管理规定》第十条",
    "findings": "施工单位夜间违规作业属实，已责令停止",
    "reply": "已电话告知诉求人处理结果",
}
# A return as guangyuan 第十三条(二) requires it: 退回理由、依据，提出转送建议.
RETURN_TO_LZQ = {
    "outcome": "return",
    "return_reason": "非本单位职责",
    "suggested_unit": "LZQ",
    "return_basis": "三定方案",
}


def ticket_body(**overrides: Any) -> dict[str, Any]:
    """A valid ticket creation body (a phone complaint about noise) with `overrides` applied."""
    return {
        "channel": "phone",
        "category": "complaint",
        "urgency": "normal",
        "requester": {"name": "张三", "phone": "13800001234"},
        "confidential": False,
        "content": "小区夜间施工噪音扰民",
        "address": "利州区东坝街道滨河路1号",
        "district": "利州区",
        **overrides,
    }


TICKET_BODY = ticket_body()


def events(h: Hotline, number: str, kind: str) -> list[dict[str, Any]]:
    """The ticket's events of one kind, oldest first."""
    return [e for e in h.ticket(number)["events"] if e["kind"] == kind]


def kinds(ticket: dict[str, Any]) -> list[str]:
    """Event kinds of the ticket's history."""
    return [e["kind"] for e in ticket["events"]]


def dispatched(h: Hotline, unit: str = "ZJJ") -> str:
    """A new complaint the center dispatches to `unit`; its number."""
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": unit})
    return number


def joint_ticket(h: Hotline, units: str = "ZJJ,HBJ,LZQ", lead: str = "ZJJ") -> str:
    """A new complaint the center dispatches jointly (会签): `lead` leads, `units` take part."""
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "joint", "lead_unit": lead, "units": units})
    return number


def acknowledged(h: Hotline, data: dict[str, Any] = ACK) -> str:
    """A complaint dispatched to ZJJ and acknowledged there (with `data`); its number."""
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", data)
    return number


def escalations(h: Hotline, **query: str) -> list[dict[str, Any]]:
    """GET /api/v1/escalations as the supervisor, oldest first."""
    response = h.supervisor.get("/api/v1/escalations", query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.json
    return list(reversed(response.json["items"]))
