"""Profile rules for the assessment (考核) of handling units: items, bonus, duty, summons.

Read from the profile's optional [assessment] table; without it a profile assesses nothing
(every function here answers for "no scheme"). Each item names what it counts (a measure),
how many points it is worth and how many points one counted thing costs, with its article.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from hotline.policy import basics as b

# What an item counts. policy_days_late: days a new policy went live late (article events
# policy_pushed_late); overdue_questions: knowledge questions answered late;
# failed_call_tests: call tests (拨测) nobody answered; overdue_tickets: tickets overdue
# (ticket_overdue); late_acknowledgements: tickets acknowledged late (urged at acknowledge);
# callback_findings: tickets the callback verification found fake, not done or not reported
# back; unsatisfied_callbacks: unsatisfied callbacks; closure_rate: closed / counted × points.
MEASURES = (
    "policy_days_late",
    "overdue_questions",
    "failed_call_tests",
    "overdue_tickets",
    "late_acknowledgements",
    "callback_findings",
    "unsatisfied_callbacks",
    "closure_rate",
)
RATE_MEASURES = ("closure_rate",)
PUBLICATIONS = ("month", "quarter")
# Which period a ticket counts in: closing_period = the period it closes in, open tickets
# not yet due roll into the next (guangxi 第三十条); dispatch_period = the period it was
# dispatched in, closed or not by the period's end (办结量/转办量).
COUNTS_IN = ("closing_period", "dispatch_period")
FINDINGS = ("fake", "not_done", "not_reported")


@dataclass(frozen=True)
class Item:
    """One scored item: `points` at most, less `per` for every thing `measure` counts."""

    name: str
    points: float
    measure: str  # one of MEASURES
    per: float  # points lost per counted thing (0 for a rate)
    zero_at: int | None  # the item scores 0 once this many things are counted in a period
    max_per_ticket: int | None  # at most this many deductions for one ticket (同一事项)
    confidential_excepted: tuple[str, ...]  # findings not deducted on confidential tickets
    origin: b.Provenance


@dataclass(frozen=True)
class Bonus:
    """Extra points for a unit whose closed volume in the period is more than `times` the
    average of all assessed units."""

    times: float
    points: float
    interpretation: bool  # the reading of the article is ours (said in the note)
    origin: b.Provenance


@dataclass(frozen=True)
class Duty:
    """Points taken from the yearly total for each missed on-site duty week."""

    points: float
    origin: b.Provenance


@dataclass(frozen=True)
class Summons:
    """Units ranked among the last `bottom` for `months` months running are summoned."""

    bottom: int
    months: int
    origin: b.Provenance


@dataclass(frozen=True)
class Period:
    """How scores are published and which period a ticket counts in."""

    publication: str  # one of PUBLICATIONS: the bulletin's period ([bulletins] period)
    cycle_start_month: int  # the yearly cycle starts on day 1 of this month
    counts_in: str  # one of COUNTS_IN
    origin: b.Provenance


@dataclass(frozen=True)
class Assessment:
    """A profile's assessment scheme (考核): items out of `full_marks`, bonus, duty, summons."""

    full_marks: float
    period: Period
    items: tuple[Item, ...]
    bonuses: tuple[Bonus, ...]
    duty: Duty | None
    summons: Summons | None
    origin: b.Provenance

    def item(self, name: str) -> Item | None:
        """The item called `name`, if the scheme has one."""
        return next((i for i in self.items if i.name == name), None)

    def items_measuring(self, measure: str) -> tuple[Item, ...]:
        """The items that count `measure`."""
        return tuple(i for i in self.items if i.measure == measure)


NO_ASSESSMENT = Assessment(
    0,
    Period("month", 1, "dispatch_period", b.default_provenance("no assessment scheme")),
    (),
    (),
    None,
    None,
    b.default_provenance("the profile has no [assessment] table: nothing is scored"),
)


def assessment_of(profile: object) -> Assessment:
    """A profile's assessment scheme (an empty one for a profile without any)."""
    return getattr(profile, "assessment", None) or NO_ASSESSMENT


# -- the rules ---------------------------------------------------------------------------------


# Rule home: 004 附件 四(二), 四(三)1, 四(四); 002 第三十条 (百分制); 000 第三十条;
# 003 第十二条(二).
def item_points(item: Item, lost: float, counted: int) -> float:
    """An item's points after `lost` points for `counted` things: never below 0, and 0 once
    `zero_at` things are counted (月超过10次 / 月超期10件以上，该项不得分)."""
    if item.zero_at is not None and counted >= item.zero_at:
        return 0.0
    return max(0.0, round(item.points - lost, 2))


# Rule home: 004 附件 四(三)2 (该项计分办法：办结率×20分).
def rate_points(item: Item, rate: float | None) -> float:
    """A rate item's points: the rate (hotline.stats.rules.closure_rate) × points; full
    points when nothing counts (no rate)."""
    if rate is None:
        return float(item.points)
    return round(item.points * rate, 2)


# Rule home: 004 附件 五 (月办结量超过所有承办单位平均结案量100%的，加3分；超过200%的，加5分).
def bonus_points(scheme: Assessment, closed: int, average: float) -> float:
    """The largest bonus whose threshold (more than `times` × average) the volume passes."""
    earned = [x.points for x in scheme.bonuses if average > 0 and closed > x.times * average]
    return max(earned, default=0.0)


