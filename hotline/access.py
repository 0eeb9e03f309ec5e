"""Who may see or do what: every access decision of the service, in one module.

Views, the inbox query, ticket, escalation, question and knowledge reads all ask these
functions; no other module compares roles. A decision needed both in Python (one row in
hand) and in SQL (a list query) is written once, as a rule, and both forms are read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from hotline.actors import Actor
from hotline.attachment_types import Kind, Purpose
from hotline.errors import Forbidden
from hotline.models import (
    Article,
    Escalation,
    JointPart,
    KnowledgeQuestion,
    Ticket,
    User,
    UserTask,
)
from hotline.models.appeals import Appeal
from hotline.models.attachments import Attachment
from hotline.models.hotspots import HotspotWarning, HotspotWarningUnit
from hotline.statuses import ROLES as ROLES  # re-exported: every role, for callers of access
from hotline.statuses import PartStatus, Role

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


# -- escalations -----------------------------------------------------------------------------


def may_escalate(actor: Actor) -> bool:
    """Whether the actor escalates tickets (督办): the center, supervisors and admins."""
    return actor.role in ESCALATING_ROLES


def escalation_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `escalations` the actor may read; Forbidden for operators and others.

    Units read those against themselves, the leader those of tickets brought to it.
    """
    if actor.role in ESCALATION_READERS:
        return true()
    if is_unit_user(actor):
        own = Escalation.unit_code == actor.unit_code
        # Its reason may retell the matter: the unit at large reads none of a confidential one.
        return (
            own if sees_confidential(actor) else and_(own, not_confidential(Escalation.ticket_id))
        )
    if actor.role == LEADER_ROLE:
        # Tickets brought to the leader, exactly as the ticket list decides it.
        brought = select(Ticket.id).where(ticket_scope(actor)).correlate(None)
        return Escalation.ticket_id.in_(brought)
    raise Forbidden("operators do not read escalations")


# -- knowledge questions ---------------------------------------------------------------------


def may_ask_question(actor: Actor) -> bool:
    """Whether the actor asks units knowledge questions: the center and admins."""
    return actor.role in QUESTION_ASKERS


def question_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `knowledge_questions` the actor may read; Forbidden for others.

    A unit reads those asked of itself; the center, supervisors and admins all.
    """
    if actor.role in QUESTION_READERS:
        return true()
    if is_unit_user(actor):
        return KnowledgeQuestion.unit_code == actor.unit_code
    raise Forbidden("only the center, supervisors and the units asked read knowledge questions")


# -- knowledge articles ----------------------------------------------------------------------


def check_knowledge_reader(actor: Actor) -> None:
    """Forbidden unless the actor reads the knowledge base's drafts (leaders do not)."""
    if actor.role not in KNOWLEDGE_READERS and not is_unit_user(actor):
        raise Forbidden(f"the {actor.role} role does not read the knowledge base's drafts")


def sees_article(actor: Actor, article: Article) -> bool:
    """Whether the actor sees this article: units their own unit's, readers all."""
    return not is_unit_user(actor) or actor.unit_code == article.unit_code


def article_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL twin of `sees_article` over `articles`."""
    return Article.unit_code == actor.unit_code if is_unit_user(actor) else true()


def edits_any_unit(actor: Actor) -> bool:
    """Whether the actor writes articles for any unit (the center and admins)."""
    return actor.role in KNOWLEDGE_EDITORS


def may_write_article(actor: Actor, article: Article) -> bool:
    """The unit's own users, the center and admins edit, submit and ask to retire."""
    if edits_any_unit(actor):
        return True
    return is_unit_user(actor) and actor.unit_code == article.unit_code


# -- processes and administration ------------------------------------------------------------


def may_read_processes(actor: Actor) -> bool:
    """Whether the actor sees deployed processes and their versions: admin and center."""
    return actor.role in PROCESS_READERS


def may_deploy(actor: Actor) -> bool:
    """Whether the actor deploys BPMN diagrams: admins only."""
    return actor.role in ADMIN_ROLES


def may_migrate(actor: Actor) -> bool:
    """Whether the actor migrates running instances between versions: admins only."""
    return actor.role in ADMIN_ROLES


def may_set_clock(actor: Actor) -> bool:
    """Whether the actor moves the manual clock: admins only."""
    return actor.role in ADMIN_ROLES


# -- contacts: who messages go to ------------------------------------------------------------

