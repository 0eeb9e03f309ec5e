"""The schema revisions build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hotline.db import make_engine
from hotline.models import Base
from hotline.schema import upgrade
from hotline.search import include_object


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    """An upgraded database needs no further revision: models and schema revisions agree."""
    engine = make_engine(database_url)
    upgrade(engine)  # a second upgrade on an upgraded database is a no-op
    with engine.connect() as connection:
        # FTS5 tables (SQLite) are kept by the schema revisions, not by the models.
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
