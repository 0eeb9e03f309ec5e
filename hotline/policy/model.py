"""Typed, frozen rules of a jurisdiction profile; every rule names its source article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rule modules below import this one
    from hotline.policy.escalation import EscalationLadder
    from hotline.policy.joint import Joint
    from hotline.policy.knowledge import Knowledge
    from hotline.policy.repeats import Repeats
    from hotline.policy.termination import Termination

CATEGORIES = ("consultation", "help", "complaint", "report", "suggestion", "praise", "appeal")
URGENCIES = ("normal", "special", "urgent", "epidemic")
CHANNELS = ("phone", "wechat", "web", "app", "email", "mailbox", "weibo", "upper_platform")
SATISFACTION = ("satisfied", "basically_satisfied", "unsatisfied", "no_response")

LIMIT_UNITS = ("minutes", "hours", "working_days", "factor", "immediately")
CLOCK_STARTS = ("dispatch", "next_working_day", "receipt", "acceptance")
COMBINE = ("shortest", "most_specific")
STATUTORY = ("shortest", "replaces")
RETURN_AFTER = ("acknowledge", "receipt", "dispatch")
LATE_RETURN = ("overdue", "warning", "refused")
RETURN_FIELDS = ("reason", "basis", "suggested_unit", "leader_opinion", "phone")
# How a unit came to hold a ticket, when it matters for returning it (hotline.returns):
# leader = 批办; authority = named after a dispatch objection; government = named by the
# government on the escalation ladder's last rung; joint = a 会签/牵办 ticket or its part.
# Designations come first: a refusal names the most specific way the unit holds the ticket.
ASSIGNMENTS = ("leader", "authority", "government", "joint")
APPROVERS = ("center", "authority", "platform", "unit_leader")

_UNIT_WORDS = {"minutes": "min", "hours": "h", "working_days": "working day(s)", "factor": "×"}
# "immediately" (即时 / 第一时间 / 立即, guizhou 第九条, guangxi 第二十五条(二), puyang 三(四)):
# no length of time, so no timer can be late; the delay is measured instead.
IMMEDIATELY = "immediately"


@dataclass(frozen=True)
class Limit:
    """A length of time (or a factor of another limit) and where it comes from."""

    amount: float
    unit: str  # one of LIMIT_UNITS
    source: str
    note: str | None = None
    default_not_from_regulation: bool = False
    soft: bool = False  # 原则上 / 一般: the center may override it with a recorded reason

    @property
    def immediately(self) -> bool:
        """At once (即时): no breach is timed; the delay is measured and recorded."""
        return self.unit == IMMEDIATELY

    @property
    def clock_time(self) -> timedelta | None:
        """The limit as round-the-clock time, or None for working days and factors."""
        if self.unit == "minutes":
            return timedelta(minutes=self.amount)
        if self.unit == "hours":
            return timedelta(hours=self.amount)
        return None

    def describe(self) -> str:
        """A short human text such as '3 working day(s)' or '30 min'."""
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        if self.unit == "factor":
            return f"{amount}× the original limit"
        if self.unit == IMMEDIATELY:
            return "immediately (no timer; the delay is measured)"
        text = f"{amount} {_UNIT_WORDS[self.unit]}"
        default = " (default, not from the regulation)" if self.default_not_from_regulation else ""
        return text + default


@dataclass(frozen=True)
class Match:
    """Which tickets a rule applies to; None means any."""

    categories: frozenset[str] | None = None
    urgencies: frozenset[str] | None = None
    channels: frozenset[str] | None = None

    def applies(self, category: str, urgency: str, channel: str) -> bool:
        """Whether a ticket with these attributes falls under the rule."""
        return all(
            allowed is None or value in allowed
            for allowed, value in (
                (self.categories, category),
                (self.urgencies, urgency),
                (self.channels, channel),
            )
        )

    @property
    def specificity(self) -> tuple[bool, bool, bool]:
        """Urgency outranks channel, channel outranks category (for combine = most_specific)."""
        return (
            self.urgencies is not None,
            self.channels is not None,
            self.categories is not None,
        )


@dataclass(frozen=True)
class TimedRule:
    """One entry of a dispatch, acknowledge, handling or milestone list."""

    match: Match
    limit: Limit
    clock_start: str | None = None  # handling only; None: the profile's clock
    name: str | None = None  # milestones: first_reply, progress_report …
    meaning: str | None = None  # e.g. acknowledge = "decide whether to accept"


@dataclass(frozen=True)
class Provenance:
    """Where a rule without a number of its own comes from."""

    source: str
    note: str | None = None
    default_not_from_regulation: bool = False


DEFAULT_SOURCE = "(default)"  # the source of a rule no regulation of the profile gives


def default_provenance(note: str) -> Provenance:
    """The provenance of a default: not from the regulation, `note` saying what it is."""
    return Provenance(DEFAULT_SOURCE, note, True)


@dataclass(frozen=True)
class ClockRule:
    """When handling limits start to run."""

    start: str  # one of CLOCK_STARTS
    origin: Provenance


@dataclass(frozen=True)
class SeveralLimits:
    """How limits combine when several apply, and how a limit from another law enters."""

    combine: str  # one of COMBINE
    statutory: str  # one of STATUTORY
    origin: Provenance


@dataclass(frozen=True)
class UpperPlatform:
    """Tickets from the national or provincial platform close this long before its limit."""

    lead: Limit
    origin: Provenance


@dataclass(frozen=True)
class ReturnWindow:
    """How long a unit may return (退单) a ticket outside its remit."""

    match: Match
    after: str  # one of RETURN_AFTER
    limit: Limit
    late_counts_as: str  # one of LATE_RETURN
    requires: tuple[str, ...]
    # late_counts_as is a default, not from the regulation (guangxi 第二十六条(三), meizhou
    # 第十六条 give the window but not what a late return counts as)
    late_counts_as_default: bool = False


@dataclass(frozen=True)
class ReturnRefusal:
    """A unit that holds a ticket this way may not return it (nor object to its dispatch)."""

    assignment: str  # one of ASSIGNMENTS
    origin: Provenance


@dataclass(frozen=True)
class ReturnFields:
    """The fields a return must carry when no window of the profile applies."""

    requires: tuple[str, ...]  # of RETURN_FIELDS
    origin: Provenance


@dataclass(frozen=True)
class Returns:
    """Return rules of the profile (possibly none): windows, refusals, required fields."""

    windows: tuple[ReturnWindow, ...]
    origin: Provenance
    refused: tuple[ReturnRefusal, ...] = ()
    without_window: ReturnFields | None = None  # None: a return needs no field then

    def refusal(self, assignments: frozenset[str] | set[str]) -> ReturnRefusal | None:
        """The first refusal (in ASSIGNMENTS order) matching how the unit holds the ticket."""
        return next((r for r in self.refused if r.assignment in assignments), None)


@dataclass(frozen=True)
class ExtensionKind:
    """One way to get more time; exactly one of length, length_factor, new_limit, from law."""

    kind: str
    categories: frozenset[str] | None
    ask_before: Limit  # at least this long before due (0: any time before due)
    max_count: int | None
    max_count_soft: bool
    length: Limit | None  # added to the due time
    length_factor: Limit | None  # unit "factor": × the original handling limit
    new_limit: Limit | None  # replaces the handling limit, counted from the clock start
    length_from_law: bool  # the law that sets the longer limit gives the length
    approver: str  # one of APPROVERS: whose candidate group gets approve_extension
    tell_requester: bool  # the unit must say it told the requester (requester_told)
    in_writing: bool  # the request needs a written statement (extension_statement)
    origin: Provenance
    # The length caps all extensions together (guangxi 第二十六条(二)9: 延长的时限…不超过原办理
    # 时限的1倍), not each one.
    length_is_total: bool = False


@dataclass(frozen=True)
class Extensions:
    """Extension rules of the profile (possibly none)."""

    kinds: tuple[ExtensionKind, ...]
    origin: Provenance


@dataclass(frozen=True)
class Reminder:
    """Remind the unit this long before due, at most this fraction of the limit before."""

    lead: Limit
    at_most_fraction: float


@dataclass(frozen=True)
class Callback:
    """What a callback nobody answers counts as, and after how long (None: no rule)."""

    no_answer_counts_as: str | None
    no_answer_window: Limit | None
    origin: Provenance


@dataclass(frozen=True)
class Rehandle:
    """The limit of a rehandle (重办); None: the category's handling limit runs again."""

    limit: Limit | None
    origin: Provenance


