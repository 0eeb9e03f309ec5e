"""The workplace's 流程管理 pages for process owners: deployed processes and versions with their
instance counts, each version's diagram (bpmn-js), upload with the validation report, and a
dry-run migration. Deploying and migrating go through the API's own code
(processes.registry.deploy_files, processes.migration.migrate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.processes import MAX_FILENAME
from hotline import access
from hotline.clock import SHANGHAI
from hotline.errors import NotFound
from hotline.models import ProcessDefinition as PD
from hotline.models import ProcessInstance
from hotline.statuses import InstanceStatus
from hotline.tickets import get_ticket
from processes.migration import MigrationReport, migrate
from processes.problems import DeploymentRefused, Problem
from processes.registry import deploy_files
from web import pages, process_report, session

bp = Blueprint("web_process_pages", __name__)


@dataclass
class Version:
    """One deployed version with its instances: running, and finished (completed or cancelled)."""

    id: int
    process_id: str
    version: int
    name: str | None
    filename: str
    hash: str
    deployed_at: datetime
    running: int = 0
    finished: int = 0


@dataclass
class Process:
    """A deployed process and its versions, newest first."""

    process_id: str
    name: str | None
    versions: list[Version] = field(default_factory=list)

    @property
    def running(self) -> int:
        """Instances still running, on any version."""
        return sum(v.running for v in self.versions)


def deployed(db: Session) -> list[Process]:
    """Every process with its versions and instance counts (two queries, one GROUP BY)."""
    rows = db.execute(
        select(
            PD.id, PD.process_id, PD.version, PD.name, PD.filename, PD.hash, PD.deployed_at
        ).order_by(PD.process_id, PD.version.desc())
    ).tuples()
    by_id: dict[int, Version] = {}
    found: dict[str, Process] = {}
    for row in rows:
        version = Version(*row)
        version.deployed_at = version.deployed_at.astimezone(SHANGHAI)
        by_id[version.id] = version
        process = found.setdefault(version.process_id, Process(version.process_id, version.name))
        process.versions.append(version)
    counts = db.execute(
        select(ProcessInstance.definition_id, ProcessInstance.status, func.count()).group_by(
            ProcessInstance.definition_id, ProcessInstance.status
        )
    ).tuples()
    for definition_id, status, count in counts:
        counted = by_id.get(definition_id)
        if counted is None:
            continue
        if status == InstanceStatus.RUNNING:
            counted.running += count
        else:
            counted.finished += count
    return list(found.values())


def _definition(db: Session, process_id: str, version: int) -> PD:
    found = db.scalars(select(PD).where(PD.process_id == process_id, PD.version == version)).first()
    if found is None:
        raise NotFound(f"流程 {process_id} 没有第 {version} 版")
    return found


def _index(status: int = 200, **context: Any) -> Response:
    who = pages.signed_in_actor()
    with session.services().transaction() as db:
        processes = deployed(db)
    return pages.render(
        "processes/index.html",
        status=status,
        title="流程管理",
        active="processes",
        processes=processes,
        may_deploy=access.may_deploy(who),
        may_migrate=access.may_migrate(who),
        **context,
    )


@bp.route("/processes")
@pages.page_for("processes")
def index() -> Response:
    """流程管理: deployed processes and versions, with the upload form for admins."""
    return _index()


def _uploads() -> tuple[list[tuple[str, bytes]], str | None]:
    """(filename, bytes) of the uploaded files, or why they cannot be diagrams (in Chinese)."""
    files = []
    for upload in request.files.getlist("files"):
        name = upload.filename or ""
        if not name:
            continue  # the empty part a browser sends when no file was chosen
        if len(name) > MAX_FILENAME or "\x00" in name or "/" in name or "\\" in name:
            return [], f"文件名无效：每个文件名至多 {MAX_FILENAME} 个字符，不含路径"
        data = upload.read()
        if not data:
            return [], f"文件 {name} 是空的"
        files.append((name, data))
    if not files:
        return [], "请选择一个或多个 .bpmn 文件"
    return files, None


@bp.route("/processes/upload", methods=["POST"])
@pages.page_for("processes")
def upload() -> Response:
    """Deploy the uploaded diagrams (admins), all or nothing, and show the validation report:
    errors refuse every file and nothing is stored; warnings do not stop a deployment."""
    if not access.may_deploy(pages.signed_in_actor()):
        return pages.error_page(403, "只有管理员可以部署流程图")
    files, problem = _uploads()
    if problem is not None:
        return _index(status=422, upload_error=problem)
    try:
        with session.services().transaction() as db:
            stored = deploy_files(db, files)
            done = [(d.definition.process_id, d.definition.version, d.new) for d in stored]
            warnings: list[Problem] = [w for d in stored for w in d.warnings]
    except DeploymentRefused as exc:
        # Raised inside the transaction: the files that passed were rolled back too.
        return _index(
            status=422,
            refused=True,
            report=process_report.report_lines(exc.report),
            errors=len(exc.problems),
            files=[name for name, _ in files],
        )
    return _index(
        status=201,
        deployed=done,
        report=process_report.report_lines(warnings),
        files=[name for name, _ in files],
    )


@bp.route("/processes/<process_id>/versions/<int(max=2147483647):version>")
@pages.page_for("processes")
def version_page(process_id: str, version: int) -> Response:
    """One version's diagram drawn by bpmn-js, with its elements listed as text."""
    with session.services().transaction() as db:
        found = _definition(db, process_id, version)
        name, filename, xml = found.name, found.filename, found.xml
        deployed_at = found.deployed_at.astimezone(SHANGHAI)
    return pages.render(
        "processes/version.html",
        title=f"{name or process_id} 第 {version} 版",
        active="processes",
        process_id=process_id,
        version=version,
        name=name,
        filename=filename,
        deployed_at=deployed_at,
        elements=process_report.elements(xml),
    )


