"""Fill a bulletin's content for one period from the parts that know the figures: the
statistics (hotline.stats), the assessment (hotline.assessment) and the hot-spot warnings
(hotline.hotspots)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hotline.bulletins.content import BulletinContent, Section
from hotline.bulletins.figures import kpi_section, trend_charts, unit_charts
from hotline.bulletins.periods import Period
from hotline.bulletins.scores import article, ranking_sections, score_period
from hotline.bulletins.warned import hotspot_section
from hotline.policy.bulletins import bulletin_rules
from hotline.policy.model import Profile


def gather(session: Session, profile: Profile, period: Period, now: datetime) -> BulletinContent:
    """The bulletin of `period` as the figures stand at `now` (version 1, not yet stamped)."""
    score_period(session, profile, period, now)
    ranking, deductions, _ranked = ranking_sections(session, profile, period)
    kpis, total = kpi_section(session, profile, period)
    hotspots = hotspot_section(session, period)
    charts = trend_charts(session, profile, period) + unit_charts(kpis, session, profile, period)
    return BulletinContent(
        profile=profile.name,
        issuer=bulletin_rules(profile).issuer,
        period=period.key,
        period_kind=period.kind,
        period_title=period.title,
        starts=period.start.isoformat(),
        ends=period.end.isoformat(),
        generated_at=now.isoformat(),
        summary=summary(period, total, ranking, hotspots),
        sections=(ranking, deductions, kpis, hotspots),
        charts=charts,
        notes=(f"通报依据：{article(profile, bulletin_rules(profile).origin.source)}",),
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def summary(
    period: Period, total: dict[str, Any], ranking: Section, hotspots: Section
) -> tuple[str, ...]:
    """The opening sentences: the period's totals, the ranking's first and last, the summoned
    units and the hot spots."""
    span = "本月" if period.kind == "month" else "本季度"
    lines = [
        f"{span}共受理群众诉求{total['received']}件，办结{total['closed']}件，"
        f"办结率{_percent(total['closure_rate'])}，满意率{_percent(total['satisfaction_rate'])}；"
        f"超期{total['overdue']}件，退回{total['returned']}件，重办{total['rehandled']}件。"
    ]
    if ranking.available and ranking.rows:
        first, last = ranking.rows[0], ranking.rows[-1]
        lines.append(
            f"考核排名第一的是{first['unit_name']}（{first['total']}分），"
            f"排名最后的是{last['unit_name']}（{last['total']}分）。"
        )
        summoned = [str(r["unit_name"]) for r in ranking.rows if r.get("summoned")]
        if summoned:
            lines.append(f"连续考核排名靠后、提请约谈的单位：{'、'.join(summoned)}。")
    if hotspots.rows:
        topics = "；".join(
            f"{r['district']}{r['topic']}（{r['count']}件）" for r in hotspots.rows[:3]
        )
        lines.append(f"{span}发出热点预警{len(hotspots.rows)}个：{topics}。")
    else:
        lines.append(f"{span}未发出热点预警。")
    return tuple(lines)
