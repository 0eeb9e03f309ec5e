"""Deploy BPMN files: parse, check, version and store them; cache one spec per version."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.models import ProcessDefinition
from processes.forms import FormFieldInfo, form_fields
from processes.problems import DeploymentRefused, Problem
from processes.validation import inspect_bpmn, parse_bpmn, parse_error_problem

__all__ = [
    "CompiledProcess",
    "Deployed",
    "SpecCache",
    "check",
    "deploy",
    "deploy_directory",
    "deploy_files",
    "latest_definition",
    "parse_bpmn",
    "parse_error_problem",
]


@dataclass
class CompiledProcess:
    """A parsed, checked process version, shared by every instance of that version."""

    definition_id: int
    process_id: str
    version: int
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, list[FormFieldInfo]] = field(default_factory=dict)

    def task_spec(self, name: str) -> Any:
        """The task spec with this BPMN id, searching subprocesses too."""
        if name in self.spec.task_specs:
            return self.spec.task_specs[name]
        for sub in self.subprocess_specs.values():
            if sub is not None and name in sub.task_specs:
                return sub.task_specs[name]
        raise KeyError(name)


def xml_hash(xml: bytes) -> str:
    """Content hash that decides whether a deploy is a new version."""
    return hashlib.sha256(xml).hexdigest()


def deploy(
    session: Session, xml: bytes, filename: str, warnings: list[Problem] | None = None
) -> list[ProcessDefinition]:
    """Store a new version of every executable process in the file (same content: no-op).

    The file's warnings are appended to `warnings`; errors raise DeploymentRefused.
    """
    text = _decode(xml, filename)
    parsed, found = inspect_bpmn(xml, filename)
    if warnings is not None:
        warnings.extend(found)
    digest = xml_hash(xml)
    stored = []
    for process_id, (spec, _subs) in parsed.items():
        latest = latest_definition(session, process_id)
        if latest is not None and latest.hash == digest:
            stored.append(latest)
            continue
        definition = ProcessDefinition(
            process_id=process_id,
            version=(latest.version + 1) if latest else 1,
            name=getattr(spec, "bpmn_name", None) or getattr(spec, "description", None),
            filename=filename,
            hash=digest,
            xml=text,
            deployed_at=clock.now(),
        )
        session.add(definition)
        stored.append(definition)
    session.flush()
    return stored


def _decode(xml: bytes, filename: str) -> str:
    try:
        return xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeploymentRefused(
            [Problem(filename, None, None, f"the file is not UTF-8 encoded ({exc.reason})")]
        ) from None


def check(xml: bytes, filename: str) -> tuple[list[str], list[Problem]]:
    """Validate one file without storing anything: the process ids it would deploy, and its
    warnings. Raises DeploymentRefused listing every problem, exactly as `deploy` would.
    """
    _decode(xml, filename)
    parsed, warnings = inspect_bpmn(xml, filename)
    return list(parsed), warnings


@dataclass
class Deployed:
    """One process definition a deployment stored or found unchanged, and its file's warnings."""

    definition: ProcessDefinition
    new: bool
    warnings: list[Problem] = field(default_factory=list)


def deploy_files(session: Session, files: list[tuple[str, bytes]]) -> list[Deployed]:
    """Deploy (filename, xml) pairs all or nothing; problems of every file are collected.

    On DeploymentRefused the caller's transaction must roll back: versions of the files
    that passed were added to the session. Its `warnings` hold those of every file.
    """
    known = set(session.scalars(select(ProcessDefinition.id)))
    stored: list[Deployed] = []
    errors: list[Problem] = []
    warnings: list[Problem] = []
    first_file: dict[str, tuple[str, str]] = {}  # process id → (file, hash) in this call
    for filename, xml in files:
        found: list[Problem] = []
        try:
            for definition in deploy(session, xml, filename, found):
                earlier = first_file.get(definition.process_id)
                if earlier is None:
                    first_file[definition.process_id] = (filename, definition.hash)
                    stored.append(Deployed(definition, definition.id not in known, found))
                elif earlier[1] != definition.hash:
                    errors.append(_defined_twice(filename, definition.process_id, earlier[0]))
                # else: the same content uploaded twice is listed once
        except DeploymentRefused as exc:
            errors.extend(exc.problems)
            found.extend(exc.warnings)
        warnings.extend(found)
    if errors:
        raise DeploymentRefused(errors, warnings)
    return stored


