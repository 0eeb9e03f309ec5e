"""Process versions in tests: which diagram version a ticket's instance runs on, deploying a
changed ticket.bpmn and migrating running tickets to it over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from hotline.models import ProcessDefinition, ProcessInstance, Ticket
from processes.registry import deploy

if TYPE_CHECKING:
    from tests.conftest import Hotline
    from wiring.services import Services

MIGRATIONS_URL = "/api/v1/processes/ticket/migrations"


def version_of(
    hotline: Hotline, number: str, process_id: str = "ticket", running: bool = False
) -> int:
    """The version of `process_id` the ticket's instance is on (only a running one if asked)."""
    query = (
        select(ProcessDefinition.version)
        .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
        .join(Ticket, Ticket.id == ProcessInstance.ticket_id)
        .where(Ticket.number == number, ProcessDefinition.process_id == process_id)
    )
    if running:
        query = query.where(ProcessInstance.status == "running")
    with hotline.services.transaction() as session:
        return session.scalars(query).one()


def ticket_xml(hotline: Hotline) -> str:
    """The deployed v1 of ticket.bpmn."""
    return (hotline.services.settings.bpmn_dir / "ticket.bpmn").read_text(encoding="utf-8")


def deploy_v2(hotline: Hotline, xml: str) -> int:
    """Deploy a changed ticket.bpmn the way a process owner would; its version."""
    with hotline.services.transaction() as session:
        stored = deploy(session, xml.encode("utf-8"), "ticket.bpmn")
    return next(d.version for d in stored if d.process_id == "ticket")


def at_handle(hotline: Hotline) -> str:
    """A ticket dispatched to ZJJ and acknowledged: waiting at handle."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    return number


def migrate(hotline: Hotline, body: dict, expect: int = 200) -> dict:
    """POST a migration as admin; assert the status."""
    response = hotline.admin.post(MIGRATIONS_URL, json=body)
    assert response.status_code == expect, response.json
    return response.json


def by_number(report: dict) -> dict[str, dict]:
    """Report rows by ticket number."""
    return {row["ticket_number"]: row for row in report["instances"]}


def ticket_versions(services: Services) -> list[int]:
    """Stored versions of the ticket process."""
    with services.transaction() as session:
        return list(
            session.scalars(
                select(ProcessDefinition.version)
                .where(ProcessDefinition.process_id == "ticket")
                .order_by(ProcessDefinition.version)
            )
        )
