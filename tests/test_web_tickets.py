"""The 工单 pages in the test client: the list and one ticket, under the API's scope, masking
and access audit."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from hotline.audit import AuditAction
from hotline.demo import DEMO_PASSWORD
from hotline.models.audit import AuditRecord
from tests.conftest import Hotline
from tests.helpers.confidential import MASKED, SECRET, dispatched_secret, named_staff
from tests.helpers.tickets import ACK, DONE, dispatched
from tests.helpers.web import web_user


def signed_in(h: Hotline, name: str) -> FlaskClient:
    """A test client with `name` signed in through the sign-in form."""
    return web_user(h.app, name).client


def reads(h: Hotline, number: str, user: str) -> list[AuditRecord]:
    """The READ_REQUESTER rows of ticket `number` by `user`."""
    with h.services.transaction() as session:
        rows = session.scalars(
            select(AuditRecord).where(
                AuditRecord.ticket_number == number,
                AuditRecord.action == AuditAction.READ_REQUESTER,
                AuditRecord.actor_name == user,
            )
        )
        return list(rows)


def test_the_list_shows_what_the_api_lists_with_chinese_labels(hotline: Hotline) -> None:
    h = hotline
    zjj = dispatched(h, "ZJJ")
    lzq = dispatched(h, "LZQ")
    unit = signed_in(h, "demo-unit-zjj")
    page = unit.get("/tickets").get_data(as_text=True)
    assert zjj in page and lzq not in page
    assert "已派单待签收" in page and "投诉" in page
    assert "剩余" in page and "工作日" in page  # working time left to the deadline
    center = signed_in(h, "demo-center")
    page = center.get("/tickets?unit=LZQ").get_data(as_text=True)
    assert lzq in page and zjj not in page
    page = center.get(f"/tickets?number={zjj}").get_data(as_text=True)
    assert zjj in page and lzq not in page and "共 1 件" in page
    # A number outside the scope is simply not found.
    page = unit.get(f"/tickets?number={lzq}").get_data(as_text=True)
    assert lzq not in page.rsplit("</form>", 1)[1] and "共 0 件" in page
    assert "共 0 件" in center.get("/tickets?status=closed").get_data(as_text=True)


def test_overdue_tickets_are_red_and_say_so(hotline: Hotline) -> None:
    from tests.helpers.clock import move_clock

    h = hotline
    number = dispatched(h, "ZJJ")
    move_clock(h, "2026-12-10 09:00")
    center = signed_in(h, "demo-center")
    page = center.get("/tickets?overdue=true").get_data(as_text=True)
    assert number in page
    assert re.search(r'class="overdue">已超期', page)
    assert number not in center.get("/tickets?overdue=false").get_data(as_text=True)


def test_the_ticket_page_shows_the_ticket_and_audits_a_requester_in_clear(
    hotline: Hotline,
) -> None:
    h = hotline
    number = dispatched(h, "ZJJ")
    unit = signed_in(h, "demo-unit-zjj")
    before = len(reads(h, number, "demo-unit-zjj"))
    page = unit.get(f"/tickets/{number}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "13800001234" in text and "张三" in text  # not confidential: in clear
    assert "小区夜间施工噪音扰民" in text
    assert len(reads(h, number, "demo-unit-zjj")) == before + 1
    # The ready task offered to the unit links to its task page.
    task = h.unit.task_for(number, "acknowledge")
    assert f'href="/tasks/{task["id"]}"' in text
    assert "办理时限" in text and "签收时限" in text


def test_confidential_requesters_are_masked_as_the_api_masks_them(hotline: Hotline) -> None:
    h = hotline
    number = dispatched_secret(h, "ZJJ")
    staff = named_staff(h, "ZJJ")
    from hotline.passwords import hash_password

    with h.services.transaction() as session:
        from hotline.models import User

        user = session.scalars(select(User).where(User.name == staff.name)).one()
        user.password_hash = hash_password(DEMO_PASSWORD)
    for name, expected in (
        ("demo-center", SECRET),
        ("demo-operator", SECRET),
        (staff.name, SECRET),
        ("demo-supervisor", MASKED),
        ("demo-admin", MASKED),
    ):
        api = h.supervisor if name == "demo-supervisor" else None
        text = signed_in(h, name).get(f"/tickets/{number}").get_data(as_text=True)
        assert f'id="requester-phone">{expected["phone"]}<' in text, name
        assert f'id="requester-name">{expected["name"]}<' in text, name
        if api is not None:
            assert api.get(f"/api/v1/tickets/{number}").json["requester"] == MASKED
    # The unit at large does not see a confidential ticket at all.
    assert signed_in(h, "demo-unit-zjj").get(f"/tickets/{number}").status_code == 404
    assert reads(h, number, "demo-supervisor") == []
    assert len(reads(h, number, "demo-center")) == 1


def test_another_units_ticket_is_not_found_on_every_route(hotline: Hotline) -> None:
    h = hotline
    number = dispatched(h, "ZJJ")
    other = signed_in(h, "demo-unit-lzq")
    for path in ("", "/diagram.xml", "/diagram.json", "/attachments/1"):
        answer = other.get(f"/tickets/{number}{path}")
        assert answer.status_code == 404, path
        assert answer.mimetype == "text/html", path
        assert number not in answer.get_data(as_text=True)
    assert other.get("/tickets/GY29991231000001").status_code == 404
    owner = signed_in(h, "demo-unit-zjj")
    assert owner.get(f"/tickets/{number}/diagram.xml").status_code == 200


def test_the_timeline_lists_each_step_with_its_fields(hotline: Hotline) -> None:
    h = hotline
    number = dispatched(h, "ZJJ")
    h.unit.complete(number, "acknowledge", ACK)
    h.unit.complete(number, "handle", DONE)
    text = signed_in(h, "demo-center").get(f"/tickets/{number}").get_data(as_text=True)
    history = text.split('id="h-history"')[1]
    at = 0
    steps = ["登记工单", "完成待办</strong>：分类处置", "派单", "签收", "完成待办</strong>：办理"]
    for step in steps:
        at = history.find(step, at)
        assert at >= 0, step
    assert "转办" in history  # the triage's disposition, as the form's option names it
    assert "《城市建筑垃圾管理规定》第十条" in history  # a content field of the handle step
    assert "demo-unit-zjj" in history and "demo-center" in history


def test_pages_need_a_signed_in_user(hotline: Hotline) -> None:
    client = hotline.app.test_client()
    number = dispatched(hotline, "ZJJ")
    for path in ("/tickets", f"/tickets/{number}", f"/tickets/{number}/diagram.json"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/signin" in answer.headers["Location"]


def test_attachments_download_from_the_page_and_are_audited(hotline: Hotline) -> None:
    from tests.helpers.attachments import PDF, audit_rows, upload

    h = hotline
    number = dispatched(h, "ZJJ")
    other = dispatched(h, "ZJJ")
    answer = upload(h.center, number, PDF, "现场照片说明.pdf", kind="document")
    assert answer.status_code == 201, answer.json
    attachment_id = answer.json["id"]
    unit = signed_in(h, "demo-unit-zjj")
    page = unit.get(f"/tickets/{number}").get_data(as_text=True)
    link = f"/tickets/{number}/attachments/{attachment_id}"
    assert f'href="{link}"' in page and "现场照片说明.pdf" in page
    before = len(audit_rows(h, "download_attachment"))
    download = unit.get(link)
    assert download.status_code == 200
    assert download.data == PDF
    assert "attachment;" in download.headers["Content-Disposition"]
    assert "sandbox" in download.headers["Content-Security-Policy"]
    rows = audit_rows(h, "download_attachment")
    assert len(rows) == before + 1 and rows[-1].ticket_number == number
    assert rows[-1].actor_name == "demo-unit-zjj"
    # Not through another ticket's address, nor for another unit.
    assert unit.get(f"/tickets/{other}/attachments/{attachment_id}").status_code == 404
    assert signed_in(h, "demo-unit-lzq").get(link).status_code == 404
    assert len(audit_rows(h, "download_attachment")) == before + 1


def test_possible_repeats_show_to_the_center_only_and_are_audited(hotline: Hotline) -> None:
    h = hotline
    first = h.new_ticket()["number"]
    second = h.new_ticket()["number"]  # the same phone: a possible repeat of the first
    center = signed_in(h, "demo-center")
    before = len(reads(h, first, "demo-center"))
    text = center.get(f"/tickets/{second}").get_data(as_text=True)
    repeats = text.split('id="h-repeats"')[1].split("</section>")[0]
    assert first in repeats and "同一来电号码" in repeats
    # Its phone is told by the flag: a read of the first ticket's requester, as the API does.
    assert len(reads(h, first, "demo-center")) == before + 1
    h.center.complete(second, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    unit = signed_in(h, "demo-unit-zjj").get(f"/tickets/{second}").get_data(as_text=True)
    assert 'id="h-repeats"' not in unit and first not in unit


def test_the_dashboards_due_before_filter_is_said_and_kept(hotline: Hotline) -> None:
    h = hotline
    number = dispatched(h, "ZJJ")
    center = signed_in(h, "demo-center")
    soon = center.get("/tickets?due_before=2026-11-28T00:00:00%2B08:00").get_data(as_text=True)
    assert number in soon and "2026-11-28 00:00 前到期" in soon
    assert 'name="due_before" value="2026-11-28T00:00:00+08:00"' in soon
    later = center.get("/tickets?due_before=2026-11-24T00:00:00%2B08:00").get_data(as_text=True)
    assert number not in later.rsplit("</form>", 1)[1]


def test_escalations_show_to_their_readers_with_the_ladder_instance(hotline: Hotline) -> None:
    h = hotline
    number = dispatched(h, "ZJJ")
    body = {"level": "yellow_card", "reason": "多次催办未果"}
    answer = h.supervisor.post(f"/api/v1/tickets/{number}/escalations", json=body)
    assert answer.status_code == 201, answer.json
    for user in ("demo-supervisor", "demo-unit-zjj"):
        text = signed_in(h, user).get(f"/tickets/{number}").get_data(as_text=True)
        section = text.split('id="h-escalations"')[1].split("</section>")[0]
        assert "黄牌警告" in section and "多次催办未果" in section and "督办中" in section
        assert "督办 第1版（运行中）" in text  # the ladder's own instance, to draw
    # Operators read no escalations (GET /api/v1/escalations refuses them): no section.
    text = signed_in(h, "demo-operator").get(f"/tickets/{number}").get_data(as_text=True)
    assert 'id="h-escalations"' not in text
