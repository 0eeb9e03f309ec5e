"""/api/v1/processes: deploy BPMN files, list processes and versions, download a version."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.context import actor, require, unit_of_work
from api.errors import documented_errors, secured
from api.schemas.common import Shown
from api.schemas.processes import (
    READERS,
    UPLOAD_BODY,
    DeployedProcessSchema,
    ProcessSchema,
    ProcessVersionSchema,
)
from hotline import access
from hotline.errors import Forbidden, Invalid, NotFound
from hotline.models import ProcessDefinition, ProcessInstance
from hotline.statuses import InstanceStatus
from processes.problems import DeploymentRefused
from processes.registry import deploy_files

blp = Blueprint(
    "processes",
    __name__,
    url_prefix="/api/v1/processes",
    description="Deployed BPMN processes and their versions. " + READERS + " Only admins deploy.",
)
MAX_FILENAME = 200


def _require_reader() -> None:
    if not access.may_read_processes(actor()):
        raise Forbidden("only admin and center users see deployed processes")


def _running_by_definition(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(ProcessInstance.definition_id, func.count())
        .where(ProcessInstance.status == InstanceStatus.RUNNING)
        .group_by(ProcessInstance.definition_id)
    )
    return {definition_id: count for definition_id, count in rows}


def deployed_versions(session: Session, process_id: str | None = None) -> list[ProcessDefinition]:
    """Deployed versions by process id, newest first; only `process_id`'s when given."""
    query = select(ProcessDefinition).order_by(
        ProcessDefinition.process_id, ProcessDefinition.version.desc()
    )
    if process_id is not None:
        query = query.where(ProcessDefinition.process_id == process_id)
    return list(session.scalars(query))


def _uploads() -> list[tuple[str, bytes]]:
    """(filename, bytes) of every `files` part; clear 422s for what cannot be a diagram."""
    uploads = request.files.getlist("files")
    if not uploads:
        raise Invalid(
            "send one or more .bpmn files as multipart/form-data field `files`",
            fields={"files": ["no file uploaded"]},
        )
    files = []
    for upload in uploads:
        name = upload.filename or ""
        if not name or len(name) > MAX_FILENAME or "\x00" in name or "/" in name or "\\" in name:
            raise Invalid(
                f"each file needs a plain file name of at most {MAX_FILENAME} characters",
                fields={"files": [f"invalid file name {name[:MAX_FILENAME]!r}"]},
            )
        data = upload.read()
        if not data:
            raise Invalid(f"{name} is empty", fields={"files": [f"{name}: empty file"]})
        files.append((name, data))
    return files


@blp.route("", methods=["POST"])
@require(access.may_deploy, message="only admins deploy diagrams")
@blp.response(201, DeployedProcessSchema(many=True))
@blp.doc(
    **secured(
        {
            "403": "not an admin",
            "422": "refused: error.fields.problems lists every error and warning "
            "(DeployProblemSchema, with severity); nothing was stored and the previous "
            "versions keep running",
        },
        requestBody=UPLOAD_BODY,
    )
)
def deploy() -> Any:
    """Deploy one or more BPMN files (admin), all or nothing.

    A file identical to the newest version (same hash) makes no new version (`new`: false).
    New instances start on the newest version; running ones stay on theirs. Warnings
    (e.g. a task without a deadline, missing diagram layout) do not stop a deployment.
    """
    files = _uploads()
    with unit_of_work() as session:
        try:
            deployed = deploy_files(session, files)
        except DeploymentRefused as exc:
            names = ", ".join(sorted({p.file for p in exc.problems}))
            # Raising inside the unit of work rolls back the files that passed, too.
            raise Invalid(
                f"refused, nothing was deployed: {len(exc.problems)} error(s) in {names}",
                fields={"problems": [p.as_dict() for p in exc.report]},
            ) from None
        return [
            Shown(d.definition, new=d.new, warnings=[w.as_dict() for w in d.warnings])
            for d in deployed
        ]


@blp.route("")
@blp.response(200, ProcessSchema(many=True))
@blp.doc(**secured({"403": "not admin or center"}))
def list_() -> Any:
    """The newest version of every process, with version and running-instance counts."""
    _require_reader()
    with unit_of_work() as session:
        running = _running_by_definition(session)
        by_process: dict[str, list[ProcessDefinition]] = {}
        for definition in deployed_versions(session):
            by_process.setdefault(definition.process_id, []).append(definition)
        return [
            Shown(
                versions[0],
                latest_version=versions[0].version,
                versions=len(versions),
                running_instances=sum(running.get(v.id, 0) for v in versions),
            )
            for versions in by_process.values()
        ]


@blp.route("/<process_id>/versions")
@blp.response(200, ProcessVersionSchema(many=True))
@blp.doc(**secured({"403": "not admin or center", "404": "unknown"}))
def versions(process_id: str) -> Any:
    """Every version of a process, newest first, with instances still running on each."""
    _require_reader()
    with unit_of_work() as session:
        found = deployed_versions(session, process_id)
        if not found:
            raise NotFound(f"process {process_id!r} is not deployed")
        running = _running_by_definition(session)
        return [
            Shown(d, latest=i == 0, running_instances=running.get(d.id, 0))
            for i, d in enumerate(found)
        ]


@blp.route("/<process_id>/versions/<int(max=2147483647):version>/xml")
@blp.doc(
    security=[{"bearer": []}],
    responses={
        "200": {
            "description": "the BPMN XML exactly as deployed, as a file download",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        },
        **documented_errors({"403": "not admin or center", "404": "unknown process or version"}),
    },
)
def xml(process_id: str, version: int) -> Response:
    """Download the XML of one version, byte for byte as it was deployed."""
    _require_reader()
    with unit_of_work() as session:
        definition = session.scalars(
            select(ProcessDefinition).where(
                ProcessDefinition.process_id == process_id, ProcessDefinition.version == version
            )
        ).first()
        if definition is None:
            raise NotFound(f"process {process_id!r} has no version {version}")
        body, stem = definition.xml, f"{process_id}-v{version}"
    response = Response(body.encode("utf-8"), mimetype="application/xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.bpmn"'
    return response
