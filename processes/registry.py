"""Deploy BPMN files: parse, check, version and store them; cache one spec per version."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.models import ProcessDefinition
from processes.checks import check_process
from processes.forms import FormFieldInfo, form_fields
from processes.parser import HotlineParser, shared_validator
from processes.problems import DeploymentRefused, Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


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


def _line_element(root: Any, line: int | None) -> Any:
    if not line:
        return None
    best = None
    for el in root.iter():
        if isinstance(el.tag, str) and el.sourceline and el.sourceline <= line:
            best = el
    return best


def parse_bpmn(xml: bytes, filename: str) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Parse and check one file; every executable process → (spec, subprocess specs).

    Raises DeploymentRefused listing every problem, each naming file and element.
    """
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise DeploymentRefused(
            [Problem(filename, None, None, f"not well-formed XML: {exc}")]
        ) from None
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DeploymentRefused(
            [Problem(filename, None, None, "not a BPMN 2.0 file (root is not bpmn:definitions)")]
        )
    parser = HotlineParser(validator=shared_validator())
    try:
        parser.add_bpmn_xml(root, filename=filename)
        process_ids = parser.get_process_ids()
        if not process_ids:
            raise DeploymentRefused(
                [Problem(filename, None, None, 'no executable process (isExecutable="true")')]
            )
        parsed = {}
        problems: list[Problem] = []
        for process_id in process_ids:
            spec = parser.get_spec(process_id)
            subs = parser.get_subprocess_specs(process_id)
            problems.extend(check_process(filename, spec, subs))
            parsed[process_id] = (spec, subs)
    except ValidationException as exc:
        element = _line_element(root, exc.line_number or None) if not exc.id else None
        raise DeploymentRefused([Problem.from_validation(filename, exc, element)]) from None
    except DeploymentRefused:
        raise
    except Exception as exc:  # SpiffWorkflow raises KeyError, TypeError... for some diagrams
        raise DeploymentRefused([Problem.from_exception(filename, exc)]) from None
    if problems:
        raise DeploymentRefused(problems)
    return parsed


def xml_hash(xml: bytes) -> str:
    """Content hash that decides whether a deploy is a new version."""
    return hashlib.sha256(xml).hexdigest()


def deploy(session: Session, xml: bytes, filename: str) -> list[ProcessDefinition]:
    """Store a new version of every executable process in the file (same content: no-op)."""
    parsed = parse_bpmn(xml, filename)
    digest = xml_hash(xml)
    text = xml.decode("utf-8")
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


def deploy_directory(session: Session, directory: Path) -> list[ProcessDefinition]:
    """Deploy every *.bpmn under `directory`; all or nothing."""
    stored = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.bpmn")):
        try:
            stored.extend(deploy(session, path.read_bytes(), path.name))
        except DeploymentRefused as exc:
            problems.extend(exc.problems)
    if problems:
        raise DeploymentRefused(problems)
    return stored


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
