"""/api/v1/processes/<process_id>/migrations: move running instances to another version."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, require, services, unit_of_work
from api.errors import secured
from api.schemas.migrations import MigrationReportSchema, MigrationRequestSchema
from hotline import access
from processes.migration import migrate

blp = Blueprint(
    "migrations",
    __name__,
    url_prefix="/api/v1/processes",
    description="Migrating running instances between process versions",
)


@blp.route("/<process_id>/migrations", methods=["POST"])
@require(access.may_migrate, message="only admins migrate process instances")
@blp.arguments(MigrationRequestSchema)
@blp.response(200, MigrationReportSchema)
@blp.doc(
    **secured({"403": "not an admin", "404": "process not deployed", "422": "unknown version"})
)
def create(body: dict[str, Any], process_id: str) -> Any:
    """Move the running instances of from_version to to_version where safe (admin)."""
    caller = actor()
    runtime = services().runtime
    with unit_of_work() as session:
        return migrate(
            session,
            runtime.specs,
            runtime.serializer,
            process_id,
            body["from_version"],
            body["to_version"],
            actor=caller,
            dry_run=body["dry_run"],
        )