# Rule home: 002 第三十条 (cycle 12-01 – 11-30, 月度公布); 003 第十二条(三) (每季度); 004 附件 二.
def period_of(scheme: Assessment, day: date) -> tuple[date, date]:
    """The publication period (first day, last day) that `day` falls in."""
    if scheme.period.publication == "quarter":
        # Quarters of the cycle: three months from the cycle's first month on.
        offset = (day.month - scheme.period.cycle_start_month) % 3
        month, year = day.month - offset, day.year
        if month < 1:
            month, year = month + 12, year - 1
        first = date(year, month, 1)
        last_month, last_year = month + 2, year
        if last_month > 12:
            last_month, last_year = last_month - 12, year + 1
        return first, date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    first = day.replace(day=1)
    return first, day.replace(day=calendar.monthrange(day.year, day.month)[1])


# Rule home: 002 第三十条 (考核周期为上年度12月1日至当年度11月30日); 004 附件 六(二) (年终).
def cycle_of(scheme: Assessment, day: date) -> tuple[date, date]:
    """The yearly assessment cycle (first day, last day) that `day` falls in."""
    start_month = scheme.period.cycle_start_month
    year = day.year if day.month >= start_month else day.year - 1
    first = date(year, start_month, 1)
    end_year, end_month = (year + 1, start_month - 1) if start_month > 1 else (year, 12)
    return first, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


# Rule home: 004 附件 四(三)3 (未及时将办理结果反馈给来电人（保密电话除外）).
def finding_counts(item: Item, finding: str, confidential: bool) -> bool:
    """Whether a callback finding costs points: not on confidential tickets where excepted."""
    return not (confidential and finding in item.confidential_excepted)


# -- reading the TOML --------------------------------------------------------------------------


def _number(t: Any, name: str, *, required: bool = True, positive: bool = True) -> Any:
    value = t.get(name, (int, float), required=required)
    if value is not None and (value <= 0 if positive else value < 0):
        t.fail(name, f"must be {'positive' if positive else 'at least 0'}, got {value}")
    return value


def _read_item(t: Any, provenance: Any) -> Item:
    name = t.text("item", required=True)
    points = _number(t, "points")
    measure = str(t.choice("measure", MEASURES))
    per = _number(t, "per", required=measure not in RATE_MEASURES)
    if measure in RATE_MEASURES and per is not None:
        t.fail("per", "a rate item loses no fixed points per thing; leave per out")
    zero_at = t.get("zero_at", (int,))
    if zero_at is not None and zero_at < 1:
        t.fail("zero_at", f"must be at least 1, got {zero_at}")
    cap = t.get("max_per_ticket", (int,))
    if cap is not None and (cap < 1 or measure != "unsatisfied_callbacks"):
        t.fail("max_per_ticket", "a positive cap, for unsatisfied_callbacks only")
    excepted = t.choices("confidential_excepted", FINDINGS, "finding") or frozenset()
    if excepted and measure != "callback_findings":
        t.fail("confidential_excepted", "only callback_findings have findings to except")
    item = Item(
        str(name), float(points), measure, float(per or 0), zero_at, cap,
        tuple(f for f in FINDINGS if f in excepted), provenance(t),
    )  # fmt: skip
    t.done()
    return item


def _read_period(t: Any, provenance: Any, publication: str) -> Period:
    if publication not in PUBLICATIONS:
        t.fail("", f"cannot score over a {publication!r} bulletin period")
    start = t.get("cycle_start_month", (int,), required=True)
    if not 1 <= start <= 12:
        t.fail("cycle_start_month", f"must be a month 1–12, got {start}")
    counts_in = str(t.choice("counts_in", COUNTS_IN))
    period = Period(publication, start, counts_in, provenance(t))
    t.done()
    return period


def _read_bonus(t: Any, provenance: Any) -> Bonus:
    times = _number(t, "more_than_average_times")
    points = _number(t, "points")
    reading = bool(t.get("interpretation", (bool,)))
    origin = provenance(t)
    if reading and origin.note is None:
        t.fail("note", "interpretation = true needs a note saying which reading is taken")
    t.done()
    return Bonus(float(times), float(points), reading, origin)


def read_assessment(top: Any, provenance: Any, publication: str = "month") -> Assessment:
    """[assessment] with `full_marks`, a `period` table (yearly cycle, which period a ticket
    counts in), `item` entries, optional `bonus` entries, `duty` and `summons` tables; no
    scheme when absent. Scores cover the bulletin's `publication` period ([bulletins])."""
    t = top.table("assessment", required=False)
    if t is None:
        return NO_ASSESSMENT
    origin = provenance(t)
    full = _number(t, "full_marks")
    period = _read_period(t.table("period"), provenance, publication)
    items = tuple(_read_item(i, provenance) for i in t.tables("item"))
    names = [i.name for i in items]
    for index, name in enumerate(names):
        if name in names[:index]:
            t.fail(f"item[{index}].item", f"duplicate item {name!r}")
    if abs(sum(i.points for i in items) - full) > 1e-9:
        t.fail("item", f"the items' points add up to {sum(i.points for i in items)}, not {full}")
    bonuses = tuple(_read_bonus(x, provenance) for x in t.tables("bonus"))
    duty_table = t.table("duty", required=False)
    duty = None
    if duty_table is not None:
        duty = Duty(float(_number(duty_table, "points")), provenance(duty_table))
        duty_table.done()
    summons_table = t.table("summons", required=False)
    summons = None
    if summons_table is not None:
        bottom = summons_table.get("bottom", (int,), required=True)
        months = summons_table.get("months", (int,), required=True)
        if bottom < 1 or months < 1:
            summons_table.fail("bottom", "bottom and months must be at least 1")
        summons = Summons(bottom, months, provenance(summons_table))
        summons_table.done()
    scheme = Assessment(float(full), period, items, bonuses, duty, summons, origin)
    t.done()
    return scheme
