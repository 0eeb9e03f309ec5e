"""Who may return (退单) and what a return carries: the profile's [returns] rules over HTTP.

guangyuan 第十二条 (000_27d936bb79493c2c.txt, last paragraph): units named through 牵办
(12(三), the center's 会签 joint tickets included) or 批办 (12(四)) may not return.
guangyuan 第十三条(二): 退回理由、依据，提出转送建议; puyang 附件 四(三)2
(004_b7797ffbb60d21c4.txt): 回退理由、领导意见、建议、联系电话; guangxi 第二十六条(三) and
meizhou 第十六条: a reason. The single-unit `handle` form and a joint part's `handle_part`
form ask the same rule (hotline.returns).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.policy.loader import PolicyError, load_profile
from tests.conftest import Hotline
from tests.helpers.tickets import ACK, joint_ticket
from tests.helpers.tickets import acknowledged as dispatched

GUANGYUAN_RETURN = {
    "outcome": "return",
    "return_reason": "噪声属属地街道管理，不属我局职责",
    "return_basis": "《广元市住房和城乡建设局职能配置》",
    "suggested_unit": "LZQ",
}
PART_DONE = {"outcome": "done", "findings": "现场核查属实", "opinion": "已处理"}


def part_statuses(h: Hotline, number: str) -> dict[str, str]:
    """unit → status of each part of a joint ticket."""
    response = h.center.get(f"/api/v1/tickets/{number}/parts")
    assert response.status_code == 200, response.json
    return {p["unit"]: p["status"] for p in response.json["items"]}


def test_guangyuan_joint_part_may_not_be_returned(hotline: Hotline) -> None:
    """guangyuan 第十二条(三): a unit of a 会签 joint ticket may not hand its part back."""
    h = hotline
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.third_unit.complete(number, "acknowledge_part", ACK)
    response = h.third_unit.complete(number, "handle_part", GUANGYUAN_RETURN, expect=422)
    [message] = response.json["error"]["fields"]["outcome"]
    assert "第十二条(三)" in message and "joint" in message
    assert part_statuses(h, number)["HBJ"] == "handling"
    assert h.ticket(number)["return_count"] == 0
    h.third_unit.complete(number, "handle_part", PART_DONE)
    assert part_statuses(h, number)["HBJ"] == "done"


def test_guangyuan_joint_lead_may_not_return_the_ticket_after_review(hotline: Hotline) -> None:
    """The lead unit's `handle` of a joint ticket obeys the same rule as its part."""
    h = hotline
    number = joint_ticket(h, units="HBJ")
    for caller in (h.unit, h.third_unit):
        caller.complete(number, "acknowledge_part", ACK)
        caller.complete(number, "handle_part", PART_DONE)
    merged = {"basis": "法规", "findings": "属实", "reply": "已答复"}
    h.unit.complete(number, "merge", merged)
    h.center.complete(number, "review", {"approved": False, "comment": "答复不完整"})
    response = h.unit.complete(number, "handle", GUANGYUAN_RETURN, expect=422)
    assert "第十二条(三)" in response.json["error"]["fields"]["outcome"][0]
    assert h.ticket(number)["status"] != "returned"


def test_meizhou_joint_part_may_be_returned_with_a_reason(profile_hotline) -> None:
    """meizhou 第十六条 lets any unit return what is outside its remit, a joint part too."""
    h = profile_hotline("meizhou")
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.third_unit.complete(number, "acknowledge_part", ACK)
    response = h.third_unit.complete(number, "handle_part", {"outcome": "return"}, expect=422)
    [message] = response.json["error"]["fields"]["return_reason"]
    assert "meizhou" in message and "第十六条" in message
    h.third_unit.complete(number, "handle_part", {"outcome": "return", "return_reason": "不属职责"})
    assert part_statuses(h, number)["HBJ"] == "returned"
    [event] = [e for e in h.ticket(number)["events"] if e["kind"] == "part_returned"]
    assert event["data"]["return_reason"] == "不属职责"


def test_guangyuan_leader_designated_ticket_may_not_be_returned(hotline: Hotline) -> None:
    """guangyuan 第十二条(四) 批办: the unit the leader named may not return the ticket."""
    h = hotline
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "leader"})
    h.leader.complete(number, "leader_instruction", {"lead_unit": "ZJJ", "instruction": "住建办理"})
    h.unit.complete(number, "acknowledge", ACK)
    response = h.unit.complete(number, "handle", GUANGYUAN_RETURN, expect=422)
    [message] = response.json["error"]["fields"]["outcome"]
    assert "第十二条(四)" in message and "leader" in message
    assert h.ticket(number)["current_unit"] == "ZJJ"