@bp.route("/processes/<process_id>/versions/<int(max=2147483647):version>/xml")
@pages.page_for("processes")
def version_xml(process_id: str, version: int) -> Response:
    """The version's BPMN XML exactly as deployed (what the diagram viewer draws)."""
    with session.services().transaction() as db:
        body = _definition(db, process_id, version).xml
    response = Response(body.encode("utf-8"), mimetype="application/xml")
    response.headers["Content-Disposition"] = f'inline; filename="{process_id}-v{version}.bpmn"'
    return response


def _int(name: str) -> int | None:
    text = (request.args.get(name) or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _ticket_version(db: Session, process_id: str, number: str) -> tuple[int | None, str | None]:
    """The version the ticket's running instance of `process_id` is on, or why there is none."""
    try:
        ticket = get_ticket(db, pages.signed_in_actor(), number)
    except NotFound:
        return None, f"找不到工单 {number}"
    found = db.scalar(
        select(PD.version)
        .join(ProcessInstance, ProcessInstance.definition_id == PD.id)
        .where(
            ProcessInstance.ticket_id == ticket.id,
            ProcessInstance.status == InstanceStatus.RUNNING,
            PD.process_id == process_id,
        )
        .limit(1)
    )
    if found is None:
        return None, f"工单 {number} 没有运行中的 {process_id} 流程实例"
    return found, None


@bp.route("/processes/<process_id>/migrate")
@pages.page_for("processes")
def migrate_page(process_id: str) -> Response:
    """试迁移 (admins): what moving the running instances of one version (or one ticket's) to
    another would do; a dry run of the API's migration, which changes nothing."""
    who = pages.signed_in_actor()
    if not access.may_migrate(who):
        return pages.error_page(403, "只有管理员可以迁移流程实例")
    host = session.services()
    runtime = host.runtime
    asked = "to_version" in request.args
    ticket = (request.args.get("ticket") or "").strip()[:32]
    from_version, to_version = _int("from_version"), _int("to_version")
    errors: dict[str, str] = {}
    report: MigrationReport | None = None
    with host.transaction() as db:
        versions = [v for p in deployed(db) if p.process_id == process_id for v in p.versions]
        if not versions:
            raise NotFound(f"流程 {process_id} 未部署")
        if asked:
            if ticket:
                from_version, problem = _ticket_version(db, process_id, ticket)
                if problem:
                    errors["ticket"] = problem
            elif from_version is None:
                errors["from_version"] = "请选择实例当前所在的版本"
            known = {v.version for v in versions}
            if from_version is not None and from_version not in known and not ticket:
                errors["from_version"] = f"没有第 {from_version} 版"
            if to_version is None or to_version not in known:
                errors["to_version"] = "请选择目标版本"
            elif to_version == from_version:
                errors["to_version"] = "目标版本须不同于当前版本"
            if not errors and from_version is not None and to_version is not None:
                report = migrate(
                    db,
                    runtime.specs,
                    runtime.serializer,
                    process_id,
                    from_version,
                    to_version,
                    actor=who,
                    dry_run=True,
                )
    outcomes = report.instances if report is not None else []
    if report is not None and ticket:
        outcomes = [o for o in outcomes if o.ticket_number == ticket]
    return pages.render(
        "processes/migrate.html",
        status=422 if errors else 200,
        title=f"试迁移 {process_id}",
        active="processes",
        process_id=process_id,
        versions=versions,
        ticket=ticket,
        from_version=from_version,
        to_version=to_version,
        errors=errors,
        report=report,
        outcomes=outcomes,
    )
