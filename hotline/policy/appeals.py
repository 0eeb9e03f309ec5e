"""Profile rules for assessment appeals (申诉) and exemption requests (免责): the appeal window.

guangxi 第三十二条 (002_74be2da07faa6da0.txt): 成员单位…对每日工单数据、考核数据有异议的，应
及时提出申诉。当年考核周期结束后 7 个工作日内仍可申诉，超期不再受理. A unit may appeal any
time in the assessment cycle its data belongs to and for `after_cycle` working days after
it closes. The [appeals] section is optional in a profile TOML; without it the defaults say
they are not from the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Protocol

from hotline.clock import SHANGHAI
from hotline.policy import basics as b
from hotline.policy.assessment import assessment_of, cycle_of, period_of

# Which of the assessment's periods an appeal belongs to ([assessment.period], [bulletins]):
# the yearly cycle (hotline.policy.assessment.cycle_of) or the publication period (period_of).
CYCLES = ("year", "publication")


@dataclass(frozen=True)
class Appeals:
    """Until when a unit may appeal: through the assessment period its data belongs to
    (`cycle`), then `after_cycle` working days."""

    cycle: str  # one of CYCLES
    after_cycle: b.Limit  # working days after the period's last day
    origin: b.Provenance


@dataclass(frozen=True)
class AppealWindow:
    """The window an appeal about one day falls in, and the article that sets it."""

    cycle_start: date
    cycle_end: date  # the cycle's last day
    closes_at: datetime  # aware UTC: an appeal filed at or after this moment is refused
    source: str  # "<seed file> <article>" of the after-cycle limit
    default: bool  # the limit is a default, not from the regulation


class WorkingDays(Protocol):
    """What the window needs of the working calendar (hotline.calendar.WorkingCalendar)."""

    def add_working_days(self, start: datetime, n: int) -> Any:
        """An object whose `at` is 24:00 Shanghai of the `n`th working day after `start`."""
        ...


DEFAULT_APPEALS = Appeals(
    "year",
    b.Limit(7, "working_days", b.DEFAULT_SOURCE, "no regulation of this profile gives one", True),
    b.default_provenance("appeals as guangxi 第三十二条: the cycle and 7 working days after it"),
)


def read_appeals(top: Any, limit: Any, provenance: Any) -> Appeals:
    """[appeals] with `cycle` (year | publication) and an `after_cycle` limit (working days);
    defaults when absent."""
    t = top.table("appeals", required=False)
    if t is None:
        return DEFAULT_APPEALS
    cycle = str(t.choice("cycle", CYCLES))
    after = limit(t, "after_cycle", ("working_days",), positive=True)
    appeals = Appeals(cycle, after, provenance(t))
    t.done()
    return appeals


def appeals_of(profile: object) -> Appeals:
    """A profile's appeal rules (the defaults for a profile object without any)."""
    return getattr(profile, "appeals", None) or DEFAULT_APPEALS


# Rule home: 002 第三十二条 (the cycle: 第三十条); 000 第十四条(二) (d); 001 第十八条 (d);
# 003 第十二条(二)(三) (d); 004 附件 六(四) (d).
def appeal_window(profile: object, calendar: WorkingDays, day: date) -> AppealWindow:
    """The window for appealing (or asking an exemption for) data of `day`: open through the
    assessment period `day` falls in (the yearly cycle or the bulletin's period, as the
    profile's [assessment] and [bulletins] set them) and `after_cycle` working days after."""
    rules = appeals_of(profile)
    scheme = assessment_of(profile)
    start, end = cycle_of(scheme, day) if rules.cycle == "year" else period_of(scheme, day)
    last_day_begins = datetime.combine(end, time(0), SHANGHAI).astimezone(UTC)
    closes = calendar.add_working_days(last_day_begins, int(rules.after_cycle.amount)).at
    limit = rules.after_cycle
    return AppealWindow(start, end, closes, limit.source, limit.default_not_from_regulation)
