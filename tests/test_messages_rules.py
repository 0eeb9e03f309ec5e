"""What is sent, per profile and with its article: the outbox rows a ticket's steps write.

Every row is written in the step's transaction, addressed per route (tests.helpers.messages
ROUTES reach every recipient), with a Chinese body of the ticket's public fields only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hotline.messages.settings import RECIPIENTS as ROUTABLE
from hotline.messages.templates import beijing_time
from hotline.policy import PolicyError, load_profile, shipped_profile
from hotline.policy.messages import (
    KINDS,
    RECIPIENTS,
    notify_within,
    sms_callback_enabled,
)
from tests.conftest import Hotline
from tests.helpers.clock import move_clock
from tests.helpers.confidential import named_staff
from tests.helpers.escalation import DONE
from tests.helpers.messages import messaging_hotline, outbox, sent_to
from tests.helpers.tickets import ACK, dispatched

__all__ = ["messaging_hotline"]  # the fixture, imported for pytest

ZJJ_HANDLER, ZJJ_LEADER = "13900000011", "13900000012"  # hotline.demo's ZJJ contacts
LZQ_GOVERNMENT = "13900010002"  # 利州区人民政府办公室 (the second demo district)
REQUESTER = "13800001234"  # tests.helpers.tickets.ticket_body


def test_every_profile_loads_its_rules_with_articles() -> None:
    for name in ("guangyuan", "guizhou", "guangxi", "meizhou", "puyang"):
        rules = shipped_profile(name).messages.rules
        assert {r.kind for r in rules} <= set(KINDS)
        assert all(r.origin.source.split(" ", 1)[1] for r in rules), name
        assert all(r.template for r in rules if r.send), name
    assert tuple(ROUTABLE) == RECIPIENTS  # the policy's names are the routes' names


def test_sms_callback_is_on_where_the_article_texts_the_requester() -> None:
    """guangxi 第二十七条(二) (短信回复诉求人…征求满意度), guangyuan 第十四条 (短信、电话等);
    meizhou 第十三条 calls back by phone; guizhou and puyang name no text."""
    enabled = {n: sms_callback_enabled(shipped_profile(n)) for n in ("guangxi", "guangyuan")}
    assert enabled == {"guangxi": True, "guangyuan": True}
    for name in ("meizhou", "guizhou", "puyang"):
        assert not sms_callback_enabled(shipped_profile(name)), name


def test_special_tickets_are_notified_within_three_minutes_in_guangyuan() -> None:
    """guangyuan 第十三条(四): 3 分钟内…向事件属地政府…以及向承办单位经办人交办."""

    class T:
        category, channel = "complaint", "phone"

        def __init__(self, urgency: str) -> None:
            self.urgency = urgency

    guangyuan = shipped_profile("guangyuan")
    assert notify_within(guangyuan, T("special")) == timedelta(minutes=3)
    assert notify_within(guangyuan, T("urgent")) == timedelta(minutes=3)
    assert notify_within(guangyuan, T("normal")) is None
    assert notify_within(shipped_profile("meizhou"), T("urgent")) is None


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        ('template = "{requester_phone}"', "unknown placeholder {requester_phone}"),
        ('template = "{number!r}"', "unknown placeholder {number}"),
        ('to = ["mayor"]', "unknown recipient 'mayor'"),
    ],
)
def test_a_template_or_recipient_outside_the_public_fields_is_refused(
    tmp_path: Path, snippet: str, problem: str
) -> None:
    text = (Path(load_profile("guangyuan").file)).read_text("utf-8")
    start = text.index("[messages.ticket_urged]")
    end = text.index("\n\n", start)
    key = snippet.split(" = ")[0]
    lines = [ln for ln in text[start:end].splitlines() if not ln.startswith(f"{key} =")]
    changed = text[:start] + "\n".join([*lines, snippet]) + text[end:]
    (tmp_path / "guangyuan.toml").write_text(changed, "utf-8")
    with pytest.raises(PolicyError) as error:
        load_profile("guangyuan", tmp_path)
    assert error.value.key == f"messages.ticket_urged.{key}"
    assert problem in error.value.problem


def test_an_unknown_message_kind_is_refused(tmp_path: Path) -> None:
    text = Path(load_profile("puyang").file).read_text("utf-8")
    text += '\n[messages.birthday_card]\nto = ["unit"]\ntemplate = "x"\n'
    (tmp_path / "puyang.toml").write_text(text, "utf-8")
    with pytest.raises(PolicyError, match="unknown message kind"):
        load_profile("puyang", tmp_path)


# -- the rows a ticket's steps write ---------------------------------------------------------


def test_a_dispatch_tells_the_units_handler_with_public_fields_only(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    """guangyuan 第十三条(一): 工单派发后承办单位30分钟内响应 — its handler hears of it."""
    h = messaging_hotline()
    number = dispatched(h)
    rows = outbox(h, number, kind="ticket_dispatched")
    assert sent_to(rows) == {
        ("unit", "sms", ZJJ_HANDLER),
        ("unit", "email", "zjj.handler@shifan.example"),
        ("unit", "inapp", ""),
    }
    ticket = h.ticket(number)
    due = beijing_time(datetime.fromisoformat(ticket["due_at"]))
    for row in rows:
        assert row.rule == "000 第十三条(一)" and row.unit_code == "ZJJ"
        assert row.status == "pending" and row.due_by is None
        assert number in row.body and "示范市住房和城乡建设局" in row.body and due in row.body
        # Never the requester's name, phone or the content (guangyuan 第二十二条).
        for private in ("张三", REQUESTER, ticket["content"][:6]):
            assert private not in row.body and private not in row.subject
    assert rows[0].subject == f"工单派发：{number}"


def test_special_tickets_reach_the_local_government_and_the_handler_due_in_3_minutes(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    """guangyuan 第十三条(四): the local government at intake, the unit's handler at dispatch;
    both due 3 minutes after the center received it (due_by, measured against sent_at)."""
    h = messaging_hotline()
    number = h.new_ticket(urgency="special")["number"]
    [government, government_mail] = outbox(h, number, kind="special_ticket")
    assert (government.recipient, government.address) == ("government", LZQ_GOVERNMENT)
    assert government_mail.address == "government2@shifan.example"
    created = datetime.fromisoformat(h.ticket(number)["created_at"])
    assert government.due_by == created + timedelta(minutes=3)
    assert government.rule == "000 第十三条(四)" and "特殊事项" in government.body

    move_clock(h, "2026-11-23 09:02")
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    unit_rows = [r for r in outbox(h, number, kind="special_ticket") if r.recipient == "unit"]
    assert sent_to(unit_rows) == {
        ("unit", "sms", ZJJ_HANDLER),
        ("unit", "email", "zjj.handler@shifan.example"),
        ("unit", "inapp", ""),
    }
    assert {r.due_by for r in unit_rows} == {created + timedelta(minutes=3)}
    # A normal ticket sends no such notice.
    normal = dispatched(h)
    assert outbox(h, normal, kind="special_ticket") == []


def test_puyang_reports_an_emergency_to_the_duty_office(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    """puyang 三(四): 对应急类事项事件…立即转办至相关单位，同时上报市政府值班室."""
    h = messaging_hotline("puyang")
    number = h.new_ticket(urgency="urgent")["number"]
    rows = outbox(h, number, kind="emergency_reported")
    assert sent_to(rows) == {
        ("duty_office", "sms", "13900020000"),
        ("duty_office", "email", "duty_office@shifan.example"),
    }
    assert rows[0].rule == "004 三(四)" and "应急" in rows[0].body
    assert outbox(h, h.new_ticket()["number"], kind="emergency_reported") == []


def test_an_overdue_ticket_urges_the_unit_once(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    """guangyuan 第二十六条(二): 承办单位超期未办理的 → 督促. The ticket_urged event and the
    ladder's urge it starts are one message, not two."""
    h = messaging_hotline()
    number = dispatched(h)
    move_clock(h, "2026-11-23 09:31")  # 30 minutes without acknowledgement
    rows = outbox(h, number, kind="ticket_urged")
    assert sent_to(rows) == {
        ("unit", "sms", ZJJ_HANDLER),
        ("unit", "email", "zjj.handler@shifan.example"),
        ("unit", "inapp", ""),
    }
    assert {r.rule for r in rows} == {"000 第二十六条(二)"}
    assert "2026年11月23日 09:30" in rows[0].body  # the acknowledge deadline it missed


