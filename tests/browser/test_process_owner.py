"""A process owner (demo-admin) in a real browser: uploads a diagram with an error, reads the
report by element, then uploads a good one and sees the new version with its instances; a
dry-run migration that changes nothing; the diagram drawn by bpmn-js. The supervisor
dashboard with an urge on the ladder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.helpers.browser import REPO, Workplace, axe_violations, screenshot
from tests.helpers.tickets import ticket_body

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
TRIAGE = '<bpmn:userTask id="triage" name="分类处置" camunda:candidateGroups="center">'
NO_GROUPS = TICKET_BPMN.replace(TRIAGE, '<bpmn:userTask id="triage" name="分类处置">')
CHANGED = TICKET_BPMN.replace('label="处置方式"', 'label="处置方式（新）"')


def choose_and_upload(page: Any, text: str) -> None:
    """Pick `text` as ticket.bpmn in the file field and press 校验并部署."""
    page.get_by_label("流程图文件（.bpmn）").set_input_files(
        files=[{"name": "ticket.bpmn", "mimeType": "application/xml", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="校验并部署").click()
    page.wait_for_load_state()


def dispatched_and_urged(workplace: Workplace) -> str:
    """A new complaint dispatched to ZJJ and urged by the supervisor; its number."""
    number = workplace.api("POST", "/api/v1/tickets", "demo-operator", ticket_body(), 201)["number"]
    tasks = workplace.api("GET", "/api/v1/tasks?per_page=100", "demo-center")["items"]
    [triage] = [t for t in tasks if t["ticket_number"] == number and t["key"] == "triage"]
    body = {"data": {"disposition": "dispatch", "unit": "ZJJ"}}
    workplace.api("POST", f"/api/v1/tasks/{triage['id']}/complete", "demo-center", body)
    urge = {"level": "urge", "reason": "请尽快办理"}
    workplace.api("POST", f"/api/v1/tickets/{number}/escalations", "demo-supervisor", urge, 201)
    return number


def test_a_process_owner_uploads_a_broken_then_a_good_diagram(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    page = open_page("demo-admin", bypass_csp=True)
    page.goto(workplace.url + "/processes")
    expect(page.get_by_role("heading", name="流程管理")).to_be_visible()
    choose_and_upload(page, NO_GROUPS)
    assert "未部署" in page.get_by_role("alert").inner_text()
    problem = page.locator('tr.problem[data-element="triage"]')
    assert "错误" in problem.inner_text() and "分类处置" in problem.inner_text()
    assert "候选组" in problem.inner_text()
    screenshot(page, "process-upload-report")
    assert axe_violations(page) == []
    versions = workplace.api("GET", "/api/v1/processes/ticket/versions", "demo-admin")
    assert [v["version"] for v in versions] == [1]

    choose_and_upload(page, CHANGED)
    assert "ticket 第 2 版（新版本）" in page.get_by_role("status").inner_text()
    newest = page.locator('[data-process="ticket"] tr[data-version="2"]')
    assert "第 2 版（最新）" in newest.inner_text()
    assert newest.locator("td.running").inner_text() == "0"
    number = dispatched_and_urged(workplace)  # a new ticket starts on version 2
    page.goto(workplace.url + "/processes")
    assert newest.locator("td.running").inner_text() == "1"
    oldest = page.locator('[data-process="ticket"] tr[data-version="1"]')
    assert oldest.locator("td.running").inner_text() == "0"
    page.locator('[data-process="ticket"]').scroll_into_view_if_needed()
    screenshot(page, "processes")
    assert axe_violations(page) == []

    page.get_by_role("link", name="试迁移运行中的实例").click()
    page.get_by_label("实例当前版本").select_option("2")
    page.get_by_label("目标版本").select_option("1")
    page.get_by_role("button", name="试迁移").click()
    assert "未做任何更改" in page.locator("#dry-run").inner_text()
    expect(page.locator("table.outcomes").get_by_role("link", name=number)).to_be_visible()
    assert axe_violations(page) == []
    versions = workplace.api("GET", "/api/v1/processes/ticket/versions", "demo-admin")
    assert [(v["version"], v["running_instances"]) for v in versions] == [(2, 1), (1, 0)]

    page.goto(workplace.url + "/processes")
    newest.get_by_role("link", name="查看").click()
    page.wait_for_selector('#diagram[data-drawn="true"]')
    assert page.locator("#diagram svg g[data-element-id='triage']").count() == 1
    assert "流程图已加载" in page.locator("#diagram-status").inner_text()


def test_the_supervisor_dashboard(workplace: Workplace, open_page: Callable[..., Any]) -> None:
    number = dispatched_and_urged(workplace)
    page = open_page("demo-supervisor", bypass_csp=True)
    page.goto(workplace.url + "/dashboard")
    expect(page.get_by_role("heading", name="督办看板")).to_be_visible()
    assert page.locator('[data-level="urge"] .rung-count').inner_text() != "0"
    expect(page.locator("table.today").get_by_role("link", name=number)).to_be_visible()
    expect(page.locator('table.deadlines tr[data-unit="ZJJ"]')).to_be_visible()
    screenshot(page, "dashboard")
    assert axe_violations(page) == []
