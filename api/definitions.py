"""/api/v1/definitions: deployed BPMN versions; admins deploy new ones."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from api.context import actor, unit_of_work
from api.errors import secured
from api.processes import deployed_versions
from api.schemas.processes import DefinitionSchema
from hotline import access
from hotline.errors import Forbidden, Invalid
from processes.problems import DeploymentRefused
from processes.registry import deploy

blp = Blueprint(
    "definitions", __name__, url_prefix="/api/v1/definitions", description="BPMN deployments"
)


@blp.route("")
@blp.response(200, DefinitionSchema(many=True))
@blp.doc(**secured())
def list_() -> Any:
    """Every deployed version, newest first per process."""
    with unit_of_work() as session:
        return deployed_versions(session)


@blp.route("", methods=["POST"])
@blp.response(201, DefinitionSchema(many=True))
@blp.doc(
    deprecated=True,
    security=[{"bearer": []}],
    requestBody={"content": {"application/xml": {"schema": {"type": "string"}}}},
    parameters=[{"in": "query", "name": "filename", "schema": {"type": "string"}}],
)
def create() -> Any:
    """Deploy one BPMN file sent as the raw body (admin); prefer `POST /api/v1/processes`.

    Kept for existing clients; the multipart endpoint deploys several files at once
    and reports warnings. Refusals name the file, element and problem.
    """
    if not access.may_deploy(actor()):
        raise Forbidden("only admins deploy diagrams")
    xml = request.get_data()
    filename = request.args.get("filename") or "upload.bpmn"
    if len(filename) > 200 or "\x00" in filename or "/" in filename:
        raise Invalid(
            "filename must be a plain file name of at most 200 characters",
            fields={"filename": ["invalid file name"]},
        )
    if not xml:
        raise Invalid("send the BPMN XML as the request body", fields={"body": ["empty"]})
    with unit_of_work() as session:
        try:
            return deploy(session, xml, filename)
        except DeploymentRefused as exc:
            first = exc.problems[0] if exc.problems else None
            raise Invalid(
                f"the diagram was refused: {first}" if first else "the diagram was refused",
                fields={"problems": [p.as_dict() for p in exc.report]},
            ) from None
