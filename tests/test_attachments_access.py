"""Who attaches, lists and downloads: attachments respect visibility (issue 15, Done when).

An attachment is visible exactly when its ticket is (hotline.access.ticket_scope): a unit
that does not hold the ticket, and a unit user not named for a confidential ticket (meizhou
第二十一条), get 404 as for a ticket that does not exist (guangyuan 第二十二条: no requester
data to those who do not need it). Every download leaves one audit row.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Hotline
from tests.helpers import attachments as files
from tests.helpers.api import Caller, assert_error
from tests.helpers.attachments import listed, upload
from tests.helpers.audit import audit_rows, auditor
from tests.helpers.confidential import dispatched_secret, named_staff
from tests.helpers.sms import at_callback
from tests.helpers.tickets import RETURN_TO_LZQ, acknowledged, dispatched, joint_ticket


def _attach(caller: Caller, number: str, content: bytes = files.JPEG, **kw: Any) -> dict:
    response = upload(caller, number, content, kw.pop("filename", "现场.jpg"), **kw)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _sees(caller: Caller, number: str, attachment: dict[str, Any]) -> bool:
    """Whether `caller` lists and downloads the attachment (else both answer 404)."""
    listing = caller.get(f"/api/v1/tickets/{number}/attachments")
    download = caller.get(attachment["download_url"])
    if listing.status_code == 200:
        assert [a["id"] for a in listing.get_json()["items"]] == [attachment["id"]]
        assert download.status_code == 200 and download.data == files.JPEG
        return True
    assert_error(listing, 404, "not_found")
    error = assert_error(download, 404, "not_found")
    # The same answer as for an attachment that does not exist: nothing hints it does.
    missing = assert_error(caller.get("/api/v1/attachments/999999"), 404, "not_found")
    assert error["message"] == missing["message"].replace("999999", str(attachment["id"]))
    return False


def test_attachments_respect_visibility(hotline: Hotline) -> None:
    """Those who see the ticket see its files; a unit not holding it, the leader and the
    auditor get 404, and a unit loses them with the ticket."""
    h = hotline
    number = dispatched(h)  # to ZJJ
    photo = _attach(h.operator, number)
    for caller in (h.operator, h.center, h.supervisor, h.admin, h.unit, h.reviewer):
        assert _sees(caller, number, photo), caller.name
    for caller in (h.other_unit, h.third_unit, h.leader, auditor(h)):
        assert not _sees(caller, number, photo), caller.name
    assert_error(upload(h.other_unit, number, files.JPEG, "x.jpg"), 404, "not_found")
    # ZJJ returns it, the center sends it to LZQ: the files go with the ticket.
    h.unit.complete(number, "acknowledge", {"contacted": True})
    h.unit.complete(number, "handle", RETURN_TO_LZQ)
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    assert _sees(h.other_unit, number, photo)
    assert not _sees(h.unit, number, photo)
    # Only the successful downloads were audited.
    expected = ["demo-operator", "demo-center", "demo-supervisor", "demo-admin",
                "demo-unit-zjj", "demo-reviewer-zjj", "demo-unit-lzq"]  # fmt: skip
    rows = audit_rows(auditor(h, "auditor-2"), action="download_attachment")
    assert sorted(r["actor_name"] for r in rows) == sorted(expected)


def test_a_confidential_tickets_files_reach_only_named_staff(hotline: Hotline) -> None:
    """The unit at large gets 404 (list, download, upload); its named staff and the center
    see the files, and the named staff attach the unit's reply."""
    h = hotline
    number = dispatched_secret(h)  # to ZJJ
    call = _attach(h.operator, number, files.wav(), kind="recording", filename="来电录音.wav")
    staff = named_staff(h)
    assert not _sees_recording(h.unit, number, call)
    assert not _sees_recording(h.reviewer, number, call)
    assert_error(upload(h.unit, number, files.PDF, "回复.pdf", kind="document"), 404, "not_found")
    assert _sees_recording(staff, number, call)
    assert _sees_recording(h.center, number, call)
    reply = _attach(staff, number, files.PDF, kind="document", filename="回复.pdf")
    assert (reply["purpose"], reply["unit_code"]) == ("reply", "ZJJ")
    assert [a["id"] for a in listed(h.center, number)] == [call["id"], reply["id"]]


def _sees_recording(caller: Caller, number: str, call: dict[str, Any]) -> bool:
    listing = caller.get(f"/api/v1/tickets/{number}/attachments")
    download = caller.get(call["download_url"])
    assert listing.status_code == download.status_code, (listing.status_code, download.status_code)
    if download.status_code == 404:
        return False
    assert download.status_code == 200 and download.data == files.wav()
    return True


def test_a_units_reply_carries_files_the_center_sees(hotline: Hotline) -> None:
    """The handling unit attaches with purpose reply; the center lists and downloads them
    next to its own; a unit attaches no recordings, others who only read attach nothing."""
    h = hotline
    number = acknowledged(h)  # ZJJ is handling it
    intake = _attach(h.operator, number)
    reply = _attach(h.unit, number, files.PDF, kind="document", filename="整改报告.pdf")
    assert (reply["purpose"], reply["unit_code"], reply["uploaded_by"]) == (
        "reply", "ZJJ", "demo-unit-zjj"
    )  # fmt: skip
    items = listed(h.center, number)
    assert [(a["id"], a["purpose"]) for a in items] == [(intake["id"], "intake"),
                                                        (reply["id"], "reply")]  # fmt: skip
    assert h.center.get(reply["download_url"]).data == files.PDF
    assert listed(h.supervisor, number) == items
    error = assert_error(upload(h.unit, number, files.wav(), "call.wav", kind="recording"),
                         403, "forbidden")  # fmt: skip
    assert "recordings" in error["message"]
    for reader in (h.supervisor, h.authority):
        assert_error(upload(reader, number, files.JPEG, "x.jpg"), 403, "forbidden")
    assert len(listed(h.center, number)) == 2


