"""Returns (退单): who may hand a ticket back, and what the return must say, per profile.

Both the single-unit `handle` form (ticket.bpmn) and a joint part's `handle_part` form
(joint.bpmn) ask these functions, so a profile's [returns] rules hold wherever a unit
returns. guangyuan 第十二条 (000_27d936bb79493c2c.txt, last paragraph): units named through
牵办 (12(三), joint tickets included) or 批办 (12(四)) may not return; guangyuan 13(二) and
puyang 附件 四(三)2 (004_b7797ffbb60d21c4.txt) list what a return must carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hotline.calendar import Deadline, WorkingCalendar
from hotline.deadlines import _check_ticket, apply_limit
from hotline.fields import blank
from hotline.policy.model import Profile, ReturnWindow

# Profile return field → form field id in ticket.bpmn `handle` and joint.bpmn `handle_part`.
FORM_FIELDS = {
    "reason": "return_reason",
    "basis": "return_basis",
    "suggested_unit": "suggested_unit",
    "leader_opinion": "return_leader_opinion",
    "phone": "return_phone",
}
_HOLDING = {
    "joint": "a joint ticket (会签/牵办)",
    "leader": "a ticket a leader designated (批办)",
    "authority": "a ticket the authority designated after an objection",
    "government": "a ticket the government designated",
}


def assignments(*, joint: bool, designated_by: str | None) -> frozenset[str]:
    """How a unit holds a ticket, in the profile's terms (model.ASSIGNMENTS)."""
    kinds = {"joint"} if joint else set()
    if designated_by:
        kinds.add(designated_by)
    return frozenset(kinds)


# Rule home: 000 第十二条 (end); 001 第十三条; 002 第十九条; 003 第十七条; 004 附件 四(三)2.
def return_refusal(profile: Profile, *, joint: bool, designated_by: str | None) -> str | None:
    """Why this unit may not return (or object to) the ticket, citing the article; else None.

    guangyuan 第十二条 last paragraph: 通过第十二条第三款、第四款确定的承办单位…不得退回.
    """
    refusal = profile.returns.refusal(assignments(joint=joint, designated_by=designated_by))
    if refusal is None:
        return None
    origin = refusal.origin
    default = ", a default not from the regulation" if origin.default_not_from_regulation else ""
    note = f": {origin.note}" if origin.note else ""
    return (
        f"the unit of {_HOLDING[refusal.assignment]} may not return it or object to it "
        f"under {profile.name} ({origin.source}{default}{note})"
    )


# Rule home: 000 第十三条(二); 002 第二十六条(三); 003 第十六条; 004 附件 四(三)2, 三(五).
def return_window(
    profile: Profile, *, category: str, urgency: str, channel: str
) -> ReturnWindow | None:
    """The return window for the ticket: the most specific matching one (None: no window).

    Specific windows (an urgency's 30 minutes) replace the general one.
    """
    windows = [w for w in profile.returns.windows if w.match.applies(category, urgency, channel)]
    return max(windows, key=lambda w: w.match.specificity, default=None)


def return_due(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    category: str,
    urgency: str,
    channel: str,
    dispatched_at: datetime,
    acknowledged_at: datetime | None = None,
) -> tuple[Deadline, ReturnWindow] | None:
    """The last moment a unit may return the ticket, and the rule; None: no return window."""
    _check_ticket(category, urgency, channel, dispatched_at)
    window = return_window(profile, category=category, urgency=urgency, channel=channel)
    if window is None:
        return None
    if window.after == "acknowledge":
        if acknowledged_at is None:
            raise ValueError(
                f"the return window counts from acknowledgement ({window.limit.source})"
            )
        start = acknowledged_at
    else:
        start = dispatched_at
    return apply_limit(calendar, window.limit, start), window


@dataclass(frozen=True)
class LateReturn:
    """A return made after its window closed, and what it counts as."""

    due_at: datetime
    window: ReturnWindow

    @property
    def counts_as_overdue(self) -> bool:
        """Whether the late return marks the ticket overdue (guangyuan 第十三条(二))."""
        return self.window.late_counts_as == "overdue"


# Rule home: 000 第十三条(二) 超期退回的视为超期办件; 002 第二十六条(三); 003 第十六条.
def late_return(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    category: str,
    urgency: str,
    channel: str,
    dispatched_at: datetime,
    acknowledged_at: datetime,
    now: datetime,
) -> LateReturn | None:
    """The closed window a return made `now` comes after; None when it is in time or the
    profile has no window (guangyuan 第十三条(二): 2 hours after acknowledgement)."""
    found = return_due(
        profile,
        calendar,
        category=category,
        urgency=urgency,
        channel=channel,
        dispatched_at=dispatched_at,
        acknowledged_at=acknowledged_at,
    )
    if found is None or now <= found[0].at:
        return None
    return LateReturn(found[0].at, found[1])


def return_event_fields(values: dict[str, object], *, always: tuple[str, ...]) -> dict[str, object]:
    """A return's form fields for its history event: those in `always`, the others if given."""
    given = {name: values.get(name) for name in FORM_FIELDS.values()}
    return {k: v for k, v in given.items() if k in always or v not in (None, "")}


# Rule home: 000 第十三条(二); 002 第二十六条(三); 003 第十六条; 004 附件 四(三)2.
def required_return_fields(
    profile: Profile, *, category: str, urgency: str, channel: str
) -> tuple[tuple[str, ...], str]:
    """The profile fields a return must carry for this ticket, and the article requiring them.

    guangyuan 第十三条(二): 理由、依据、转送建议; puyang 附件 四(三)2: 回退理由、领导意见、建议、
    联系电话; guangxi 第二十六条(三) and meizhou 第十六条: a reason.
    """
    window = return_window(profile, category=category, urgency=urgency, channel=channel)
    if window is not None:
        return window.requires, window.limit.source
    fallback = profile.returns.without_window
    if fallback is None:
        return (), profile.returns.origin.source
    origin = fallback.origin
    default = ", default not from the regulation" if origin.default_not_from_regulation else ""
    return fallback.requires, origin.source + default


def missing_return_fields(
    profile: Profile, data: dict[str, object], *, category: str, urgency: str, channel: str
) -> dict[str, list[str]]:
    """Form field → message for every required return field left blank."""
    required, source = required_return_fields(
        profile, category=category, urgency=urgency, channel=channel
    )
    errors = {}
    for name in required:
        if blank(data.get(FORM_FIELDS[name])):
            errors[FORM_FIELDS[name]] = [f"required for a return under {profile.name} ({source})"]
    return errors
