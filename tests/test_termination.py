"""终结办理 over HTTP: who terminates a repeat and against which earlier ticket, per profile.

guangyuan 第十四条(三) (000_27d936bb79493c2c.txt): 同一诉求人就同一事项多次反映投诉，承办单位
依法依规办理的，承办单位可…认定终结办理 — the handling unit decides at `handle`, for the same
requester, against a ticket it handled (closed); a written opinion of no set length.
guizhou 第十条(三) (001_adb4696b923ad92d.txt) and guangxi 第二十一条(四) (002_74be2da07faa6da0.txt)
leave repeats with the center: triage's `terminate` disposition.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Hotline
from tests.helpers.tickets import DONE

ACK = {"contacted": True, "note": "已联系诉求人"}
OPINION = "已依法办结，无新事实"  # shorter than the former 20-character minimum
OTHER_CALLER = {"requester": {"name": "李四", "phone": "13900005678"}}


def handled_by_zjj(h: Hotline, **intake: Any) -> str:
    """A complaint ZJJ handled and the center closed after a satisfied callback."""
    number = h.new_ticket(**intake)["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    h.unit.complete(number, "acknowledge", ACK)
    h.unit.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    assert h.ticket(number)["status"] == "closed"
    return number


def at_zjj(h: Hotline, **intake: Any) -> str:
    """A new complaint dispatched to ZJJ and acknowledged: at `handle`."""
    number = h.new_ticket(**intake)["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    h.unit.complete(number, "acknowledge", ACK)
    return number


def terminate(original: str, opinion: str | None = OPINION) -> dict[str, Any]:
    """The handle form's termination by the unit."""
    return {"outcome": "terminate", "repeat_of": original, "termination_opinion": opinion}


def triage_terminate(original: str, opinion: str | None = OPINION) -> dict[str, Any]:
    """Triage's termination by the center."""
    return {"disposition": "terminate", "repeat_of": original, "termination_opinion": opinion}


def test_guangyuan_unit_terminates_a_repeat_it_handled(hotline: Hotline) -> None:
    """第十四条(三): ZJJ terminates the same requester's repeat of the demand it handled."""
    h = hotline
    original = handled_by_zjj(h)
    repeat = at_zjj(h)
    h.unit.complete(repeat, "handle", terminate(original))
    ticket = h.ticket(repeat)
    assert ticket["status"] == "terminated"
    assert ticket["close_note"] == OPINION
    assert ticket["closed_at"] is not None
    assert ticket["tasks"] == []
    assert [(x["kind"], x["direction"], x["number"]) for x in ticket["links"]] == [
        ("terminated_as_repeat_of", "outgoing", original)
    ]
    event = next(e for e in ticket["events"] if e["kind"] == "ticket_terminated")
    assert event["data"] == {"repeat_of": original, "opinion": OPINION, "by": "unit"}


def test_guangyuan_center_may_not_terminate_at_triage(hotline: Hotline) -> None:
    """第十四条(三) gives termination to the handling unit: triage's terminate is a 422."""
    h = hotline
    original = handled_by_zjj(h)
    repeat = h.new_ticket()["number"]
    response = h.center.complete(repeat, "triage", triage_terminate(original), expect=422)
    [message] = response.json["error"]["fields"]["disposition"]
    assert "第十四条(三)" in message and "handling unit" in message
    assert h.ticket(repeat)["status"] == "new"


def test_guangyuan_unit_termination_checks_the_earlier_ticket(hotline: Hotline) -> None:
    """Same requester, handled (closed) by this unit, and a written opinion; else 422."""
    h = hotline
    other_requester = handled_by_zjj(h, **OTHER_CALLER)
    still_open = at_zjj(h)
    repeat = at_zjj(h)
    cases = [
        (other_requester, "another requester"),
        (still_open, "handled (closed) ticket ("),
        ("GY20990101000001", "ZJJ handled no ticket"),
        (repeat, "cannot repeat itself"),
        (None, "required"),
    ]
    for number, words in cases:
        response = h.unit.complete(repeat, "handle", terminate(number), expect=422)
        [message] = response.json["error"]["fields"]["repeat_of"]
        assert words in message, (number, message)
    original = handled_by_zjj(h)
    response = h.unit.complete(repeat, "handle", terminate(original, "  "), expect=422)
    assert list(response.json["error"]["fields"]) == ["termination_opinion"]
    assert h.ticket(repeat)["status"] == "handling"


