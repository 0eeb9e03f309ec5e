"""Every third-party BPMN file in the shared corpus is either deployed and started, or refused.

The table below is the contract: for each file, "deployed" with what each executable
process waits for after a start without variables, or "refused" with the problems a
process owner sees (element id + a key phrase of the message, and how many problems).
A behaviour change in the parser, the checks or the runtime shows up here as a failure.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from hotline.actors import SYSTEM
from hotline.errors import WorkflowError
from hotline.models import ProcessDefinition, ProcessInstance
from processes.problems import DeploymentRefused
from processes.registry import deploy, parse_bpmn

REPO = Path(__file__).resolve().parent.parent
# A copy of ../shared/bpmn-corpus (licences in its README), so a clean clone tests it too.
CORPUS = Path(os.environ.get("HOTLINE_BPMN_CORPUS", REPO / "tests" / "corpus"))
ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")
PYTHON_NAME = re.compile(r"\b\w+(Error|Exception)\b")  # KeyError, ValidationException, ...

if not CORPUS.is_dir():  # pragma: no cover - only when HOTLINE_BPMN_CORPUS points nowhere
    pytest.skip(f"BPMN corpus not found at {CORPUS}", allow_module_level=True)


@dataclass(frozen=True)
class Waits:
    """What a started instance waits for: ready user/manual tasks, waiting events."""

    ready: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    variables: dict[str, object] = field(default_factory=dict)
    # (element id, phrase) of the WorkflowError a start without `variables` gives
    fails_without_variables: tuple[str, str] | None = None


@dataclass(frozen=True)
class Deployed:
    """The file deploys; each executable process starts and waits as described."""

    processes: dict[str, Waits]


@dataclass(frozen=True)
class Refused:
    """The file is refused; the first problem and some others, and how many there are."""

    first: tuple[str, str]
    count: int
    also: tuple[tuple[str, str], ...] = ()


NO_MESSAGE = "the message event has no message"
NO_TIMER = "the timer has no time"
NO_TOPIC = 'a service task needs camunda:type="external" and a camunda:topic'
NO_CONDITION = "without a condition and is not its default flow"
CAMUNDA_8 = "drawn for Camunda 8 (Zeebe"
NOT_EXECUTABLE = 'no executable process in {file}: this process has isExecutable="false"'

EXPECTED: dict[str, Deployed | Refused] = {
    # -- SpiffWorkflow test diagrams (Camunda Modeler 3.7-4.11) ------------------------
    "SpiffWorkflow-tests/DMNMultiInstance.bpmn": Refused(
        ("Task_067fajl", "business rule tasks (DMN decision 'IntegerDecisionStringOutputTable')"),
        1,
    ),
    "SpiffWorkflow-tests/MessageBoundary.bpmn": Deployed(
        {
            "Process_1kjyavs": Waits(ready=("Activity_Interrupt",)),
            "Process_0srqcj1": Waits(
                ready=("Activity_106f08z",), waiting=("Event_InterruptBoundary",)
            ),
        }
    ),
    "SpiffWorkflow-tests/call_activity_with_message.bpmn": Deployed(
        {"Subprocess": Waits(ready=("Activity_EnterPlan",))}
    ),
    "SpiffWorkflow-tests/call_activity_with_message_parent.bpmn": Refused(
        ("Activity_RequestApproval", "calls process 'Subprocess', which is not in this file"), 1
    ),
    "SpiffWorkflow-tests/event-gateway.bpmn": Deployed(
        {"Process_0pvx19v": Waits(waiting=("Gateway_1434v9l",))}
    ),
    "SpiffWorkflow-tests/invalid_cancel.bpmn": Refused(
        ("Activity_TestMessage", "script is not allowed: call to 'print' is not allowed"),
        5,
        also=(
            ("Activity_TestMessage", "camunda:resultVariable is not supported"),
            ("Activity_PrintData", "ListComp is not allowed"),
            ("Event_TokenReset", "can only be attached to a transaction sub-process"),
        ),
    ),
    "SpiffWorkflow-tests/non-executable-process.bpmn": Refused(
        ("Process_14di7kj", NOT_EXECUTABLE), 1
    ),
    "SpiffWorkflow-tests/parallel_multiinstance_collection.bpmn": Deployed(
        {
            "main": Waits(
                ready=("any_task", "any_task"),
                variables={"input_data": ["north", "south"]},
                fails_without_variables=(
                    "any_task",
                    "multi-instance collection variable 'input_data' is not set",
                ),
            )
        }
    ),
    "SpiffWorkflow-tests/test_integer_decision_multi.dmn": Refused(
        ("IntegerDecisionStringOutputTable", "this is a DMN decision file"), 1
    ),
    "SpiffWorkflow-tests/timer-non-interrupt-boundary.bpmn": Deployed(
        {"NonInterruptTimer": Waits(ready=("Activity_Work",), waiting=("Event_0jyy8ao",))}
    ),
    "SpiffWorkflow-tests/token_trial_nested_parallel.bpmn": Deployed(
        {"token": Waits(ready=("First",))}
    ),
    "SpiffWorkflow-tests/transaction.bpmn": Refused(
        ("Activity_Print_Data", "script is not allowed: call to 'print' is not allowed"), 1
    ),
    # -- BPMN MIWG reference models ----------------------------------------------------
    "bpmn-miwg-test-suite/A.1.0-export.bpmn": Refused(("Process_1", NOT_EXECUTABLE), 1),
    "bpmn-miwg-test-suite/A.2.1-export.bpmn": Refused(
        ("Activity_172ndxy", "has 2 outgoing sequence flows (Flow_1sd2kpj, Flow_0zwjy3h)"),
        6,
        also=(
            ("Flow_1xhc3bf", NO_CONDITION),
            ("Flow_0zwjy3h", "conditions are only evaluated on flows out of an exclusive"),
        ),
    ),
    "bpmn-miwg-test-suite/A.3.0-export.bpmn": Refused(
        ("Activity_1j4b29j", "needs exactly one start event and at least one end event"),
        2,
        also=(("Event_1uez1gc", NO_MESSAGE),),
    ),
    "bpmn-miwg-test-suite/B.1.0-export.bpmn": Refused(
        ("StartEvent_1", NO_TIMER), 2, also=(("Activity_0yyznkb", NO_TOPIC),)
    ),
    "bpmn-miwg-test-suite/B.2.0-export.bpmn": Refused(
        ("Flow_1fmiuuz", NO_CONDITION),
        13,
        also=(
            ("Activity_1n1hhyt", "a loop needs a loop condition or a loopMaximum"),
            ("Event_128e9tk", "the signal event has no signal"),
            ("Activity_0pn331p", "a sendTask needs a message"),
            ("Activity_0qnc8vy", "has no called process (calledElement)"),
            ("Event_0pi17ux", "the conditional event has no condition"),
            ("Activity_03q0xwc", "multi-instance needs a collection"),
        ),
    ),
    "bpmn-miwg-test-suite/C.1.0-export.bpmn": Refused(
        ("StartEvent_1", NO_MESSAGE), 4, also=(("Event_1m6mn1s", NO_TIMER),)
    ),
    "bpmn-miwg-test-suite/C.2.0-export.bpmn": Refused(
        ("Event_1k8uukf", NO_MESSAGE), 2, also=(("StartEvent_1", NO_MESSAGE),)
    ),
    "bpmn-miwg-test-suite/C.3.0-export.bpmn": Refused(
        ("Flow_0am3e0w", NO_CONDITION),
        11,
        also=(
            ("Activity_14jt63w", "needs exactly one start event"),
            ("Event_1p3ah5d", NO_TIMER),
        ),
    ),
    "bpmn-miwg-test-suite/C.5.0-export.bpmn": Refused(
        ("Flow_1rojgff", NO_CONDITION),
        16,
        also=(
            ("DataStoreReference_06oj71q", "data stores are not supported (used by Activity_09"),
            ("Event_150agrk", "the signal event has no signal"),
            ("Activity_10xe0k2", "has no called process"),
        ),
    ),
    "bpmn-miwg-test-suite/C.6.0-export.bpmn": Refused(
        ("StartEvent_1", NO_MESSAGE),
        25,
        also=(
            ("Event_0oxjqip", "compensation events are not supported"),
            ("Activity_0hgj2bs", "compensation handlers (isForCompensation) are not supported"),
            ("Activity_1qdxrgj", "a sendTask needs a message"),
            ("Event_0isfp1w", NO_TIMER),
        ),
    ),
    "bpmn-miwg-test-suite/C.7.0-export.bpmn": Refused(
        ("Activity_0rnylu0", NO_TOPIC),
        6,
        also=(
            ("Activity_1qw4rcj", "business rule tasks are not supported"),
            ("Activity_05ada8y", "multi-instance needs a collection"),
        ),
    ),
    "bpmn-miwg-test-suite/C.9.0-export.bpmn": Refused(
        ("Definitions_1lr0tgj", CAMUNDA_8),
        18,
        also=(("Activity_0jbbqjd", "business rule tasks are not supported"),),
    ),
    "bpmn-miwg-test-suite/C.9.2-export.bpmn": Refused(
        ("Definitions_033wedi", CAMUNDA_8), 9, also=(("Event_0s3q36a", NO_TIMER),)
    ),
    "bpmn-miwg-test-suite/Reference-B.1.0-trisotech.bpmn": Refused(
        ("Process_ba16239e-181e-4b9f-bc5b-0bb2ee973450", NOT_EXECUTABLE),
        4,
        also=(("WFP-6-2", NOT_EXECUTABLE),),
    ),
    # Signavio writes Camunda attributes in the Activiti namespace; Camunda 7 reads them.
    "bpmn-miwg-test-suite/Reference-C.1.0-signavio.bpmn": Refused(
        ("prepareBankTransfer", "unknown candidate group 'accounting': nobody has it"),
        2,
        also=(("archiveInvoice", "camunda:delegateExpression is not supported"),),
    ),
    # -- Camunda 7 examples ------------------------------------------------------------
    "camunda-bpm-examples/camunda-testing-job-announcement-publication.bpmn": Refused(
        ("publish_announcement_website", "camunda:expression is not supported"),
        3,
        also=(("publish_announcement_facebook", "camunda:expression is not supported"),),
    ),
    "camunda-bpm-examples/camunda-testing-job-announcement.bpmn": Refused(
        ("mail", "camunda:expression is not supported"),
        5,
        also=(
            ("publication", "calls process 'camunda-testing-job-announcement-publication'"),
            ("publication", "camunda:in/camunda:out variable mappings are not supported"),
            ("edit", "unknown candidate group 'engineering'"),
        ),
    ),
    "camunda-bpm-examples/invoicePayment.bpmn": Deployed(
        {
            "embeddedFormsBpmnEvents": Waits(
                ready=("Task_16y91ka",),
                waiting=("BoundaryEvent_18unjdv", "BoundaryEvent_1uy9o9h"),
            )
        }
    ),
    "camunda-bpm-examples/invokeRestService.bpmn": Refused(
        ("ServiceTask_1", "camunda:connector (http-connector) is not supported"), 1
    ),
    "camunda-bpm-examples/loan-granting.bpmn": Refused(
        ("Task_1lvjtd4", "camunda:inputOutput (input/output parameters) is not supported"),
        5,
        also=(
            ("Task_1lvjtd4", "no handler is registered for topic 'creditScoreChecker'"),
            ("Task_0v4gadf", "no handler is registered for topic 'loanGranter'"),
            ("StartEvent_1", "timer cycle '0/5 0/1 * 1/1 * ?' is a cron expression"),
        ),
    ),
    "camunda-bpm-examples/message_start_process.bpmn": Deployed(
        {"Message_Start_Process": Waits(waiting=("StartEvent_1",))}
    ),
    "camunda-bpm-examples/order-handling.bpmn": Refused(
        ("Task_06z99p1", "no handler is registered for topic 'invoiceCreator'"),
        3,
        also=(("StartEvent_1", "is a cron expression; cron is not supported"),),
    ),
    "camunda-bpm-examples/xslt-example.bpmn": Refused(
        ("StartEvent_1", "camunda:executionListener (execution listeners) is not supported"),
        6,
        also=(
            ("ScriptTask_1", "external script resources are not supported"),
            ("ScriptTask_1", "scriptFormat 'xslt' is not supported"),
            ("EndEvent_1", "camunda:executionListener"),
        ),
    ),
}

FILES = sorted(EXPECTED)
REFUSED = [name for name in FILES if isinstance(EXPECTED[name], Refused)]


def corpus_files() -> list[str]:
    """Every file of the corpus except its README, as a path relative to the corpus."""
    return sorted(
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name != "README.md"
    )


def _has(problems: list, element_id: str, phrase: str) -> bool:
    return any(p.element_id == element_id and phrase in p.message for p in problems)


def assert_refusal(name: str, problems: list) -> None:
    """The problems match the table, and each names the file, the element and the reason."""
    expected = EXPECTED[name]
    assert isinstance(expected, Refused)
    first_id, first_phrase = expected.first
    first_phrase = first_phrase.format(file=name)
    assert problems, "a refusal without problems"
    assert problems[0].element_id == first_id, f"first problem is {problems[0]}"
    assert first_phrase in problems[0].message, f"first problem is {problems[0]}"
    for element_id, phrase in expected.also:
        assert _has(problems, element_id, phrase.format(file=name)), (
            f"no problem at {element_id} saying {phrase!r}: {[str(p) for p in problems]}"
        )
    assert len(problems) == expected.count, [str(p) for p in problems]
    for problem in problems:
        assert problem.file == name
        assert problem.element_id and problem.element_type, str(problem)
        assert problem.message.strip() and len(problem.message) > 25, str(problem)
        assert not ADDRESS.search(str(problem)), str(problem)
        assert "Traceback" not in problem.message and "Error(" not in problem.message
        assert not PYTHON_NAME.search(problem.message), str(problem)


def test_every_corpus_file_has_an_expected_outcome() -> None:
    """A file added to the corpus (or removed) needs a decision in the table."""
    assert corpus_files() == FILES


@pytest.mark.parametrize("name", FILES)
def test_corpus_file_deploys_and_starts_or_is_refused(services, name: str) -> None:
    """Deploy inside a transaction: started to a wait state, or refused with nothing stored."""
    xml = (CORPUS / name).read_bytes()
    expected = EXPECTED[name]
    with services.transaction() as session:
        before = session.scalar(select(func.count()).select_from(ProcessDefinition))
    if isinstance(expected, Refused):
        with pytest.raises(DeploymentRefused) as refused, services.transaction() as session:
            deploy(session, xml, name)
        assert_refusal(name, refused.value.problems)
        with services.transaction() as session:
            assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == before
            stored = session.scalars(
                select(ProcessDefinition).where(ProcessDefinition.filename == name)
            ).all()
            assert stored == []
        return

    with services.transaction() as session:
        stored = deploy(session, xml, name)
        assert sorted(d.process_id for d in stored) == sorted(expected.processes)
        assert all(d.version == 1 and d.filename == name for d in stored)
    for process_id, waits in expected.processes.items():
        if waits.fails_without_variables:
            element, phrase = waits.fails_without_variables
            with pytest.raises(WorkflowError) as failed, services.transaction() as session:
                services.runtime.start(session, process_id, actor=SYSTEM)
            assert failed.value.fields == {"element": element}
            assert phrase in failed.value.message
            with services.transaction() as session:  # the failed start left nothing behind
                assert session.scalars(select(ProcessInstance)).all() == []
        with services.transaction() as session:
            instance = services.runtime.start(
                session, process_id, actor=SYSTEM, variables=dict(waits.variables)
            )
            assert instance.status == "running"
            ready = [t.task_id for t in services.runtime.ready_tasks(session, instance.id)]
            assert sorted(ready) == sorted(waits.ready)
            compiled = services.runtime.specs.get(session, instance.definition_id)
            workflow = services.runtime.serializer.loads(
                instance.state, compiled.spec, compiled.subprocess_specs
            )
            waiting = [
                t.task_spec.bpmn_id
                for t in workflow.get_tasks(state=TaskState.WAITING)
                if getattr(t.task_spec, "event_definition", None) is not None
            ]
            assert sorted(waiting) == sorted(waits.waiting)
            assert not workflow.get_tasks(state=TaskState.ERROR)


@pytest.mark.parametrize("name", REFUSED)
def test_refusal_reads_as_file_element_and_reason(name: str) -> None:
    """What the API and CLI show: file, element type, id, name and line, then the reason."""
    with pytest.raises(DeploymentRefused) as refused:
        parse_bpmn((CORPUS / name).read_bytes(), name)
    for problem in refused.value.problems:
        text = str(problem)
        assert text.startswith(f"{name}:{problem.line}: {problem.element_type} ")
        assert f"'{problem.element_id}'" in text
        if problem.element_name:
            assert f"({problem.element_name})" in text
            assert "\n" not in problem.element_name
        shape = json.loads(json.dumps(problem.as_dict()))
        assert shape["file"] == name and shape["element_id"] == problem.element_id
    assert name in str(refused.value)
