"""Diagrams deployment refuses, and how: unsupported constructs, XSD and XML errors,
encodings, and what happens when SpiffWorkflow's own parser fails in odd ways.
"""

from __future__ import annotations

import threading

import pytest
from lxml import etree
from sqlalchemy import func, select

from hotline.models import ProcessDefinition
from processes.parser import HotlineParser
from processes.problems import DeploymentRefused
from processes.registry import deploy, parse_bpmn, parse_error_problem
from tests.helpers.bpmn import HEADER, ROUTING, process, refusal, timer_process

# -- what is refused, and how ----------------------------------------------------------


def linear(node: str, extra: str = "") -> bytes:
    """start → `node` (id "x") → end."""
    return process(
        f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>
    {node}
    <bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
        extra=extra,
    )


@pytest.mark.parametrize(
    ("node", "extra", "phrase"),
    [
        (
            '<bpmn:serviceTask id="x" name="X" camunda:class="com.example.Archive"/>',
            "",
            'camunda:class is not supported; use camunda:type="external" with a camunda:topic',
        ),
        (
            '<bpmn:serviceTask id="x" name="X" camunda:type="external" camunda:topic="fax"/>',
            "",
            "no handler is registered for topic 'fax'",
        ),
        ('<bpmn:complexGateway id="x" name="X"/>', "", "complex gateways are not supported"),
        (
            '<bpmn:intermediateThrowEvent id="x" name="X">'
            '<bpmn:linkEventDefinition name="jump"/></bpmn:intermediateThrowEvent>',
            "",
            "link events are not supported",
        ),
        (
            '<bpmn:userTask id="x" name="X"><bpmn:extensionElements>'
            '<camunda:taskListener class="com.example.Notify" event="create"/>'
            "</bpmn:extensionElements></bpmn:userTask>",
            "",
            "camunda:taskListener (task listeners) is not supported",
        ),
        (
            '<bpmn:scriptTask id="x" name="X" scriptFormat="groovy">'
            "<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>",
            "",
            "scriptFormat 'groovy' is not supported",
        ),
        (
            '<bpmn:intermediateThrowEvent id="x" name="X">'
            '<bpmn:messageEventDefinition messageRef="Nope"/></bpmn:intermediateThrowEvent>',
            "",
            "refers to message 'Nope', which this file does not define",
        ),
        (
            '<bpmn:intermediateThrowEvent id="x" name="X"><bpmn:messageEventDefinition '
            'messageRef="M" camunda:expression="__import__(\'os\')"/>'
            "</bpmn:intermediateThrowEvent>",
            '<bpmn:message id="M" name="reply"/>',
            "message payload (camunda:expression)",
        ),
        (
            '<bpmn:userTask id="x" name="X">'
            '<bpmn:multiInstanceLoopCharacteristics camunda:collection="units"/></bpmn:userTask>',
            "",
            "needs camunda:elementVariable",
        ),
        (
            '<bpmn:userTask id="x" name="X" camunda:candidateGroups="unit:${unit.__class__}"/>',
            "",
            "candidate group expression '${unit.__class__}' is not allowed",
        ),
        (
            '<bpmn:userTask id="x" name="X"><bpmn:standardLoopCharacteristics>'
            "<bpmn:loopCondition>_secret</bpmn:loopCondition>"
            "</bpmn:standardLoopCharacteristics></bpmn:userTask>",
            "",
            "loop condition '_secret' is not allowed",
        ),
        (
            '<bpmn:callActivity id="x" name="X" calledElement="elsewhere"/>',
            "",
            "calls process 'elsewhere', which is not in this file",
        ),
    ],
)
def test_unsupported_constructs_are_refused_at_their_element(node, extra, phrase) -> None:
    (problem,) = refusal(linear(node, extra))
    assert (problem.element_id, problem.element_name) == ("x", "X")
    assert phrase in problem.message


