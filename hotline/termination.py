"""终结办理: whether a repeat may be terminated, by whom and against which earlier ticket.

The profile's [termination] rule (hotline.policy.termination) decides. guangyuan 第十四条(三)
(000_27d936bb79493c2c.txt): 同一诉求人就同一事项多次反映投诉，承办单位依法依规办理的，承办单位
可…认定终结办理 — the handling unit, the same requester, an earlier ticket the unit handled
(closed with a result). guizhou 第十条(三) and guangxi 第二十一条(四) leave it to the center.
The opinion must be written (详细书面意见); no article gives it a minimum length.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import sealing
from hotline.models import Ticket
from hotline.policy.model import Profile
from hotline.policy.termination import Termination, termination_of
from hotline.statuses import HANDLED_STATUSES

_WHO = {"center": "the center at triage (disposition terminate)", "unit": "the handling unit"}


def _cite(rule: Termination) -> str:
    origin = rule.origin
    default = ", a default not from the regulation" if origin.default_not_from_regulation else ""
    return f"{origin.source}{default}"


def _phone_hash(ticket: Ticket) -> str | None:
    # A ticket from before sealing may have no hash yet (until `hotline keys rotate`).
    return ticket.requester_phone_hash or sealing.phone_hash(ticket.requester_phone)


def same_requester(a: Ticket, b: Ticket) -> bool:
    """Same phone number (the national number, by its keyed hash): 同一诉求人 (guangyuan
    第十四条(三)).

    Not the name: two callers named 张三 (or two 王先生) are not one requester, and a unit
    must not close one person's demand as another's repeat.
    """
    phone = _phone_hash(a)
    return phone is not None and phone == _phone_hash(b)


# Rule home: 000 第十四条(三); 001 第十条(三); 002 第二十一条(四).
def decider_refusal(profile: Profile, by: str) -> str | None:
    """Why `by` (center or unit) may not terminate under this profile, citing it; else None."""
    rule = termination_of(profile)
    if rule.decided_by == by:
        return None
    return (
        f"under {profile.name} a repeat is terminated by {_WHO[rule.decided_by]}, "
        f"not by {_WHO[by]} ({_cite(rule)})"
    )


# Rule home: 000 第十四条(三); 001 第十条(三); 002 第二十一条(四).
def find_original(
    session: Session, profile: Profile, ticket: Ticket, number: Any, *, unit: str | None = None
) -> tuple[Ticket | None, str | None]:
    """The earlier ticket `ticket` may be terminated against, or why `number` is not one.

    `unit`: the handling unit deciding (decided_by = unit); it must have handled the original,
    and is told nothing more about a ticket it did not handle.
    """
    rule = termination_of(profile)
    if not isinstance(number, str) or not number.strip():
        return None, "required when terminating"
    original = session.scalars(select(Ticket).where(Ticket.number == number.strip())).first()
    if unit is not None and (original is None or original.current_unit != unit):
        # One answer whether it does not exist or another unit holds it: a unit learns
        # nothing of tickets it cannot see (their existence, status or requester).
        return None, (
            f"{unit} handled no ticket {number.strip()!r}: a unit terminates only a demand it "
            f"handled lawfully itself ({_cite(rule)})"
        )
    if original is None:
        return None, f"ticket {number!r} does not exist"
    if original.id == ticket.id:
        return None, "a ticket cannot repeat itself"
    if original.created_at > ticket.created_at:
        return None, f"ticket {original.number} is newer: terminate against an earlier ticket"
    handled = original.status in HANDLED_STATUSES
    open_ = original.closed_at is None and original.merged_into_id is None
    if not handled and not (rule.original == "open_or_handled" and open_):
        what = "a handled (closed)" if rule.original == "handled" else "an open or handled"
        return None, (
            f"ticket {original.number} is {original.status}: terminate only repeats of "
            f"{what} ticket ({_cite(rule)})"
        )
    if rule.same_requester and not same_requester(original, ticket):
        return None, (
            f"ticket {original.number} came from another requester: only the same requester's "
            f"repeated demand is terminated ({_cite(rule)})"
        )
    return original, None


def opinion_problem(opinion: Any) -> str | None:
    """Why a termination opinion is missing, or None (详细书面意见; no length is given)."""
    if isinstance(opinion, str) and opinion.strip():
        return None
    return "a written opinion is required (guangyuan 第十四条(三): 提出详细书面意见)"


def termination_errors(
    session: Session,
    profile: Profile,
    ticket: Ticket,
    data: dict[str, Any],
    *,
    by: str,
    field: str,
) -> dict[str, list[str]]:
    """Form field → messages for a termination by `by`; `field` names the choosing field."""
    refusal = decider_refusal(profile, by)
    if refusal:
        return {field: [refusal]}
    errors: dict[str, list[str]] = {}
    unit = ticket.current_unit if by == "unit" else None
    _original, problem = find_original(session, profile, ticket, data.get("repeat_of"), unit=unit)
    if problem:
        errors["repeat_of"] = [problem]
    problem = opinion_problem(data.get("termination_opinion"))
    if problem:
        errors["termination_opinion"] = [problem]
    return errors
