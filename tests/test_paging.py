"""The one pagination helper and the row schemas that replaced column-copying presenters."""

from __future__ import annotations

from marshmallow import fields
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.orm import Session

from api.paging import page_body
from api.schemas.common import RowSchema, Shown
from hotline.paging import count_rows, offset, paginate

NUMBERS = Table("numbers", MetaData(), Column("n", Integer, primary_key=True))


def test_offset_counts_the_rows_of_earlier_pages() -> None:
    """Page 1 starts at row 0; page 3 of 20 after 40 rows."""
    assert offset(1, 20) == 0
    assert offset(3, 20) == 40


def test_paginate_and_count_rows_over_a_query() -> None:
    """paginate cuts one page of an ordered query; count_rows counts every page."""
    engine = create_engine("sqlite://")
    NUMBERS.metadata.create_all(engine)
    with Session(engine) as session:
        session.execute(insert(NUMBERS), [{"n": n} for n in range(1, 26)])
        query = select(NUMBERS.c.n).order_by(NUMBERS.c.n)
        assert list(session.scalars(paginate(query, 2, 10))) == list(range(11, 21))
        assert list(session.scalars(paginate(query, 3, 10))) == list(range(21, 26))
        assert count_rows(session, query) == 25
    engine.dispose()


def test_page_body_is_what_a_page_schema_dumps() -> None:
    """items, total, page and per_page, in that order."""
    body = page_body(["a"], 41, {"page": 3, "per_page": 20, "q": "ignored"})
    assert list(body.items()) == [("items", ["a"]), ("total", 41), ("page", 3), ("per_page", 20)]


class _Row:
    def __init__(self) -> None:
        self.id = 7
        self.unit_code = "ZJJ"
        self.secret = "not in the schema"


class _RowOut(RowSchema):
    id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    overdue = fields.Boolean()


def test_row_schema_reads_the_row_and_the_computed_values() -> None:
    """Computed values come first, then the row's attributes; other attributes stay out."""
    assert _RowOut().dump(Shown(_Row(), overdue=True)) == {"id": 7, "unit": "ZJJ", "overdue": True}
    assert _RowOut().dump(Shown(_Row(), id=1)) == {"id": 1, "unit": "ZJJ"}
    assert _RowOut().dump(_Row()) == {"id": 7, "unit": "ZJJ"}
