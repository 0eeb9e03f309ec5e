"""One paged answer for every list endpoint: tickets, tasks, escalations, articles, questions."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from api.context import actor, unit_of_work
from api.schemas.common import Shown
from hotline.actors import Actor

Row = TypeVar("Row")


def page_body(items: list[Any], total: int, query: Mapping[str, Any]) -> dict[str, Any]:
    """What a PageSchema dumps: `items`, page `query["page"]` of `total` rows."""
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}


def paged(
    query: Mapping[str, Any],
    fetch: Callable[..., tuple[Sequence[Row], int]],
    show: Callable[[Session, Row], Any],
) -> dict[str, Any]:
    """The page `fetch(session, caller, **query)` finds, each row as `show` presents it."""
    with unit_of_work() as session:
        caller: Actor = actor()
        rows, total = fetch(session, caller, **query)
        return page_body([show(session, row) for row in rows], total, query)


def with_ticket_number(_session: Session, row: tuple[Any, str | None]) -> Shown:
    """A (row, ticket number) pair: the row shown with its ticket's `ticket_number`."""
    found, number = row
    return Shown(found, ticket_number=number)
