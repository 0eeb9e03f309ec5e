"""Deadline arithmetic of a ticket from its profile and the working-day calendar.

Pure functions: nothing here reads or writes the database. Every deadline says which
rules (with their articles) produced it, so handlers can record them in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.calendar import ONE_DAY, Deadline, WorkingCalendar, shanghai_day
from hotline.clock import SHANGHAI
from hotline.policy.model import (
    CATEGORIES,
    CHANNELS,
    URGENCIES,
    Limit,
    Match,
    Profile,
    ReturnWindow,
    TimedRule,
)

TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class TicketDeadlines:
    """The due times of one dispatched ticket."""

    acknowledge_due_at: datetime | None
    due_at: datetime  # handling deadline
    remind_at: datetime | None  # due_at − the profile's reminder lead
    provisional: bool
    rules: tuple[str, ...]  # the sources applied, for the history
    milestones: tuple[tuple[str, datetime], ...] = ()  # e.g. ("first_reply", …)
    clock_started_at: datetime | None = None  # when the handling limit began to run


def apply_limit(calendar: WorkingCalendar, limit: Limit, start: datetime) -> Deadline:
    """The end of `limit` counted from `start` (working days or round-the-clock time)."""
    if limit.unit == "working_days":
        return calendar.add_working_days(start, int(limit.amount))
    if limit.immediately:
        return Deadline(start, False)  # at once: due the moment it starts (never timed)
    clock_time = limit.clock_time
    if clock_time is None:
        raise ValueError(f"a {limit.unit} limit is not a length of time")
    return calendar.add_hours(start, clock_time.total_seconds() / 3600)


def _check_ticket(category: str, urgency: str, channel: str, at: datetime | None = None) -> None:
    for value, allowed, what in (
        (category, CATEGORIES, "category"),
        (urgency, URGENCIES, "urgency"),
        (channel, CHANNELS, "channel"),
    ):
        if value not in allowed:
            raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    if at is not None and at.tzinfo is None:
        raise ValueError("naive datetime: deadlines need timezone-aware instants")


def _local(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _text(label: str, limit: Limit, extra: str = "") -> str:
    return f"{label}: {limit.describe()}{extra} — {limit.source}"


def _run(
    calendar: WorkingCalendar,
    limit: Limit,
    mode: str,
    dispatched_at: datetime,
    accepted_at: datetime,
) -> tuple[Deadline, datetime]:
    """Run `limit` under clock-start `mode`; return the deadline and when the clock started."""
    if mode == "next_working_day":
        # 自派单的下一工作日起计算: that working day is day 1, so count from the day before it.
        first = calendar.next_working_day(dispatched_at)
        late = bool(calendar.missing_years(shanghai_day(dispatched_at), shanghai_day(first)))
        if limit.unit == "working_days":
            found = calendar.add_working_days(first - ONE_DAY, int(limit.amount))
        else:
            found = apply_limit(calendar, limit, first)
        return Deadline(found.at, found.provisional or late), first
    start = accepted_at if mode == "acceptance" else dispatched_at
    return apply_limit(calendar, limit, start), start


def _choose(
    profile: Profile, computed: list[tuple[TimedRule, Deadline, datetime]]
) -> tuple[TimedRule, Deadline, datetime]:
    if profile.several_limits.combine == "most_specific":
        top = max(item[0].match.specificity for item in computed)
        computed = [item for item in computed if item[0].match.specificity == top]
    return min(computed, key=lambda item: item[1].at)


def _matching(rules: tuple[TimedRule, ...], category: str, urgency: str, channel: str) -> list:
    return [r for r in rules if r.match.applies(category, urgency, channel)]


def _first_due(
    profile: Profile,
    calendar: WorkingCalendar,
    rules: tuple[TimedRule, ...],
    ticket: tuple[str, str, str],
    start: datetime,
) -> tuple[TimedRule, Deadline] | None:
    """The rule of `rules` that governs the ticket, run from `start`; None if none applies."""
    found = [(r, apply_limit(calendar, r.limit, start), start) for r in _matching(rules, *ticket)]
    if not found:
        return None
    rule, deadline, _ = _choose(profile, found)
    return rule, Deadline(deadline.at, any(d.provisional for _, d, _ in found))


def compute_deadlines(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    category: str,
    urgency: str,
    channel: str,
    dispatched_at: datetime,
    upper_deadline: datetime | None = None,
    accepted_at: datetime | None = None,
    statutory_limit: Limit | None = None,
    rehandle: bool = False,
) -> TicketDeadlines:
    """Acknowledge, handling and reminder times of a ticket dispatched at `dispatched_at`.

    `upper_deadline` (the upper platform's own limit) caps the due time at that limit minus
    the profile's lead (guangyuan: 3 h). `accepted_at` feeds rules that run from acceptance
    (meizhou reports); `statutory_limit` is a limit another law sets for the matter,
    combined as the profile says; `rehandle` applies the profile's rehandle limit.
    """
    _check_ticket(category, urgency, channel, dispatched_at)
    ticket = (category, urgency, channel)
    rules: list[str] = []

    ack = _first_due(profile, calendar, profile.acknowledge, ticket, dispatched_at)
    if ack is not None:
        meaning = f" ({ack[0].meaning})" if ack[0].meaning else ""
        rules.append(_text("acknowledge", ack[0].limit, f" from dispatch{meaning}"))

    candidates = list(_matching(profile.handling, *ticket))
    if rehandle and profile.rehandle.limit is not None:
        candidates = [TimedRule(Match(), profile.rehandle.limit)]
    elif rehandle:
        origin = profile.rehandle.origin
        rules.append(
            f"rehandle: {origin.note or 'the handling limit runs again'} — {origin.source}"
        )
    # Until acceptance is recorded, take the last instant of its decision window (24:00 is
    # 00:00 of the next day, so step back a tick to stay on the window's last day).
    assumed_acceptance = accepted_at or (ack[1].at - TICK if ack else dispatched_at)
    computed = []
    for rule in candidates:
        mode = rule.clock_start or profile.clock.start
        deadline, started = _run(calendar, rule.limit, mode, dispatched_at, assumed_acceptance)
        computed.append((rule, deadline, started))
    rule, due, started = _choose(profile, computed)
    provisional = any(d.provisional for _, d, _ in computed) or bool(ack and ack[1].provisional)
    mode = rule.clock_start or profile.clock.start
    label = "rehandle" if rehandle and profile.rehandle.limit else f"handling {category}"
    start_text = f" from {mode.replace('_', ' ')} {_local(started)}"
    if mode == "acceptance" and accepted_at is None:
        start_text += " (acceptance assumed at the end of its decision window)"
    rules.append(_text(label, rule.limit, start_text))

    if statutory_limit is not None:
        law, _ = _run(calendar, statutory_limit, profile.clock.start, dispatched_at, started)
        provisional = provisional or law.provisional
        how = profile.several_limits.statutory
        if how == "replaces" or law.at < due.at:
            due = law
        rules.append(
            _text("statutory limit", statutory_limit)
            + f"; {how} ({profile.several_limits.origin.source})"
        )

    if upper_deadline is not None:
        _check_ticket(category, urgency, channel, upper_deadline)
        lead = profile.upper_platform.lead
        cap = upper_platform_cap(profile, upper_deadline)
        assert cap is not None
        if cap < due.at:
            due = Deadline(cap, due.provisional)
        rules.append(_text("upper platform", lead, f" before {_local(upper_deadline)}"))

    milestones = []
    for entry in _matching(profile.milestones, *ticket):
        found = apply_limit(calendar, entry.limit, dispatched_at)
        provisional = provisional or found.provisional
        milestones.append((str(entry.name), found.at))
        rules.append(_text(f"milestone {entry.name}", entry.limit, " from dispatch"))

    return TicketDeadlines(
        acknowledge_due_at=ack[1].at if ack else None,
        due_at=due.at,
        remind_at=reminder_at(profile, due_at=due.at, started_at=started),
        provisional=provisional,
        rules=tuple(rules),
        milestones=tuple(milestones),
        clock_started_at=started,
    )


def upper_platform_cap(profile: Profile, upper_deadline: datetime | None) -> datetime | None:
    """The latest due time of an upper-platform ticket: its deadline − the profile's lead
    (guangyuan 第十三条(二): 提前3小时办结); None for a ticket without an upper deadline."""
    if upper_deadline is None:
        return None
    return upper_deadline - (profile.upper_platform.lead.clock_time or timedelta(0))


def reminder_at(profile: Profile, *, due_at: datetime, started_at: datetime) -> datetime | None:
    """When to remind before `due_at`: the profile's lead, at most its fraction of the limit."""
    span = due_at - started_at
    if span <= timedelta(0):
        return None
    lead = min(profile.reminder_lead, span * profile.reminder.at_most_fraction)
    return due_at - lead


def dispatch_rule(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    category: str,
    urgency: str,
    channel: str,
    received_at: datetime,
) -> TimedRule | None:
    """The profile's dispatch rule that governs such a ticket (None: no dispatch limit)."""
    _check_ticket(category, urgency, channel, received_at)
    found = _first_due(
        profile, calendar, profile.dispatch, (category, urgency, channel), received_at
    )
    return None if found is None else found[0]


def dispatch_due(
    profile: Profile,
    calendar: WorkingCalendar,
    *,
    category: str,
    urgency: str,
    channel: str,
    received_at: datetime,
) -> Deadline | None:
    """When the center must dispatch a ticket taken in at `received_at`.

    None: no timed limit — either no rule, or an "immediately" rule (guizhou 第九条 即时派单,
    guangxi 第二十五条(二) 第一时间, puyang 三(四) 立即转办), which no timer can breach: its
    delay is measured at dispatch instead (`dispatch_delay`).
    """
    _check_ticket(category, urgency, channel, received_at)
    found = _first_due(
        profile, calendar, profile.dispatch, (category, urgency, channel), received_at
    )
    if found is None or found[0].limit.immediately:
        return None
    return found[1]


def dispatch_delay(
    calendar: WorkingCalendar, *, received_at: datetime, dispatched_at: datetime
) -> tuple[int, int]:
    """Seconds and working seconds from the center's receipt to dispatch, for statistics."""
    elapsed = max(timedelta(0), dispatched_at - received_at)
    working = max(timedelta(0), calendar.working_time_between(received_at, dispatched_at))
    return int(elapsed.total_seconds()), int(working.total_seconds())


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
    windows = [w for w in profile.returns.windows if w.match.applies(category, urgency, channel)]
    if not windows:
        return None
    # Specific windows (an urgency's 30 minutes) replace the general one.
    window = max(windows, key=lambda w: w.match.specificity)
    if window.after == "acknowledge":
        if acknowledged_at is None:
            raise ValueError(
                f"the return window counts from acknowledgement ({window.limit.source})"
            )
        start = acknowledged_at
    else:
        start = dispatched_at
    return apply_limit(calendar, window.limit, start), window


def callback_no_answer(
    profile: Profile, *, callback_started: datetime
) -> tuple[datetime, str] | None:
    """When an unanswered callback counts as a rating, and which; None: the profile has no rule."""
    rule = profile.callback
    if rule.no_answer_counts_as is None or rule.no_answer_window is None:
        return None
    window = rule.no_answer_window.clock_time
    assert window is not None  # the loader only accepts minutes or hours here
    return callback_started + window, rule.no_answer_counts_as


def remaining_working_time(calendar: WorkingCalendar, now: datetime, due_at: datetime) -> timedelta:
    """Working-day time left until `due_at`; negative once overdue."""
    return calendar.working_time_between(now, due_at)
