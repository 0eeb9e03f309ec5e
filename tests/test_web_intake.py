"""The intake page (/tickets/new, 登记工单): the API's fields and checks, Chinese messages,
one ticket per form however often it is sent, and the ticket's page afterwards."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import Hotline
from tests.helpers.api import ticket_count
from tests.helpers.html import css, page, text
from tests.helpers.web import WebUser, web_user

FORM = {
    "channel": "phone",
    "category": "complaint",
    "urgency": "normal",
    "requester_name": "张三",
    "requester_phone": "13800001234",
    "content": "小区夜间施工噪音扰民",
    "address": "利州区东坝街道滨河路1号",
    "district": "利州区",
}


def fresh_form(user: WebUser) -> tuple[Any, str]:
    """The intake page and the idempotency key this rendering of it carries."""
    response = user.get("/tickets/new")
    assert response.status_code == 200
    found = re.search(r'name="idempotency_key" value="([^"]+)"', response.get_data(as_text=True))
    assert found is not None
    return page(response), found.group(1)


def test_the_form_has_the_apis_fields_in_chinese(hotline: Hotline) -> None:
    doc, _key = fresh_form(web_user(hotline.app, "demo-operator"))
    assert text(doc, 'label[for="f-channel"]') == "受理渠道（必填）"
    channels = [o.text_content() for o in css(doc, "select#f-channel option")]
    assert channels[:3] == ["请选择", "电话", "微信"]
    assert "上级平台转来" in channels
    categories = [o.get("value") for o in css(doc, "select#f-category option")]
    assert categories[1:] == [
        "consultation", "help", "complaint", "report", "suggestion", "praise", "appeal",
    ]  # fmt: skip
    assert text(doc, 'select#f-urgency option[selected="selected"]') == "一般"
    assert css(doc, 'input#f-requester_phone[type="tel"]')
    assert css(doc, 'input#f-confidential[type="checkbox"]')
    assert css(doc, "textarea#f-content")


def test_a_registered_ticket_opens_its_page_with_a_notice(hotline: Hotline) -> None:
    operator = web_user(hotline.app, "demo-operator")
    _doc, key = fresh_form(operator)
    response = operator.post("/tickets/new", {**FORM, "idempotency_key": key})
    assert response.status_code == 302
    number = response.headers["Location"].removeprefix("/tickets/")
    ticket = hotline.ticket(number)
    assert ticket["status"] == "new"
    assert ticket["requester"] == {"name": "张三", "phone": "13800001234"}
    assert (ticket["channel"], ticket["category"], ticket["confidential"]) == (
        "phone",
        "complaint",
        False,
    )
    assert hotline.center.task_for(number, "triage")
    shown = operator.get("/inbox")  # the next page says it once
    assert text(page(shown), ".notice") == f"已登记工单 {number}，已进入分类处置。"
    assert not css(page(operator.get("/inbox")), ".notice")


def test_a_form_sent_twice_registers_one_ticket(hotline: Hotline) -> None:
    operator = web_user(hotline.app, "demo-operator")
    _doc, key = fresh_form(operator)
    before = ticket_count(hotline)
    first = operator.post("/tickets/new", {**FORM, "idempotency_key": key})
    second = operator.post("/tickets/new", {**FORM, "idempotency_key": key})
    assert first.headers["Location"] == second.headers["Location"]
    assert ticket_count(hotline) == before + 1
    changed = operator.post("/tickets/new", {**FORM, "content": "另一件事", "idempotency_key": key})
    assert changed.status_code == 409
    assert "已经登记过" in text(page(changed), "#error-summary")
    assert ticket_count(hotline) == before + 1


def test_bad_input_shows_chinese_messages_and_registers_nothing(hotline: Hotline) -> None:
    operator = web_user(hotline.app, "demo-operator")
    _doc, key = fresh_form(operator)
    before = ticket_count(hotline)
    bad = {
        **FORM,
        "category": "",
        "requester_phone": "电话",
        "content": "   ",
        "confidential": "true",
    }
    response = operator.post("/tickets/new", {**bad, "idempotency_key": key})
    assert response.status_code == 422
    doc = page(response)
    assert text(doc, "#f-category-error") == "必须填写"
    assert text(doc, "#f-requester_phone-error").startswith("请填写有效的电话号码")
    assert text(doc, "#f-content-error") == "必须填写"
    assert css(doc, "#f-requester_phone")[0].get("aria-describedby") == "f-requester_phone-error"
    # What was typed stays.
    assert css(doc, "#f-requester_name")[0].get("value") == "张三"
    assert css(doc, "#f-confidential")[0].get("checked") is not None
    assert ticket_count(hotline) == before


def test_only_intake_roles_open_the_page(hotline: Hotline) -> None:
    unit = web_user(hotline.app, "demo-unit-zjj")
    assert unit.get("/tickets/new").status_code == 404
    assert unit.post("/tickets/new", FORM).status_code == 404
    assert web_user(hotline.app, "demo-center").get("/tickets/new").status_code == 200


def test_an_upper_platform_deadline_is_beijing_time(hotline: Hotline) -> None:
    operator = web_user(hotline.app, "demo-operator")
    _doc, key = fresh_form(operator)
    form = {**FORM, "channel": "upper_platform", "upper_deadline": "2026-11-27T18:00"}
    response = operator.post("/tickets/new", {**form, "idempotency_key": key})
    assert response.status_code == 302
    ticket = hotline.ticket(response.headers["Location"].removeprefix("/tickets/"))
    assert ticket["channel"] == "upper_platform"
    assert ticket["upper_deadline"].startswith("2026-11-27T10:00:00")
    _doc, key = fresh_form(operator)
    bad = operator.post("/tickets/new", {**form, "upper_deadline": "明天", "idempotency_key": key})
    assert bad.status_code == 422
    assert text(page(bad), "#f-upper_deadline-error") == "请填写有效的日期和时间"
