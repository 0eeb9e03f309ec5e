"""In-app notifications (issue 14 §2): `GET /api/v1/notifications` is the caller's inbox,
unread first; one or all can be marked read. Messages arrive the real way: an outbox row
routed in-app, delivered by a dispatcher round. Clock: Monday 2026-11-23 09:00.
"""

from __future__ import annotations

from datetime import timedelta

from hotline.clock import ManualClock
from hotline.messages.dispatch import dispatch_round
from hotline.messages.outbox import enqueue
from tests.conftest import Hotline
from tests.helpers.api import Caller, assert_error


def send(h: Hotline, recipient: str, body: str, *, unit: str | None = None) -> None:
    """An in-app message to a recipient class (center, admin, unit), delivered now."""
    with h.services.transaction() as session:
        enqueue(
            session,
            kind="ticket_urged" if unit else "callback_unsatisfied",
            channel="inapp",
            recipient=recipient,
            address="",
            unit_code=unit,
            subject=body.split("：")[0],
            body=body,
        )
    assert dispatch_round(h.services.sessions) == 1


def inbox(caller: Caller, query: str = "") -> dict:
    """The caller's notifications page."""
    response = caller.get(f"/api/v1/notifications{query}")
    assert response.status_code == 200, response.json
    return response.json


def titles(page: dict) -> list[str]:
    """Titles of a page, in order."""
    return [n["title"] for n in page["items"]]


def test_the_inbox_shows_unread_first_and_marks_read(
    hotline: Hotline, manual_clock: ManualClock
) -> None:
    h = hotline
    for n in range(1, 4):
        send(h, "center", f"第{n}条：需人工回访")
        manual_clock.advance(timedelta(minutes=1))
    page = inbox(h.center)
    assert titles(page) == ["第3条", "第2条", "第1条"]  # newest first
    assert (page["total"], page["unread"]) == (3, 3)
    assert page["items"][0]["kind"] == "callback_unsatisfied"
    assert page["items"][0]["body"] == "第3条：需人工回访"
    assert page["items"][0]["read"] is False and page["items"][0]["read_at"] is None

    # Reading the newest moves it behind the unread ones; reading it again keeps the time.
    newest = page["items"][0]["id"]
    read = h.center.post(f"/api/v1/notifications/{newest}/read")
    assert read.status_code == 200, read.json
    assert read.json["read"] is True and read.json["read_at"] is not None
    manual_clock.advance(timedelta(minutes=5))
    again = h.center.post(f"/api/v1/notifications/{newest}/read")
    assert again.json["read_at"] == read.json["read_at"]
    page = inbox(h.center)
    assert titles(page) == ["第2条", "第1条", "第3条"]
    assert page["unread"] == 2
    assert titles(inbox(h.center, "?unread=true")) == ["第2条", "第1条"]
    assert titles(inbox(h.center, "?unread=false")) == ["第3条"]
    assert titles(inbox(h.center, "?per_page=1&page=2")) == ["第1条"]

    marked = h.center.post("/api/v1/notifications/read-all")
    assert marked.json == {"marked": 2, "unread": 0}
    assert inbox(h.center)["unread"] == 0
    assert h.center.post("/api/v1/notifications/read-all").json == {"marked": 0, "unread": 0}


def test_each_user_sees_only_their_own(hotline: Hotline) -> None:
    h = hotline
    send(h, "center", "中心：需人工回访")
    send(h, "unit", "督办：请尽快办理", unit="ZJJ")
    assert titles(inbox(h.center)) == ["中心"]
    # Every user of ZJJ gets the unit's message in their own inbox; LZQ and admins do not.
    assert titles(inbox(h.unit)) == ["督办"]
    assert titles(inbox(h.reviewer)) == ["督办"]
    assert inbox(h.other_unit)["total"] == 0
    assert inbox(h.admin)["total"] == 0

    # Another user's notification cannot be read, nor told apart from one that does not exist.
    [mine] = inbox(h.center)["items"]
    assert_error(h.unit.post(f"/api/v1/notifications/{mine['id']}/read"), 404, "not_found")
    assert_error(h.unit.post("/api/v1/notifications/999999/read"), 404, "not_found")
    h.unit.post("/api/v1/notifications/read-all")
    assert inbox(h.center)["unread"] == 1  # the unit's read-all touched only its own
    assert inbox(h.reviewer)["unread"] == 1  # and not its colleague's copy


def test_bad_queries_and_no_token_are_refused(hotline: Hotline) -> None:
    h = hotline
    assert_error(
        h.center.get("/api/v1/notifications?unread=yes"), 422, "validation_error", "unread"
    )
    assert_error(
        h.center.get("/api/v1/notifications?per_page=0"), 422, "validation_error", "per_page"
    )
    assert_error(h.center.client.get("/api/v1/notifications"), 401, "unauthorized")