@pytest.mark.parametrize(
    ("kind", "value", "phrase"),
    [
        ("timeDuration", "PT5X", "timer duration 'PT5X' is not a valid ISO 8601 duration"),
        ("timeDuration", "5 minutes", "is neither an ISO 8601 duration (e.g. PT72H) nor a valid"),
        ("timeDate", "PT5M", "timer date 'PT5M' is not a valid ISO 8601 date"),
        ("timeDate", "tomorrow 9am", "timer date 'tomorrow 9am' is neither an ISO 8601 date"),
        ("timeCycle", "0 0 9 * * ?", "is a cron expression; cron is not supported"),
        ("timeCycle", "R3/PT5X", "timer repeating interval 'R3/PT5X' is not a valid ISO 8601"),
        ("timeDuration", "${__import__('os')}", "is not allowed: call to '__import__'"),
        ("timeDuration", "", "the timer has no time"),
    ],
)
def test_bad_timer_values_are_refused_at_the_event(kind, value, phrase) -> None:
    (problem,) = refusal(timer_process(kind, value))
    assert (problem.element_id, problem.element_name) == ("wait", "Wait")
    assert problem.element_type == "bpmn:intermediateCatchEvent"
    assert phrase in problem.message


def test_xsd_error_names_the_element_at_the_failing_line() -> None:
    xml = process("""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Review">
      <bpmn:bogus/>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>""")
    (problem,) = refusal(xml, "schema.bpmn")
    assert (problem.element_id, problem.element_name) == ("review", "Review")
    assert problem.element_type == "bpmn:userTask"
    bogus_line = xml.decode().splitlines().index("      <bpmn:bogus/>") + 1
    assert problem.line == bogus_line
    assert "does not follow the BPMN 2.0 schema" in problem.message
    assert "Element 'bpmn:bogus': This element is not expected" in problem.message
    assert "{http" not in problem.message
    assert str(problem).startswith(f"schema.bpmn:{bogus_line}: bpmn:userTask 'review' (Review):")


def test_xsd_error_in_an_attribute_names_its_element() -> None:
    xml = process('<bpmn:startEvent id="start" isInterrupting="maybe"/>')
    (problem,) = refusal(xml)
    assert (problem.element_id, problem.element_type) == ("start", "bpmn:startEvent")
    assert "'maybe' is not a valid value" in problem.message


def test_malformed_xml_gives_the_line() -> None:
    xml = process('<bpmn:startEvent id="start">').replace(b"</bpmn:process>", b"")
    (problem,) = refusal(xml, "broken.bpmn")
    assert problem.message.startswith("not well-formed XML:")
    assert problem.line and problem.line > 1
    assert str(problem).startswith(f"broken.bpmn:{problem.line}: not well-formed XML")


def test_a_file_without_any_process_is_refused_as_such() -> None:
    xml = (HEADER + '<bpmn:message id="m" name="hello"/></bpmn:definitions>').encode()
    (problem,) = refusal(xml, "empty.bpmn")
    assert (problem.element_id, problem.element_type) == ("Definitions_test", "bpmn:definitions")
    assert "no executable process in empty.bpmn: the file contains no bpmn:process" in str(problem)


def test_a_gbk_encoded_file_is_refused_and_nothing_is_stored(services) -> None:
    """Chinese Windows tools save GBK; stored diagrams are UTF-8, so say so instead of failing."""
    text = (
        '<?xml version="1.0" encoding="GBK"?>'
        + process('<bpmn:startEvent id="start" name="受理"/>').decode().split("?>", 1)[1]
    )
    with pytest.raises(DeploymentRefused) as refused, services.transaction() as session:
        deploy(session, text.encode("gbk"), "gbk.bpmn")
    (problem,) = refused.value.problems
    assert problem.file == "gbk.bpmn"
    assert "not UTF-8 encoded" in problem.message
    with services.transaction() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(ProcessDefinition)
                .where(ProcessDefinition.filename == "gbk.bpmn")
            )
            == 0
        )


DEEP_DATA_OBJECT = process("""
    <bpmn:dataObject id="case_file"/>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="outer"/>
    <bpmn:subProcess id="outer" name="Outer">
      <bpmn:startEvent id="outer_start"/>
      <bpmn:sequenceFlow id="f2" sourceRef="outer_start" targetRef="inner"/>
      <bpmn:subProcess id="inner" name="Inner">
        <bpmn:startEvent id="inner_start"/>
        <bpmn:sequenceFlow id="f3" sourceRef="inner_start" targetRef="read_case"/>
        <bpmn:userTask id="read_case" name="Read case file">
          <bpmn:property id="placeholder" name="__targetRef_placeholder"/>
          <bpmn:dataInputAssociation id="in1">
            <bpmn:sourceRef>case_ref</bpmn:sourceRef>
            <bpmn:targetRef>placeholder</bpmn:targetRef>
          </bpmn:dataInputAssociation>
        </bpmn:userTask>
        <bpmn:dataObjectReference id="case_ref" name="Case file" dataObjectRef="case_file"/>
        <bpmn:sequenceFlow id="f4" sourceRef="read_case" targetRef="inner_end"/>
        <bpmn:endEvent id="inner_end"/>
      </bpmn:subProcess>
      <bpmn:sequenceFlow id="f5" sourceRef="inner" targetRef="outer_end"/>
      <bpmn:endEvent id="outer_end"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f6" sourceRef="outer" targetRef="end"/>
    <bpmn:endEvent id="end"/>""")


