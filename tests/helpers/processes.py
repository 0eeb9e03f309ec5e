"""Process instances as stored: which diagram version a ticket's instance runs on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from hotline.models import ProcessDefinition, ProcessInstance, Ticket

if TYPE_CHECKING:
    from tests.conftest import Hotline


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