@dataclass(frozen=True)
class Redispatch:
    """Whether dispatching a returned ticket to another unit restarts the limit."""

    restarts_clock: bool
    origin: Provenance


@dataclass(frozen=True)
class Profile:
    """All the time rules of one jurisdiction."""

    name: str
    title: str
    regulation_file: str
    file: str
    notes: tuple[str, ...]
    clock: ClockRule
    several_limits: SeveralLimits
    dispatch: tuple[TimedRule, ...]
    acknowledge: tuple[TimedRule, ...]
    handling: tuple[TimedRule, ...]
    milestones: tuple[TimedRule, ...]
    upper_platform: UpperPlatform
    returns: Returns
    extensions: Extensions
    reminder: Reminder
    callback: Callback
    rehandle: Rehandle
    redispatch: Redispatch
    # Rules of joint handling, repeats, escalation, knowledge and termination, each read by
    # its module of hotline.policy.
    joint: Joint
    repeats: Repeats
    escalation: EscalationLadder
    knowledge: Knowledge
    termination: Termination

    @property
    def reminder_lead(self) -> timedelta:
        """The reminder lead as clock time (before the at_most_fraction cap)."""
        lead = self.reminder.lead.clock_time
        assert lead is not None  # the loader only accepts minutes or hours here
        return lead

    def extension_kind(self, kind: str | None = None) -> ExtensionKind | None:
        """The named extension kind, or the first one; None when there is none."""
        for candidate in self.extensions.kinds:
            if kind is None or candidate.kind == kind:
                return candidate
        return None
