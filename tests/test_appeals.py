"""Assessment appeals (申诉) and exemption requests through bpmn/assessment_appeal.bpmn.

A unit files over HTTP, the center decides with review_appeal through /api/v1/tasks like any
task, the unit reads the result in its inbox; every step is in the appeal's history.
Clock: Monday 2026-11-23 09:00 Asia/Shanghai, moved only through POST /api/v1/admin/clock.
"""

from __future__ import annotations

from tests.conftest import Hotline
from tests.helpers.api import assert_error
from tests.helpers.appeals import EVIDENCE, REASON, URL, complete, file, kinds, shown
from tests.helpers.clock import move_clock


def test_rejected_appeal_is_decided_told_and_recorded(hotline: Hotline) -> None:
    """The center rejects: status, opinion and each step in the history; the unit is told."""
    h = hotline
    appeal = file(h.unit, day="2026-11-20")
    assert (appeal["unit"], appeal["status"], appeal["day"]) == ("ZJJ", "filed", "2026-11-20")
    assert appeal["task_key"] == "review_appeal"
    # The review is in the center's inbox, not in the unit's.
    assert appeal["task_id"] in [t["id"] for t in h.center.inbox()]
    assert appeal["task_id"] not in [t["id"] for t in h.unit.inbox()]

    opinion = "经核查，当日平台推送正常，申诉不成立"
    data = {"decision": "rejected", "opinion": opinion, "evidence_checked": True}
    complete(h.center, appeal["task_id"], data)
    decided = shown(h.unit, appeal["id"])
    assert (decided["status"], decided["opinion"], decided["effect"]) == ("rejected", opinion, None)
    assert decided["task_key"] == "acknowledge_decision"
    assert decided["task_id"] in [t["id"] for t in h.unit.inbox()]
    complete(h.unit, decided["task_id"], {"note": "已知悉"})

    done = shown(h.unit, appeal["id"])
    assert kinds(done) == ["appeal_filed", "appeal_rejected", "appeal_decision_read"]
    filed, rejected, read = done["history"]
    assert (filed["actor"], filed["data"]["reason"], filed["data"]["evidence"]) == (
        "demo-unit-zjj",
        REASON,
        EVIDENCE,
    )
    assert (rejected["actor"], rejected["task"], rejected["data"]["opinion"]) == (
        "demo-center",
        "review_appeal",
        opinion,
    )
    assert (read["actor"], read["data"]["note"]) == ("demo-unit-zjj", "已知悉")
    assert done["task_id"] is None


def test_accepting_needs_checked_evidence_and_another_person(hotline: Hotline) -> None:
    """An appeal is accepted only on checked evidence, and never by the one who filed it."""
    h = hotline
    appeal = file(h.unit, day="2026-11-20")
    accept = {"decision": "accepted", "opinion": "证据属实", "evidence_checked": False}
    error = assert_error(
        h.center.post(f"/api/v1/tasks/{appeal['task_id']}/complete", json={"data": accept}),
        422,
        "validation_error",
        "evidence_checked",
    )
    assert "checked evidence" in str(error["fields"])
    blank = {"decision": "rejected", "opinion": "  ", "evidence_checked": True}
    assert_error(
        h.center.post(f"/api/v1/tasks/{appeal['task_id']}/complete", json={"data": blank}),
        422,
        "validation_error",
        "opinion",
    )
    assert kinds(shown(h.center, appeal["id"])) == ["appeal_filed"]

    # The center files for a unit; the same center user may not decide it, another may.
    own = file(h.center, kind="exemption", unit="HBJ", day="2026-11-19")
    decide = {"decision": "accepted", "opinion": "客观原因属实", "evidence_checked": True}
    assert_error(
        h.center.post(f"/api/v1/tasks/{own['task_id']}/complete", json={"data": decide}),
        422,
        "validation_error",
        "decision",
    )
    complete(h.admin, own["task_id"], decide)
    assert shown(h.third_unit, own["id"])["status"] == "accepted"


