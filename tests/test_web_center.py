"""The center's work in the workplace: unit pick-lists on the triage, joint and leader forms,
possible repeats beside triage, the unit's request beside the approval forms, and the
approvals page (/center/extensions)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from hotline import search
from hotline.actors import Actor
from hotline.directory import actor_of
from hotline.models import Ticket, Unit, User, UserTask
from hotline.statuses import UserTaskState
from tests.conftest import Hotline
from tests.helpers import knowledge
from tests.helpers.tickets import ACK, RETURN_TO_LZQ, dispatched, joint_ticket
from tests.helpers.web import anonymous, web_user
from web import task_panels
from web.task_panels import TaskView

OBJECTION = {"outcome": "objection", "objection_reason": "该路段属利州区管辖，不属我局职责"}
EXTENSION = {
    "outcome": "extension",
    "extension_reason": "需委托第三方现场检测噪音",
    "requester_told": True,
}


def view_of(h: Hotline, user: str, number: str, key: str) -> tuple[Any, TaskView]:
    """The ready task `key` of ticket `number` as `user` would open it on the task page."""
    session_cm = h.services.transaction()
    session = session_cm.__enter__()
    ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
    task = session.scalars(
        select(UserTask).where(
            UserTask.ticket_id == ticket.id,
            UserTask.task_id == key,
            UserTask.state == UserTaskState.READY,
        )
    ).one()
    who: Actor = actor_of(session.scalars(select(User).where(User.name == user)).one())
    return session_cm, TaskView(session, who, task, task.process_id, ticket)


def panels(h: Hotline, user: str, number: str, key: str) -> str:
    """The panels the task page shows beside the form of `key`, as one HTML text."""
    cm, view = view_of(h, user, number, key)
    try:
        with h.app.test_request_context("/tasks/x"):
            return "".join(task_panels.panels_for(view))
    finally:
        cm.__exit__(None, None, None)


def choices(h: Hotline, user: str, number: str, key: str, field: str) -> list[tuple[str, str]]:
    """The pick-list the task page offers for `field`."""
    cm, view = view_of(h, user, number, key)
    try:
        found = task_panels.choices_for(view, field)
        assert found is not None, f"{field} has no pick-list"
        return found
    finally:
        cm.__exit__(None, None, None)


# -- unit pick-lists --------------------------------------------------------------------------


def test_triage_offers_active_units_with_the_tickets_district_first(hotline: Hotline) -> None:
    with hotline.services.transaction() as session:
        session.get(Unit, "QCX").active = False  # type: ignore[union-attr]
    number = hotline.new_ticket(district="利州区")["number"]
    offered = choices(hotline, "demo-center", number, "triage", "unit")
    codes = [code for code, _label in offered]
    assert codes[0] == "LZQ"  # 属地管理: the ticket's district first
    assert ("ZJJ", "示范市住房和城乡建设局（ZJJ）") in offered
    assert "QCX" not in codes  # inactive units are not offered
    assert choices(hotline, "demo-center", number, "triage", "lead_unit") == offered
    assert choices(hotline, "demo-center", number, "triage", "units") == offered
    assert "units" in task_panels.MULTIPLE


# -- possible repeats beside triage -----------------------------------------------------------


def test_a_second_call_from_the_same_phone_shows_the_first_ticket_beside_it(
    hotline: Hotline,
) -> None:
    first = dispatched(hotline)
    second = hotline.new_ticket(content="夜里施工噪音又来了，十一点后还在打桩")["number"]
    shown = panels(hotline, "demo-center", second, "triage")
    assert "可能重复的工单（1）" in shown
    assert f'href="/tickets/{first}"' in shown
    assert "同一来电号码" in shown
    assert "示范市住房和城乡建设局（ZJJ）" in shown  # the first ticket's handling unit
    assert "小区夜间施工噪音扰民" in shown  # its content beside the new one
    assert "已派单待签收" in shown


def test_a_unit_never_sees_possible_repeats(hotline: Hotline) -> None:
    dispatched(hotline)
    second = hotline.new_ticket()["number"]
    assert "可能重复的工单" in panels(hotline, "demo-center", second, "triage")
    # Whatever page a unit user might reach, the repeats panel shows it nothing.
    assert "可能重复的工单" not in panels(hotline, "demo-unit-zjj", second, "triage")


def test_triage_lists_the_published_articles_the_answer_could_cite(hotline: Hotline) -> None:
    cited = knowledge.make_article(
        hotline, "published", question="夜间施工噪音扰民如何投诉？", answer="可向住建部门反映。"
    )
    draft = knowledge.make_article(hotline, "draft", question="夜间施工噪音的处罚标准？")
    with hotline.services.transaction() as session:
        for article in (cited, draft):
            search.reindex_article(session, article)  # as publishing does
    number = hotline.new_ticket(content="小区夜间施工噪音扰民")["number"]
    shown = panels(hotline, "demo-center", number, "triage")
    assert "可引用的知识条目" in shown and f"编号 {cited}" in shown
    assert "<em>" in shown  # the words found, marked
    assert f"编号 {draft}" not in shown  # only published articles may be cited


# -- the unit's request beside the approval forms ---------------------------------------------


def test_the_extension_request_is_shown_beside_the_approval_form(hotline: Hotline) -> None:
    number = dispatched(hotline)
    hotline.unit.complete(number, "acknowledge", ACK)
    hotline.unit.complete(number, "handle", EXTENSION)
    shown = panels(hotline, "demo-center", number, "approve_extension")
    assert "延期申请" in shown
    assert "需委托第三方现场检测噪音" in shown
    assert "示范市住房和城乡建设局（ZJJ）" in shown
    assert "已告知诉求人" in shown and "规则延期时长" in shown
    assert "示范市住房和城乡建设局经办人" in shown  # whom to call before deciding


def test_a_returned_ticket_shows_the_return_at_triage(hotline: Hotline) -> None:
    number = dispatched(hotline)
    hotline.unit.complete(number, "acknowledge", ACK)
    hotline.unit.complete(number, "handle", RETURN_TO_LZQ)
    shown = panels(hotline, "demo-center", number, "triage")
    assert "退单申请" in shown and "非本单位职责" in shown
    assert "利州区人民政府（LZQ）" in shown  # the suggested unit, by name
    assert "三定方案" in shown


def test_a_joint_ticket_shows_its_parts_on_the_center_forms(hotline: Hotline) -> None:
    number = joint_ticket(hotline, units="ZJJ,HBJ")
    hotline.unit.complete(number, "acknowledge_part", ACK)
    hotline.third_unit.complete(number, "acknowledge_part", ACK)
    parts = {"outcome": "done", "findings": "已核查", "opinion": "同意主办意见"}
    hotline.third_unit.complete(number, "handle_part", parts)
    shown = panels(hotline, "demo-unit-zjj", number, "handle_part")
    assert shown == ""  # the part's own form has no center panel
    hotline.unit.complete(number, "handle_part", {**parts, "opinion": "主办意见"})
    merged = panels(hotline, "demo-unit-zjj", number, "merge")
    assert "各单位分办结果" in merged and "示范市生态环境局（HBJ）" in merged
    assert "已核查" in merged and "协办" in merged and "主办" in merged


def test_an_objection_is_shown_to_the_center_then_to_the_authority(hotline: Hotline) -> None:
    number = dispatched(hotline)
    hotline.unit.complete(number, "acknowledge", ACK)
    hotline.unit.complete(number, "handle", OBJECTION)
    shown = panels(hotline, "demo-center", number, "coordinate_objection")
    assert "派单异议" in shown and "该路段属利州区管辖" in shown and "中心协调" in shown
    listed = web_user(hotline.app, "demo-center").get("/center/extensions?kind=objection").text
    assert number in listed and "该路段属利州区管辖" in listed
    hotline.center.complete(
        number, "coordinate_objection", {"decision": "uphold", "comment": "属住建局职责"}
    )
    hotline.unit.complete(number, "handle", {**OBJECTION, "objection_reason": "仍认为不属我局"})
    shown = panels(hotline, "demo-authority", number, "designate_unit")
    assert "仍认为不属我局" in shown and "报管理机构明确" in shown
    assert "派单经过" in shown and "属住建局职责" in shown  # the center's coordination
    listed = web_user(hotline.app, "demo-authority").get("/center/extensions").text
    assert number in listed and "明确承办单位" in listed and "仍认为不属我局" in listed
    assert number not in web_user(hotline.app, "demo-center").get("/center/extensions").text


def test_the_leader_sees_where_the_ticket_went_and_why_it_came_back(hotline: Hotline) -> None:
    number = dispatched(hotline)
    hotline.unit.complete(number, "acknowledge", ACK)
    hotline.unit.complete(number, "handle", RETURN_TO_LZQ)
    hotline.center.complete(number, "triage", {"disposition": "leader"})
    shown = panels(hotline, "demo-leader", number, "leader_instruction")
    assert "派单经过" in shown and "非本单位职责" in shown
    assert "示范市住房和城乡建设局（ZJJ）" in shown and "已退单 1 次" in shown
    offered = choices(hotline, "demo-leader", number, "leader_instruction", "lead_unit")
    assert offered[0][0] == "LZQ"


def test_a_returned_joint_part_is_shown_to_the_center_for_reassignment(profile_hotline) -> None:
    h = profile_hotline("meizhou")  # meizhou 第十六条: a joint part may be returned
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.third_unit.complete(number, "acknowledge_part", ACK)
    back = {"outcome": "return", "return_reason": "扬尘不属我局职责"}
    h.third_unit.complete(number, "handle_part", back)
    shown = panels(h, "demo-center", number, "reassign_part")
    assert "示范市生态环境局（HBJ）（协办）退回了分办：扬尘不属我局职责" in shown
    assert "已退回" in shown and "主办" in shown
    listed = web_user(h.app, "demo-center").get("/center/extensions?kind=part_return").text
    assert number in listed and "扬尘不属我局职责" in listed and "会签分办退回" in listed


# -- the approvals page -----------------------------------------------------------------------


def test_the_approvals_page_lists_an_extension_request_with_its_reason(hotline: Hotline) -> None:
    number = dispatched(hotline)
    hotline.unit.complete(number, "acknowledge", ACK)
    hotline.unit.complete(number, "handle", EXTENSION)
    returned = dispatched(hotline)
    hotline.unit.complete(returned, "acknowledge", ACK)
    hotline.unit.complete(returned, "handle", RETURN_TO_LZQ)
    center = web_user(hotline.app, "demo-center")
    page = center.get("/center/extensions").text
    assert "<h1>延期审批</h1>" in page
    assert number in page and "需委托第三方现场检测噪音" in page
    assert returned in page and "非本单位职责" in page
    task = hotline.center.task_for(number, "approve_extension")
    assert f'href="/tasks/{task["id"]}"' in page
    only = center.get("/center/extensions?kind=extension").text
    assert number in only and returned not in only
    assert '<option value="extension" selected>' in only
    assert re.search(r'href="/center/extensions"\s+aria-current="page"', page)


def test_units_do_not_open_the_approvals_page(hotline: Hotline) -> None:
    unit = web_user(hotline.app, "demo-unit-zjj")
    assert unit.get("/center/extensions").status_code == 404
    assert "/center/extensions" not in unit.get("/inbox").text
    assert web_user(hotline.app, "demo-operator").get("/center/extensions").status_code == 404
    assert anonymous(hotline.app).get("/center/extensions").status_code == 302


# -- through the task page --------------------------------------------------------------------


def test_the_triage_page_offers_units_and_shows_repeats_to_the_center_only(
    hotline: Hotline,
) -> None:
    with hotline.services.transaction() as session:
        session.get(Unit, "QCX").active = False  # type: ignore[union-attr]
    first = dispatched(hotline)
    second = hotline.new_ticket(content="夜里施工噪音又来了，十一点后还在打桩")["number"]
    triage = hotline.center.task_for(second, "triage")
    page = web_user(hotline.app, "demo-center").get(f"/tasks/{triage['id']}").text
    assert '<option value="ZJJ">示范市住房和城乡建设局（ZJJ）</option>' in page
    assert 'value="QCX"' not in page
    assert "夜里施工噪音又来了" in page and "小区夜间施工噪音扰民" in page  # side by side
    assert f'href="/tickets/{first}"' in page
    unit = web_user(hotline.app, "demo-unit-zjj")
    assert unit.get(f"/tasks/{triage['id']}").status_code == 404
    own = hotline.unit.task_for(first, "acknowledge")
    assert "可能重复" not in unit.get(f"/tasks/{own['id']}").text


def test_approving_on_the_task_page_moves_the_ticket_on(hotline: Hotline) -> None:
    number = dispatched(hotline)
    hotline.unit.complete(number, "acknowledge", ACK)
    hotline.unit.complete(number, "handle", EXTENSION)
    center = web_user(hotline.app, "demo-center")
    task = hotline.center.task_for(number, "approve_extension")
    assert f'href="/tasks/{task["id"]}"' in center.get("/center/extensions").text
    form = center.get(f"/tasks/{task['id']}").text
    assert "需委托第三方现场检测噪音" in form  # the request beside the form
    done = center.post(f"/tasks/{task['id']}", {"approved": "true", "comment": "同意延期"})
    assert done.status_code == 302, done.text[:2000]
    assert hotline.ticket(number)["status"] == "handling"
    assert hotline.ticket(number)["extension_count"] == 1
    assert number not in center.get("/center/extensions").text
