"""The access audit in tests: an auditor caller, its rows over the API, and SQL edits made
behind the service's back (the append-only triggers lifted for one transaction)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, text

from hotline.directory import add_user
from hotline.models import User
from tests.helpers.api import Caller

if TYPE_CHECKING:
    from tests.conftest import Hotline

AUDITOR = "audit-officer"


def auditor(h: Hotline, name: str = AUDITOR) -> Caller:
    """A user with the `auditor` role, calling the API with its own token."""
    with h.services.transaction() as session:
        token = add_user(session, name, "auditor")
    return Caller(h.app.test_client(), token, name)


def user_id(h: Hotline, name: str) -> int:
    """The id of the user called `name`."""
    with h.services.transaction() as session:
        return session.scalars(select(User.id).where(User.name == name)).one()


def audit_rows(reader: Caller, **query: Any) -> list[dict[str, Any]]:
    """Every audit row `query` selects, newest first, as GET /api/v1/audit pages them."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        response = reader.get(
            "/api/v1/audit", query_string={**query, "page": page, "per_page": 100}
        )
        assert response.status_code == 200, response.json
        rows += response.json["items"]
        if len(rows) >= response.json["total"]:
            return rows
        page += 1


def behind_the_back(engine: Engine, sql: str, **params: Any) -> None:
    """Run `sql` on audit_records with the append-only triggers lifted, in one transaction
    that puts them back: what someone with the database's owner rights could do."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            triggers = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                     "AND tbl_name = 'audit_records'")
            ).all()  # fmt: skip
            for name, _sql in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
            conn.execute(text(sql), params)
            for _name, create in triggers:
                conn.execute(text(create))
        else:
            conn.execute(
                text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only")
            )
            conn.execute(text(sql), params)
            conn.execute(text("ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only"))