def test_a_supervisors_urge_and_each_rung_reach_the_unit_and_its_leader(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    """A manual urge is a ticket_urged message (README walk-through); a yellow card goes to
    the unit and its leader (guangxi 第三十四条 黄牌警告)."""
    h = messaging_hotline("guangxi")
    number = dispatched(h)
    path = f"/api/v1/tickets/{number}/escalations"
    response = h.supervisor.post(path, json={"level": "urge", "reason": "群众多次来电"})
    assert response.status_code == 201, response.json
    urged = outbox(h, number, kind="ticket_urged")
    assert {r.recipient for r in urged} == {"unit"} and urged[0].rule == "002 第三十四条"
    response = h.supervisor.post(path, json={"level": "yellow_card", "reason": "仍未办理"})
    assert response.status_code == 201, response.json
    cards = outbox(h, number, kind="yellow_card")
    assert ("unit_leader", "sms", ZJJ_LEADER) in sent_to(cards)
    assert ("unit", "sms", ZJJ_HANDLER) in sent_to(cards)
    assert all("黄牌警告" in r.body for r in cards)


def test_an_approved_extension_is_told_to_the_requester(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    """guangyuan 第十三条(三): 承办部门（单位）同时要向诉求人说明延期情况."""
    h = messaging_hotline()
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", ACK)
    ask = {"outcome": "extension", "extension_reason": "需现场检测噪音", "requester_told": True}
    h.unit.complete(number, "handle", ask)
    assert outbox(h, number, kind="extension_notice") == []  # asked, not yet approved
    h.center.complete(number, "approve_extension", {"approved": True})
    [row] = outbox(h, number, kind="extension_notice")
    due = datetime.fromisoformat(h.ticket(number)["due_at"])
    assert (row.recipient, row.channel, row.address) == ("requester", "sms", REQUESTER)
    assert beijing_time(due) in row.body and row.rule == "000 第十三条(三)"


def _reviewed(h: Hotline) -> str:
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", ACK)
    h.unit.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    return number


@pytest.mark.parametrize(
    ("profile", "kinds", "rule"),
    [
        ("guangxi", ["callback_request"], "002 第二十七条(二)"),
        ("guangyuan", ["callback_request"], "000 第十四条"),
        ("puyang", ["result_notice"], "004 三(六)"),
        ("meizhou", ["result_notice"], "003 第二条"),
    ],
)
def test_at_the_callback_the_requester_gets_the_result_or_the_satisfaction_text(
    messaging_hotline: Callable[..., Hotline], profile: str, kinds: list[str], rule: str
) -> None:
    """guangxi 第二十七条(二): 办结时短信…征求满意度; puyang 三(六): 向诉求人反馈办理结果;
    meizhou calls back by phone (第十三条): no satisfaction text there."""
    h = messaging_hotline(profile)
    number = _reviewed(h)
    rows = [r for r in outbox(h, number) if r.recipient == "requester"]
    assert [r.kind for r in rows] == kinds
    assert (rows[0].channel, rows[0].address, rows[0].rule) == ("sms", REQUESTER, rule)
    if kinds == ["callback_request"]:
        assert "1 满意，2 基本满意，3 不满意" in rows[0].body


def test_a_confidential_requester_gets_no_text(
    messaging_hotline: Callable[..., Hotline],
) -> None:
    h = messaging_hotline("guangxi")
    number = h.new_ticket(confidential=True)["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    staff = named_staff(h)  # the unit's named staff handle it (meizhou 第二十一条)
    staff.complete(number, "acknowledge", ACK)
    staff.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    assert [r for r in outbox(h, number) if r.recipient == "requester"] == []
    assert outbox(h, number, kind="ticket_dispatched") != []


def test_a_refused_step_writes_no_message(messaging_hotline: Callable[..., Hotline]) -> None:
    """Nothing is sent for a rolled-back step: a dispatch to an unknown unit is refused."""
    h = messaging_hotline()
    number = h.new_ticket()["number"]
    before = len(outbox(h))
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "NOPE"}, expect=422)
    assert len(outbox(h)) == before
    assert outbox(h, number, kind="ticket_dispatched") == []


def test_the_default_routes_only_log_external_messages(hotline: Hotline) -> None:
    """make run: every external message goes to the log; units' users get in-app ones."""
    number = dispatched(hotline)
    channels = {(r.recipient, r.channel) for r in outbox(hotline, number)}
    assert channels == {("unit", "log"), ("unit", "inapp")}


def test_a_limit_ending_at_midnight_reads_as_the_day_before_24_00() -> None:
    """A due time of 00:00 Beijing time is printed as the previous day's end, as notices say it."""
    midnight = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # 2026-12-10 00:00 in Beijing
    assert beijing_time(midnight) == "2026年12月9日 24:00"
    assert beijing_time(datetime(2026, 12, 9, 9, 30, tzinfo=UTC)) == "2026年12月9日 17:30"
