"""One page of a list: the offset arithmetic and the count every paged query shares."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

Query = TypeVar("Query", bound=Select[Any])


def offset(page: int, per_page: int) -> int:
    """How many rows come before page `page` (1-based) of `per_page` rows."""
    return (page - 1) * per_page


def paginate(query: Query, page: int, per_page: int) -> Query:
    """`query` cut to page `page` (1-based) of `per_page` rows; order it first."""
    return query.limit(per_page).offset(offset(page, per_page))


def where_given(query: Query, *filters: tuple[InstrumentedAttribute[Any], object]) -> Query:
    """`query` narrowed to `column == value` for each filter whose value was given (not
    None or empty), as the list endpoints' optional query parameters are."""
    for column, value in filters:
        if value:
            query = query.where(column == value)
    return query


def count_rows(session: Session, query: Select[Any]) -> int:
    """How many rows `query` returns over all its pages."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0
