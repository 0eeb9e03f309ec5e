"""Deadline arithmetic of a ticket from its profile and the working-day calendar.

Pure functions: nothing here reads or writes the database. Every deadline says which
rules (with their articles) produced it, so handlers can record them in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hotline.calendar import ONE_DAY, Deadline, WorkingCalendar, shanghai_day
from hotline.clock import SHANGHAI
from hotline.policy.model import (
    CATEGORIES,
    CHANNELS,
    URGENCIES,
    Limit,
    Match,
    Profile,
    TimedRule,
)

if TYPE_CHECKING:
    from hotline.models import Ticket

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


# Rule home: 000 第十三条(一); 001 第十五条; 002 第二十六条(二); 003 第十一条(二); 004 三(四).
def clock_start(profile: Profile, rule: TimedRule | None = None) -> str:
    """When a limit starts to run: the rule's own start, else the profile's [clock] start
    (guangyuan 第十三条(二) from dispatch, puyang 三(二) next working day, meizhou 第十一条(二)3
    from acceptance)."""
    return (rule.clock_start if rule is not None else None) or profile.clock.start


# Rule home: 003_de7e966f0e71df8b.txt 第十一条(二)3.
def runs_from_acceptance(profile: Profile, category: str, urgency: str, channel: str) -> bool:
    """Whether a handling limit of such a ticket runs from the unit's acceptance (受理), so
    acknowledging restarts it (meizhou 第十一条(二)3: 受理后在30个工作日时限时办结)."""
    return any(
        clock_start(profile, rule) == "acceptance"
        for rule in _matching(profile.handling, category, urgency, channel)
    )


# Rule home: 001 第十五条; 003 第十六条; defaults: 000 第十三条(二), 002 第二十六条(三).
def restart_dispatch_clock(profile: Profile, ticket: Ticket, now: datetime) -> None:
    """A (re-)dispatch: the clock starts now on a first dispatch, and again on a re-dispatch
    only where the profile says so ([redispatch], meizhou 第十一条)."""
    if ticket.dispatched_at is None or profile.redispatch.restarts_clock:
        ticket.dispatched_at = now
        ticket.overdue = False


# Rule home: 000 第十三条(二); 001 第十五条; 002 第二十六条(二)6-8; 003 第十一条(二).
def most_specific(profile: Profile, rules: list[TimedRule]) -> list[TimedRule]:
    """The rules among several matching ones that count ([several_limits] combine): all of
    them (the earliest due wins), or only the most specific ones."""
    if profile.several_limits.combine != "most_specific" or not rules:
        return rules
    top = max(r.match.specificity for r in rules)
    return [r for r in rules if r.match.specificity == top]


def _choose(
    profile: Profile, computed: list[tuple[TimedRule, Deadline, datetime]]
) -> tuple[TimedRule, Deadline, datetime]:
    kept = most_specific(profile, [item[0] for item in computed])
    return min((item for item in computed if item[0] in kept), key=lambda item: item[1].at)


def _matching(
    rules: tuple[TimedRule, ...], category: str, urgency: str, channel: str
) -> list[TimedRule]:
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


# Rule home: acknowledge, handling, rehandle, milestones: 000 第十三条(一)(二)(四); 004 三(六).
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
        mode = clock_start(profile, rule)
        deadline, started = _run(calendar, rule.limit, mode, dispatched_at, assumed_acceptance)
        computed.append((rule, deadline, started))
    rule, due, started = _choose(profile, computed)
    provisional = any(d.provisional for _, d, _ in computed) or bool(ack and ack[1].provisional)
    mode = clock_start(profile, rule)
    label = "rehandle" if rehandle and profile.rehandle.limit else f"handling {category}"
    start_text = f" from {mode.replace('_', ' ')} {_local(started)}"
    if mode == "acceptance" and accepted_at is None:
        start_text += " (acceptance assumed at the end of its decision window)"
    rules.append(_text(label, rule.limit, start_text))

    if statutory_limit is not None:
        law, _ = _run(calendar, statutory_limit, clock_start(profile), dispatched_at, started)
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
        due = capped_by_upper_platform(profile, upper_deadline, due)
        lead = profile.upper_platform.lead
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


# Rule home: 000_27d936bb79493c2c.txt 第十三条(二) 提前3小时办结.
def upper_platform_cap(profile: Profile, upper_deadline: datetime | None) -> datetime | None:
    """The latest due time of an upper-platform ticket: its deadline − the profile's lead
    (guangyuan 第十三条(二): 提前3小时办结); None for a ticket without an upper deadline."""
    if upper_deadline is None:
        return None
    return upper_deadline - (profile.upper_platform.lead.clock_time or timedelta(0))


def capped_by_upper_platform(
    profile: Profile, upper_deadline: datetime | None, found: Deadline
) -> Deadline:
    """`found`, but no later than an upper-platform ticket's cap (`upper_platform_cap`), for
    the first limit, extensions and rehandles alike."""
    cap = upper_platform_cap(profile, upper_deadline)
    if cap is None or found.at <= cap:
        return found
    return Deadline(cap, found.provisional)


# Rule home: [reminder], a default in every profile (000 第十三条(三) leaves room to extend).
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
    found = _dispatch(profile, calendar, (category, urgency, channel), received_at)
    return None if found is None else found[0]


def _dispatch(
    profile: Profile, calendar: WorkingCalendar, ticket: tuple[str, str, str], at: datetime
) -> tuple[TimedRule, Deadline] | None:
    """The governing [[dispatch]] rule and its due time (guangyuan 第十二条, guizhou 第九条)."""
    _check_ticket(*ticket, at)
    return _first_due(profile, calendar, profile.dispatch, ticket, at)


# Rule home: 000 第十三条(一)(四); 001 第九条; 002 第二十五条(二); 004 三(三), 三(四).
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
    found = _dispatch(profile, calendar, (category, urgency, channel), received_at)
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


# Rule home: 000 第十四条(一); 001 第十六条; 002 第二十七条(二); 003 第十三条; 004 三(六).
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
