"""Fill a bulletin's content for one period from the parts that know the figures: the
statistics (hotline.stats), the assessment (hotline.assessment) and the hot-spot warnings
(hotline.hotspots). A part that cannot answer leaves its section marked not available.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hotline.bulletins.content import (
    BulletinContent,
    Chart,
    Column,
    Section,
    missing_chart,
    missing_section,
)
from hotline.bulletins.periods import Period
from hotline.bulletins.scores import ranking_sections, score_period
from hotline.policy.bulletins import bulletin_rules
from hotline.policy.model import Profile

NOT_BUILT = "not available: {part} has not been built yet (issue 13)"

KPI_COLUMNS = (
    Column("unit_name", "单位"),
    Column("received", "受理量", "int"),
    Column("closed", "办结量", "int"),
    Column("closing_rate", "办结率", "percent"),
    Column("on_time_rate", "按时办结率", "percent"),
    Column("overdue", "超期件", "int"),
    Column("satisfaction_rate", "满意率", "percent"),
)
HOTSPOT_COLUMNS = (
    Column("topic", "热点"),
    Column("category", "类型"),
    Column("district", "区县"),
    Column("tickets", "工单数", "int"),
    Column("baseline", "基线", "float"),
    Column("units", "涉及单位"),
)


def gather(session: Session, profile: Profile, period: Period, now: datetime) -> BulletinContent:
    """The bulletin of `period` as the figures stand at `now` (version 1, not yet stamped)."""
    score_period(session, profile, period, now)
    ranking, deductions, _ranked = ranking_sections(session, profile, period)
    sections = (
        ranking,
        deductions,
        kpi_section(session, profile, period),
        hotspot_section(session, profile, period),
    )
    charts = trend_charts(session, profile, period) + unit_charts(session, profile, period)
    return BulletinContent(
        profile=profile.name,
        issuer=bulletin_rules(profile).issuer,
        period=period.key,
        period_kind=period.kind,
        period_title=period.title,
        starts=period.start.isoformat(),
        ends=period.end.isoformat(),
        generated_at=now.isoformat(),
        summary=summary(sections[2], sections[0]),
        sections=sections,
        charts=charts,
        notes=(f"依据：{bulletin_rules(profile).origin.source}",),
    )


def kpi_section(session: Session, profile: Profile, period: Period) -> Section:
    """The KPI table per unit (运行指标)."""
    return missing_section("kpis", "运行指标", KPI_COLUMNS, NOT_BUILT.format(part="statistics"))


def hotspot_section(session: Session, profile: Profile, period: Period) -> Section:
    """The hot spots warned of during the period (热点问题)."""
    return missing_section(
        "hotspots", "热点问题", HOTSPOT_COLUMNS, NOT_BUILT.format(part="hot-spot warnings")
    )


def trend_charts(session: Session, profile: Profile, period: Period) -> tuple[Chart, ...]:
    """Volume and satisfaction day by day (week by week for a quarter)."""
    why = NOT_BUILT.format(part="statistics")
    return (
        missing_chart("volume_trend", "受理量趋势", "line", why),
        missing_chart("satisfaction_trend", "满意率趋势", "line", why),
    )


def unit_charts(session: Session, profile: Profile, period: Period) -> tuple[Chart, ...]:
    """Overdue tickets by unit and the mix of categories."""
    why = NOT_BUILT.format(part="statistics")
    return (
        missing_chart("overdue_by_unit", "各单位超期件数", "bar", why),
        missing_chart("category_mix", "诉求类型构成", "pie", why),
    )


def summary(kpis: Section, ranking: Section) -> tuple[str, ...]:
    """The opening sentences: totals of the period, the first and last of the ranking."""
    lines = []
    if kpis.available and kpis.rows:
        received = sum(int(r.get("received") or 0) for r in kpis.rows)
        closed = sum(int(r.get("closed") or 0) for r in kpis.rows)
        rate = f"{closed / received:.1%}" if received else "—"
        lines.append(f"本期共受理群众诉求{received}件，办结{closed}件，办结率{rate}。")
    if ranking.available and ranking.rows:
        first, last = ranking.rows[0], ranking.rows[-1]
        lines.append(
            f"考核排名第一的是{first.get('unit_name')}（{first.get('total')}分），"
            f"排名最后的是{last.get('unit_name')}（{last.get('total')}分）。"
        )
    return tuple(lines)
