"""Profile rules for joint handling, repeats, the supervision ladder and knowledge questions.

Each section is optional in a profile TOML; a missing one falls back to defaults that say
they are not from the regulation, so an operator sees what to configure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import model as m

DEFAULT_SOURCE = "(default)"


@dataclass(frozen=True)
class Joint:
    """Joint handling (会签): assisting units report to the lead this long before its due."""

    assist_lead: m.Limit
    origin: m.Provenance


@dataclass(frozen=True)
class Repeats:
    """Possible repeats at intake: same phone or similar content in the same district."""

    window_days: int  # look back this many calendar days (open or recently closed)
    similarity: float  # hotline.similarity's score at or above this: the same matter
    origin: m.Provenance


def _default(note: str) -> m.Provenance:
    return m.Provenance(DEFAULT_SOURCE, note, True)


DEFAULT_JOINT = Joint(
    m.Limit(1, "working_days", DEFAULT_SOURCE, "no regulation gives a number", True),
    _default("assisting units report 1 working day before the lead unit's deadline"),
)
DEFAULT_REPEATS = Repeats(
    30,
    0.55,
    _default("30 days; 0.55 on the repeat score, tuned on tests/data/repeat_pairs.jsonl"),
)


def read_joint(top: Any, limit: Any, provenance: Any) -> Joint:
    """[joint] with an `assist_lead` limit table; defaults when absent."""
    t = top.table("joint", required=False)
    if t is None:
        return DEFAULT_JOINT
    assist = limit(t, "assist_lead", ("minutes", "hours", "working_days"), positive=False)
    joint = Joint(assist, provenance(t))
    t.done()
    return joint


def read_repeats(top: Any, provenance: Any) -> Repeats:
    """[repeats] window_days (1–366) and similarity (0.5–1); defaults when absent."""
    t = top.table("repeats", required=False)
    if t is None:
        return DEFAULT_REPEATS
    window = t.get("window_days", (int,), required=True)
    if not 1 <= window <= 366:
        t.fail("window_days", f"must be between 1 and 366, got {window}")
    similarity = t.get("similarity", (int, float), required=True)
    if not 0.5 <= similarity <= 1:
        t.fail("similarity", f"must be between 0.5 and 1, got {similarity}")
    repeats = Repeats(window, float(similarity), provenance(t))
    t.done()
    return repeats


@dataclass(frozen=True)
class Period:
    """A whole number of calendar months or days, with its source (knowledge-base periods)."""

    amount: int
    unit: str  # "months" or "days"
    origin: m.Provenance


DEFAULT_REVIEW = Period(
    12,
    "months",
    _default("no regulation gives a review period: a published article is reviewed yearly"),
)


@dataclass(frozen=True)
class Knowledge:
    """Knowledge base (知识库): how long a unit has to answer the center's knowledge question,
    how often a published article is reviewed, and how soon a new policy must be pushed."""

    question_limit: m.Limit  # working days (or hours) from the moment the center asks
    origin: m.Provenance
    review: Period = DEFAULT_REVIEW  # next review of a published article (months)
    # puyang 附件 四(一): 对新政策、新规定，承办单位应在一周内完成更新并推送 (days); None: no rule
    new_policy: Period | None = None


DEFAULT_KNOWLEDGE = Knowledge(
    m.Limit(
        3, "working_days", DEFAULT_SOURCE, "no regulation of this profile gives a number", True
    ),
    _default("3 working days to answer a knowledge question, as guangxi 第二十九条(二)"),
)


def _period(parent: Any, name: str, unit: str, provenance: Any, top: int) -> Period | None:
    t = parent.table(name, required=False)
    if t is None:
        return None
    amount = t.get(unit, (int,), required=True)
    if not 1 <= amount <= top:
        t.fail(unit, f"must be between 1 and {top}, got {amount}")
    period = Period(amount, unit, provenance(t))
    t.done()
    return period


def read_knowledge(top: Any, limit: Any, provenance: Any) -> Knowledge:
    """[knowledge] with a `question_limit` limit table, optional `review` (months) and
    `new_policy` (days) tables; defaults when absent."""
    t = top.table("knowledge", required=False)
    if t is None:
        return DEFAULT_KNOWLEDGE
    origin = provenance(t)
    question_limit = limit(t, "question_limit", ("hours", "working_days"), positive=True)
    review = _period(t, "review", "months", provenance, 120) or DEFAULT_REVIEW
    new_policy = _period(t, "new_policy", "days", provenance, 366)
    knowledge = Knowledge(question_limit, origin, review, new_policy)
    t.done()
    return knowledge


def knowledge_of(profile: m.Profile | None) -> Knowledge:
    """A profile's knowledge rules (the defaults for a profile object without any)."""
    return getattr(profile, "knowledge", None) or DEFAULT_KNOWLEDGE


# Rule home: 001 第二十二条; 002 第二十九条(二); 003 第十九条(二); 004 附件 四(一).
def review_months(profile: m.Profile | None) -> int:
    """Months from publication (or a confirmed review) to an article's next review
    ([knowledge.review]; no regulation sets one: 12 months, default_not_from_regulation)."""
    return knowledge_of(profile).review.amount


