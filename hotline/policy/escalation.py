"""Profile rules for the escalation ladder (督办): its rungs, how a rung climbs, what starts it.

Read from the profile's optional [supervision] table (its TOML name is kept); without it the
defaults say they are not from the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import basics as b

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
    after: b.Limit | None  # working days; None: no automatic climb from this rung
    origin: b.Provenance


@dataclass(frozen=True)
class Trigger:
    """A ticket event that, from `min_count` occurrences on, starts the ladder at `level`."""

    event: str  # one of TRIGGER_EVENTS
    min_count: int
    level: str  # one of LEVELS
    origin: b.Provenance


@dataclass(frozen=True)
class EscalationLadder:
    """The escalation ladder (督办) of a profile: climb limits per rung and automatic triggers."""

    climbs: tuple[Climb, ...]  # one per rung below government_review, in ladder order
    triggers: tuple[Trigger, ...]
    origin: b.Provenance

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


DEFAULT_ESCALATION = EscalationLadder(
    tuple(
        Climb(
            level,
            b.Limit(2, "working_days", b.DEFAULT_SOURCE, "no regulation gives a number", True),
            b.default_provenance("2 working days without effect before the next rung"),
        )
        for level in LEVELS[:-1]
    ),
    (),
    b.default_provenance(
        "no automatic triggers: configure [[supervision.trigger]] for the regulation"
    ),
)


def read_escalation(top: Any, limit: Any, provenance: Any) -> EscalationLadder:
    """[supervision] (the TOML name of the ladder) with a `climb` table per rung and
    `trigger` entries; defaults when absent.

    `limit(table, units, positive=...)` reads one amount plus its provenance from a table.
    """
    t = top.table("supervision", required=False)
    if t is None:
        return DEFAULT_ESCALATION
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
    return EscalationLadder(climbs, tuple(triggers), origin)


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
            level, after, b.Provenance(after.source, after.note, after.default_not_from_regulation)
        )
    c.done()
    return climb


def escalation_of(profile: object) -> EscalationLadder:
    """A profile's escalation ladder (the defaults for a profile object without any)."""
    return getattr(profile, "escalation", None) or DEFAULT_ESCALATION
