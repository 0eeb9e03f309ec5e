"""The bulletin's assessment sections, from hotline.assessment: the ranking with every unit's
item scores, and every deduction of the period with its ticket (or record) and article."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.assessment import Ranking, period_ranking, score_day
from hotline.bulletins.content import Column, Section, missing_section
from hotline.bulletins.periods import Period
from hotline.calendar import shanghai_day
from hotline.models.assessment import DayScore
from hotline.policy.assessment import assessment_of
from hotline.policy.model import Profile
from hotline.statuses import DeductionStatus

# What each assessment measure is called in a bulletin.
MEASURE_TITLES = {
    "policy_days_late": "知识库更新",
    "overdue_questions": "知识问答",
    "failed_call_tests": "电话接通",
    "overdue_tickets": "按时办结",
    "late_acknowledgements": "按时签收",
    "callback_findings": "回访核实",
    "unsatisfied_callbacks": "满意度",
    "closure_rate": "办结率",
}
STATUS_TITLES = {
    DeductionStatus.ACTIVE: "扣分",
    DeductionStatus.VOIDED: "申诉撤销",
    DeductionStatus.EXCLUDED: "不计入考核",
}
DEDUCTION_COLUMNS = (
    Column("unit_name", "单位"),
    Column("day", "日期"),
    Column("item", "考核项目"),
    Column("ticket", "工单/记录"),
    Column("points", "分值", "float"),
    Column("status", "状态"),
    Column("reason", "原因"),
    Column("article", "依据"),
)
NO_SCHEME = "not available: the profile has no assessment scheme ([assessment])"


def score_period(session: Session, profile: Profile, period: Period, now: datetime) -> int:
    """Score (hotline.assessment.score_day) every ended day of the period not scored yet,
    so the ranking covers the whole period; how many days were scored now."""
    if not assessment_of(profile).items:
        return 0
    last = min(period.last_day, shanghai_day(now) - timedelta(days=1))
    scored = set(
        session.scalars(
            select(DayScore.day)
            .where(DayScore.day >= period.first_day, DayScore.day <= last)
            .distinct()
        )
    )
    missing = [day for day in period.days() if day <= last and day not in scored]
    done = 0
    for day in missing:
        try:
            with session.begin_nested():  # a day another scheduler scored first is skipped
                score_day(session, profile, day)
            done += 1
        except IntegrityError:
            continue
    return done


def article(profile: Profile, source: str) -> str:
    """A source as a bulletin cites it: the article, without the seed file's name."""
    return source.removeprefix(profile.regulation_file).strip()


def item_title(profile: Profile, name: str) -> str:
    """An item's heading: its measure's Chinese name and full points, e.g. 按时办结（10）."""
    item = assessment_of(profile).item(name)
    if item is None:
        return "加分" if name == "bonus" else name
    return f"{MEASURE_TITLES.get(item.measure, item.name)}（{item.points:g}分）"


def ranking_sections(
    session: Session, profile: Profile, period: Period
) -> tuple[Section, Section, Ranking | None]:
    """The ranking (考核排名) and deductions (扣分明细) sections of the period; the ranking."""
    scheme = assessment_of(profile)
    if not scheme.items:
        bare = (Column("rank", "排名", "int"), Column("unit_name", "单位"))
        return (
            missing_section("ranking", "考核排名", bare, NO_SCHEME),
            missing_section("deductions", "扣分明细", DEDUCTION_COLUMNS, NO_SCHEME),
            None,
        )
    ranking = period_ranking(session, profile, period.first_day)
    names = [item.name for item in scheme.items] + (["bonus"] if scheme.bonuses else [])
    columns = (
        Column("rank", "排名", "int"),
        Column("unit_name", "单位"),
        Column("total", f"得分（满分{scheme.full_marks:g}）", "float"),
        *(Column(f"item:{name}", item_title(profile, name), "float") for name in names),
        Column("summoned", "约谈"),
    )
    rows = tuple(_ranked_row(unit, names) for unit in ranking.units)
    note = f"依据：{article(profile, scheme.origin.source)}；截至{ranking.as_of.isoformat()}"
    deductions = tuple(
        _deduction_row(profile, unit.name, line)
        for unit in ranking.units
        for line in unit.deductions
    )
    return (
        Section("ranking", "考核排名", columns, rows, note=note),
        Section(
            "deductions",
            "扣分明细",
            DEDUCTION_COLUMNS,
            deductions,
            note="每一扣分对应一张工单或一条记录；申诉撤销、不计入考核的一并列出",
        ),
        ranking,
    )


def _ranked_row(unit: Any, names: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "rank": unit.rank,
        "unit": unit.unit,
        "unit_name": unit.name,
        "total": unit.total,
        "summoned": "约谈" if unit.summoned else "",
    }
    for name in names:
        row[f"item:{name}"] = (unit.items.get(name) or {}).get("points")
    return row


def _deduction_row(profile: Profile, unit_name: str, line: Any) -> dict[str, Any]:
    if line.ticket_number:
        what = line.ticket_number
    elif line.record_kind:
        what = f"{line.record_kind} #{line.record_id}"
    else:
        what = ""
    day: date = line.day
    return {
        "deduction_id": line.id,
        "unit_name": unit_name,
        "day": day.isoformat(),
        "item": item_title(profile, line.item),
        "ticket": what,
        "points": line.points,
        "status": STATUS_TITLES.get(DeductionStatus(line.status), line.status),
        "reason": line.reason,
        "article": article(profile, str(line.article)),
    }
