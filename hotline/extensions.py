"""Extension arithmetic (延期): whether one may be asked, what the approver may grant, and
the due time after it. Pure functions over a profile and the working-day calendar."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from hotline.calendar import Deadline, WorkingCalendar
from hotline.deadlines import (
    TICK,
    _check_ticket,
    _local,
    _matching,
    _run,
    apply_limit,
    capped_by_upper_platform,
    clock_start,
    most_specific,
)
from hotline.fields import blank
from hotline.policy.model import CATEGORIES, Limit, Profile

# The longest length an approver may grant, in the rule's unit: about a year. No article
# grants more (default_not_from_regulation); beyond it a typo would push the due date
# centuries ahead or past what date arithmetic can hold.
MAX_GRANTED = {"working_days": 250, "hours": 24 * 365, "minutes": 60 * 24 * 365}

# Who approves (profile [[extensions.kind]] approver) → the candidate group of approve_extension.
# meizhou 第十五条: 市中心管理办 or the county body, i.e. the authority; guangyuan 第十三条(三) and
# guangxi 第二十六条(二)9: the center; puyang 附件 四(三)1 市热线平台: the platform the center runs;
# puyang 三(四) 承办单位有关领导批办: the unit's leader, signing off in the unit's own account.
APPROVER_GROUPS = {
    "center": "center",
    "platform": "center",
    "authority": "authority",
    "unit_leader": "unit:{unit}",
}


# Rule home: 000 第十三条(三); 002 第二十六条(二)9; 003 第十五条; 004 三(四), 附件 四(三)1.
def approver_group(profile: Profile, kind: str | None, unit: str | None) -> tuple[str | None, str]:
    """The extension kind asked for and the candidate group that approves it (APPROVER_GROUPS);
    a diagram without the rule still gets the center."""
    ext = profile.extension_kind(kind)
    if ext is None:  # the form refuses this
        return None, "center"
    return ext.kind, APPROVER_GROUPS[ext.approver].format(unit=unit)


# Rule home: 000 第十三条(三); 002 第二十六条(二)9; 004 附件 四(三)1.
def extension_request_errors(
    profile: Profile, kind: str | None, data: Mapping[str, object]
) -> dict[str, list[str]]:
    """What the extension kind demands of the request: the requester told (guangyuan
    第十三条(三) 同时要向诉求人说明延期情况, guangxi 第二十六条(二)9 向诉求人反馈并说明情况) and a
    written statement (puyang 附件 四(三)1 向市热线平台书面说明)."""
    ext = profile.extension_kind(kind)
    errors: dict[str, list[str]] = {}
    if ext is None:
        return errors
    if ext.tell_requester and data.get("requester_told") is not True:
        why = f"tell the requester of the extension first ({ext.origin.source})"
        errors["requester_told"] = [why]
    if ext.in_writing and blank(data.get("extension_statement")):
        errors["extension_statement"] = [f"a written statement is required ({ext.origin.source})"]
    return errors


# Rule home: 000 第十三条(三); 001 第十五条; 002 第二十六条(二)9; 003 第十五条; 004 附件 四(三)1.
def extension_check(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    category: str,
    due_at: datetime,
    now: datetime,
    extensions_so_far: int,
    kind: str | None = None,
    override_reason: str | None = None,
    allow_soft: bool = False,
) -> str | None:
    """None when an extension may be asked now, else why not, citing the article.

    `override_reason` lets the approver pass a soft cap (原则上) with a recorded reason;
    `allow_soft` lets a unit ask beyond a soft cap, leaving that decision to the approver.
    """
    ext = profile.extension_kind(kind)
    if ext is None:
        origin = profile.extensions.origin
        if kind is not None and profile.extensions.kinds:
            names = ", ".join(k.kind for k in profile.extensions.kinds)
            return f"{profile.name} has no extension kind {kind!r} (kinds: {names})"
        why = f": {origin.note}" if origin.note else ""
        return f"{profile.name} provides no extension{why} ({origin.source})"
    if ext.categories is not None and category not in ext.categories:
        allowed = ", ".join(c for c in CATEGORIES if c in ext.categories)
        return f"extensions are for {allowed} only, not {category} ({ext.origin.source})"
    if now >= due_at:
        ended = _local(due_at)
        return f"the limit ended at {ended}; ask for extensions before due ({ext.origin.source})"
    ask_before = ext.ask_before.clock_time or timedelta(0)
    if now > due_at - ask_before:
        return (
            f"an extension must be asked at least {ext.ask_before.describe()} before due, "
            f"by {_local(due_at - ask_before)} ({ext.ask_before.source})"
        )
    if ext.max_count is not None and extensions_so_far >= ext.max_count:
        if ext.max_count_soft and (override_reason or allow_soft):
            return None
        soft = (
            f"; the approver ({ext.approver}) may allow more with a recorded reason"
            if ext.max_count_soft
            else ""
        )
        cap = "in principle " if ext.max_count_soft else ""
        return (
            f"already extended {extensions_so_far} time(s): {cap}at most {ext.max_count}"
            f"{soft} ({ext.origin.source})"
        )
    return None


def extension_beyond_soft_count(
    profile: Profile, *, kind: str | None, extensions_so_far: int
) -> str | None:
    """Why one more extension passes a soft count cap (guangyuan 第十三条(三) 原则上只能申请一次),
    or None. The approver may still grant it, with a written reason."""
    ext = profile.extension_kind(kind)
    if ext is None or ext.max_count is None or extensions_so_far < ext.max_count:
        return None
    if ext.length_is_total:
        return None  # the cap is on the total length (extension_grant checks it)
    return (
        f"already extended {extensions_so_far} time(s): in principle at most {ext.max_count} "
        f"({ext.origin.source})"
    )


def extension_length(
    profile: Profile, *, kind: str | None, category: str, urgency: str, channel: str
) -> Limit | None:
    """The length an extension kind grants by its rule (None: a law gives it)."""
    ext = profile.extension_kind(kind)
    if ext is None:
        return None
    if ext.length is not None:
        return ext.length
    if ext.length_factor is not None:
        original = _original_limit(profile, category, urgency, channel)
        amount = original.amount * ext.length_factor.amount
        if original.unit == "working_days":
            amount = max(1, int(amount))
        factor = ext.length_factor
        note = f"{factor.describe()} ({original.describe()})"
        return Limit(amount, original.unit, factor.source, note, soft=factor.soft)
    return ext.new_limit


# Rule home: 000 第十三条(三); 002 第二十六条(二)9; 003 第十五条; 004 附件 四(三)1.
def extension_grant(
    profile: Profile,
    *,
    kind: str | None,
    category: str,
    urgency: str,
    channel: str,
    granted: int | None,
    extensions_so_far: int,
    override_reason: str | None,
) -> tuple[Limit | None, dict[str, list[str]]]:
    """The length the approver grants and, per form field, why it may not be granted.

    `granted` (in the rule's unit: working days or hours; default the rule's length) may pass
    a soft cap (guangyuan 第十三条(三) 一般不超过2个工作日, guangxi 第二十六条(二)9 原则上不得
    超过原办理时限的1倍) only with `override_reason`; a hard cap never. A length a law gives
    (puyang 附件 四(三)1 statutory) must be stated, in working days.
    """
    ext = profile.extension_kind(kind)
    if ext is None:
        return None, {"extension_kind": [f"{profile.name} has no extension kind {kind!r}"]}
    rule = extension_length(profile, kind=kind, category=category, urgency=urgency, channel=channel)
    errors: dict[str, list[str]] = {}
    if granted is not None and granted < 1:
        return None, {"granted_length": ["must be at least 1"]}
    unit = rule.unit if rule is not None else "working_days"
    most = MAX_GRANTED.get(unit, MAX_GRANTED["working_days"])
    if granted is not None and granted > most:
        return None, {"granted_length": [f"at most {most} {unit.replace('_', ' ')}"]}
    if rule is None:
        if granted is None:
            why = f"the law gives the length: state it in working days ({ext.origin.source})"
            return None, {"granted_length": [why]}
        return Limit(granted, "working_days", ext.origin.source, "length given by law"), {}
    # A total cap (guangxi: 延长的时限 in all) is used up by earlier extensions.
    used = rule.amount * extensions_so_far if ext.length_is_total else 0
    amount = rule.amount if granted is None else granted
    if used + amount > rule.amount:
        text = (
            f"beyond {'in principle ' if rule.soft else ''}{rule.describe()}"
            f"{' in all' if ext.length_is_total else ''} ({rule.source})"
        )
        if not rule.soft:
            errors["granted_length"] = [text]
        elif not override_reason:
            errors["override_reason"] = [f"required to grant {text}"]
    count = extension_beyond_soft_count(profile, kind=kind, extensions_so_far=extensions_so_far)
    if count and not override_reason:
        errors.setdefault("override_reason", []).append(f"required: {count}")
    return Limit(amount, rule.unit, rule.source, rule.note, soft=rule.soft), errors


def extended_due(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    due_at: datetime,
    kind: str | None = None,
    category: str | None = None,
    urgency: str = "normal",
    channel: str = "phone",
    dispatched_at: datetime | None = None,
    length: Limit | None = None,
    granted: Limit | None = None,
) -> Deadline:
    """The due time after an approved extension of the longest length the rule allows.

    Rules relative to the original limit (guangxi, meizhou) need `category`; rules that
    replace the limit from the clock start (puyang) need `dispatched_at`; an extension
    whose length a law gives (puyang 'statutory') needs that `length`. `granted` (from
    `extension_grant`) replaces the rule's length with the approver's.
    """
    ext = profile.extension_kind(kind)
    if ext is None:
        raise ValueError(
            f"{profile.name} has no extension {kind or ''} ({profile.extensions.origin.source})"
        )
    replaces = ext.new_limit is not None or ext.length_from_law
    if granted is not None and not replaces:
        return _extend(calendar, due_at, granted)
    if granted is not None:
        length = granted
    if ext.length is not None:
        return _extend(calendar, due_at, ext.length)
    if ext.length_factor is not None:
        if category is None:
            raise ValueError(
                f"{profile.name} extends by a factor of the original limit: pass category"
            )
        original = _original_limit(profile, category, urgency, channel)
        amount = original.amount * ext.length_factor.amount
        if original.unit == "working_days":
            amount = max(1, int(amount))
        return _extend(calendar, due_at, Limit(amount, original.unit, ext.length_factor.source))
    new_limit = length or ext.new_limit
    if new_limit is None:
        raise ValueError(f"the {ext.kind} extension takes its length from the law: pass length")
    if dispatched_at is None:
        raise ValueError(
            f"the {ext.kind} extension counts from the clock start: pass dispatched_at"
        )
    replaced, _ = _run(calendar, new_limit, clock_start(profile), dispatched_at, dispatched_at)
    return replaced if replaced.at > due_at else Deadline(due_at, replaced.provisional)


def _original_limit(profile: Profile, category: str, urgency: str, channel: str) -> Limit:
    _check_ticket(category, urgency, channel)
    rules = most_specific(profile, _matching(profile.handling, category, urgency, channel))
    # The rule compute_deadlines would pick; with no instant at hand, compare nominal
    # lengths (a working day weighs a day) — rules of one ticket rarely mix units.
    return min(rules, key=lambda r: r.limit.clock_time or timedelta(days=r.limit.amount)).limit


def _extend(calendar: WorkingCalendar, due_at: datetime, limit: Limit) -> Deadline:
    if limit.unit == "working_days":
        # due_at is usually 24:00 of its last day; count the extra days after that day.
        return calendar.add_working_days(due_at - TICK, int(limit.amount))
    return apply_limit(calendar, limit, due_at)


# Rule home: the extension rules above, capped per 000 第十三条(二).
def due_after_extension(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    due_at: datetime,
    kind: str | None,
    category: str,
    urgency: str,
    channel: str,
    dispatched_at: datetime | None,
    upper_deadline: datetime | None,
    granted_length: int | None,
    extensions_so_far: int,
    override_reason: str | None,
) -> Deadline:
    """The due time after an approved extension: the approver's `granted_length` (soft caps
    passed with `override_reason`; the form rule refused any errors already) or the rule's
    length, never past an upper-platform ticket's cap (guangyuan 第十三条(二))."""
    granted, _errors = extension_grant(
        profile,
        kind=kind,
        category=category,
        urgency=urgency,
        channel=channel,
        granted=granted_length,
        extensions_so_far=extensions_so_far,
        override_reason=override_reason,
    )
    found = extended_due(
        profile,
        calendar,
        due_at=due_at,
        kind=kind,
        category=category,
        urgency=urgency,
        channel=channel,
        dispatched_at=dispatched_at,
        granted=granted,
    )
    return capped_by_upper_platform(profile, upper_deadline, found)
