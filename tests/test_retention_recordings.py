"""Call recordings are kept at least the profile's years, then purged by the daily job with an
audit row each: guangyuan 第十四条 (热线电话录音至少保存两年, seeds/000_27d936bb79493c2c.txt).
Photos and documents go with the requester's personal data (5 years, a default); a legal
hold keeps both.

Clock: Monday 2026-11-23 09:00 Shanghai, moved forward by the admin's clock API.
"""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Hotline
from tests.helpers.attachments import JPEG, audit_rows, listed, stored_files, upload, wav
from tests.helpers.retention import (
    MARKER,
    closed_at,
    delete,
    job,
    just_before,
    purge_rows,
    years_after,
)
from tests.helpers.tickets import DISPATCH_ZJJ, DONE

RECORDING_REASON = "call recording kept 2 years (第十四条) after closing"


def closed_with_files(h: Hotline) -> str:
    """A complaint whose call recording and photo the center attached at intake, handled by
    ZJJ and closed satisfied; its number."""
    number = h.new_ticket()["number"]
    assert upload(h.center, number, wav(), "来电录音.wav", kind="recording").status_code == 201
    assert upload(h.center, number, JPEG, "现场.jpg", kind="photo").status_code == 201
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    h.unit.complete(number, "acknowledge", {"contacted": True})
    h.unit.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    return number


def files(h: Hotline, number: str) -> dict[str, tuple[bool, str | None]]:
    """Each attachment's kind: (still stored, why it was purged)."""
    return {
        row["kind"]: (row["purged_at"] is None, row["purge_reason"])
        for row in listed(h.center, number)
    }


def test_recordings_are_kept_their_years_then_purged_with_an_audit_row(hotline: Hotline) -> None:
    h = hotline
    number = closed_with_files(h)
    recording = next(r for r in listed(h.center, number) if r["kind"] == "recording")
    two_years = years_after(closed_at(h, number), 2)

    assert job(h, just_before(two_years))["recordings"] == []
    assert h.center.get(recording["download_url"]).status_code == 200

    assert job(h, two_years)["recordings"] == [number]
    assert files(h, number) == {"recording": (False, RECORDING_REASON), "photo": (True, None)}
    gone = h.center.get(recording["download_url"])
    assert gone.status_code == 410 and RECORDING_REASON in gone.json["error"]["message"]
    purges = [r for r in audit_rows(h, "purge") if r.ticket_number == number]
    assert [(r.actor_name, r.detail["attachment_id"], r.detail["reason"]) for r in purges] == [
        ("system", recording["id"], RECORDING_REASON)
    ]
    assert len(stored_files(h)) == 1  # the photo's bytes only
    # The requester and the photo stay until the personal-data period (5 years).
    assert h.ticket(number)["requester"]["phone"] == "13800001234"
    assert job(h, two_years + timedelta(days=1))["recordings"] == []

    five_years = years_after(closed_at(h, number), 5)
    assert job(h, five_years)["purged"] == [number]
    reason = "personal data kept 5 years (第二十二条, default) after closing"
    assert files(h, number) == {"recording": (False, RECORDING_REASON), "photo": (False, reason)}
    assert stored_files(h) == []
    rows = purge_rows(h, number)
    assert [r.get("attachment_id") is not None for r in rows] == [True, True, False]
    assert rows[-1]["files"] == 1 and h.ticket(number)["requester"]["name"] == MARKER


def test_a_legal_hold_keeps_the_recording_until_released(hotline: Hotline) -> None:
    h = hotline
    number = closed_with_files(h)
    holds = f"/api/v1/tickets/{number}/legal-holds"
    hold = h.center.post(holds, json={"reason": "投诉人起诉，录音作为证据"}).json
    two_years = years_after(closed_at(h, number), 2)

    # Archived (a hold stops purges, not the archive), the recording kept.
    assert job(h, two_years) == {
        "archived": [number],
        "recordings": [],
        "purged": [],
        "held": [number],
    }
    assert files(h, number)["recording"] == (True, None)
    assert delete(h.center, f"{holds}/{hold['id']}").status_code == 200
    assert job(h, two_years + timedelta(days=1))["recordings"] == [number]
    assert files(h, number)["recording"] == (False, RECORDING_REASON)
