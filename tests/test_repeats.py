"""Repeats over HTTP: possible repeats flagged at intake, merge (并单).

终结办理 (terminate) is tested in tests/test_termination.py.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai, moved only through POST /api/v1/admin/clock.
The window and the similarity threshold come from the active profile's [repeats] rules.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from hotline.policy import active_profile
from hotline.policy.repeats import Repeats
from tests.conftest import START, Hotline
from tests.helpers.clock import SH, move_clock
from tests.helpers.confidential import named_staff
from tests.helpers.tickets import DONE, kinds

NOISE = "小区夜间施工噪音扰民，晚上十一点后仍在作业"
OTHER_WORDS = "滨河路那边工地半夜还在打桩，吵得根本睡不着"  # NOISE as another caller says it


def shanghai_day(days: int, hh_mm: str) -> datetime:
    """`days` calendar days after the start day, at `hh_mm` Shanghai time."""
    day = START.astimezone(SH).date() + timedelta(days=days)
    return datetime.fromisoformat(f"{day.isoformat()} {hh_mm}").replace(tzinfo=SH)


def rules(h: Hotline) -> Repeats:
    """The [repeats] rules of the profile the service runs with."""
    return active_profile(h.services.runtime.extras).repeats


def use_rules(h: Hotline, window_days: int, similarity: float) -> None:
    """Run the service with other [repeats] rules, as a profile TOML would set them."""
    extras = h.services.runtime.extras
    current = active_profile(extras)
    changed = dataclasses.replace(current.repeats, window_days=window_days, similarity=similarity)
    extras["profile"] = dataclasses.replace(current, repeats=changed)  # type: ignore[index]


def flagged(ticket: dict) -> dict[str, dict]:
    """The ticket's possible repeats by number."""
    return {r["number"]: r for r in ticket["possible_repeats"]}


def other_caller(**overrides: object) -> dict:
    """Intake fields for a different requester."""
    return {"requester": {"name": "李四", "phone": "13900005678"}, **overrides}


def test_same_phone_within_the_window_is_flagged(hotline: Hotline) -> None:
    """A second call from the same phone within the window names the first ticket."""
    first = hotline.new_ticket()
    assert first["possible_repeats"] == []
    assert "possible_repeat_flagged" not in kinds(first)
    window = rules(hotline).window_days
    move_clock(hotline, shanghai_day(window, "23:00"))  # the last calendar day of the window
    second = hotline.new_ticket(content="施工单位又在夜里施工，吵得睡不着", district="昭化区")
    repeat = flagged(second)[first["number"]]
    assert repeat["reason"] == "same_phone"
    assert repeat["status"] == "new"
    # Other words for the same matter: the phone matched; the score says how alike they are.
    assert 0 <= repeat["score"] <= 1
    assert "possible_repeat_flagged" in kinds(second)
    assert flagged(hotline.ticket(second["number"])) == flagged(second)
    listed = hotline.center.get(f"/api/v1/tickets/{second['number']}/repeats")
    assert listed.status_code == 200, listed.json
    assert [r["number"] for r in listed.json["possible_repeats"]] == [first["number"]]


def test_same_phone_outside_the_window_is_not_flagged(hotline: Hotline) -> None:
    """A day past the window the old ticket is no longer a candidate."""
    first = hotline.new_ticket()
    move_clock(hotline, shanghai_day(rules(hotline).window_days + 1, "00:30"))
    second = hotline.new_ticket()
    assert second["possible_repeats"] == []
    assert "possible_repeat_flagged" not in kinds(second)
    assert first["number"] not in flagged(hotline.ticket(second["number"]))


def test_similar_content_in_the_same_district_is_flagged(hotline: Hotline) -> None:
    """Near-identical text from another caller in the same district; punctuation ignored."""
    first = hotline.new_ticket(content=NOISE)
    same = hotline.new_ticket(
        **other_caller(content="小区夜间施工噪音扰民。晚上十一点后 仍在作业！")
    )
    third_caller = {"name": "王五", "phone": "13700009999"}
    close = hotline.new_ticket(
        content="小区夜间施工噪音扰民，晚上十一点后仍然在作业", requester=third_caller
    )
    repeat = flagged(same)[first["number"]]
    assert (repeat["reason"], repeat["score"]) == ("similar_content", 1.0)
    assert flagged(close)[first["number"]]["reason"] == "similar_content"
    assert rules(hotline).similarity <= flagged(close)[first["number"]]["score"] < 1


def test_similar_content_elsewhere_or_different_text_is_not_flagged(hotline: Hotline) -> None:
    """Same text in another district, or other text in the same district: no repeat."""
    first = hotline.new_ticket(content=NOISE, district="利州区")
    elsewhere = hotline.new_ticket(**other_caller(content=NOISE, district="昭化区"))
    different = hotline.new_ticket(**other_caller(content="滨河路垃圾清运不及时，气味很大"))
    assert first["number"] not in flagged(elsewhere)
    assert first["number"] not in flagged(different)


