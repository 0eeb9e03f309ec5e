"""The task page (/tasks/<id>): forms drawn from ticket.bpmn, completion through the API's code,
Chinese messages at the fields, the next task afterwards, and who may open a task."""

from __future__ import annotations

from typing import Any

from tests.conftest import Hotline
from tests.helpers.api import Caller
from tests.helpers.html import css, page
from tests.helpers.tickets import ACK, DONE, acknowledged, dispatched, kinds
from tests.helpers.web import WebUser, web_user


def task_id(caller: Caller, number: str, key: str) -> str:
    """The id of the ready task `key` of ticket `number` offered to `caller`."""
    return str(caller.task_for(number, key)["id"])


def label(doc: Any, field: str) -> str:
    """The text of the label (or legend) of form field `field`."""
    found = css(doc, f'label[for="f-{field}"]') or css(doc, f"#f-{field} legend")
    assert found, f"no label for {field}"
    return str(found[0].text_content().strip())


def field_error(doc: Any, field: str) -> str:
    """The message shown next to form field `field` (tied to it with aria-describedby)."""
    found = css(doc, f"#f-{field}-error")
    assert found, f"no message at {field}"
    control = css(doc, f"#f-{field}")[0]
    assert f"f-{field}-error" in (control.get("aria-describedby") or "")
    return str(found[0].text_content().strip())


def test_triage_form_is_drawn_from_the_diagram(hotline: Hotline) -> None:
    number = hotline.new_ticket()["number"]
    center = web_user(hotline.app, "demo-center")
    response = center.get(f"/tasks/{task_id(hotline.center, number, 'triage')}")
    assert response.status_code == 200
    doc = page(response)
    assert css(doc, "h1")[0].text_content().startswith("分类处置")
    assert label(doc, "disposition") == "处置方式（必填）"
    select = css(doc, "select#f-disposition")[0]
    assert select.get("required") is not None
    options = [(o.get("value"), o.text_content()) for o in css(select, "option")]
    assert options[:3] == [("", "请选择"), ("answer", "直接答复"), ("dispatch", "转办")]
    assert ("merge", "并单") in options
    # content=true fields are text areas; the others one-line inputs
    assert css(doc, "textarea#f-answer") and css(doc, "textarea#f-decline_reason")
    assert css(doc, 'input#f-merge_into[type="text"]')
    assert label(doc, "units") == "会签单位代码（逗号分隔）"
    assert css(doc, f'a[href="/tickets/{number}"]')


def test_acknowledge_review_and_callback_forms(hotline: Hotline) -> None:
    number = dispatched(hotline)
    unit = web_user(hotline.app, "demo-unit-zjj")
    doc = page(unit.get(f"/tasks/{task_id(hotline.unit, number, 'acknowledge')}"))
    # A required boolean is a yes/no pair with nothing chosen: leaving it is an error.
    assert label(doc, "contacted") == "已联系诉求人（必填）"
    radios = css(doc, 'input[name="contacted"]')
    assert [r.get("value") for r in radios] == ["true", "false"]
    assert not any(r.get("checked") is not None for r in radios)
    assert css(doc, "textarea#f-note")
    hotline.unit.complete(number, "acknowledge", ACK)
    hotline.unit.complete(number, "handle", DONE)
    center = web_user(hotline.app, "demo-center")
    doc = page(center.get(f"/tasks/{task_id(hotline.center, number, 'review')}"))
    assert label(doc, "approved") == "审核通过（必填）"
    assert label(doc, "comment") == "审核意见"
    hotline.center.complete(number, "review", {"approved": True})
    doc = page(center.get(f"/tasks/{task_id(hotline.center, number, 'callback')}"))
    names = [o.text_content() for o in css(doc, "select#f-satisfaction option")]
    assert names == ["请选择", "满意", "基本满意", "不满意", "未接通或无应答"]
    # An optional boolean may be left unanswered.
    values = [r.get("value") for r in css(doc, 'input[name="reasonable"]')]
    assert values == ["true", "false", ""]


def test_handle_form_lists_outcomes_and_content_fields(hotline: Hotline) -> None:
    number = acknowledged(hotline)
    unit = web_user(hotline.app, "demo-unit-zjj")
    doc = page(unit.get(f"/tasks/{task_id(hotline.unit, number, 'handle')}"))
    outcomes = [o.get("value") for o in css(doc, "select#f-outcome option")]
    assert outcomes == ["", "done", "return", "extension", "objection", "terminate"]
    assert label(doc, "basis") == "处置依据"
    assert css(doc, "textarea#f-basis") and css(doc, "textarea#f-findings")
    assert css(doc, "fieldset#f-requester_told")  # an optional boolean