def test_guangyuan_unit_may_not_terminate_against_another_units_ticket(hotline: Hotline) -> None:
    """承办单位依法依规办理的: LZQ cannot terminate against what ZJJ handled."""
    h = hotline
    original = handled_by_zjj(h)
    repeat = h.new_ticket()["number"]
    h.center.complete(repeat, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    h.other_unit.complete(repeat, "acknowledge", ACK)
    response = h.other_unit.complete(repeat, "handle", terminate(original), expect=422)
    assert "LZQ handled no ticket" in response.json["error"]["fields"]["repeat_of"][0]


def test_a_unit_learns_nothing_of_a_ticket_it_did_not_handle(hotline: Hotline) -> None:
    """Isolation: citing ZJJ's tickets, LZQ gets the answer a made-up number gets.

    Neither whether the ticket exists, nor its status, nor whether its requester is LZQ's
    requester (guangyuan 第十四条(三): a unit terminates what it handled itself).
    """
    h = hotline
    closed = handled_by_zjj(h)
    another_requester = handled_by_zjj(h, **OTHER_CALLER)
    in_hand = at_zjj(h)
    repeat = h.new_ticket()["number"]
    h.center.complete(repeat, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    h.other_unit.complete(repeat, "acknowledge", ACK)
    made_up = "GY20261123999999"
    answers = {}
    for number in (closed, another_requester, in_hand, made_up):
        response = h.other_unit.complete(repeat, "handle", terminate(number), expect=422)
        [message] = response.json["error"]["fields"]["repeat_of"]
        answers[number] = message.replace(number, "N")
    assert len(set(answers.values())) == 1, answers
    assert "LZQ handled no ticket 'N'" in answers[made_up]
    assert h.ticket(repeat)["status"] == "handling"


def test_the_same_name_from_another_phone_is_another_requester(hotline: Hotline) -> None:
    """同一诉求人 (第十四条(三)) is the same phone number: another 张三 is another requester."""
    h = hotline
    original = handled_by_zjj(h)
    namesake = at_zjj(h, requester={"name": "张三", "phone": "13911112222"})
    response = h.unit.complete(namesake, "handle", terminate(original), expect=422)
    assert "another requester" in response.json["error"]["fields"]["repeat_of"][0]
    assert h.ticket(namesake)["status"] == "handling"
    same_phone = at_zjj(h, requester={"name": "张先生", "phone": "138-0000-1234"})
    h.unit.complete(same_phone, "handle", terminate(original))
    assert h.ticket(same_phone)["status"] == "terminated"


def test_guangxi_center_terminates_at_triage_without_a_length_minimum(profile_hotline) -> None:
    """guangxi 第二十一条(四): the center closes the same requester's repeat of a handled one."""
    h = profile_hotline("guangxi")
    original = handled_by_zjj(h)
    other = h.new_ticket(**OTHER_CALLER)["number"]
    response = h.center.complete(other, "triage", triage_terminate(original), expect=422)
    assert "another requester" in response.json["error"]["fields"]["repeat_of"][0]
    repeat = h.new_ticket()["number"]
    h.center.complete(repeat, "triage", triage_terminate(original))
    ticket = h.ticket(repeat)
    assert (ticket["status"], ticket["close_note"]) == ("terminated", OPINION)
    event = next(e for e in ticket["events"] if e["kind"] == "ticket_terminated")
    assert event["data"]["by"] == "center"


def test_guangxi_unit_may_not_terminate(profile_hotline) -> None:
    """Where the center decides, the unit's handle outcome terminate is a 422 citing it."""
    h = profile_hotline("guangxi")
    original = handled_by_zjj(h)
    repeat = at_zjj(h)
    response = h.unit.complete(repeat, "handle", terminate(original), expect=422)
    [message] = response.json["error"]["fields"]["outcome"]
    assert "第二十一条(四)" in message and "center" in message
    assert h.ticket(repeat)["status"] == "handling"


def test_guizhou_center_closes_a_repeat_of_an_open_ticket(profile_hotline) -> None:
    """guizhou 第十条(三): 正在办理或者办理完毕 — the original may still be in hand."""
    h = profile_hotline("guizhou")
    original = at_zjj(h)
    repeat = h.new_ticket()["number"]
    h.center.complete(repeat, "triage", triage_terminate(original, "告知诉求人办理进展"))
    assert h.ticket(repeat)["status"] == "terminated"


def test_meizhou_default_keeps_the_center_rule(profile_hotline) -> None:
    """meizhou says nothing of repeats: the default — center, a handled original, any caller."""
    h = profile_hotline("meizhou")
    original = h.new_ticket()["number"]
    repeat = h.new_ticket(**OTHER_CALLER)["number"]
    response = h.center.complete(repeat, "triage", triage_terminate(original), expect=422)
    message = response.json["error"]["fields"]["repeat_of"][0]
    assert "handled" in message and "default" in message
    h.center.complete(original, "triage", {"disposition": "answer", "answer": "已答复"})
    h.center.complete(repeat, "triage", triage_terminate(original))
    assert h.ticket(repeat)["status"] == "terminated"
