"""The confidential channel in tests (meizhou 第二十一条): a unit's named staff and the
confidential ticket they alone are offered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hotline.directory import add_user
from tests.helpers.api import Caller
from tests.helpers.tickets import ticket_body

if TYPE_CHECKING:
    from tests.conftest import Hotline

SECRET = {"name": "王秘密", "phone": "13912345678"}
MASKED = {"name": "***", "phone": "139****5678"}
# What only the center and the named staff may read of a confidential demand.
SECRET_CONTENT = "举报住建局某科长收受开发商红包，诉求人住滨河路3号"
SECRET_ADDRESS = "利州区东坝街道滨河路3号"


def named_staff(h: Hotline, unit: str = "ZJJ", name: str | None = None) -> Caller:
    """A user of `unit` named for its confidential tickets, as `hotline users add
    --confidential` makes one."""
    who = name or f"secret-{unit.lower()}"
    with h.services.transaction() as session:
        token = add_user(session, who, "unit", unit, confidential=True)
    return Caller(h.unit.client, token, who)


def secret_ticket(h: Hotline, **overrides: Any) -> str:
    """A confidential report registered by the operator; its number."""
    secret = {
        "category": "report",
        "confidential": True,
        "requester": SECRET,
        "content": SECRET_CONTENT,
        "address": SECRET_ADDRESS,
    }
    body = ticket_body(**{**secret, **overrides})
    response = h.operator.post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.json
    return response.json["number"]


def dispatched_secret(h: Hotline, unit: str = "ZJJ", **overrides: Any) -> str:
    """A confidential report the center dispatched to `unit`; its number."""
    number = secret_ticket(h, **overrides)
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": unit})
    return number
