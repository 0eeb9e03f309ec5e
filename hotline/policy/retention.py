"""Profile rules for retention (issue 15 item 5): when a closed ticket is archived, how long
its call recordings are kept, and when its requester's personal data is purged.

Read from the profile's optional [retention] table, one sub-table per rule:

    [retention.archive]            # archived this many days after the ticket closed
    days = 90
    source = "002_….txt 第二十八条"
    [retention.recordings]         # call recordings kept at least this many years
    years = 3
    source = "002_….txt 第二十八条"
    [retention.personal_data]      # the requester's name, phone, address cleared after
    years = 5
    source = "002_….txt 第二十二条"

guangyuan 第十四条 keeps recordings at least two years, guangxi 第二十八条 three; the
archive articles (guangxi 第二十八条 办结归档, guangyuan 第十四条, guizhou 第十六条, meizhou
第十四条) give no delay, and no article gives a period for personal data: those values are
defaults, marked so in each profile. A profile without [retention] gets DEFAULT_RETENTION
(also marked default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hotline.policy import basics as b

# A year of retention never ends before its calendar date (hotline.retention counts years on
# the calendar); these bounds only refuse a value nobody means (0, or a typo like 300).
MAX_DAYS = 3650
MAX_YEARS = 100


@dataclass(frozen=True)
class Period:
    """One retention period: `amount` days or years, and where it comes from."""

    amount: int
    unit: str  # "days" or "years"
    origin: b.Provenance

    def cited(self) -> str:
        """'2 years (第十四条)', '5 years (第二十二条, default)': the period with its article."""
        article = self.origin.source.split(" ", 1)[-1]
        default = ", default" * self.origin.default_not_from_regulation
        return f"{self.amount} {self.unit} ({article}{default})"

    def describe(self) -> str:
        """'90 days (default, not from the regulation)' or '3 years'."""
        default = " (default, not from the regulation)" * self.origin.default_not_from_regulation
        return f"{self.amount} {self.unit}{default}"


@dataclass(frozen=True)
class Retention:
    """A profile's retention rules: archive delay, recordings and personal-data periods."""

    archive: Period  # days after closing
    recordings: Period  # years after closing (and after the recording), at least
    personal_data: Period  # years after closing


def _default(amount: int, unit: str, note: str) -> Period:
    return Period(amount, unit, b.default_provenance(note))


DEFAULT_RETENTION = Retention(
    _default(90, "days", "no [retention] in the profile: archived 90 days after closing"),
    _default(3, "years", "no [retention] in the profile: recordings kept 3 years"),
    _default(5, "years", "no [retention] in the profile: personal data kept 5 years"),
)
# (sub-table, unit, largest amount), in the order Retention holds them.
RULES = (
    ("archive", "days", MAX_DAYS),
    ("recordings", "years", MAX_YEARS),
    ("personal_data", "years", MAX_YEARS),
)


def read_retention(top: Any, provenance: Any) -> Retention:
    """[retention] with archive (days), recordings and personal_data (years), each sourced."""
    t = top.table("retention", required=False)
    if t is None:
        return DEFAULT_RETENTION
    periods: dict[str, Period] = {}
    for name, unit, most in RULES:
        rule = t.table(name)
        assert rule is not None  # required: its absence failed above
        amount = rule.get(unit, (int,), required=True)
        if not 1 <= amount <= most:
            rule.fail(unit, f"must be between 1 and {most}, got {amount}")
        periods[name] = Period(amount, unit, provenance(rule))
        rule.done()
    t.done()
    return Retention(**periods)


def retention_of(profile: object) -> Retention:
    """A profile's retention rules (the defaults for a profile object without any)."""
    return getattr(profile, "retention", None) or DEFAULT_RETENTION


# Rule home: 002 第二十八条 (办结归档); 000 第十四条; 001 第十六条; 003 第十四条 (no delay given:
# a default in every profile); 004 三(六) (no archive article: default).
def archive_after(profile: object) -> timedelta:
    """How long after closing a ticket is archived (归档)."""
    return timedelta(days=retention_of(profile).archive.amount)


# Rule home: 000 第十四条 (热线电话录音至少保存两年); 002 第二十八条 (电话录音应至少保存 3 年);
# 001, 003, 004: no article, a default.
def recordings_kept_years(profile: object) -> int:
    """Years a call recording is kept at least, counted from its ticket's closing."""
    return retention_of(profile).recordings.amount


# Rule home: 000 第二十二条; 001 第二十一条; 002 第二十二条; 003 第二十条; 004 三(三) (protect the
# requester's data; none gives a period: a default in every profile).
def personal_data_kept_years(profile: object) -> int:
    """Years after closing the requester's name, phone and address are kept, then purged."""
    return retention_of(profile).personal_data.amount
