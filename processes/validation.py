"""Read and check a BPMN file before anything is stored: every problem, errors and warnings."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from processes.checks import check_document, check_executable, check_process
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


def _line_element(root: Any, line: int | None) -> Any:
    if not line:
        return None
    best = None
    for el in root.iter():
        if isinstance(el.tag, str) and el.sourceline and el.sourceline <= line:
            best = el
    return best


DOCTYPE_REFUSED = (
    "the file has a DOCTYPE declaration: BPMN files need none, and DTDs and entities "
    "are refused so that no file is read and nothing is fetched; remove the <!DOCTYPE …>"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FIRST_ELEMENT = re.compile(r"<[^!?]")


def _doctype_line(xml: bytes) -> int | None:
    """The line of a <!DOCTYPE …> in the document's prolog, if it has one."""
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = xml.decode("utf-16", errors="replace")
    else:
        text = xml.decode("utf-8", errors="replace")
    # Blank out comments but keep their newlines, so line numbers stay right.
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    at = text.find("<!DOCTYPE")
    first = _FIRST_ELEMENT.search(text)
    if at < 0 or (first is not None and first.start() < at):
        return None
    return text.count("\n", 0, at) + 1


def _refuse_doctype(xml: bytes, filename: str) -> None:
    """defusedxml's policy: any DTD is refused before the parser reads it (no XXE, no bombs)."""
    line = _doctype_line(xml)
    if line is not None:
        raise DeploymentRefused([Problem(filename, None, None, DOCTYPE_REFUSED, line=line)])


# No DTD loaded, no entity resolved, no network; huge_tree stays off (lxml's size limits).
_SAFE_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}


def _read_xml(xml: bytes, filename: str) -> Any:
    """The document root, or a refusal for what is not a BPMN 2.0 file."""
    _refuse_doctype(xml, filename)
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(**_SAFE_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise DeploymentRefused(
            [Problem(filename, None, None, f"not well-formed XML: {exc.msg}", line=exc.lineno)]
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        # A DOCTYPE the text scan missed (an unusual encoding): refused all the same.
        raise DeploymentRefused([Problem(filename, None, None, DOCTYPE_REFUSED, line=1)])
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
            if candidate is not None and etree.iselement(candidate) and candidate.get("id"):
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


Parsed = dict[str, tuple[Any, dict[str, Any]]]


def inspect_bpmn(xml: bytes, filename: str) -> tuple[Parsed, list[Problem]]:
    """Parse and check one file: every executable process → (spec, subprocess specs), and
    the warnings a process owner should see (they do not refuse the file).

    Raises DeploymentRefused listing every error and warning, each naming file and element.
    """
    root = _read_xml(xml, filename)
    normalize_document(root)
    problems = _xsd_problems(filename, root) or check_executable(filename, root)
    if problems:
        raise DeploymentRefused(problems)
    general, by_process = check_document(filename, root)
    found = general + [p for listed in by_process.values() for p in listed]
    errors = [p for p in found if p.is_error]
    warnings = [p for p in found if not p.is_error]
    if errors:
        # SpiffWorkflow's parser is not run on a diagram the checks refused: what it would
        # add is mostly the same problem said worse, and some diagrams make it loop forever.
        raise DeploymentRefused(errors, warnings)
    parser = HotlineParser()
    parsed: Parsed = {}
    try:
        parser.add_bpmn_xml(root, filename=filename)
        for process_id in by_process:
            spec = parser.get_spec(process_id)
            subs = parser.get_subprocess_specs(process_id)
            parsed[process_id] = (spec, subs)
    except Exception as exc:  # SpiffWorkflow raises ValidationException, KeyError, ...
        raise DeploymentRefused([parse_error_problem(filename, root, exc)], warnings) from None
    seen: set[tuple[str | None, str]] = set()
    for spec, subs in parsed.values():
        for problem in check_process(filename, spec, subs):
            if (problem.element_id, problem.message) not in seen:
                seen.add((problem.element_id, problem.message))
                errors.append(problem)
    if errors:
        raise DeploymentRefused(errors, warnings)
    return parsed, warnings


def parse_bpmn(xml: bytes, filename: str) -> Parsed:
    """Parse and check one file, ignoring warnings; raises DeploymentRefused on errors."""
    return inspect_bpmn(xml, filename)[0]
