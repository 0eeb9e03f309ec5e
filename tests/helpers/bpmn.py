"""Small BPMN diagrams written as Camunda Modeler users draw them, and the refusals they get."""

from __future__ import annotations

from pathlib import Path

import pytest

from processes.problems import DeploymentRefused
from processes.registry import parse_bpmn

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_test" targetNamespace="http://bpmn.io/schema/bpmn">
"""


def process(body: str, process_id: str = "p", extra: str = "") -> bytes:
    """A one-process diagram around `body`."""
    return (
        f'{HEADER}<bpmn:process id="{process_id}" isExecutable="true">{body}'
        f"</bpmn:process>{extra}</bpmn:definitions>"
    ).encode()


def timer_process(kind: str, value: str) -> bytes:
    """start → intermediate timer (`kind`, `value`) → user task → end."""
    return process(f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Wait">
      <bpmn:timerEventDefinition>
        <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{value}</bpmn:{kind}>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="call_back"/>
    <bpmn:userTask id="call_back" name="Call back"/>
    <bpmn:sequenceFlow id="f3" sourceRef="call_back" targetRef="end"/>
    <bpmn:endEvent id="end"/>""")


def gateway_diagram(condition: str, process_id: str = "routing") -> bytes:
    """start → exclusive gateway: `condition` → big, default → small."""
    return process(
        f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="to_gateway" sourceRef="start" targetRef="amount_gateway"/>
    <bpmn:exclusiveGateway id="amount_gateway" name="Amount?" default="to_small"/>
    <bpmn:sequenceFlow id="to_big" name="big" sourceRef="amount_gateway" targetRef="big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        ><![CDATA[{condition}]]></bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_small" sourceRef="amount_gateway" targetRef="small"/>
    <bpmn:userTask id="big" name="Big"/>
    <bpmn:userTask id="small" name="Small"/>
    <bpmn:sequenceFlow id="big_done" sourceRef="big" targetRef="end_big"/>
    <bpmn:sequenceFlow id="small_done" sourceRef="small" targetRef="end_small"/>
    <bpmn:endEvent id="end_big"/>
    <bpmn:endEvent id="end_small"/>""",
        process_id,
    )


# Process `p`: big when the amount is over 100 and not urgent, else small.
ROUTING = gateway_diagram("${amount gt 100 && !urgent}", "p")


def refusal(xml: bytes, filename: str = "diagram.bpmn") -> list:
    """The problems of a diagram that parsing refuses."""
    with pytest.raises(DeploymentRefused) as refused:
        parse_bpmn(xml, filename)
    return refused.value.problems


def write_diagram(tmp_path: Path, name: str, text: str) -> str:
    """Write a diagram file; its path as a string."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)
