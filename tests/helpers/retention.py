"""Retention in tests: closed tickets, the daily job run by hand, where a value is stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from werkzeug.test import TestResponse

from hotline.directory import add_user
from hotline.models import Base
from hotline.models.audit import AuditRecord
from scheduler.retention import run_retention
from tests.helpers.api import Caller
from tests.helpers.clock import move_clock
from tests.helpers.sms import at_callback

if TYPE_CHECKING:
    from tests.conftest import Hotline

MARKER = "（已清除）"


def closed(h: Hotline, **ticket: Any) -> str:
    """A complaint handled by ZJJ and closed satisfied at the center's callback; its number."""
    number = at_callback(h, **ticket)
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    assert h.ticket(number)["status"] == "closed"
    return number


def closed_at(h: Hotline, number: str) -> datetime:
    """When the ticket closed (aware)."""
    return datetime.fromisoformat(h.ticket(number)["closed_at"])


def job(h: Hotline, when: datetime) -> dict[str, list[str]]:
    """Move the service clock to `when` (forward) and run the daily job as the scheduler does."""
    move_clock(h, when)
    report = run_retention(h.services)
    return {
        "archived": report.archived,
        "recordings": report.recordings,
        "purged": report.purged,
        "held": report.held,
    }


def years_after(instant: datetime, years: int) -> datetime:
    """The same instant `years` calendar years later."""
    return instant.replace(year=instant.year + years)


def just_before(instant: datetime) -> datetime:
    """A minute before `instant`."""
    return instant - timedelta(minutes=1)


def delete(caller: Caller, url: str) -> TestResponse:
    """DELETE with the caller's token."""
    return caller.client.delete(url, headers={"Authorization": f"Bearer {caller.token}"})


def tables_holding(h: Hotline, text: str) -> list[str]:
    """`table.column` of every stored value containing `text`, as the service reads them."""
    found = []
    with h.services.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                found += [
                    f"{table.name}.{name}"
                    for name, value in row.items()
                    if value is not None and text in str(value)
                ]
    return sorted(set(found))


def purge_rows(h: Hotline, number: str) -> list[dict[str, Any]]:
    """The purge rows of the access audit about ticket `number`: actor, role, detail."""
    with h.services.transaction() as session:
        rows = session.scalars(
            select(AuditRecord)
            .where(AuditRecord.ticket_number == number, AuditRecord.action == "purge")
            .order_by(AuditRecord.id)
        )
        return [{"actor": r.actor_name, "role": r.role, **r.detail} for r in rows]


def auditor(h: Hotline) -> Caller:
    """A user with the auditor role (it reads the access audit, not tickets)."""
    with h.services.transaction() as session:
        token = add_user(session, "审计员", "auditor")
    return Caller(h.center.client, token, "审计员")


def exports(h: Hotline, number: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The export rows of the access audit about ticket `number`: who, endpoint, detail."""
    with h.services.transaction() as session:
        rows = session.scalars(
            select(AuditRecord)
            .where(AuditRecord.ticket_number == number, AuditRecord.action == "export")
            .order_by(AuditRecord.id)
        )
        return [(r.actor_name, r.endpoint or "", r.detail) for r in rows]


def audit_actions(h: Hotline, number: str) -> list[str]:
    """The actions of the access audit's rows about ticket `number`, oldest first."""
    with h.services.transaction() as session:
        return list(
            session.scalars(
                select(AuditRecord.action)
                .where(AuditRecord.ticket_number == number)
                .order_by(AuditRecord.id)
            )
        )
