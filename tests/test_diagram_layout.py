"""Structural and diagram-interchange (layout) checks for every BPMN file in ``bpmn/``."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"
BPMN_FILES = sorted(BPMN_DIR.glob("*.bpmn"))
TICKET = BPMN_DIR / "ticket.bpmn"

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {
    "bpmn": BPMN_NS,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": CAMUNDA_NS,
}

EVENT_TAGS = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
    }
)
GATEWAY_TAGS = frozenset(
    {
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
TASK_TAGS = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "scriptTask",
        "businessRuleTask",
        "manualTask",
        "sendTask",
        "receiveTask",
        "callActivity",
    }
)
CONTAINER_TAGS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
FLOW_NODE_TAGS = EVENT_TAGS | GATEWAY_TAGS | TASK_TAGS | CONTAINER_TAGS
# Semantic elements that Camunda Modeler always draws, hence must have exactly one DI element.
DRAWN_TAGS = FLOW_NODE_TAGS | {
    "sequenceFlow",
    "textAnnotation",
    "association",
    "participant",
    "lane",
}
TOLERANCE = 2.0


class Box(NamedTuple):
    """Axis-aligned rectangle taken from a ``dc:Bounds`` element."""

    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Box) -> bool:
        """Return True if the two rectangles share interior area."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


def _load(path: Path) -> etree._ElementTree:
    """Parse a BPMN file into a fresh lxml tree."""
    return etree.parse(str(path))


def _local(element: etree._Element) -> str:
    """Return the tag of an element without its namespace."""
    return etree.QName(element).localname


def _is_bpmn(element: etree._Element) -> bool:
    """Return True for elements in the BPMN model namespace."""
    return isinstance(element.tag, str) and etree.QName(element).namespace == BPMN_NS


def _elements_by_id(root: etree._Element) -> dict[str, etree._Element]:
    """Map every BPMN model element with an id to the element."""
    return {el.get("id"): el for el in root.iter() if _is_bpmn(el) and el.get("id")}


def _drawn_elements(root: etree._Element) -> list[etree._Element]:
    """Return the semantic elements that need a BPMNShape or BPMNEdge."""
    return [el for el in root.iter() if _is_bpmn(el) and _local(el) in DRAWN_TAGS]


def _di_elements(root: etree._Element) -> list[etree._Element]:
    """Return every BPMNShape and BPMNEdge in the file."""
    return root.xpath("//bpmndi:BPMNShape | //bpmndi:BPMNEdge", namespaces=NS)


def _box(bounds: etree._Element) -> Box:
    """Build a Box from a ``dc:Bounds`` element."""
    return Box(*(float(bounds.get(key)) for key in ("x", "y", "width", "height")))


def _waypoints(edge: etree._Element) -> list[tuple[float, float]]:
    """Return the waypoints of a BPMNEdge as (x, y) tuples."""
    return [(float(wp.get("x")), float(wp.get("y"))) for wp in edge.findall("di:waypoint", NS)]


def _node_shapes(
    root: etree._Element,
) -> dict[str, list[tuple[str, str, Box]]]:
    """Group task/event/gateway shapes per plane as (element id, tag, bounds)."""
    elements = _elements_by_id(root)
    planes: dict[str, list[tuple[str, str, Box]]] = defaultdict(list)
    for plane in root.iterfind(".//bpmndi:BPMNPlane", NS):
        for shape in plane.iterfind("bpmndi:BPMNShape", NS):
            element = elements.get(shape.get("bpmnElement"))
            if element is None:
                continue
            tag = _local(element)
            collapsed = tag in CONTAINER_TAGS and shape.get("isExpanded") != "true"
            if tag in EVENT_TAGS | GATEWAY_TAGS | TASK_TAGS or collapsed:
                bounds = shape.find("dc:Bounds", NS)
                planes[plane.get("id")].append((element.get("id"), tag, _box(bounds)))
    return planes


def _on_outline(point: tuple[float, float], tag: str, box: Box) -> bool:
    """Return True if the point lies on the outline of a shape drawn for the given tag."""
    px, py = point
    half_w, half_h = box.width / 2, box.height / 2
    dx, dy = abs(px - (box.x + half_w)), abs(py - (box.y + half_h))
    if tag in EVENT_TAGS:
        return abs((dx**2 + dy**2) ** 0.5 - half_w) <= TOLERANCE
    if tag in GATEWAY_TAGS:
        return abs(dx / half_w + dy / half_h - 1) <= TOLERANCE / half_w
    inside = dx <= half_w + TOLERANCE and dy <= half_h + TOLERANCE
    return inside and (abs(dx - half_w) <= TOLERANCE or abs(dy - half_h) <= TOLERANCE)