def test_guangyuan_return_needs_reason_basis_and_suggested_unit(hotline: Hotline) -> None:
    """guangyuan 第十三条(二): 注明退回理由、依据，提出转送建议 — each missing one is named."""
    h = hotline
    number = dispatched(h)
    response = h.unit.complete(
        number, "handle", {"outcome": "return", "return_reason": "不属职责"}, expect=422
    )
    fields = response.json["error"]["fields"]
    assert set(fields) == {"return_basis", "suggested_unit"}
    assert all("第十三条(二)" in fields[name][0] for name in fields)
    assert h.ticket(number)["status"] == "handling"
    h.unit.complete(number, "handle", GUANGYUAN_RETURN)
    [event] = [e for e in h.ticket(number)["events"] if e["kind"] == "ticket_returned"]
    assert event["data"]["return_basis"] == GUANGYUAN_RETURN["return_basis"]


def test_puyang_return_needs_leader_opinion_and_phone(profile_hotline) -> None:
    """puyang 附件 四(三)2: 回退理由、领导意见、建议、联系电话, on a handle and on a joint part."""
    h = profile_hotline("puyang")
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    h.unit.complete(number, "acknowledge", ACK)
    back = {"outcome": "return", "return_reason": "不属职责"}
    response = h.unit.complete(number, "handle", back, expect=422)
    fields = response.json["error"]["fields"]
    assert set(fields) == {"suggested_unit", "return_leader_opinion", "return_phone"}
    assert all("附件 四(三)2" in fields[name][0] for name in fields)
    complete = {
        **back,
        "suggested_unit": "LZQ",
        "return_leader_opinion": "同意退回，建议转利州区",
        "return_phone": "0839-1234567",
    }
    h.unit.complete(number, "handle", complete)
    assert h.ticket(number)["status"] == "returned"

    joint = joint_ticket(h, units="ZJJ,HBJ")
    h.third_unit.complete(joint, "acknowledge_part", ACK)
    response = h.third_unit.complete(joint, "handle_part", back, expect=422)
    assert set(response.json["error"]["fields"]) == {
        "suggested_unit",
        "return_leader_opinion",
        "return_phone",
    }
    h.third_unit.complete(joint, "handle_part", complete)
    assert part_statuses(h, joint)["HBJ"] == "returned"


def test_guangxi_return_needs_only_a_reason(profile_hotline) -> None:
    """guangxi 第二十六条(三): 退单…并说明理由 — no suggested unit is required."""
    h = profile_hotline("guangxi")
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    h.unit.complete(number, "acknowledge", ACK)
    h.unit.complete(number, "handle", {"outcome": "return", "return_reason": "不属职责"})
    assert h.ticket(number)["status"] == "returned"


@pytest.mark.parametrize(
    ("profile", "requires", "refused"),
    [
        # guangyuan 第十三条(二); 第十二条(三)(四)
        ("guangyuan", ("reason", "basis", "suggested_unit"), {"joint", "leader", "authority"}),
        # puyang 附件 四(三)2
        ("puyang", ("reason", "suggested_unit", "leader_opinion", "phone"), {"leader"}),
        ("guangxi", ("reason",), {"leader"}),  # 第二十六条(三)
        ("meizhou", ("reason",), {"leader"}),  # 第十六条
    ],
)
def test_each_profile_requires_what_its_article_lists(
    profile: str, requires: tuple[str, ...], refused: set[str]
) -> None:
    """The [returns] rules read from each profile, as its article words them."""
    rules = load_profile(profile).returns
    assert {w.requires for w in rules.windows} == {requires}
    kinds = {r.assignment for r in rules.refused}
    assert refused <= kinds
    assert ("joint" in kinds) == (profile == "guangyuan")
    for refusal in rules.refused:  # a refusal the article does not give says so
        assert refusal.origin.default_not_from_regulation or profile == "guangyuan"


def test_guizhou_has_no_window_and_a_default_reason() -> None:
    """guizhou 第十三条: objections, no return window; the authority's designation is final."""
    rules = load_profile("guizhou").returns
    assert rules.windows == ()
    assert rules.without_window is not None and rules.without_window.requires == ("reason",)
    assert rules.without_window.origin.default_not_from_regulation
    authority = next(r for r in rules.refused if r.assignment == "authority")
    assert "第十三条" in authority.origin.source
    assert not authority.origin.default_not_from_regulation


def test_unknown_or_repeated_refusal_is_a_profile_error(tmp_path: Path) -> None:
    """[[returns.refused]] names a known assignment, once."""
    text = Path(load_profile("guangyuan").file).read_text(encoding="utf-8")
    bad = text.replace('assignment = "joint"', 'assignment = "friends"', 1)
    (tmp_path / "guangyuan.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"returns\.refused"):
        load_profile("guangyuan", tmp_path)
    twice = text.replace('assignment = "leader"', 'assignment = "joint"', 1)
    (tmp_path / "guangyuan.toml").write_text(twice, encoding="utf-8")
    with pytest.raises(PolicyError, match="refused twice"):
        load_profile("guangyuan", tmp_path)
