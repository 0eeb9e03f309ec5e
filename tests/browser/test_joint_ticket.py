"""A joint ticket (会签) walked through the pages: the operator registers it, the center
triages it with possible repeats beside the form and the unit pick-lists, HBJ and ZJJ each
acknowledge and handle their part, ZJJ merges, the center reviews and calls back. And the
center's approvals page with a unit's extension request on it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.helpers.browser import Workplace, axe_violations, screenshot

PHONE = "13912345678"
CONTENT = "滨河路小区旁工地夜间施工噪音扰民，渣土车进出扬尘严重，晚上十一点后仍在作业"


def register_on_the_page(page: Any, url: str) -> str:
    """The operator fills 登记工单; the new ticket's number (from the page it lands on)."""
    page.goto(url + "/tickets/new")
    page.get_by_label("受理渠道").select_option("phone")
    page.get_by_label("诉求类型").select_option("complaint")
    page.get_by_label("诉求内容").fill(CONTENT)
    page.get_by_label("事发地址").fill("利州区东坝街道滨河路8号")
    page.get_by_label("所属区县").fill("利州区")
    page.get_by_label("诉求人姓名").fill("李四")
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    found = re.search(r"/tickets/([A-Z]+\d+)", page.url)
    assert found, page.url
    return found.group(1)


def register_by_api(workplace: Workplace, content: str, phone: str = PHONE) -> str:
    """A phone complaint in 利州区 registered by the operator's API token; its number."""
    body = {
        "channel": "phone",
        "category": "complaint",
        "urgency": "normal",
        "requester": {"name": "李四", "phone": phone},
        "confidential": False,
        "content": content,
        "district": "利州区",
    }
    return str(
        workplace.api("POST", "/api/v1/tickets", "demo-operator", body, expect=201)["number"]
    )


def open_task(page: Any, url: str, number: str, name: str) -> None:
    """From the inbox, filtered to the ticket, open its task `name` (e.g. 分类处置)."""
    page.goto(f"{url}/inbox?ticket={number}")
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    assert "/tasks/" in page.url, page.url


def submit(page: Any) -> None:
    """Press 提交 and wait for the next page; the form must have been accepted."""
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert "/tasks/" not in page.url or "done=" in page.url, page.content()[:2000]


def yes(page: Any, question: str) -> None:
    """Answer a yes/no field (a radio group) with 是."""
    page.get_by_role("group", name=question).get_by_label("是", exact=True).check()


def status_of(workplace: Workplace, number: str) -> str:
    """The ticket's status as the center's API token reads it."""
    return str(workplace.api("GET", f"/api/v1/tickets/{number}", "demo-center")["status"])


def test_a_joint_ticket_from_intake_to_closed_through_the_pages(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    url = workplace.url
    earlier = register_by_api(workplace, "滨河路工地晚上施工太吵，十一点以后还在打桩")

    number = register_on_the_page(open_page("demo-operator"), url)

    center = open_page("demo-center", bypass_csp=True)
    open_task(center, url, number, "分类处置")
    repeats = center.get_by_role("region", name=re.compile("可能重复的工单"))
    expect(repeats.get_by_role("link", name=earlier)).to_be_visible()
    expect(repeats.get_by_text("同一来电号码", exact=True)).to_be_visible()
    expect(center.get_by_text(CONTENT).first).to_be_visible()  # the new one, beside them
    screenshot(center, "triage-repeats")
    assert axe_violations(center) == []
    center.get_by_label("处置方式").select_option("joint")
    center.get_by_label("会签主办单位代码").select_option("ZJJ")
    units = center.get_by_role("group", name=re.compile("会签单位代码"))
    units.get_by_label("示范市住房和城乡建设局（ZJJ）").check()
    units.get_by_label("示范市生态环境局（HBJ）").check()
    submit(center)
    assert status_of(workplace, number) == "dispatched"

    for user in ("demo-unit-hbj", "demo-unit-zjj"):
        unit = open_page(user)
        open_task(unit, url, number, "分办签收")
        yes(unit, "已联系诉求人")
        submit(unit)
        open_task(unit, url, number, "分办办理")
        unit.get_by_label("办理结果").select_option("done")
        unit.get_by_label("调查结论").fill("现场核查属实，已责令工地夜间停工")
        unit.get_by_label("办理意见").fill("按职责督促整改")
        submit(unit)

    zjj = open_page("demo-unit-zjj")
    open_task(zjj, url, number, "汇总答复")
    expect(zjj.get_by_text("示范市生态环境局（HBJ）").first).to_be_visible()  # the parts beside
    zjj.get_by_label("处置依据").fill("《中华人民共和国噪声污染防治法》第四十三条")
    zjj.get_by_label("调查结论").fill("住建局责令停工，生态环境局查处扬尘")
    zjj.get_by_label("答复情况").fill("已电话告知诉求人处理结果")
    submit(zjj)
    assert status_of(workplace, number) == "in_review"

    open_task(center, url, number, "审核")
    yes(center, "审核通过")
    submit(center)
    open_task(center, url, number, "回访")
    center.get_by_label("满意度").select_option("satisfied")
    submit(center)
    assert status_of(workplace, number) == "closed"


def test_the_center_approves_an_extension_from_its_approvals_page(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    url = workplace.url
    number = register_by_api(workplace, "小区地下车库渗水严重，物业迟迟不修", "13700001111")
    tasks = workplace.api("GET", "/api/v1/tasks?per_page=100", "demo-center")["items"]
    [triage] = [t for t in tasks if t["ticket_number"] == number and t["key"] == "triage"]
    dispatch = {"data": {"disposition": "dispatch", "unit": "ZJJ"}}
    workplace.api("POST", f"/api/v1/tasks/{triage['id']}/complete", "demo-center", dispatch)
    zjj = open_page("demo-unit-zjj")
    open_task(zjj, url, number, "签收")
    yes(zjj, "已联系诉求人")
    submit(zjj)
    open_task(zjj, url, number, "办理")
    zjj.get_by_label("办理结果").select_option("extension")
    zjj.get_by_label("延期理由").fill("需委托第三方检测渗水来源")
    yes(zjj, "已向诉求人说明延期情况")
    submit(zjj)

    center = open_page("demo-center", bypass_csp=True)
    center.goto(url + "/center/extensions")
    row = center.get_by_role("row").filter(has_text=number)
    expect(row.get_by_text("需委托第三方检测渗水来源")).to_be_visible()
    expect(row.get_by_text("延期申请")).to_be_visible()
    screenshot(center, "extensions")
    assert axe_violations(center) == []
    row.get_by_role("link", name=re.compile("审批")).click()
    center.wait_for_load_state()
    expect(center.get_by_text("需委托第三方检测渗水来源").first).to_be_visible()
    yes(center, "同意延期")
    submit(center)
    assert status_of(workplace, number) == "handling"
    center.goto(url + "/center/extensions")
    assert center.get_by_role("row").filter(has_text=number).count() == 0
