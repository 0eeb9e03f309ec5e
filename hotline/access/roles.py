"""Role sets and units: the only place roles are listed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    exists,
    true,
)
from sqlalchemy.orm import aliased

from hotline.actors import Actor
from hotline.models import (
    Ticket,
    User,
)
from hotline.statuses import ROLES as ROLES  # re-exported: every role, for callers of access
from hotline.statuses import Role

# -- role sets: the only place roles are listed ----------------------------------------------

ADMIN_ROLES = (Role.ADMIN,)  # deploy diagrams, migrate instances, set the manual clock
INTAKE_ROLES = (Role.OPERATOR, Role.CENTER, Role.ADMIN)
# Repeats name other tickets by phone or content: only those who triage or oversee see them.
REPEAT_READERS = (Role.OPERATOR, Role.CENTER, Role.SUPERVISOR, Role.ADMIN)
PROCESS_READERS = (Role.ADMIN, Role.CENTER)
ESCALATING_ROLES = (Role.CENTER, Role.SUPERVISOR, Role.ADMIN)
# Who reads every escalation; units read their own, the leader those of tickets brought to it.
ESCALATION_READERS = (Role.CENTER, Role.SUPERVISOR, Role.AUTHORITY, Role.ADMIN)
QUESTION_ASKERS = (Role.CENTER, Role.ADMIN)
QUESTION_READERS = (Role.CENTER, Role.SUPERVISOR, Role.ADMIN)
# Who reads every unit's articles; unit users read their own unit's only.
KNOWLEDGE_READERS = (Role.OPERATOR, Role.CENTER, Role.SUPERVISOR, Role.AUTHORITY, Role.ADMIN)
# Who writes and submits for any unit; unit users write for their own unit only.
KNOWLEDGE_EDITORS = (Role.CENTER, Role.ADMIN)
UNIT_ROLE = Role.UNIT  # users of one handling unit: they see only what concerns that unit
LEADER_ROLE = Role.LEADER  # sees only tickets brought to it (a task offered to `leader`)
# Who reads and exports the access audit; the auditor reads nothing else (no tickets).
AUDIT_READERS = (Role.AUDITOR,)
# Who may claim every task, and who claims tasks offered to no group.
CLAIMS_EVERY_TASK = (Role.ADMIN,)
CLAIMS_UNOFFERED = (Role.CENTER,)
# Who reads a confidential ticket's requester besides the unit's named staff: the center that
# took the call (meizhou 第二十条: 话务员…予以保密). Admins run the service, not its cases.
CONFIDENTIAL_REQUESTER_READERS = (Role.OPERATOR, Role.CENTER)
# Who opens the approvals page (延期审批, 退单, 派单异议) of the web workplace: the center, and
# the authority, which approves extensions where the profile says so (meizhou 第十五条) and
# designates the unit after a second objection.
CENTER_DESK_ROLES = (Role.CENTER, Role.AUTHORITY, Role.ADMIN)


# -- roles and units -------------------------------------------------------------------------


def is_unit_user(actor: Actor) -> bool:
    """Whether the actor works for one handling unit and sees only that unit's matters."""
    return actor.role == UNIT_ROLE


def may_filter_unit(actor: Actor, unit: str | None) -> bool:
    """Whether the actor may ask for `unit`'s rows: a unit user only for its own."""
    return not is_unit_user(actor) or unit in (None, actor.unit_code)


def groups(actor: Actor) -> set[str]:
    """Candidate groups: the role, `unit:<code>` for units, `unit_reviewer:<code>` too."""
    found = {actor.role}
    if actor.unit_code:
        found.add(f"unit:{actor.unit_code}")
        if actor.reviewer:
            found.add(f"unit_reviewer:{actor.unit_code}")
    return found


def sees_confidential(actor: Actor) -> bool:
    """Whether confidential tickets may reach the actor: a unit's named staff, never the unit
    at large (meizhou 第二十一条: 专门的保密渠道、指定专门的工作人员); other roles as any."""
    return not is_unit_user(actor) or actor.confidential


def not_confidential(ticket_id: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """SQL: the ticket `ticket_id` names (None: no ticket) is not a confidential one."""
    secret = aliased(Ticket)  # its own alias: the outer query may join `tickets` itself
    return ~exists().where(secret.id == ticket_id, secret.confidential.is_(True))


def notified_unit_users(confidential: bool) -> ColumnElement[bool]:
    """SQL on `users` of a unit: who gets its in-app notices about a ticket that is
    `confidential` or not (its named staff only, as its tasks)."""
    return User.confidential.is_(True) if confidential else true()
