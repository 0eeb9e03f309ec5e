"""The ticket page in Chromium: the facts, the history timeline, and the diagram of the
process as it stands drawn by bpmn-js (current step marked, a count on each step that ran)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import PHONE, Workplace, axe_violations, screenshot
from tests.helpers.tickets import ACK, RETURN_TO_LZQ, ticket_body


def complete(workplace: Workplace, user: str, number: str, key: str, data: dict) -> None:
    """Complete the ticket's ready task `key` through the API as `user`."""
    ticket = workplace.api("GET", f"/api/v1/tickets/{number}", "demo-center")
    [task] = [t for t in ticket["tasks"] if t["key"] == key]
    workplace.api("POST", f"/api/v1/tasks/{task['id']}/complete", user, {"data": data})


@pytest.fixture(scope="module")
def returned_once(workplace: Workplace) -> str:
    """A complaint dispatched to ZJJ, returned, and dispatched again: at acknowledge twice."""
    body = ticket_body(content="小区夜间施工噪音扰民，晚上十一点后仍在作业，多次投诉未果")
    number = workplace.api("POST", "/api/v1/tickets", "demo-operator", body, expect=201)["number"]
    complete(workplace, "demo-center", number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    complete(workplace, "demo-unit-zjj", number, "acknowledge", ACK)
    complete(workplace, "demo-unit-zjj", number, "handle", RETURN_TO_LZQ)
    complete(workplace, "demo-center", number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    return number


def open_ticket(open_page: Callable[..., Any], workplace: Workplace, number: str, **kw: Any) -> Any:
    page = open_page("demo-center", **kw)
    page.goto(f"{workplace.url}/tickets/{number}")
    page.wait_for_selector("#diagram.dg-ready svg")
    return page


def test_the_diagram_marks_the_current_step_and_counts_the_runs(
    workplace: Workplace, open_page: Callable[..., Any], returned_once: str
) -> None:
    page = open_ticket(open_page, workplace, returned_once)
    assert page.locator("#diagram svg").count() >= 1
    active = page.locator('#diagram .djs-element.dg-active[data-element-id="acknowledge"]')
    assert active.count() == 1
    assert page.locator('#diagram .djs-element.dg-done[data-element-id="triage"]').count() == 1
    returned = '[data-element-id="flow_record_return_triage"]'
    assert page.locator(f"#diagram .djs-connection.dg-taken{returned}").count() == 1
    badges = page.locator('#diagram .djs-overlays[data-container-id="dispatch_ticket"] .dg-count')
    assert badges.inner_text() == "×2"
    active_badge = page.locator('#diagram .djs-overlays[data-container-id="acknowledge"] .dg-count')
    assert active_badge.inner_text() == "×2"
    # The text alternative says the same in words.
    steps = page.locator("ol.steps").inner_text()
    assert "派单" in steps and "签收" in steps and "当前所在步骤" in steps
    page.evaluate("document.getElementById('h-diagram').scrollIntoView()")
    screenshot(page, "diagram")


def test_the_ticket_page_shows_the_history_timeline(
    workplace: Workplace, open_page: Callable[..., Any], returned_once: str
) -> None:
    page = open_ticket(open_page, workplace, returned_once)
    expect(page.get_by_role("heading", name=f"工单 {returned_once}")).to_be_visible()
    history = page.locator("ol.timeline").inner_text()
    for step in ("登记工单", "分类处置", "派单", "签收", "退单", "非本单位职责"):
        assert step in history, step
    assert page.locator("#requester-phone").inner_text() == "13800001234"
    screenshot(page, "ticket")


def test_the_ticket_page_is_accessible_and_fits_a_phone(
    workplace: Workplace, open_page: Callable[..., Any], returned_once: str
) -> None:
    page = open_ticket(open_page, workplace, returned_once, bypass_csp=True)
    assert axe_violations(page) == []
    phone = open_ticket(open_page, workplace, returned_once, viewport=PHONE)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