def test_a_unit_cannot_appeal_or_read_for_another_unit(hotline: Hotline) -> None:
    """ZJJ may not appeal LZQ's data, nor read LZQ's appeals; the center sees all."""
    h = hotline
    assert_error(
        h.unit.post(
            URL, json={"kind": "appeal", "unit": "LZQ", "day": "2026-11-20", "reason": REASON,
                       "evidence": EVIDENCE}
        ),
        403,
        "forbidden",
    )  # fmt: skip
    theirs = file(h.other_unit, day="2026-11-20")
    ours = file(h.unit, kind="exemption", day="2026-11-20")
    assert_error(h.unit.get(f"{URL}/{theirs['id']}"), 404, "not_found")
    assert [a["id"] for a in h.unit.get(URL).json["items"]] == [ours["id"]]
    assert_error(h.unit.get(f"{URL}?unit=LZQ"), 403, "forbidden")
    listed = h.center.get(URL).json
    assert (listed["total"], [a["id"] for a in listed["items"]]) == (2, [ours["id"], theirs["id"]])
    assert [a["id"] for a in h.center.get(f"{URL}?kind=exemption").json["items"]] == [ours["id"]]
    assert_error(h.operator.get(URL), 403, "forbidden")
    assert h.center.get(URL).json["total"] == 2  # nothing was stored for the refused appeal


def test_ticket_exemption_and_target_checks(hotline: Hotline) -> None:
    """A ticket names its unit; one target only; a day ahead, an unknown deduction or a second
    request on the same ticket under review are refused naming the field."""
    h = hotline
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    exemption = file(h.unit, kind="exemption", ticket=number)
    assert (exemption["unit"], exemption["ticket_number"]) == ("ZJJ", number)
    assert exemption["day"] == "2026-11-23"  # open: it counts (and is appealed) today
    assert_error(h.other_unit.post(URL, json={"kind": "exemption", "ticket": number,
                 "reason": REASON, "evidence": EVIDENCE}), 404, "not_found")  # fmt: skip
    response = h.unit.post(
        URL, json={"kind": "exemption", "ticket": number, "reason": REASON, "evidence": EVIDENCE}
    )
    assert_error(response, 409, "conflict")
    both = {"kind": "appeal", "ticket": number, "day": "2026-11-20"}
    assert_error(h.unit.post(URL, json={**both, "reason": REASON, "evidence": EVIDENCE}),
                 422, "validation_error", "day")  # fmt: skip
    ahead = {"kind": "appeal", "day": "2026-11-24", "reason": REASON, "evidence": EVIDENCE}
    assert_error(h.unit.post(URL, json=ahead), 422, "validation_error", "day")
    unknown = {"kind": "appeal", "deduction_id": 999, "reason": REASON, "evidence": EVIDENCE}
    assert_error(h.unit.post(URL, json=unknown), 422, "validation_error", "deduction_id")
    no_evidence = {"kind": "appeal", "day": "2026-11-20", "reason": REASON, "evidence": []}
    assert_error(h.unit.post(URL, json=no_evidence), 422, "validation_error", "evidence")


def test_late_appeal_under_guangxi_is_refused_citing_article_32(profile_hotline) -> None:
    """guangxi 第三十二条: 当年考核周期结束后 7 个工作日内仍可申诉，超期不再受理. The cycle
    2025-12-01 – 2026-11-30 (第三十条) closes for appeals at 24:00 on 2026-12-09, the 7th
    working day after it."""
    h = profile_hotline("guangxi")
    appeal = file(h.unit, day="2026-03-16")  # any time in the cycle
    assert appeal["window_closes_at"] == "2026-12-09T16:00:00+00:00"  # 12-10 00:00 Shanghai
    move_clock(h, "2026-12-09 23:59")
    file(h.unit, day="2026-11-30")  # the last minute of the window
    move_clock(h, "2026-12-10 00:00")
    late = h.unit.post(URL, json={"kind": "appeal", "day": "2026-11-27", "reason": REASON,
                                  "evidence": EVIDENCE})  # fmt: skip
    error = assert_error(late, 422, "appeal_window_closed", "day")
    assert "002_74be2da07faa6da0.txt 第三十二条" in error["message"]
    assert "2026-12-10 00:00" in error["message"]
    # The new cycle's data may be appealed at once.
    file(h.unit, day="2026-12-01")
    assert h.center.get(URL).json["total"] == 3
