"""The database schema and its revisions, applied with Alembic from code (no alembic.ini).

Schema revisions live in hotline/schema_revisions; "migration" in this service means moving
running process instances to a new diagram version (processes.migration), never this.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

SCHEMA_REVISIONS = Path(__file__).resolve().parent / "schema_revisions"


def alembic_config() -> Config:
    """Alembic configuration pointing at hotline/schema_revisions."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCHEMA_REVISIONS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    cfg = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A data revision may run long; the service's 10 s statement limit is for requests.
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def autogenerate(engine: Engine, message: str) -> None:
    """Write a new schema revision from the models (for developers)."""
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)