# Who manages every unit's and office's contacts; a unit user manages its own unit's only.
CONTACT_MANAGERS = (Role.CENTER, Role.ADMIN)
# Who reads every contact and the list of units messages cannot reach.
CONTACT_READERS = (Role.CENTER, Role.SUPERVISOR, Role.ADMIN)


def may_manage_contacts(actor: Actor, unit_code: str | None) -> bool:
    """Whether the actor adds, changes or deactivates a contact of `unit_code` (None: an
    office's, i.e. a local government or the duty office): the center and admins any, a
    unit user its own unit's."""
    if actor.role in CONTACT_MANAGERS:
        return True
    return is_unit_user(actor) and unit_code is not None and unit_code == actor.unit_code


def may_read_contacts(actor: Actor, unit_code: str | None) -> bool:
    """Whether the actor reads the contacts of `unit_code` (None: every unit's and the
    offices'): contact readers all, a unit user its own unit's."""
    if actor.role in CONTACT_READERS:
        return True
    return is_unit_user(actor) and unit_code is not None and unit_code == actor.unit_code


def reads_contact_problems(actor: Actor) -> bool:
    """Whether the actor reads which units messages cannot reach (the center's list)."""
    return actor.role in CONTACT_READERS


# -- retention: archive and legal holds (15-E fills this section) -----------------------------

# Who places and releases legal holds: the center answers for the records, admins run them.
HOLD_KEEPERS = (Role.CENTER, Role.ADMIN)
# Who reads a ticket's archive record (JSON and PDF, with the requester while it is kept):
# the records' keepers. Units, oversight roles and the auditor (who reads who accessed
# tickets, not the tickets) do not; every read is an export in the access audit.
ARCHIVE_READERS = (Role.CENTER, Role.ADMIN)


def may_hold(actor: Actor) -> bool:
    """Whether the actor places, releases and lists legal holds: the center and admins."""
    return actor.role in HOLD_KEEPERS


def may_read_archive(actor: Actor) -> bool:
    """Whether the actor reads and downloads archive records: the center and admins."""
    return actor.role in ARCHIVE_READERS


# -- oversight: statistics, assessment, appeals, bulletins, hot-spot warnings ----------------

# Who reads every unit's figures, scores and warnings; unit users read their own unit's only.
OVERSIGHT_READERS = (Role.CENTER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
# Who records what scoring needs (call tests, callback findings, duty) and decides appeals.
ASSESSORS = (Role.CENTER, Role.ADMIN)


def sees_every_unit_figure(actor: Actor) -> bool:
    """Whether the actor reads the figures, scores and warnings of every unit."""
    return actor.role in OVERSIGHT_READERS


def figures_unit(actor: Actor, unit: str | None) -> str | None:
    """The unit whose figures the actor may ask for: any (None = all) for oversight readers,
    the own unit for unit users; anyone else, or a unit user asking for another unit, is
    refused (Forbidden)."""
    if sees_every_unit_figure(actor):
        return unit
    if is_unit_user(actor) and unit in (None, actor.unit_code):
        return actor.unit_code
    raise Forbidden("you may read only your own unit's figures")


def may_assess(actor: Actor) -> bool:
    """Whether the actor records assessment facts, excludes tickets and decides appeals."""
    return actor.role in ASSESSORS


def may_appeal(actor: Actor, unit: str) -> bool:
    """Whether the actor may appeal a deduction of (or ask an exemption for) `unit`."""
    return (is_unit_user(actor) and actor.unit_code == unit) or actor.role in ASSESSORS


def may_publish_bulletin(actor: Actor) -> bool:
    """Whether the actor may generate or regenerate a bulletin."""
    return actor.role in ASSESSORS


def may_read_bulletin(actor: Actor) -> bool:
    """Bulletins (通报) are published to every unit: every signed-in role reads them."""
    return actor.role in ROLES


def appeal_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `assessment_appeals` the actor may read; Forbidden for other roles.

    A unit reads its own appeals; those who read every unit's figures read all.
    """
    if sees_every_unit_figure(actor):
        return true()
    if is_unit_user(actor):
        return Appeal.unit_code == actor.unit_code
    raise Forbidden("only the center, oversight readers and the unit itself read appeals")


def warning_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `hotspot_warnings` the actor may read; Forbidden for others.

    Oversight readers read every warning; a unit user those that concern its unit.
    """
    if sees_every_unit_figure(actor):
        return true()
    if is_unit_user(actor):
        return exists().where(
            HotspotWarningUnit.warning_id == HotspotWarning.id,
            HotspotWarningUnit.unit_code == actor.unit_code,
        )
    raise Forbidden("only oversight roles and the units concerned read hot-spot warnings")
