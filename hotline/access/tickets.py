"""Tasks, tickets, the audit and attachments: who sees and takes what."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)

from hotline.access.roles import (
    ADMIN_ROLES,
    AUDIT_READERS,
    CLAIMS_EVERY_TASK,
    CLAIMS_UNOFFERED,
    CONFIDENTIAL_REQUESTER_READERS,
    INTAKE_ROLES,
    LEADER_ROLE,
    REPEAT_READERS,
    groups,
    is_unit_user,
    not_confidential,
    sees_confidential,
)
from hotline.actors import Actor
from hotline.attachment_types import Kind, Purpose
from hotline.errors import Forbidden
from hotline.models import (
    JointPart,
    Ticket,
    UserTask,
)
from hotline.models.attachments import Attachment
from hotline.statuses import ROLES as ROLES  # re-exported: every role, for callers of access
from hotline.statuses import PartStatus

# -- tasks: one claim rule, read by the Python check and the inbox SQL ------------------------


@dataclass(frozen=True)
class ClaimRule:
    """Which tasks an actor may claim; `may_claim` and `task_scope` both read it."""

    every_task: bool  # any task, whatever it is offered to
    unoffered: bool  # tasks offered to no group at all
    groups: frozenset[str]  # tasks offered to one of these (comma-separated candidate groups)
    confidential: bool  # tasks of confidential tickets too (False: a unit's unnamed users)


def claim_rule(actor: Actor) -> ClaimRule:
    """The actor's claim rule."""
    return ClaimRule(
        every_task=actor.role in CLAIMS_EVERY_TASK,
        unoffered=actor.role in CLAIMS_UNOFFERED,
        groups=frozenset(groups(actor)),
        confidential=sees_confidential(actor),
    )


def may_claim(actor: Actor, candidate_group: str | None, confidential: bool = False) -> bool:
    """Whether a task offered to `candidate_group` (comma-separated), of a ticket that is
    `confidential` or not, is the actor's."""
    rule = claim_rule(actor)
    if confidential and not rule.confidential:
        return False
    if rule.every_task:
        return True
    if not candidate_group:
        return rule.unoffered
    # Spaces are dropped as the SQL form drops them: "a, b" and "a,b" offer the same groups.
    return bool(set(candidate_group.replace(" ", "").split(",")) & rule.groups)


def task_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL twin of `may_claim` over `user_tasks`: the tasks offered to the actor."""
    rule = claim_rule(actor)
    if rule.every_task:
        offered: ColumnElement[bool] = true()
    else:
        padded = literal(",") + func.replace(UserTask.candidate_group, " ", "") + literal(",")
        # autoescape: "_" and "%" in unit codes are literal, not LIKE wildcards.
        conditions = [padded.contains(f",{g},", autoescape=True) for g in sorted(rule.groups)]
        if rule.unoffered:
            conditions.append(
                or_(UserTask.candidate_group.is_(None), UserTask.candidate_group == "")
            )
        offered = or_(*conditions)
    return offered if rule.confidential else and_(offered, not_confidential(UserTask.ticket_id))


# -- tickets ---------------------------------------------------------------------------------


def ticket_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `tickets`: the tickets the actor may see.

    A unit sees those it holds and joint tickets it has a part in, confidential ones only its
    named staff (`sees_confidential`); the leader role only tickets brought to it (a
    leader_instruction or government_review task); others all.
    """
    if is_unit_user(actor):
        has_part = exists().where(
            JointPart.ticket_id == Ticket.id,
            JointPart.unit_code == actor.unit_code,
            JointPart.status != PartStatus.CANCELLED,
        )
        held = or_(Ticket.current_unit == actor.unit_code, and_(Ticket.joint.is_(True), has_part))
        return held if sees_confidential(actor) else and_(held, Ticket.confidential.is_(False))
    if actor.role == LEADER_ROLE:
        return exists().where(
            UserTask.ticket_id == Ticket.id, UserTask.candidate_group == LEADER_ROLE
        )
    if actor.role in AUDIT_READERS:
        return false()  # the auditor reads who accessed tickets, not the tickets
    return true()


