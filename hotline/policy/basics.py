"""The building blocks of every profile rule: the allowed words, a length of time, which
tickets a rule applies to, and where a rule comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
