"""Deploy BPMN files: parse, check, version and store them; cache one spec per version."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.models import ProcessDefinition
from processes.checks import check_document, check_executable, check_process
from processes.forms import FormFieldInfo, form_fields
from processes.parser import HotlineParser, normalize_document, xsd_errors
from processes.problems import (
    BPMN_NS,
    DeploymentRefused,
    Problem,
    clean_message,
    etree_tag,
)

MAX_XSD_PROBLEMS = 20
DMN_MARK = "/DMN/"
SPIFF_MESSAGES = {
    "Multiple outgoing flows are not supported for tasks of type": (
        "has more than one outgoing sequence flow; only gateways may split the flow"
    ),
    "Time Specification Error. Unknown Time Specification.": (
        "the timer has no time: set a date, a duration (e.g. PT72H) or a cycle"
    ),
    "Non-default exclusive outgoing sequence flow without condition": (
        "has no condition and is not the gateway's default flow"
    ),
}
_QUOTED = re.compile(r"""['"]([^'"\s]+)['"]""")
_NOT_FOUND = re.compile(r"The process '([^']+)' was not found")


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


def _read_xml(xml: bytes, filename: str) -> Any:
    """The document root, or a refusal for what is not a BPMN 2.0 file."""
    try:
        root = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise DeploymentRefused(
            [Problem(filename, None, None, f"not well-formed XML: {exc.msg}", line=exc.lineno)]
        ) from None
    if root.tag == f"{{{BPMN_NS}}}definitions":
        return root
    if DMN_MARK in str(root.tag).upper():
        decisions = [el for el in root if etree.QName(el).localname == "decision"] or [root]
        raise DeploymentRefused(
            [
                Problem.at(
                    filename,
                    decision,
                    "this is a DMN decision file: DMN decisions are not supported; "
                    "only BPMN 2.0 process files (.bpmn) can be deployed",
                )
                for decision in decisions
            ]
        )
    raise DeploymentRefused(
        [
            Problem.at(
                filename,
                root,
                f"not a BPMN 2.0 file: the root element is {etree_tag(root.tag)}, "
                "not bpmn:definitions",
            )
        ]
    )


def _xsd_problems(filename: str, root: Any) -> list[Problem]:
    problems = []
    for error in xsd_errors(root)[:MAX_XSD_PROBLEMS]:
        element = _line_element(root, error.line)
        while element is not None and not element.get("id") and element.getparent() is not None:
            element = element.getparent()  # name the nearest element a process owner can find
        message = f"the file does not follow the BPMN 2.0 schema: {error.message}"
        if element is None:
            problems.append(Problem(filename, None, None, clean_message(message), line=error.line))
        else:
            problems.append(replace(Problem.at(filename, element, message), line=error.line))
    return problems


def _element_from_traceback(exc: BaseException) -> Any:
    """The XML element SpiffWorkflow was parsing when it failed (innermost frame wins)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        frame_locals = tb.tb_frame.f_locals
        for candidate in (
            frame_locals.get("node"),
            getattr(frame_locals.get("self"), "node", None),
        ):
            if etree.iselement(candidate) and candidate.get("id"):
                found = candidate
                break
        tb = tb.tb_next
    return found


def _element_from_message(root: Any, text: str) -> Any:
    missing = _NOT_FOUND.search(text)
    if missing:
        for call in root.iter(f"{{{BPMN_NS}}}callActivity"):
            if call.get("calledElement") == missing.group(1):
                return call
    index = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for quoted in _QUOTED.findall(text):
        if quoted in index:
            return index[quoted]
    return None


def parse_error_problem(filename: str, root: Any, exc: BaseException) -> Problem:
    """A precise Problem for whatever SpiffWorkflow's parser raised, naming the element."""
    element = None
    if isinstance(exc, ValidationException) and exc.id:
        element = next(
            (el for el in root.iter() if isinstance(el.tag, str) and el.get("id") == exc.id),
            None,
        )
    if element is None:
        element = _element_from_traceback(exc)
    if element is None:
        element = _element_from_message(root, str(exc))
    if isinstance(exc, ValidationException):
        text = str(exc.args[0] if exc.args else exc)
        for known, better in SPIFF_MESSAGES.items():
            if text.startswith(known):
                text = better
        missing = _NOT_FOUND.search(text)
        if missing:
            text = (
                f"calls process {missing.group(1)!r}, which is not in this file: a call "
                "activity can only call an executable process deployed in the same file"
            )
        return Problem.from_validation(filename, exc, element, message=text)
    return Problem.from_exception(filename, exc, element)  # type: ignore[arg-type]


def parse_bpmn(xml: bytes, filename: str) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Parse and check one file; every executable process → (spec, subprocess specs).

    Raises DeploymentRefused listing every problem, each naming file and element.
    """
    root = _read_xml(xml, filename)
    normalize_document(root)
    problems = _xsd_problems(filename, root) or check_executable(filename, root)
    if problems:
        raise DeploymentRefused(problems)
    general, by_process = check_document(filename, root)
    problems = general + [p for found in by_process.values() for p in found]
    if problems:
        # SpiffWorkflow's parser is not run on a diagram the checks refused: what it would
        # add is mostly the same problem said worse, and some diagrams make it loop forever.
        raise DeploymentRefused(problems)
    parser = HotlineParser()
    parsed: dict[str, tuple[Any, dict[str, Any]]] = {}
    try:
        parser.add_bpmn_xml(root, filename=filename)
        for process_id in by_process:
            spec = parser.get_spec(process_id)
            subs = parser.get_subprocess_specs(process_id)
            parsed[process_id] = (spec, subs)
    except Exception as exc:  # SpiffWorkflow raises ValidationException, KeyError, ...
        raise DeploymentRefused([parse_error_problem(filename, root, exc)]) from None
    seen: set[tuple[str | None, str]] = set()
    for spec, subs in parsed.values():
        for problem in check_process(filename, spec, subs):
            if (problem.element_id, problem.message) not in seen:
                seen.add((problem.element_id, problem.message))
                problems.append(problem)
    if problems:
        raise DeploymentRefused(problems)
    return parsed


def xml_hash(xml: bytes) -> str:
    """Content hash that decides whether a deploy is a new version."""
    return hashlib.sha256(xml).hexdigest()


def deploy(session: Session, xml: bytes, filename: str) -> list[ProcessDefinition]:
    """Store a new version of every executable process in the file (same content: no-op)."""
    text = _decode(xml, filename)
    parsed = parse_bpmn(xml, filename)
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


def check(xml: bytes, filename: str) -> list[str]:
    """Validate one file without storing anything: the process ids it would deploy.

    Raises DeploymentRefused listing every problem, exactly as `deploy` would.
    """
    _decode(xml, filename)
    return list(parse_bpmn(xml, filename))


@dataclass
class Deployed:
    """One process definition a deployment stored or found unchanged."""

    definition: ProcessDefinition
    new: bool


def deploy_files(session: Session, files: list[tuple[str, bytes]]) -> list[Deployed]:
    """Deploy (filename, xml) pairs all or nothing; problems of every file are collected.

    On DeploymentRefused the caller's transaction must roll back: versions of the files
    that passed were added to the session.
    """
    known = set(session.scalars(select(ProcessDefinition.id)))
    stored: list[Deployed] = []
    problems: list[Problem] = []
    for filename, xml in files:
        try:
            for definition in deploy(session, xml, filename):
                stored.append(Deployed(definition, definition.id not in known))
        except DeploymentRefused as exc:
            problems.extend(exc.problems)
    if problems:
        raise DeploymentRefused(problems)
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