def test_window_and_threshold_come_from_the_profile(hotline: Hotline) -> None:
    """A 3-day window and a 0.95 threshold: older and less similar tickets are not flagged."""
    use_rules(hotline, window_days=3, similarity=0.95)
    first = hotline.new_ticket(content=NOISE)
    close = hotline.new_ticket(**other_caller(content=OTHER_WORDS))
    assert first["number"] not in flagged(close)  # the same matter, but below 0.95
    move_clock(hotline, shanghai_day(3, "20:00"))
    assert first["number"] in flagged(hotline.new_ticket())
    move_clock(hotline, shanghai_day(4, "08:00"))
    assert first["number"] not in flagged(hotline.new_ticket())


def test_unit_does_not_see_possible_repeats(hotline: Hotline) -> None:
    """Units do not triage: they never learn which other tickets share a phone or a text."""
    first = hotline.new_ticket(confidential=True)
    second = hotline.new_ticket(confidential=True)
    assert first["number"] in flagged(second)
    hotline.center.complete(second["number"], "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    unit = named_staff(hotline)  # confidential: ZJJ's named staff see it (meizhou 第二十一条)
    seen = unit.get(f"/api/v1/tickets/{second['number']}")
    assert seen.status_code == 200, seen.json
    assert "possible_repeats" not in seen.json
    assert first["number"] not in seen.get_data(as_text=True)
    listed = unit.get(f"/api/v1/tickets/{second['number']}/repeats")
    assert listed.status_code == 403, listed.json
    assert first["number"] in flagged(hotline.ticket(second["number"]))


def test_leader_does_not_see_possible_repeats(hotline: Hotline) -> None:
    """Brought a ticket for instruction, the leader still learns nothing of other tickets."""
    first = hotline.new_ticket()
    second = hotline.new_ticket()
    hotline.center.complete(second["number"], "triage", {"disposition": "leader"})
    seen = hotline.leader.get(f"/api/v1/tickets/{second['number']}")
    assert seen.status_code == 200, seen.json
    assert "possible_repeats" not in seen.json
    assert first["number"] not in seen.get_data(as_text=True)
    assert hotline.leader.get(f"/api/v1/tickets/{second['number']}/repeats").status_code == 403


def test_repeat_is_merged_into_the_open_ticket(hotline: Hotline) -> None:
    """并单: the repeat closes as merged, both sides show the link, the open ticket runs on."""
    open_ = hotline.new_ticket()["number"]
    hotline.center.complete(open_, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    hotline.unit.complete(open_, "acknowledge", {"contacted": True})
    repeat = hotline.new_ticket()["number"]
    response = hotline.center.complete(
        repeat, "triage", {"disposition": "merge", "merge_into": open_}
    )
    assert response.json["state"] == "completed"
    merged = hotline.ticket(repeat)
    assert merged["status"] == "merged"
    assert merged["closed_at"] is not None
    assert merged["tasks"] == []
    assert [{k: v for k, v in x.items() if k != "created_at"} for x in merged["links"]] == [
        {"kind": "merged_into", "direction": "outgoing", "number": open_, "status": "handling"}
    ]
    assert next(e for e in merged["events"] if e["kind"] == "ticket_merged")["data"] == {
        "into": open_
    }
    assert kinds(merged)[-1] == "process_completed"
    target = hotline.ticket(open_)
    assert target["status"] == "handling"
    assert [(x["kind"], x["direction"], x["number"]) for x in target["links"]] == [
        ("merged_into", "incoming", repeat)
    ]
    assert next(e for e in target["events"] if e["kind"] == "repeat_merged")["data"] == {
        "repeat": repeat
    }
    hotline.unit.complete(open_, "handle", DONE)
    assert hotline.ticket(open_)["status"] == "in_review"
    closed = hotline.center.get("/api/v1/tickets?status=merged")
    assert [t["number"] for t in closed.json["items"]] == [repeat]
    # A merged ticket is no candidate for later repeats: the open ticket carries its demand.
    later = hotline.new_ticket()
    assert repeat not in flagged(later)
    assert open_ in flagged(later)


def test_merge_into_a_closed_ticket_or_itself_is_refused(hotline: Hotline) -> None:
    """merge_into must name another ticket that is still open; the 422 names the field."""
    closed = hotline.new_ticket()["number"]
    hotline.center.complete(closed, "triage", {"disposition": "answer", "answer": "已答复"})
    repeat = hotline.new_ticket()["number"]
    for target, words in [
        (closed, "merge only into an open ticket"),
        (repeat, "cannot be merged into itself"),
        ("GY20990101000001", "does not exist"),
        (None, "required"),
    ]:
        response = hotline.center.complete(
            repeat, "triage", {"disposition": "merge", "merge_into": target}, expect=422
        )
        assert words in response.json["error"]["fields"]["merge_into"][0]
    assert hotline.ticket(repeat)["status"] == "new"
    assert [t["key"] for t in hotline.ticket(repeat)["tasks"]] == ["triage"]