def _defined_twice(filename: str, process_id: str, other: str) -> Problem:
    return Problem(
        filename,
        process_id,
        None,
        f"process {process_id!r} is also defined in {other}: one deployment takes each "
        "process from one file",
        "bpmn:process",
    )


def deploy_directory(
    session: Session, directory: Path, warnings: list[Problem] | None = None
) -> list[ProcessDefinition]:
    """Deploy the *.bpmn files under `directory` that were never deployed; all or nothing.

    A file whose exact content is already a version is left alone, so a newer version a
    process owner deployed since (API or `hotline deploy`) stays the one new tickets use
    after a restart. Returns the newest version of every process in the directory's files.
    Warnings of the deployed files go to `warnings`.
    """
    files: list[tuple[str, bytes]] = []
    kept: dict[str, str] = {}  # process id → file whose content is already deployed
    for path in sorted(directory.glob("*.bpmn")):
        xml = path.read_bytes()
        digest = xml_hash(xml)
        known = session.scalars(
            select(ProcessDefinition.process_id).where(ProcessDefinition.hash == digest)
        )
        found = set(known)
        for process_id in found:
            kept.setdefault(process_id, path.name)
        if not found:
            files.append((path.name, xml))
    deployed = deploy_files(session, files)
    clashes = [
        _defined_twice(
            d.definition.filename, d.definition.process_id, kept[d.definition.process_id]
        )
        for d in deployed
        if d.definition.process_id in kept
    ]
    if clashes:
        raise DeploymentRefused(clashes)
    if warnings is not None:
        for item in {id(d.warnings): d for d in deployed}.values():
            warnings.extend(item.warnings)
    process_ids = dict.fromkeys([*kept, *(d.definition.process_id for d in deployed)])
    latest = (latest_definition(session, process_id) for process_id in process_ids)
    return [definition for definition in latest if definition is not None]


def latest_definition(session: Session, process_id: str) -> ProcessDefinition | None:
    """The newest deployed version of a process."""
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


class SpecCache:
    """Parsed specs by definition id: parsed once per process, never per request."""

    def __init__(self) -> None:
        self._by_id: dict[int, CompiledProcess] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, definition_id: int) -> CompiledProcess:
        """The compiled process for a stored definition, parsing it on first use."""
        compiled = self._by_id.get(definition_id)
        if compiled is not None:
            return compiled
        definition = session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise KeyError(f"process definition {definition_id} does not exist")
        return self._compile(definition)

    def latest(self, session: Session, process_id: str) -> CompiledProcess:
        """The compiled newest version of a process; KeyError if never deployed."""
        definition = latest_definition(session, process_id)
        if definition is None:
            raise KeyError(f"process {process_id!r} is not deployed")
        return self._by_id.get(definition.id) or self._compile(definition)

    def _compile(self, definition: ProcessDefinition) -> CompiledProcess:
        parsed = parse_bpmn(definition.xml.encode("utf-8"), definition.filename)
        spec, subs = parsed[definition.process_id]
        for workflow_spec in [spec, *(s for s in subs.values() if s is not None)]:
            connect_multi_instances(workflow_spec)
        forms = {}
        for task_spec in [*spec.task_specs.values()] + [
            t for s in subs.values() if s is not None for t in s.task_specs.values()
        ]:
            if getattr(task_spec, "form", None) is not None:
                forms[task_spec.name] = form_fields(task_spec)
        compiled = CompiledProcess(
            definition.id, definition.process_id, definition.version, spec, subs, forms
        )
        with self._lock:
            self._by_id[definition.id] = compiled
        return compiled


def connect_multi_instances(workflow_spec: Any) -> None:
    """Wire each multi-instance task to its children's completion, as SpiffWorkflow does only
    when it creates the children: a process that merely loads the state (another worker, a
    restart) would otherwise never see the last child finish."""
    for task_spec in workflow_spec.task_specs.values():
        child_name = getattr(task_spec, "task_spec", None)
        merge = getattr(task_spec, "merge_child", None)
        if not isinstance(child_name, str) or merge is None:
            continue
        child = workflow_spec.task_specs.get(child_name)
        if child is not None and not child.completed_event.is_connected(merge):
            child.completed_event.connect(merge)
