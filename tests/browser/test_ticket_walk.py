"""The README's ticket walked through the workplace's pages by four people, from 登记 to 办结,
and a form's field errors as the browser shows them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.helpers.browser import Workplace, axe_violations, screenshot


def open_task(page: Any, workplace: Workplace, number: str, name: str) -> None:
    """From the inbox, open task `name` of ticket `number` (filtered by ticket number)."""
    page.goto(f"{workplace.url}/inbox?ticket={number}")
    row = page.get_by_role("row").filter(has_text=number).filter(has_text=name)
    row.get_by_role("link", name=name).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)


def choose(page: Any, group: str, answer: str) -> None:
    """Answer a yes/no (是/否) question of the form."""
    page.get_by_role("group", name=group).get_by_label(answer, exact=True).check()


def submit(page: Any) -> None:
    """Press 提交 and wait for the next page."""
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()


def register(page: Any, workplace: Workplace) -> str:
    """The operator registers the README's noise complaint; its number."""
    page.goto(workplace.url + "/tickets/new")
    page.get_by_label("受理渠道").select_option("phone")
    page.get_by_label("诉求类型").select_option("complaint")
    page.get_by_label("诉求内容").fill("小区夜间施工噪音扰民，晚上十一点后仍在作业")
    page.get_by_label("事发地址").fill("利州区东坝街道滨河路1号")
    page.get_by_label("所属区县").fill("利州区")
    page.get_by_label("诉求人姓名").fill("张三")
    page.get_by_label("联系电话").fill("13800001234")
    screenshot(page, "intake")
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(re.compile(r"/tickets/[A-Z]+\d+$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("status").filter(has_text=f"已登记工单 {number}")).to_be_visible()
    return number


def test_a_ticket_walks_from_intake_to_closed_through_the_pages(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    number = register(open_page("demo-operator"), workplace)

    center = open_page("demo-center")
    open_task(center, workplace, number, "分类处置")
    center.get_by_label("处置方式").select_option("dispatch")
    center.get_by_label("承办单位代码").select_option("ZJJ")
    submit(center)
    assert "已完成「分类处置」" in center.get_by_role("status").inner_text()

    unit = open_page("demo-unit-zjj")
    unit.goto(workplace.url + "/inbox")
    expect(unit.get_by_role("row").filter(has_text=number).filter(has_text="签收")).to_be_visible()
    screenshot(unit, "inbox")
    open_task(unit, workplace, number, "签收")
    choose(unit, "已联系诉求人", "是")
    unit.get_by_label("签收备注").fill("已电话联系诉求人，约定今晚现场核查")
    screenshot(unit, "task-form")
    submit(unit)
    # Straight on to the same ticket's next step.
    assert unit.get_by_role("heading", level=1).inner_text().startswith("办理")
    assert f"已完成「签收」（工单 {number}）" in unit.get_by_role("status").inner_text()
    unit.get_by_label("办理结果").select_option("done")
    unit.get_by_label("处置依据").fill("《广元市环境噪声污染防治办法》第十二条")
    unit.get_by_label("调查结论").fill("施工单位夜间违规作业属实，已责令停止")
    unit.get_by_label("答复情况").fill("已电话告知诉求人处理结果")
    submit(unit)
    assert "/inbox" in unit.url

    open_task(center, workplace, number, "审核")
    choose(center, "审核通过", "是")
    submit(center)
    assert center.get_by_role("heading", level=1).inner_text().startswith("回访")
    center.get_by_label("满意度").select_option("satisfied")
    center.get_by_label("回访记录").fill("诉求人表示满意")
    submit(center)

    ticket = workplace.api("GET", f"/api/v1/tickets/{number}", "demo-center")
    assert ticket["status"] == "closed"
    assert ticket["satisfaction"] == "satisfied"


def test_a_forms_field_errors_are_shown_in_chinese(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    number = register(open_page("demo-operator"), workplace)
    task = workplace.api("GET", "/api/v1/tasks?per_page=100", "demo-center")["items"]
    triage = next(t for t in task if t["ticket_number"] == number)
    body = {"data": {"disposition": "dispatch", "unit": "ZJJ"}}
    workplace.api("POST", f"/api/v1/tasks/{triage['id']}/complete", "demo-center", body)
    unit = open_page("demo-unit-zjj")
    open_task(unit, workplace, number, "签收")
    submit(unit)  # nothing answered
    assert unit.locator("#f-contacted-error").inner_text() == "必须填写"
    choose(unit, "已联系诉求人", "是")
    submit(unit)
    unit.get_by_label("办理结果").select_option("done")
    unit.get_by_label("调查结论").fill("施工单位夜间违规作业属实")
    unit.get_by_label("答复情况").fill("已告知诉求人")
    submit(unit)
    basis = unit.get_by_label("处置依据")
    assert basis.get_attribute("aria-invalid") == "true"
    message = unit.locator("#f-basis-error")
    assert message.inner_text() == "「办理结果」为「办结」时必须填写"
    expect(message).to_be_visible()
    summary = unit.get_by_role("alert")
    assert "处置依据：「办理结果」为「办结」时必须填写" in summary.inner_text()
    assert unit.evaluate("document.activeElement.id") == "error-summary"
    # What was typed is still there.
    assert unit.get_by_label("调查结论").input_value() == "施工单位夜间违规作业属实"
    screenshot(unit, "task-errors")
    summary.get_by_role("link").first.click()
    assert unit.evaluate("document.activeElement.id") == "f-basis"


def test_the_pages_pass_axe_and_fit_a_phone(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    body = {
        "channel": "phone",
        "category": "help",
        "requester": {"name": "李四", "phone": "13800005678"},
        "content": "路灯不亮",
    }
    number = workplace.api("POST", "/api/v1/tickets", "demo-operator", body, expect=201)["number"]
    operator = open_page("demo-operator", bypass_csp=True)
    operator.goto(workplace.url + "/tickets/new")
    operator.get_by_role("button", name="登记").click()
    operator.wait_for_load_state()
    expect(operator.get_by_role("alert")).to_be_visible()
    assert axe_violations(operator) == []
    center = open_page("demo-center", bypass_csp=True, viewport={"width": 390, "height": 844})
    center.goto(workplace.url + "/inbox")
    assert axe_violations(center) == []
    open_task(center, workplace, number, "分类处置")
    submit(center)
    expect(center.locator("#f-disposition-error")).to_be_visible()
    assert axe_violations(center) == []
    wide = center.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the task page is {wide}px wide on a phone"
