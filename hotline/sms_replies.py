"""Requesters' SMS replies to the callback text: the satisfaction on the ticket's callback.

A reply arrives from the gateway (api.sms) as one `InboundSms` row per gateway id; a gateway
retrying the same id gets the first outcome back and nothing runs twice. The reply is matched
to the phone's latest `callback_request` text whose ticket still waits at its `callback`
task (guangxi 第二十七条(二): 办结时短信回复诉求人，并征求满意度):

- 满意 / 基本满意 complete that task through the runtime, the same BPMN path a center
  operator takes (record_callback, then close), as the SMS_REPLY actor;
- 不满意 leaves the task to the center: the reply is recorded, the no-answer timer is
  disarmed (an unsatisfied requester did answer), and the center is told to review the
  result and call back by hand (guangxi 第二十七条(三): 诉求人评价不满意的…及时人工回访);
- anything else, or a phone with no open callback, is recorded and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.history import record_event
from hotline.instances import lock_ticket
from hotline.messages.context import messaging_of, profile_of
from hotline.messages.outbox import enqueue
from hotline.messages.replies import rating_of
from hotline.models import Ticket, TicketEvent, UserTask
from hotline.models.messages import InboundSms, OutboxMessage
from hotline.sealing import national_number, phone_hash
from hotline.statuses import Role, UserTaskState
from hotline.tickets import NEVER
from hotline.workflows import WorkflowRuntime

# The requester's reply, recorded on the center's callback task as the center would record it.
SMS_REPLY = Actor(id=None, name="sms reply", role=Role.CENTER)
CALLBACK_TASK = "callback"  # the user task of ticket.bpmn whose satisfaction a reply gives
CALLBACK_REQUEST = "callback_request"  # the outbox kind of the text asking for satisfaction
CALLBACK_UNSATISFIED = "callback_unsatisfied"  # event and message kind: manual callback needed
MANUAL_CALLBACK_RULE = "002 第二十七条(三)"  # guangxi: unsatisfied → review and call back by hand


class ReplyOutcome(StrEnum):
    """What one reply did (`inbound_sms.outcome`)."""

    SATISFIED = "satisfied"  # the callback recorded satisfied; the ticket closed
    BASICALLY_SATISFIED = "basically_satisfied"  # the same, basically satisfied
    UNSATISFIED = "unsatisfied"  # sent to the center for a manual callback
    NOT_UNDERSTOOD = "not_understood"  # not one of the answers asked for
    NO_CALLBACK = "no_callback"  # no callback waits for this phone's answer
    ALREADY_ANSWERED = "already_answered"  # this callback already had an unsatisfied reply


OUTCOMES = tuple(o.value for o in ReplyOutcome)


@dataclass(frozen=True)
class ReplyResult:
    """The outcome of one gateway message; `replayed` when the id was seen before."""

    gateway_id: str
    outcome: str
    ticket_id: int | None
    replayed: bool = False


def stored_reply(session: Session, gateway_id: str) -> ReplyResult | None:
    """The first outcome of gateway message `gateway_id`, or None if it was never received."""
    row = session.scalars(select(InboundSms).where(InboundSms.gateway_id == gateway_id)).first()
    if row is None:
        return None
    return ReplyResult(row.gateway_id, row.outcome, row.ticket_id, replayed=True)


def open_callback(session: Session, phone: str) -> tuple[OutboxMessage, UserTask] | None:
    """The phone's latest callback text whose ticket waits at its callback task, with that task."""
    if len(national_number(phone)) < 4:
        return None
    query = (
        select(OutboxMessage, UserTask)
        .join(UserTask, UserTask.ticket_id == OutboxMessage.ticket_id)
        .where(
            OutboxMessage.kind == CALLBACK_REQUEST,
            OutboxMessage.channel == "sms",  # a text only logged was never sent
            # The address is sealed: the text is found by the national number's keyed hash.
            OutboxMessage.address_hash == phone_hash(phone),
            UserTask.task_id == CALLBACK_TASK,
            UserTask.state == UserTaskState.READY,
        )
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    )
    found = session.execute(query).tuples().first()
    return (found[0], found[1]) if found is not None else None


