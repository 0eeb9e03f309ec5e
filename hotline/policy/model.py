"""Typed, frozen rules of a jurisdiction profile; every rule names its source article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hotline.policy.appeals import DEFAULT_APPEALS, Appeals
from hotline.policy.assessment import NO_ASSESSMENT, Assessment
from hotline.policy.basics import (
    APPROVERS,
    ASSIGNMENTS,
    CATEGORIES,
    CHANNELS,
    CLOCK_STARTS,
    COMBINE,
    DEFAULT_SOURCE,
    IMMEDIATELY,
    LATE_RETURN,
    LIMIT_UNITS,
    RETURN_AFTER,
    RETURN_FIELDS,
    SATISFACTION,
    STATUTORY,
    URGENCIES,
    Limit,
    Match,
    Provenance,
    TimedRule,
    default_provenance,
)
from hotline.policy.bulletins import Bulletins
from hotline.policy.escalation import EscalationLadder
from hotline.policy.hotspots import DEFAULT_HOTSPOTS, HotspotRules
from hotline.policy.joint import Joint
from hotline.policy.knowledge import Knowledge
from hotline.policy.messages import NO_MESSAGES, Messages
from hotline.policy.repeats import Repeats
from hotline.policy.retention import DEFAULT_RETENTION, Retention
from hotline.policy.termination import Termination

# The building blocks live in hotline.policy.basics; they stay importable from here.
__all__ = [
    "APPROVERS",
    "ASSIGNMENTS",
    "CATEGORIES",
    "CHANNELS",
    "CLOCK_STARTS",
    "COMBINE",
    "DEFAULT_SOURCE",
    "IMMEDIATELY",
    "LATE_RETURN",
    "LIMIT_UNITS",
    "RETURN_AFTER",
    "RETURN_FIELDS",
    "SATISFACTION",
    "STATUTORY",
    "URGENCIES",
    "Limit",
    "Match",
    "Provenance",
    "TimedRule",
    "default_provenance",
]


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
    # Bulletins (通报): the period one covers (hotline.policy.bulletins).
    bulletins: Bulletins
    # The scoring scheme of handling units (考核), read by hotline.policy.assessment.
    assessment: Assessment = NO_ASSESSMENT
    appeals: Appeals = DEFAULT_APPEALS  # hotline.policy.appeals: the assessment appeal window
    # Hot-spot early warnings (热点预警), read by hotline.policy.hotspots.
    hotspots: HotspotRules = DEFAULT_HOTSPOTS
    # What is sent to whom (issue 14), read by hotline.policy.messages.
    messages: Messages = NO_MESSAGES
    # Archive, recordings and personal-data periods, read by hotline.policy.retention.
    retention: Retention = DEFAULT_RETENTION

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