def test_every_unit_with_a_part_of_a_joint_ticket_replies_with_files(hotline: Hotline) -> None:
    """会签: each unit with a part attaches its reply; every part sees every unit's files."""
    h = hotline
    number = joint_ticket(h, units="ZJJ,HBJ", lead="ZJJ")
    lead = _attach(h.unit, number, files.PDF, kind="document", filename="牵头意见.pdf")
    part = _attach(h.third_unit, number, files.PNG, filename="监测.png")
    assert (lead["unit_code"], part["unit_code"]) == ("ZJJ", "HBJ")
    assert [a["id"] for a in listed(h.unit, number)] == [lead["id"], part["id"]]
    assert listed(h.third_unit, number) == listed(h.center, number)
    assert_error(upload(h.other_unit, number, files.JPEG, "x.jpg"), 404, "not_found")


def test_a_closed_tickets_replies_are_final_but_the_center_still_attaches(
    hotline: Hotline,
) -> None:
    """After the callback closes the ticket the unit's reply is final (409); the center
    still keeps e.g. the callback's recording with the matter."""
    h = hotline
    number = at_callback(h)
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    assert h.ticket(number)["status"] == "closed"
    error = assert_error(upload(h.unit, number, files.PDF, "late.pdf", kind="document"),
                         409, "conflict")  # fmt: skip
    assert "closed" in error["message"]
    call = _attach(h.center, number, files.MP3, kind="recording", filename="回访录音.mp3")
    assert call["purpose"] == "intake"


def test_every_download_is_audited_once_and_nothing_else_is(hotline: Hotline) -> None:
    """One audit row per download (who, role, unit, which file, which ticket, endpoint);
    listing and refused downloads add none."""
    h = hotline
    number = dispatched(h)
    photo = _attach(h.operator, number, filename="现场照片.jpg")
    reader = auditor(h)
    before = _accesses(reader)
    listed(h.center, number)
    h.center.get(photo["download_url"])
    h.center.get(photo["download_url"])
    h.unit.get(photo["download_url"])
    h.other_unit.get(photo["download_url"])  # 404: not audited
    rows = audit_rows(reader, action="download_attachment")
    assert len(rows) == 3
    zjj = rows[0]  # newest first
    assert (zjj["actor_name"], zjj["role"], zjj["unit_code"]) == ("demo-unit-zjj", "unit", "ZJJ")
    assert zjj["ticket_number"] == number
    assert zjj["endpoint"] == f"GET /api/v1/attachments/{photo['id']}"
    assert zjj["detail"]["attachment_id"] == photo["id"]
    assert zjj["detail"]["filename"] == "现场照片.jpg"
    assert [r["actor_name"] for r in rows[1:]] == ["demo-center", "demo-center"]
    assert _accesses(reader) == before + 3


def _accesses(reader: Caller) -> int:
    """Audit rows of every access but the auditor's own reads of the audit."""
    return len([r for r in audit_rows(reader) if r["action"] != "read_audit"])


def test_a_download_is_a_file_never_rendered(hotline: Hotline) -> None:
    """Content-Disposition attachment with an RFC 5987 name, the sniffed type, nosniff."""
    h = hotline
    number = h.new_ticket()["number"]
    doc = _attach(h.operator, number, files.TEXT, kind="document", filename="整改说明 (1).txt",
                  client_type="text/html")  # fmt: skip
    response = h.center.get(doc["download_url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="attachment-{doc["id"]}.txt"; '
        "filename*=UTF-8''%E6%95%B4%E6%94%B9%E8%AF%B4%E6%98%8E%20%281%29.txt"
    )
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Length"] == str(len(files.TEXT))
    assert response.data == files.TEXT
    ascii_name = _attach(h.operator, number, files.PDF, kind="document", filename="report.pdf")
    disposition = h.center.get(ascii_name["download_url"]).headers["Content-Disposition"]
    assert disposition == "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"


def test_a_15_mb_recording_is_streamed_in_small_chunks(hotline: Hotline) -> None:
    """A long call recording is served chunk by chunk (never read whole), and in ranges."""
    h = hotline
    number = h.new_ticket()["number"]
    content = files.wav(15 * 1024 * 1024)
    call = _attach(h.center, number, content, kind="recording", filename="call.wav")
    assert call["size"] == len(content)
    response = h.center.get(call["download_url"], buffered=False)
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Length"] == str(len(content))
    chunks = list(response.response)
    response.close()
    assert max(len(chunk) for chunk in chunks) <= 64 * 1024
    assert b"".join(chunks) == content
    ranged = h.center.get(call["download_url"], headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206
    assert ranged.data == content[100:200]
    assert ranged.headers["Content-Range"] == f"bytes 100-199/{len(content)}"