def receive_reply(
    session: Session,
    runtime: WorkflowRuntime,
    *,
    gateway_id: str,
    phone: str,
    text: str,
    received_at: datetime | None = None,
) -> ReplyResult:
    """Record one reply from the gateway and act on it; a known `gateway_id` replays."""
    known = stored_reply(session, gateway_id)
    if known is not None:
        return known
    row = InboundSms(
        gateway_id=gateway_id,
        phone=phone[:32],
        phone_hash=phone_hash(phone),
        text=text[:500],
        received_at=received_at or clock.now(),
        outcome=ReplyOutcome.NO_CALLBACK,
    )
    session.add(row)
    session.flush()  # claims the gateway id: a concurrent retry of it waits, then conflicts
    row.outcome, row.ticket_id = _act(session, runtime, phone, text)
    return ReplyResult(row.gateway_id, row.outcome, row.ticket_id)


def _act(
    session: Session, runtime: WorkflowRuntime, phone: str, text: str
) -> tuple[ReplyOutcome, int | None]:
    match = open_callback(session, phone)
    if match is None:
        return ReplyOutcome.NO_CALLBACK, None
    request, task = match
    ticket_id = task.ticket_id
    assert ticket_id is not None  # matched through the outbox row's ticket
    lock_ticket(session, ticket_id)  # an operator or the no-answer timer may be at it too
    session.refresh(task)
    if task.state != UserTaskState.READY:
        return ReplyOutcome.NO_CALLBACK, None
    satisfaction = rating_of(text)
    if satisfaction is None:
        return ReplyOutcome.NOT_UNDERSTOOD, ticket_id
    if _unsatisfied_since(session, ticket_id, request.created_at):
        return ReplyOutcome.ALREADY_ANSWERED, ticket_id
    record_event(
        session, ticket_id, "sms_reply_received", SMS_REPLY, data={"satisfaction": satisfaction}
    )
    if satisfaction == "unsatisfied":
        _to_manual_callback(session, runtime, task)
        return ReplyOutcome.UNSATISFIED, ticket_id
    data = {"satisfaction": satisfaction, "comment": "诉求人短信回复评价"}
    runtime.complete_task(session, task.id, data, SMS_REPLY)
    return ReplyOutcome(satisfaction), ticket_id


def _unsatisfied_since(session: Session, ticket_id: int, since: datetime) -> bool:
    """Whether an unsatisfied reply already sent this callback to the center."""
    query = select(TicketEvent.id).where(
        TicketEvent.ticket_id == ticket_id,
        TicketEvent.kind == CALLBACK_UNSATISFIED,
        TicketEvent.at >= since,
    )
    return session.scalars(query.limit(1)).first() is not None


def _to_manual_callback(session: Session, runtime: WorkflowRuntime, task: UserTask) -> None:
    """guangxi 第二十七条(三): the center reviews the result and calls back by hand."""
    assert task.ticket_id is not None
    rule = {"rule": MANUAL_CALLBACK_RULE}
    record_event(session, task.ticket_id, CALLBACK_UNSATISFIED, SMS_REPLY, data=rule)
    # The requester answered: "no reply within 24 h counts as satisfied" no longer applies.
    runtime.update_variables(session, task.instance_id, {"callback_no_answer_at": NEVER}, SMS_REPLY)
    _tell_center(session, task.ticket_id)


def _tell_center(session: Session, ticket_id: int) -> None:
    """An in-app message to the center's users (and the log, as the routes say)."""
    if profile_of(session) is None:
        return  # a bare session writes no messages
    ticket = session.get(Ticket, ticket_id)
    assert ticket is not None
    body = f"工单{ticket.number}：诉求人短信评价不满意，请审核办理结果并及时人工回访。"
    for channel in messaging_of(session).routes.channels("center", CALLBACK_UNSATISFIED):
        enqueue(
            session,
            kind=CALLBACK_UNSATISFIED,
            channel=channel,
            recipient="center",
            address="",
            subject=f"工单{ticket.number}需人工回访",
            body=body,
            ticket_id=ticket.id,
            rule=MANUAL_CALLBACK_RULE,
        )
