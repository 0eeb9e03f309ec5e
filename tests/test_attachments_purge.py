"""Purging an attachment's bytes (hotline.attachments.purge, which retention calls).

Recordings are kept at least the profile's years (guangyuan 第十四条: 2, guangxi 第二十八条:
3) and then purged: the bytes go, the row stays as the record that the file existed, one
audit row says who purged it and why, and a download answers 410 saying when and why.
"""

from __future__ import annotations

import pytest

from hotline import attachments
from hotline.actors import SYSTEM
from hotline.models.attachments import Attachment
from tests.conftest import Hotline
from tests.helpers import attachments as files
from tests.helpers.api import assert_error
from tests.helpers.attachments import listed, stored_files, upload
from tests.helpers.audit import audit_rows, auditor
from tests.helpers.clock import move_clock

REASON = "录音保存期满2年（广元 第十四条）"


def _purge(h: Hotline, attachment_id: int, reason: str = REASON, fail: bool = False) -> None:
    """Purge as the retention job does, in one transaction (that fails after, if `fail`)."""
    with h.services.transaction() as session:
        row = session.get(Attachment, attachment_id)
        assert row is not None
        attachments.purge(session, h.services.attachment_store, row, SYSTEM, reason)
        if fail:
            raise RuntimeError("the job stopped before its commit")


def _closed_with_files(h: Hotline) -> tuple[str, dict, dict]:
    """A consultation answered at intake, carrying a call recording and a photo."""
    ticket = h.new_ticket(category="consultation", content="社保卡补办需要什么材料？")
    number = ticket["number"]
    h.center.complete(number, "triage", {"disposition": "answer", "answer": "携带身份证办理"})
    call = upload(h.operator, number, files.wav(), "来电.wav", kind="recording").get_json()
    photo = upload(h.operator, number, files.JPEG, "材料.jpg").get_json()
    return number, call, photo


def test_a_purged_recording_answers_410_saying_when_and_why(hotline: Hotline) -> None:
    """After its retention period: bytes gone, row kept, 410 naming the time and reason,
    one audit row of the purge; the ticket's other files are untouched."""
    h = hotline
    number, call, photo = _closed_with_files(h)
    assert len(stored_files(h)) == 2
    move_clock(h, "2028-11-24 02:00")
    _purge(h, call["id"])
    error = assert_error(h.center.get(call["download_url"]), 410, "gone")
    assert "2028-11-24T02:00:00+08:00" in error["message"]
    assert REASON in error["message"]
    assert len(stored_files(h)) == 1  # the photo's bytes only
    assert h.center.get(photo["download_url"]).data == files.JPEG
    purged, kept = listed(h.center, number)
    assert purged["purged_at"].startswith("2028-11-23T18:00:00")  # UTC
    assert purged["purge_reason"] == REASON
    assert (purged["sha256"], purged["size"]) == (call["sha256"], call["size"])
    assert kept["purged_at"] is None and kept["purge_reason"] is None
    reader = auditor(h)
    (row,) = audit_rows(reader, action="purge")
    assert (row["actor_name"], row["ticket_number"]) == ("system", number)
    assert row["detail"]["attachment_id"] == call["id"]
    assert row["detail"]["reason"] == REASON
    # The 410 was no download: only the photo's was audited.
    downloads = audit_rows(reader, action="download_attachment")
    assert [r["detail"]["attachment_id"] for r in downloads] == [photo["id"]]


def test_a_purge_that_rolls_back_keeps_the_bytes(hotline: Hotline) -> None:
    """The bytes go only when the purge commits."""
    h = hotline
    _number, call, _photo = _closed_with_files(h)
    with pytest.raises(RuntimeError):
        _purge(h, call["id"], fail=True)
    assert len(stored_files(h)) == 2
    assert h.center.get(call["download_url"]).data == files.wav()
    assert audit_rows(auditor(h), action="purge") == []


def test_purging_twice_purges_once(hotline: Hotline) -> None:
    """A second purge (a job run again) changes nothing and audits nothing."""
    h = hotline
    _number, call, _photo = _closed_with_files(h)
    _purge(h, call["id"])
    _purge(h, call["id"], reason="again")
    (row,) = audit_rows(auditor(h), action="purge")
    assert row["detail"]["reason"] == REASON
    assert REASON in assert_error(h.center.get(call["download_url"]), 410, "gone")["message"]
