"""The workplace's 督办看板 (supervisor dashboard): overdue and soon-due tickets by unit, the
escalation ladder, today's urges, this month's figures per unit and open hot-spot warnings."""

from __future__ import annotations

from flask import Blueprint, Response

from hotline import clock
from web import dashboard_data as data
from web import pages, session

bp = Blueprint("web_dashboard", __name__)


@bp.route("/dashboard")
@pages.page_for("dashboard")
def index() -> Response:
    """督办看板: what the reader may see of every unit's deadlines and escalations."""
    who = pages.signed_in_actor()
    host = session.services()
    profile = host.runtime.profile
    now = clock.now()
    until = data.soon_until(now, profile)
    with host.transaction() as db:
        names = data.unit_names(db)
        deadlines = data.unit_deadlines(db, who, now, until, names)
        ladder = data.ladder(db, who, names)
        today, today_total = data.raised_today(db, who, now)
        month = data.month_figures(db, who, now, profile, names)
        hotspots = data.open_hotspots(db, who)
    return pages.render(
        "dashboard/index.html",
        title="督办看板",
        active="dashboard",
        now=now.astimezone(clock.SHANGHAI),
        soon_hours=round((until - now).total_seconds() / 3600),
        deadlines=deadlines,
        overdue_total=sum(row.overdue for row in deadlines),
        soon_total=sum(row.soon for row in deadlines),
        open_total=sum(row.open for row in deadlines),
        ladder=ladder,
        today=today,
        today_total=today_total,
        today_limit=data.TODAY_LIMIT,
        month=month,
        hotspots=hotspots,
    )
