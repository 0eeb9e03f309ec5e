"""Escalations, knowledge questions and knowledge articles."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    and_,
    select,
    true,
)

from hotline.access.roles import (
    ESCALATING_ROLES,
    ESCALATION_READERS,
    KNOWLEDGE_EDITORS,
    KNOWLEDGE_READERS,
    LEADER_ROLE,
    QUESTION_ASKERS,
    QUESTION_READERS,
    is_unit_user,
    not_confidential,
    sees_confidential,
)
from hotline.access.tickets import ticket_scope
from hotline.actors import Actor
from hotline.errors import Forbidden
from hotline.models import (
    Article,
    Escalation,
    KnowledgeQuestion,
    Ticket,
)
from hotline.statuses import ROLES as ROLES  # re-exported: every role, for callers of access

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