def test_data_object_two_levels_up_is_refused_instead_of_hanging() -> None:
    """SpiffWorkflow 3.2 loops forever resolving this data object; the checks refuse it first."""
    outcome: list = []

    def attempt() -> None:
        try:
            parse_bpmn(DEEP_DATA_OBJECT, "deep.bpmn")
        except DeploymentRefused as exc:
            outcome.extend(exc.problems)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "deploying the diagram hangs"
    (problem,) = outcome
    assert (problem.element_id, problem.element_name) == ("read_case", "Read case file")
    assert "data object bpmn:dataObject 'case_file'" in problem.message


# -- SpiffWorkflow's own failures become precise problems -----------------------------


def _spiff_failure(xml: bytes) -> tuple[object, BaseException]:
    root = etree.fromstring(xml)
    parser = HotlineParser()
    try:
        parser.add_bpmn_xml(root, filename="raw.bpmn")
        parser.get_spec("p")
    except Exception as exc:
        return root, exc
    raise AssertionError("SpiffWorkflow parsed the diagram")


def test_a_key_error_from_spiffworkflow_names_the_element() -> None:
    """A business rule task without camunda:decisionRef: SpiffWorkflow raises KeyError."""
    root, exc = _spiff_failure(
        process("""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide" name="Decide"/>""")
    )
    assert isinstance(exc, KeyError)
    problem = parse_error_problem("raw.bpmn", root, exc)
    assert (problem.element_id, problem.element_name) == ("decide", "Decide")
    assert problem.element_type == "bpmn:businessRuleTask"
    assert "camunda:decisionRef" in problem.message and "KeyError" not in problem.message


def test_an_unexpected_parser_error_shows_no_exception_class() -> None:
    """Whatever SpiffWorkflow raises, the process owner reads its text, not Python's names."""
    root = etree.fromstring(ROUTING)
    for exc in (
        RuntimeError("the gateway has no outgoing flow"),
        KeyError("gateway"),
        ValueError(),
    ):
        problem = parse_error_problem("raw.bpmn", root, exc)
        assert type(exc).__name__ not in str(problem), problem
    problem = parse_error_problem(
        "raw.bpmn", root, RuntimeError("the gateway has no outgoing flow")
    )
    assert (
        problem.message
        == "SpiffWorkflow could not read this element: the gateway has no outgoing flow"
    )


def test_an_unresolved_data_association_has_no_memory_address() -> None:
    """SpiffWorkflow's message embeds `<Element ... at 0x7f...>`; the problem does not."""
    root, exc = _spiff_failure(
        process("""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="archive"/>
    <bpmn:userTask id="archive" name="Archive">
      <bpmn:dataOutputAssociation id="out1"><bpmn:targetRef>store_ref</bpmn:targetRef>
      </bpmn:dataOutputAssociation>
    </bpmn:userTask>
    <bpmn:dataStoreReference id="store_ref" name="Archive store"/>""")
    )
    assert " at 0x" in str(exc)
    problem = parse_error_problem("raw.bpmn", root, exc)
    assert (problem.element_id, problem.element_name) == ("archive", "Archive")
    assert "0x" not in str(problem)
    assert "Cannot resolve dataOutputAssociation bpmn:targetRef" in problem.message


def test_the_checks_refuse_both_before_spiffworkflow_sees_them() -> None:
    problems = refusal(
        process("""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide" name="Decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="archive"/>
    <bpmn:userTask id="archive" name="Archive">
      <bpmn:dataOutputAssociation id="out1"><bpmn:targetRef>store_ref</bpmn:targetRef>
      </bpmn:dataOutputAssociation>
    </bpmn:userTask>
    <bpmn:dataStoreReference id="store_ref" name="Archive store"/>""")
    )
    assert [(p.element_id, p.message.split(" (")[0].split(";")[0]) for p in problems] == [
        ("decide", "business rule tasks are not supported: DMN decision tables cannot be deployed"),
        ("store_ref", "data stores are not supported"),
    ]