def may_register(actor: Actor) -> bool:
    """Whether the actor registers tickets (intake): operators, the center and admins."""
    return actor.role in INTAKE_ROLES


def sees_repeats(actor: Actor) -> bool:
    """Whether the actor sees possible repeats (they name other tickets by phone or content)."""
    return actor.role in REPEAT_READERS


def may_report_milestone(actor: Actor, ticket: Ticket) -> bool:
    """Whether the actor reports the ticket's milestones: its handling unit, or an admin."""
    if actor.role in ADMIN_ROLES:
        return True
    return is_unit_user(actor) and actor.unit_code == ticket.current_unit


def mask_phone(phone: str) -> str:
    """138****5678 for mobiles; only the last 4 digits of shorter numbers."""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) >= 11:
        return "".join(digits[:3]) + "****" + "".join(digits[-4:])
    return "****" + "".join(digits[-4:]) if len(digits) >= 8 else "****"


def reads_confidential_requester(actor: Actor) -> bool:
    """Whether the actor reads a confidential ticket's requester in clear: the center, and a
    unit's named staff, who reach only their own unit's tickets (`ticket_scope`)."""
    return actor.role in CONFIDENTIAL_REQUESTER_READERS or (
        is_unit_user(actor) and actor.confidential
    )


def requester_shown(ticket: Ticket, actor: Actor) -> dict[str, str]:
    """The requester's name and phone as the actor may see them.

    On a confidential ticket masked for all but the center and the unit's named staff:
    supervisors, leaders, the authority and admins oversee the work, not the person
    (meizhou 第二十条, 第二十一条; guangyuan 第二十二条 严禁泄露诉求人信息; guangxi 第二十二条).
    """
    if ticket.confidential and not reads_confidential_requester(actor):
        return {"name": "***", "phone": mask_phone(ticket.requester_phone)}
    return {"name": ticket.requester_name, "phone": ticket.requester_phone}


def address_shown(ticket: Ticket, actor: Actor) -> str | None:
    """The ticket's address as the actor may see it: masked with the requester on a
    confidential ticket, since where the matter is is often where the requester lives."""
    if ticket.confidential and ticket.address and not reads_confidential_requester(actor):
        return "***"
    return ticket.address


# -- the access audit ------------------------------------------------------------------------


def may_read_audit(actor: Actor) -> bool:
    """Whether the actor reads and exports the access audit: the auditor only."""
    return actor.role in AUDIT_READERS


# -- attachments (15-D fills this section) ----------------------------------------------------

# Who attaches files with the matter to any ticket they see (purpose intake): the center's
# intake. Call recordings are the center's own too: it takes and makes the calls (guangyuan
# 第十四条, guangxi 第二十八条 keep them). A unit attaches photos and documents to its reply.
ATTACHING_INTAKE = INTAKE_ROLES
RECORDING_UPLOADERS = INTAKE_ROLES


def attachment_purpose(
    actor: Actor, ticket: Ticket, kind: str | None, *, holds_part: bool
) -> Purpose:
    """Why the actor attaches a `kind` file (None: not known yet) to a ticket it sees:
    intake for intake roles, reply for the unit holding the ticket or a live joint part of it
    (`holds_part`); Forbidden for anyone else."""
    if actor.role in ATTACHING_INTAKE:
        return Purpose.INTAKE
    holds = is_unit_user(actor) and (actor.unit_code == ticket.current_unit or holds_part)
    if not holds:
        raise Forbidden("only the center's intake and the unit handling the ticket attach files")
    if kind == Kind.RECORDING and actor.role not in RECORDING_UPLOADERS:
        raise Forbidden("call recordings are attached by the center and its operators")
    return Purpose.REPLY


def attachment_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `attachments`: exactly those of the tickets the actor sees."""
    visible = select(Ticket.id).where(ticket_scope(actor)).correlate(None)
    return Attachment.ticket_id.in_(visible)
