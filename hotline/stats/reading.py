"""What a caller may read of the statistics: the selection its query names, narrowed to its
own unit for unit users (hotline.access.figures_unit), and the figures as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from hotline import access
from hotline.actors import Actor
from hotline.models.stats import TicketFact
from hotline.policy import Profile
from hotline.stats.figures import FIGURES, TIMES, Selection, figure_rows, figures
from hotline.stats.periods import Period, period_of

RATES = (
    "closure_rate",
    "satisfaction_rate",
    "repeat_rate",
    "acknowledged_on_time_rate",
    "handled_on_time_rate",
)
TICKETS_PATH = "/api/v1/stats/tickets"


def selection_for(
    actor: Actor,
    *,
    from_: date,
    to: date | None = None,
    period: str | None = None,
    by: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    district: str | None = None,
    channel: str | None = None,
) -> Selection:
    """The facts `actor` asks for: `period` holding `from_`, or `from_`..`to`; a unit user
    reads only its own unit (asking for another is Forbidden)."""
    days = period_of(period, from_) if period else Period(from_, to or from_)
    own = access.figures_unit(actor, unit)
    return Selection(days, by, own, category, district, channel)


def _query_of(selection: Selection) -> dict[str, str]:
    """The query string that names `selection` again (for the drill-down links)."""
    found = {"from": selection.period.first.isoformat(), "to": selection.period.last.isoformat()}
    for name in ("by", "unit", "category", "district", "channel"):
        value = getattr(selection, name)
        if value:
            found[name] = value
    return found


def shown_figures(session: Session, selection: Selection, profile: Profile) -> dict[str, Any]:
    """The figures of `selection` grouped as the API shows them: counts, rates, minutes and,
    per count, the link to the tickets behind it."""
    base = _query_of(selection)
    groups = []
    for figure in figures(session, selection, profile):
        key = figure["key"]
        # The group without a unit (category, …) is asked for with an empty key.
        link_key = {"key": "" if key is None else key} if selection.by else {}
        groups.append(
            {
                "key": key,
                "counts": {name: figure[name] for name in FIGURES},
                "rates": {name: figure[name] for name in RATES},
                "minutes": {
                    name: figure[name]
                    for name in figure
                    if name.endswith(("_avg", "_p90", "_max"))
                    and name.split("_minutes")[0] in TIMES
                },
                "tickets": {
                    name: f"{TICKETS_PATH}?{urlencode({**base, 'figure': name, **link_key})}"
                    for name in FIGURES
                },
            }
        )
    return {
        "first_day": selection.period.first,
        "last_day": selection.period.last,
        "by": selection.by,
        "groups": groups,
    }


@dataclass(frozen=True)
class Behind:
    """One ticket behind a figure as the reader may see it: a confidential one keeps its row
    (the drill-down adds up to the figure) but not its number or district for those it does
    not reach (meizhou 第二十一条: not the unit at large)."""

    fact: TicketFact
    ticket_number: str | None
    district: str | None
    confidential: bool


def tickets_behind(
    session: Session,
    actor: Actor,
    selection: Selection,
    figure: str,
    key: str | None,
    *,
    page: int,
    per_page: int,
) -> tuple[list[Behind], int]:
    """One page of the facts behind `figure` (drill-down), with their ticket numbers."""
    rows, total = figure_rows(session, selection, figure, key, page=page, per_page=per_page)
    shown = access.sees_confidential(actor)
    return [
        Behind(fact, number, fact.district, secret)
        if shown or not secret
        else Behind(fact, None, None, secret)
        for fact, number, secret in rows
    ], total