def _flows_by_node(root: etree._Element, ref: str) -> dict[str, list[str]]:
    """Map flow node ids to the ids of sequence flows whose ``ref`` attribute names them."""
    flows: dict[str, list[str]] = defaultdict(list)
    for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
        flows[flow.get(ref)].append(flow.get("id"))
    return flows


@pytest.fixture(params=BPMN_FILES, ids=lambda path: path.name)
def bpmn_file(request: pytest.FixtureRequest) -> Path:
    """Return each BPMN file in the repository's bpmn folder."""
    return request.param


def test_ticket_diagram_exists() -> None:
    """The ticket process diagram is present."""
    assert TICKET.is_file(), f"missing {TICKET}"


def test_xsd_valid(bpmn_file: Path) -> None:
    """Each file validates against the BPMN 2.0 XSD shipped with SpiffWorkflow."""
    BpmnValidator().validate(_load(bpmn_file), filename=bpmn_file.name)


def test_every_drawn_element_has_exactly_one_di(bpmn_file: Path) -> None:
    """Each flow node, flow, annotation, association, participant and lane is drawn once."""
    root = _load(bpmn_file).getroot()
    refs: dict[str, int] = defaultdict(int)
    for di in _di_elements(root):
        refs[di.get("bpmnElement")] += 1
    for element in _drawn_elements(root):
        element_id = element.get("id")
        count = refs[element_id]
        assert count == 1, (
            f"{bpmn_file.name}: {_local(element)} {element_id!r} has {count} BPMNShape/BPMNEdge"
        )


def test_di_references_existing_elements(bpmn_file: Path) -> None:
    """No BPMNShape or BPMNEdge points to a missing element."""
    root = _load(bpmn_file).getroot()
    elements = _elements_by_id(root)
    for di in _di_elements(root):
        target = di.get("bpmnElement")
        assert target in elements, (
            f"{bpmn_file.name}: {_local(di)} {di.get('id')!r} points to missing {target!r}"
        )


def test_edges_have_waypoints(bpmn_file: Path) -> None:
    """Every BPMNEdge has at least two waypoints."""
    root = _load(bpmn_file).getroot()
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        count = len(_waypoints(edge))
        assert count >= 2, (
            f"{bpmn_file.name}: edge for {edge.get('bpmnElement')!r} has {count} waypoint(s)"
        )


def test_sequence_flow_refs_exist(bpmn_file: Path) -> None:
    """Every sequence flow connects flow nodes of its own process or sub-process."""
    root = _load(bpmn_file).getroot()
    for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
        siblings = {
            child.get("id")
            for child in flow.getparent()
            if _is_bpmn(child) and _local(child) in FLOW_NODE_TAGS
        }
        for ref in ("sourceRef", "targetRef"):
            assert flow.get(ref) in siblings, (
                f"{bpmn_file.name}: sequenceFlow {flow.get('id')!r} {ref} "
                f"{flow.get(ref)!r} is not a flow node in the same container"
            )


def test_incoming_outgoing_match_flows(bpmn_file: Path) -> None:
    """Each flow node's incoming/outgoing children list exactly its sequence flows."""
    root = _load(bpmn_file).getroot()
    by_target = _flows_by_node(root, "targetRef")
    by_source = _flows_by_node(root, "sourceRef")
    for node in root.iter():
        if not _is_bpmn(node) or _local(node) not in FLOW_NODE_TAGS:
            continue
        node_id = node.get("id")
        for child_tag, expected in (("incoming", by_target), ("outgoing", by_source)):
            listed = sorted(child.text.strip() for child in node.findall(f"bpmn:{child_tag}", NS))
            assert listed == sorted(expected[node_id]), (
                f"{bpmn_file.name}: {_local(node)} {node_id!r} lists {child_tag} {listed}, "
                f"sequence flows say {sorted(expected[node_id])}"
            )


