"""The steps of `bpmn/assessment_appeal.bpmn` after the center's review: the decision, the
score change of an accepted appeal, and the unit reading the result."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.appeal_effects import apply_accepted
from hotline.appeals import record_appeal_event
from hotline.models.appeals import Appeal
from hotline.policy import Profile
from hotline.statuses import AppealStatus


def get_for_process(session: Session, appeal_id: int) -> Appeal:
    """The appeal an assessment_appeal instance runs for (the instance lock guards it)."""
    row = session.get(Appeal, appeal_id)
    if row is None:
        raise LookupError(f"appeal {appeal_id} not found")
    return row


def decide(
    session: Session,
    appeal: Appeal,
    actor: Actor,
    *,
    accepted: bool,
    opinion: str,
    evidence_checked: bool,
    task: str,
) -> None:
    """The center's decision: accepted or rejected, with its opinion, in the appeal's history."""
    if appeal.status != AppealStatus.FILED:
        raise LookupError(f"appeal {appeal.id} was already decided: {appeal.status}")
    appeal.status = AppealStatus.ACCEPTED if accepted else AppealStatus.REJECTED
    appeal.decided_by = actor.id
    appeal.decided_at = clock.now()
    appeal.opinion = opinion
    appeal.evidence_checked = evidence_checked
    kind = "appeal_accepted" if accepted else "appeal_rejected"
    data = {"kind": appeal.kind, "opinion": opinion, "evidence_checked": evidence_checked}
    record_appeal_event(session, appeal, kind, actor, task=task, data=data)


def change_score(
    session: Session, profile: Profile, appeal: Appeal, actor: Actor, task: str
) -> None:
    """An accepted appeal changes the assessment (`hotline.appeal_effects.apply_accepted`)."""
    if appeal.status != AppealStatus.ACCEPTED:
        raise LookupError(f"appeal {appeal.id} is {appeal.status}, not accepted")
    effect = apply_accepted(session, profile, appeal, actor)
    appeal.effect = effect
    record_appeal_event(session, appeal, "score_changed", actor, task=task, data=effect)


def mark_read(session: Session, appeal: Appeal, actor: Actor, note: str | None, task: str) -> None:
    """The unit read the decision (its inbox task), with an optional note."""
    record_appeal_event(
        session,
        appeal,
        "appeal_decision_read",
        actor,
        task=task,
        data={"status": appeal.status, "note": note},
    )
