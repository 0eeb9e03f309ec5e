"""What the process owners' pages show of a diagram: its deployment problems in Chinese and the
list of its elements (the text beside the drawn diagram)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from processes.problems import BPMN_NS, ERROR, Problem, etree_tag

SEVERITY_LABELS = {ERROR: "错误", "warning": "警告"}
# The common deployment messages in Chinese; anything else is shown as the API gives it.
TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), text)
    for pattern, text in (
        (r"^no handler is registered for topic '(.+)'$", "没有为主题“\\1”注册处理程序"),
        (r"^unknown candidate group '(.+?)': nobody has it", "未知的候选组“\\1”：没有人属于该组"),
        (
            r"^a user task of the hotline needs Candidate groups",
            "热线流程的用户任务必须填写候选组（Candidate groups），即由谁办理",
        ),
        (
            r"^the task has no deadline",
            "任务没有期限，不会超期、催办或督办：请设置到期时间（camunda:dueDate）或计时边界事件；"
            "确实不需要期限时，添加扩展属性 deadline = none",
        ),
        (r"^not well-formed XML: (.*)$", "XML 格式错误：\\1"),
        (r"^the file is not UTF-8 encoded", "文件不是 UTF-8 编码"),
        (r"^no executable process in ", "文件中没有可执行的流程（bpmn:process）"),
        (
            r"^the file has no diagram layout",
            "文件没有图形布局（bpmndi:BPMNDiagram）：可以运行，但建模工具无法显示",
        ),
        (r"^has no diagram layout", "该元素没有图形布局：Camunda Modeler 中不会显示"),
        (r"^(\d+) more elements have no diagram layout", "另有 \\1 个元素没有图形布局"),
        (r"^has (\d+) outgoing sequence flows", "有 \\1 条流出的顺序流；只有网关可以分支"),
        (
            r"^a service task needs camunda:type=\"external\" and a camunda:topic",
            '服务任务需要 camunda:type="external" 和 camunda:topic（须有对应的处理程序）',
        ),
        (r"^the script task has no script", "脚本任务没有脚本"),
        (r"^script is not valid Python: (.*)$", "脚本不是有效的 Python：\\1"),
        (r"^the timer has no time", "计时事件没有设定时间"),
        (r"^camunda:dueDate is empty", "到期时间（camunda:dueDate）为空"),
        (r"^form field '(.+?)': (.*)$", "表单字段“\\1”：\\2"),
    )
)
ELEMENT_LABELS = {
    "startEvent": "开始事件",
    "endEvent": "结束事件",
    "userTask": "用户任务",
    "serviceTask": "服务任务",
    "scriptTask": "脚本任务",
    "sendTask": "发送任务",
    "receiveTask": "接收任务",
    "manualTask": "人工任务",
    "task": "任务",
    "businessRuleTask": "业务规则任务",
    "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关",
    "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关",
    "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件",
    "boundaryEvent": "边界事件",
    "subProcess": "子流程",
    "callActivity": "调用活动",
}


@dataclass(frozen=True)
class ReportLine:
    """One problem of an uploaded diagram as the page lists it."""

    file: str
    element_id: str | None
    element_name: str | None
    element_type: str | None
    line: int | None
    severity: str
    severity_label: str
    message: str  # in Chinese where known
    original: str | None  # the API's (English) message when `message` is a translation


def chinese(message: str) -> str | None:
    """The message in Chinese, or None when it is not one of the common ones."""
    for pattern, text in TRANSLATIONS:
        found = pattern.search(message)
        if found is not None:
            return found.expand(text)
    return None


def report_lines(problems: list[Problem]) -> list[ReportLine]:
    """Errors, then warnings, each naming its file, element and line."""
    lines = []
    for p in sorted(problems, key=lambda p: not p.is_error):
        translated = chinese(p.message)
        lines.append(
            ReportLine(
                p.file,
                p.element_id,
                p.element_name,
                p.element_type,
                p.line,
                p.severity,
                SEVERITY_LABELS.get(p.severity, p.severity),
                translated or p.message,
                p.message if translated else None,
            )
        )
    return lines


def elements(xml: str) -> list[dict[str, Any]]:
    """The flow elements (events, tasks, gateways, sub-processes) of a deployed diagram, in
    document order: the text alternative to the drawing."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml.encode("utf-8"), parser)
    found = []
    for element in root.iter(*(f"{{{BPMN_NS}}}{kind}" for kind in ELEMENT_LABELS)):
        local = etree.QName(element).localname
        found.append(
            {
                "id": element.get("id") or "",
                "name": " ".join((element.get("name") or "").split()),
                "type": ELEMENT_LABELS.get(local, etree_tag(element.tag)),
            }
        )
    return found
