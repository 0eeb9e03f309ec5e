"""Alembic environment: runs on the connection the service hands it."""

from alembic import context

from hotline.models import Base
from hotline.search import include_object

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_object=include_object,  # FTS5's tables are not models
)
with context.begin_transaction():
    context.run_migrations()
