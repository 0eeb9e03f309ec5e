"""Statistics: figures per unit, category, district, channel and period, from ticket facts.

Public API (each takes a SQLAlchemy Session):
- `recompute(session)`: rebuild every ticket fact from the event history;
- `generate_month(session, profile, "2026-10", seed=13)`: the small generated month
  (SMALL_MONTH, 20 tickets) with events and facts; `generate_bulk(...)` for volume;
- facts are kept current by `hotline.stats.facts.on_event`, called by
  hotline.history.record_event in the transaction of every ticket event;
- the table: hotline.models.stats.TicketFact (one row per ticket and unit).
"""

from hotline.stats.generate import SMALL_MONTH, Generated, generate_bulk, generate_month
from hotline.stats.recompute import recompute

__all__ = ["SMALL_MONTH", "Generated", "generate_bulk", "generate_month", "recompute"]