def test_bad_data_shows_chinese_messages_and_stores_nothing(hotline: Hotline) -> None:
    number = acknowledged(hotline)
    before = kinds(hotline.ticket(number))
    unit = web_user(hotline.app, "demo-unit-zjj")
    handle = task_id(hotline.unit, number, "handle")
    response = unit.post(f"/tasks/{handle}", {"outcome": "done", "findings": "已查明"})
    assert response.status_code == 422
    doc = page(response)
    assert field_error(doc, "basis") == "「办理结果」为「办结」时必须填写"
    assert field_error(doc, "reply") == "「办理结果」为「办结」时必须填写"
    assert css(doc, "#f-basis")[0].get("aria-invalid") == "true"
    summary = css(doc, "#error-summary")[0]
    assert summary.get("role") == "alert"
    assert "处置依据：「办理结果」为「办结」时必须填写" in summary.text_content()
    assert css(summary, 'a[href="#f-basis"]')
    # The user's input is kept.
    assert css(doc, "textarea#f-findings")[0].text_content() == "已查明"
    assert css(doc, 'select#f-outcome option[value="done"]')[0].get("selected") is not None
    assert kinds(hotline.ticket(number)) == before
    assert hotline.unit.task_for(number, "handle")["id"] == handle


def test_required_choice_left_out_and_wrong_types(hotline: Hotline) -> None:
    number = dispatched(hotline)
    unit = web_user(hotline.app, "demo-unit-zjj")
    ack = task_id(hotline.unit, number, "acknowledge")
    doc = page(unit.post(f"/tasks/{ack}", {"note": "稍后联系"}))
    assert field_error(doc, "contacted") == "必须填写"
    assert css(doc, "textarea#f-note")[0].text_content() == "稍后联系"
    doc = page(unit.post(f"/tasks/{ack}", {"contacted": "maybe"}))
    assert field_error(doc, "contacted") == "请选择“是”或“否”"


def test_dispatch_to_a_unit_that_does_not_exist(hotline: Hotline) -> None:
    number = hotline.new_ticket()["number"]
    center = web_user(hotline.app, "demo-center")
    triage = task_id(hotline.center, number, "triage")
    response = center.post(f"/tasks/{triage}", {"disposition": "dispatch", "unit": "NOPE"})
    assert response.status_code == 422
    assert field_error(page(response), "unit") == "单位代码「NOPE」不存在或已停用"
    response = center.post(f"/tasks/{triage}", {"disposition": "dispatch"})
    assert field_error(page(response), "unit") == "「处置方式」为「转办」时必须填写"


def test_completing_goes_to_the_next_task_on_the_same_ticket(hotline: Hotline) -> None:
    number = dispatched(hotline)
    unit = web_user(hotline.app, "demo-unit-zjj")
    ack = task_id(hotline.unit, number, "acknowledge")
    response = unit.post(f"/tasks/{ack}", {"contacted": "true", "note": "已联系"})
    assert response.status_code == 302
    handle = task_id(hotline.unit, number, "handle")
    assert response.headers["Location"] == f"/tasks/{handle}?done={ack}"
    shown = unit.get(response.headers["Location"])
    notice = css(page(shown), ".notice")[0].text_content()
    assert notice == f"已完成「签收」（工单 {number}）。"
    assert [e for e in kinds(hotline.ticket(number)) if e == "ticket_acknowledged"]
    response = unit.post(f"/tasks/{handle}", {k: str(v) for k, v in DONE.items()})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/inbox?done={handle}"
    assert hotline.ticket(number)["status"] == "in_review"


def test_completing_goes_on_to_the_next_task_of_the_inbox(hotline: Hotline) -> None:
    first = hotline.new_ticket()["number"]
    second = hotline.new_ticket()["number"]
    center = web_user(hotline.app, "demo-center")
    triage = task_id(hotline.center, first, "triage")
    response = center.post(f"/tasks/{triage}", {"disposition": "dispatch", "unit": "ZJJ"})
    assert response.headers["Location"] == (
        f"/tasks/{task_id(hotline.center, second, 'triage')}?done={triage}"
    )


def test_a_task_of_another_unit_is_not_found_and_a_done_task_conflicts(hotline: Hotline) -> None:
    number = dispatched(hotline)
    ack = task_id(hotline.unit, number, "acknowledge")
    other = web_user(hotline.app, "demo-unit-lzq")
    response = other.get(f"/tasks/{ack}")
    assert response.status_code == 404
    assert "不是交给您办理的" in response.get_data(as_text=True)
    assert other.post(f"/tasks/{ack}", {"contacted": "true"}).status_code == 404
    assert other.get("/tasks/no-such-task").status_code == 404
    unit = web_user(hotline.app, "demo-unit-zjj")
    assert unit.post(f"/tasks/{ack}", {"contacted": "true"}).status_code == 302
    again = unit.post(f"/tasks/{ack}", {"contacted": "true"})
    assert again.status_code == 409
    assert "已经办理" in again.get_data(as_text=True)
    assert unit.get(f"/tasks/{ack}").status_code == 409


def test_signed_out_users_are_sent_to_sign_in(hotline: Hotline) -> None:
    number = dispatched(hotline)
    ack = task_id(hotline.unit, number, "acknowledge")
    response = WebUser(hotline.app.test_client()).get(f"/tasks/{ack}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/signin?next=")
