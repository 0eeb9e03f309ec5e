"""The bulletin's statistics, from hotline.stats.figures: the KPI table per unit with the
city's total, the trends of volume and satisfaction, overdue tickets by unit and the mix of
categories."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.bulletins.content import Chart, Column, Section, Series
from hotline.bulletins.periods import Period
from hotline.models import Unit
from hotline.policy.model import Profile
from hotline.stats.figures import Selection, figures
from hotline.stats.periods import Period as Days
from hotline.statuses import CATEGORY_LABELS

KPI_COLUMNS = (
    Column("unit_name", "单位"),
    Column("received", "受理量", "int"),
    Column("closed", "办结量", "int"),
    Column("closure_rate", "办结率", "percent"),
    Column("acknowledged_on_time_rate", "按时签收率", "percent"),
    Column("handled_on_time_rate", "按时办结率", "percent"),
    Column("overdue", "超期件", "int"),
    Column("returned", "退回件", "int"),
    Column("rehandled", "重办件", "int"),
    Column("satisfaction_rate", "满意率", "percent"),
    Column("close_minutes_avg", "平均办结用时（工作分钟）", "float"),
)
CENTER = "市热线中心直接办结"  # rows without a unit: answered or closed by the center itself
TOTAL = "合计"


def _days(period: Period) -> Days:
    return Days(period.first_day, period.last_day)


def kpi_section(session: Session, profile: Profile, period: Period) -> tuple[Section, dict]:
    """The KPI table (运行指标): one row per unit with tickets, then the city's total; and the
    total's figures (for the summary)."""
    names = dict(session.execute(select(Unit.code, Unit.name)).tuples().all())
    per_unit = figures(session, Selection(_days(period), by="unit"), profile)
    total = figures(session, Selection(_days(period)), profile)[0]
    rows = [_kpi_row(f, names.get(f["key"], f["key"]) if f["key"] else CENTER) for f in per_unit]
    rows.append(_kpi_row(total, TOTAL))
    note = "受理量按工单计，其余按单位承办记录计；会签工单各承办单位各计一次，合计中计一次"
    return Section("kpis", "运行指标", KPI_COLUMNS, tuple(rows), note=note), total


def _kpi_row(figure: dict[str, Any], name: str) -> dict[str, Any]:
    row = {c.key: figure.get(c.key) for c in KPI_COLUMNS}
    row["unit"] = figure.get("key")
    row["unit_name"] = name
    return row


def trend_charts(session: Session, profile: Profile, period: Period) -> tuple[Chart, ...]:
    """Volume and satisfaction day by day (week by week for a quarter)."""
    spans = _spans(period)
    points = [figures(session, Selection(span), profile)[0] for _label, span in spans]
    labels = tuple(label for label, _span in spans)
    step = "日" if period.kind == "month" else "周"
    volume = Chart(
        "volume_trend",
        f"受理量趋势（按{step}）",
        "line",
        labels,
        (
            Series("受理", tuple(float(p["received"]) for p in points)),
            Series("办结", tuple(float(p["closed"]) for p in points)),
        ),
        "件",
    )
    satisfaction = Chart(
        "satisfaction_trend",
        f"满意率趋势（按{step}）",
        "line",
        labels,
        (Series("满意率", tuple(p["satisfaction_rate"] for p in points)),),
        "%",
        percent=True,
        note="无回访评价的日子不画点",
    )
    return volume, satisfaction


def _spans(period: Period) -> list[tuple[str, Days]]:
    """The period's days, or for a quarter its weeks (Monday to Sunday, cut at its ends)."""
    if period.kind == "month":
        return [(f"{d.month}-{d.day:02d}", Days(d, d)) for d in period.days()]
    spans = []
    first: date = period.first_day
    while first <= period.last_day:
        last = min(first + timedelta(days=6 - first.weekday()), period.last_day)
        spans.append((f"{first.month}-{first.day:02d}", Days(first, last)))
        first = last + timedelta(days=1)
    return spans


def unit_charts(
    kpis: Section, session: Session, profile: Profile, period: Period
) -> tuple[Chart, ...]:
    """Overdue tickets by unit (units with tickets) and the mix of categories."""
    units = [r for r in kpis.rows if r["unit_name"] not in (TOTAL, CENTER)]
    overdue = Chart(
        "overdue_by_unit",
        "各单位超期件数",
        "bar",
        tuple(str(r["unit_name"]) for r in units),
        (Series("超期件", tuple(float(r["overdue"] or 0) for r in units)),),
        "件",
    )
    mix = figures(session, Selection(_days(period), by="category"), profile)
    categories = Chart(
        "category_mix",
        "诉求类型构成",
        "pie",
        tuple(CATEGORY_LABELS.get(str(f["key"]), str(f["key"])) for f in mix),
        (Series("受理", tuple(float(f["received"]) for f in mix)),),
    )
    return overdue, categories
