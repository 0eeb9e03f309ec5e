"""Unit isolation in the browser: a ticket dispatched to ZJJ is nowhere for LZQ (inbox, ticket
list, ticket page, task page), while ZJJ sees it everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.helpers.browser import Workplace
from tests.helpers.tickets import ticket_body


def test_a_zjj_ticket_is_invisible_to_lzq_and_visible_to_zjj(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    body = ticket_body(content="住建局工地夜间施工扰民，请处理")
    number = workplace.api("POST", "/api/v1/tickets", "demo-operator", body, expect=201)["number"]
    ticket = workplace.api("GET", f"/api/v1/tickets/{number}", "demo-center")
    [triage] = ticket["tasks"]
    dispatch = {"data": {"disposition": "dispatch", "unit": "ZJJ"}}
    workplace.api("POST", f"/api/v1/tasks/{triage['id']}/complete", "demo-center", dispatch)
    [acknowledge] = workplace.api("GET", f"/api/v1/tickets/{number}", "demo-center")["tasks"]
    task_url = f"/tasks/{acknowledge['id']}"

    lzq = open_page("demo-unit-lzq")
    lzq.goto(workplace.url + "/inbox")
    expect(lzq.get_by_role("heading", level=1)).to_be_visible()  # the inbox itself answered
    assert number not in lzq.content()
    lzq.goto(workplace.url + "/tickets")
    assert number not in lzq.locator("main").inner_text()
    lzq.goto(f"{workplace.url}/tickets?number={number}")
    assert number not in " ".join(lzq.locator("main table, main p").all_inner_texts())
    for path in (f"/tickets/{number}", f"/tickets/{number}/diagram.json", task_url):
        answer = lzq.goto(workplace.url + path)
        assert answer is not None and answer.status == 404, path
        assert number not in lzq.content(), path
    assert "页面不存在或无权查看" in lzq.content()
    # The API answers LZQ the same.
    assert workplace.request("GET", f"/api/v1/tickets/{number}", user="demo-unit-lzq")[0] == 404

    zjj = open_page("demo-unit-zjj")
    zjj.goto(workplace.url + "/tickets")
    zjj.get_by_role("link", name=number).click()
    assert zjj.url.endswith(f"/tickets/{number}")
    expect(zjj.get_by_role("heading", name=f"工单 {number}")).to_be_visible()
    assert zjj.locator(f'a[href="{task_url}"]').count() == 1  # its ready task, to do
    zjj.goto(workplace.url + "/inbox")
    assert number in zjj.locator("main").inner_text()
    answer = zjj.goto(workplace.url + task_url)
    assert answer is not None and answer.status == 200
    assert number in zjj.locator("main").inner_text()