# -- supervision ladder (督办) ----------------------------------------------------------

# The rungs in order; government_review (报同级人民政府督办) is the last and never climbs.
LEVELS = ("urge", "supervision_order", "yellow_card", "red_card", "summons", "government_review")
FINAL_LEVEL = LEVELS[-1]
# Ticket events the ticket diagram's handlers report (handlers.escalation.trigger).
TRIGGER_EVENTS = (
    "dispatch_overdue", "acknowledge_overdue", "overdue", "returned", "sent_back", "unsatisfied",
)  # fmt: skip


@dataclass(frozen=True)
class Climb:
    """How long a rung may stay without effect before the next one follows (None: by hand)."""

    level: str
    after: m.Limit | None  # working days; None: no automatic climb from this rung
    origin: m.Provenance


@dataclass(frozen=True)
class Trigger:
    """A ticket event that, from `min_count` occurrences on, starts the ladder at `level`."""

    event: str  # one of TRIGGER_EVENTS
    min_count: int
    level: str  # one of LEVELS
    origin: m.Provenance


@dataclass(frozen=True)
class Supervision:
    """The supervision ladder of a profile: climb limits per rung and automatic triggers."""

    climbs: tuple[Climb, ...]  # one per rung below government_review, in ladder order
    triggers: tuple[Trigger, ...]
    origin: m.Provenance

    # Rule home: 000 第二十六条, 第二十七条(三); 001 第十七条; 002 第三十四条; 004 三(五).
    def climb(self, level: str) -> Climb | None:
        """The climb rule of a rung (None for government_review)."""
        return next((c for c in self.climbs if c.level == level), None)

    # Rule home: 000 第二十六条(二)(三); 001 第十五条-第十七条; 002 第二十七条(一); 004 三(五).
    def trigger_for(self, event: str, count: int) -> Trigger | None:
        """The highest rung whose trigger matches `event` seen `count` times, or None."""
        matching = [t for t in self.triggers if t.event == event and count >= t.min_count]
        return max(matching, key=lambda t: LEVELS.index(t.level), default=None)


def next_level(level: str) -> str | None:
    """The rung above `level`, or None at the top."""
    index = LEVELS.index(level)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


DEFAULT_SUPERVISION = Supervision(
    tuple(
        Climb(
            level,
            m.Limit(2, "working_days", DEFAULT_SOURCE, "no regulation gives a number", True),
            _default("2 working days without effect before the next rung"),
        )
        for level in LEVELS[:-1]
    ),
    (),
    _default("no automatic triggers: configure [[supervision.trigger]] for the regulation"),
)


def read_supervision(top: Any, limit: Any, provenance: Any) -> Supervision:
    """[supervision] with a `climb` table per rung and `trigger` entries; defaults when absent.

    `limit(table, units, positive=...)` reads one amount plus its provenance from a table.
    """
    t = top.table("supervision", required=False)
    if t is None:
        return DEFAULT_SUPERVISION
    origin = provenance(t)
    climb_table = t.table("climb")
    climbs = tuple(_read_climb(climb_table, level, limit, provenance) for level in LEVELS[:-1])
    if climb_table.has(FINAL_LEVEL):
        climb_table.fail(FINAL_LEVEL, "government review is the last rung; it cannot climb")
    climb_table.done()
    triggers = []
    for entry in t.tables("trigger"):
        event = entry.choice("event", TRIGGER_EVENTS)
        level = entry.choice("level", LEVELS)
        count = entry.get("min_count", (int,), required=True)
        if count < 1:
            entry.fail("min_count", f"must be at least 1, got {count}")
        triggers.append(Trigger(str(event), count, str(level), provenance(entry)))
        entry.done()
    seen: set[tuple[str, int]] = set()
    for i, trigger in enumerate(triggers):
        if (trigger.event, trigger.min_count) in seen:
            t.fail(f"trigger[{i}]", f"a second {trigger.event} trigger at {trigger.min_count}")
        seen.add((trigger.event, trigger.min_count))
    t.done()
    return Supervision(climbs, tuple(triggers), origin)


def _read_climb(parent: Any, level: str, limit: Any, provenance: Any) -> Climb:
    c = parent.table(level)  # every rung must say how it climbs, or that it does not
    if c.has("manual_only"):
        if c.get("manual_only", (bool,)) is not True:
            c.fail("manual_only", "write manual_only = true, or give working_days instead")
        if c.has("working_days"):
            c.fail("working_days", "give either working_days or manual_only = true")
        climb = Climb(level, None, provenance(c))
    else:
        after = limit(c, ("working_days",), positive=True)
        climb = Climb(
            level, after, m.Provenance(after.source, after.note, after.default_not_from_regulation)
        )
    c.done()
    return climb


def supervision_of(profile: m.Profile | None) -> Supervision:
    """A profile's supervision rules (the defaults for a profile object without any)."""
    return getattr(profile, "supervision", None) or DEFAULT_SUPERVISION