def test_node_shapes_do_not_overlap(bpmn_file: Path) -> None:
    """No two task, event or gateway shapes on the same plane overlap."""
    root = _load(bpmn_file).getroot()
    elements = _elements_by_id(root)
    for shapes in _node_shapes(root).values():
        for index, (first_id, _, first_box) in enumerate(shapes):
            for second_id, _, second_box in shapes[index + 1 :]:
                attached = {
                    elements[first_id].get("attachedToRef"),
                    elements[second_id].get("attachedToRef"),
                }
                if first_id in attached or second_id in attached:
                    continue  # boundary events sit on their host's border by design
                assert not first_box.overlaps(second_box), (
                    f"{bpmn_file.name}: shapes of {first_id!r} and {second_id!r} overlap"
                )


def test_sequence_flow_edges_dock_on_shapes(bpmn_file: Path) -> None:
    """Sequence-flow edges start on the source outline and end on the target outline."""
    root = _load(bpmn_file).getroot()
    elements = _elements_by_id(root)
    shapes = {
        node_id: (tag, box) for plane in _node_shapes(root).values() for node_id, tag, box in plane
    }
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        flow = elements.get(edge.get("bpmnElement"))
        if flow is None or _local(flow) != "sequenceFlow":
            continue
        points = _waypoints(edge)
        for ref, point in (("sourceRef", points[0]), ("targetRef", points[-1])):
            if flow.get(ref) not in shapes:
                continue
            tag, box = shapes[flow.get(ref)]
            assert _on_outline(point, tag, box), (
                f"{bpmn_file.name}: edge of {flow.get('id')!r} waypoint {point} is not on "
                f"the outline of {ref} {flow.get(ref)!r} {tuple(box)}"
            )


def test_sequence_flow_edges_are_orthogonal(bpmn_file: Path) -> None:
    """Sequence-flow edges use Manhattan routing (horizontal and vertical segments only)."""
    root = _load(bpmn_file).getroot()
    elements = _elements_by_id(root)
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        flow = elements.get(edge.get("bpmnElement"))
        if flow is None or _local(flow) != "sequenceFlow":
            continue
        points = _waypoints(edge)
        for (x1, y1), (x2, y2) in pairwise(points):
            assert abs(x1 - x2) <= TOLERANCE or abs(y1 - y2) <= TOLERANCE, (
                f"{bpmn_file.name}: edge of {flow.get('id')!r} has a diagonal segment "
                f"({x1}, {y1}) -> ({x2}, {y2})"
            )


def test_labels_do_not_cover_shapes(bpmn_file: Path) -> None:
    """No BPMNLabel covers a task, event or gateway shape other than its own."""
    root = _load(bpmn_file).getroot()
    planes = _node_shapes(root)
    for plane in root.iterfind(".//bpmndi:BPMNPlane", NS):
        shapes = planes.get(plane.get("id"), [])
        for label in plane.iterfind("*/bpmndi:BPMNLabel/dc:Bounds", NS):
            owner = label.getparent().getparent().get("bpmnElement")
            label_box = _box(label)
            for node_id, _, box in shapes:
                assert node_id == owner or not label_box.overlaps(box), (
                    f"{bpmn_file.name}: label of {owner!r} overlaps shape of {node_id!r}"
                )


def test_ticket_user_tasks_have_candidate_groups() -> None:
    """Every user task in ticket.bpmn names its candidate groups."""
    root = _load(TICKET).getroot()
    user_tasks = root.findall(".//bpmn:userTask", NS)
    assert user_tasks, f"{TICKET.name}: no userTask found"
    for task in user_tasks:
        groups = task.get(f"{{{CAMUNDA_NS}}}candidateGroups")
        assert groups, f"{TICKET.name}: userTask {task.get('id')!r} has no camunda:candidateGroups"


def test_ticket_service_tasks_are_external() -> None:
    """Every service task in ticket.bpmn is an external task with a topic."""
    root = _load(TICKET).getroot()
    service_tasks = root.findall(".//bpmn:serviceTask", NS)
    assert service_tasks, f"{TICKET.name}: no serviceTask found"
    for task in service_tasks:
        task_id = task.get("id")
        assert task.get(f"{{{CAMUNDA_NS}}}type") == "external", (
            f'{TICKET.name}: serviceTask {task_id!r} is not camunda:type="external"'
        )
        assert task.get(f"{{{CAMUNDA_NS}}}topic"), (
            f"{TICKET.name}: serviceTask {task_id!r} has no camunda:topic"
        )
