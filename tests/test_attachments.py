"""Uploading attachments: types read from the content, size limits, nothing half-written.

Issue 15 item 4: tickets and unit replies carry photos, documents and call recordings
(guangyuan 第十四条 and guangxi 第二十八条 keep recordings); size and type checked on content.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os

import pytest

from tests.conftest import Hotline
from tests.helpers import attachments as files
from tests.helpers.api import assert_error
from tests.helpers.attachments import listed, stored_files, upload
from tests.helpers.tickets import dispatched


def test_the_operator_attaches_a_photo_stored_as_its_content_says(hotline: Hotline) -> None:
    """The stored type is the one found in the bytes, never the client's claim."""
    number = hotline.new_ticket()["number"]
    response = upload(hotline.operator, number, files.JPEG, "现场.jpg", client_type="text/html")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["ticket_number"] == number
    assert (body["kind"], body["purpose"], body["unit_code"]) == ("photo", "intake", None)
    assert body["content_type"] == "image/jpeg"
    assert body["filename"] == "现场.jpg"
    assert body["size"] == len(files.JPEG)
    assert body["sha256"] == hashlib.sha256(files.JPEG).hexdigest()
    assert body["uploaded_by"] == "demo-operator"
    assert body["purged_at"] is None
    assert body["download_url"] == f"/api/v1/attachments/{body['id']}"
    assert listed(hotline.center, number) == [body]
    # One file in the store, under a random key: nothing of the client's name on disk.
    (path,) = stored_files(hotline)
    assert "现场" not in path and not path.endswith(".jpg")


def test_every_accepted_type_is_recognised_by_its_content(hotline: Hotline) -> None:
    """Photos, documents and recordings of each accepted type, named without extensions."""
    number = hotline.new_ticket()["number"]
    cases = [
        ("photo", files.JPEG, "image/jpeg", "jpg"),
        ("photo", files.PNG, "image/png", "png"),
        ("photo", files.GIF, "image/gif", "gif"),
        ("photo", files.WEBP, "image/webp", "webp"),
        ("document", files.PDF, "application/pdf", "pdf"),
        ("document", files.DOCX, "application/vnd.openxmlformats-officedocument."
         "wordprocessingml.document", "docx"),
        ("document", files.XLSX, "application/vnd.openxmlformats-officedocument."
         "spreadsheetml.sheet", "xlsx"),
        ("document", files.TEXT, "text/plain; charset=utf-8", "txt"),
        ("recording", files.wav(), "audio/wav", "wav"),
        ("recording", files.MP3, "audio/mpeg", "mp3"),
        ("recording", files.AMR, "audio/amr", "amr"),
        ("recording", files.M4A, "audio/mp4", "m4a"),
        ("recording", files.AAC, "audio/aac", "aac"),
    ]  # fmt: skip
    for kind, content, content_type, extension in cases:
        response = upload(hotline.center, number, content, "来电", kind=kind)
        assert response.status_code == 201, (content_type, response.get_json())
        body = response.get_json()
        assert body["content_type"] == content_type
        # A name without an extension gets the content's, so a saved file opens as what it is.
        assert body["filename"] == f"来电.{extension}"
    assert len(listed(hotline.center, number)) == len(cases)


def test_a_fake_jpeg_is_refused_and_leaves_nothing(hotline: Hotline) -> None:
    """Text named .jpg is not a photo: 415 naming the file field; no row, no bytes."""
    number = hotline.new_ticket()["number"]
    response = upload(
        hotline.operator, number, b"just some text", "photo.jpg", client_type="image/jpeg"
    )
    error = assert_error(response, 415, "unsupported_media_type", "file")
    assert ".jpg" in error["message"] and "plain text" in error["message"]
    # Named as text, it still is no photo: the kind must fit the content.
    response = upload(hotline.operator, number, b"just some text", "photo.txt", kind="photo")
    error = assert_error(response, 422, "validation_error", "kind")
    assert "image" in error["message"]
    assert listed(hotline.center, number) == []
    assert stored_files(hotline) == []


@pytest.mark.parametrize(
    ("content", "name"),
    [(files.ELF, "scan.pdf"), (files.ELF, "program"), (files.plain_zip(), "scan.zip"),
     (b"\x00\x01\x02binary", "data.bin"), (b"\xff\xfe\xfa broken utf-8", "a.txt")],
)  # fmt: skip
def test_content_of_no_accepted_type_is_refused(
    hotline: Hotline, content: bytes, name: str
) -> None:
    """Programs, plain zips and binary junk: 415 naming the file and the accepted types."""
    number = hotline.new_ticket()["number"]
    response = upload(hotline.operator, number, content, name, kind="document")
    error = assert_error(response, 415, "unsupported_media_type", "file")
    assert "PDF" in error["message"]
    assert stored_files(hotline) == []


def test_the_kind_must_fit_the_content(hotline: Hotline) -> None:
    """A recording is audio, a photo an image, a document no recording: 422 naming kind."""
    number = hotline.new_ticket()["number"]
    for content, name, kind in [
        (files.JPEG, "call.jpg", "recording"),
        (files.wav(), "photo.wav", "photo"),
        (files.MP3, "minutes.mp3", "document"),
        (files.PDF, "photo.pdf", "photo"),
    ]:
        error = assert_error(upload(hotline.center, number, content, name, kind=kind),
                             422, "validation_error", "kind")  # fmt: skip
        assert kind in error["message"]
    assert listed(hotline.center, number) == []


def test_missing_or_wrong_fields_are_named(hotline: Hotline) -> None:
    """No kind, an unknown kind, no file, a JSON body, an empty file: 422 naming the field."""
    number = hotline.new_ticket()["number"]
    url = f"/api/v1/tickets/{number}/attachments"
    assert_error(upload(hotline.center, number, files.JPEG, "a.jpg", kind=None),
                 422, "validation_error", "kind")  # fmt: skip
    assert_error(upload(hotline.center, number, files.JPEG, "a.jpg", kind="video"),
                 422, "validation_error", "kind")  # fmt: skip
    assert_error(hotline.center.post(url, data={"kind": "photo"}), 422, "validation_error", "file")
    assert_error(hotline.center.post(url, json={"kind": "photo"}), 422, "validation_error", "file")
    assert_error(upload(hotline.center, number, b"", "a.jpg"), 422, "validation_error", "file")
    assert listed(hotline.center, number) == []
    assert stored_files(hotline) == []


def test_file_names_are_cleaned_never_used_as_paths(hotline: Hotline) -> None:
    """Folders, control and bidi characters are dropped; an unknown extension gets the real one."""
    number = hotline.new_ticket()["number"]
    names = {
        "../../etc/passwd.txt": "passwd.txt",
        "/home/张三/整改报告.pdf": "整改报告.pdf",
        "report\u202etxt.exe": "reporttxt.exe.txt",
        "page.html": "page.html.txt",
        "...": "attachment.txt",
    }
    for sent, shown in names.items():
        content = files.PDF if shown.endswith(".pdf") else files.TEXT
        response = upload(hotline.center, number, content, sent, kind="document")
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["filename"] == shown
    assert all(path.count("/") == 2 for path in stored_files(hotline))  # ab/cd/<key> only


def _limit(h: Hotline, limit: int) -> None:
    """Run the app with HOTLINE_ATTACHMENT_MAX_BYTES=limit."""
    settings = h.services.settings
    privacy = dataclasses.replace(settings.privacy, attachment_max_bytes=limit)
    h.services.settings = dataclasses.replace(settings, privacy=privacy)


def test_an_oversized_file_is_refused_naming_the_limit_and_leaves_nothing(
    hotline: Hotline,
) -> None:
    """413 with the limit in the message, while streaming and before reading; no file left."""
    _limit(hotline, 1024 * 1024)
    number = hotline.new_ticket()["number"]
    just_over = files.wav(1024 * 1024)  # the header makes it a little over 1 MiB
    error = assert_error(upload(hotline.center, number, just_over, "call.wav", kind="recording"),
                         413, "payload_too_large", "file")  # fmt: skip
    assert "1 MiB (1048576 bytes)" in error["message"]
    far_over = files.wav(3 * 1024 * 1024)  # refused on its Content-Length alone
    error = assert_error(upload(hotline.center, number, far_over, "call.wav", kind="recording"),
                         413, "payload_too_large", "file")  # fmt: skip
    assert "1048576 bytes" in error["message"]
    assert stored_files(hotline) == []
    assert listed(hotline.center, number) == []
    at_limit = files.wav(1024 * 1024 - 44)  # exactly the limit is accepted
    response = upload(hotline.center, number, at_limit, "call.wav", kind="recording")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["size"] == 1024 * 1024


def test_files_over_the_apps_body_limit_upload_but_other_routes_keep_it(
    hotline: Hotline,
) -> None:
    """The 4 MiB request limit of the app is lifted for uploads only (default limit 20 MiB)."""
    number = hotline.new_ticket()["number"]
    big = files.wav(5 * 1024 * 1024)
    response = upload(hotline.center, number, big, "call.wav", kind="recording")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["size"] == len(big)
    padded = {"content": "噪" * (1700 * 1024)}  # a 5 MB JSON body elsewhere
    response = hotline.operator.post("/api/v1/tickets", json=padded)
    assert response.status_code == 413, response.status_code


def test_a_failed_database_write_leaves_no_file(
    hotline: Hotline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row and the bytes are one change: a transaction that fails takes the file along."""
    number = hotline.new_ticket()["number"]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away before the commit")

    monkeypatch.setattr("hotline.attachments.listed", broken)  # after the row is flushed
    response = upload(hotline.center, number, files.JPEG, "a.jpg")
    assert_error(response, 500, "internal_error")
    monkeypatch.undo()
    assert listed(hotline.center, number) == []
    assert stored_files(hotline) == []


def test_a_failed_file_write_leaves_no_row(
    hotline: Hotline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: 503 naming the store, no row, no partial file."""
    number = hotline.new_ticket()["number"]

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("hotline.attachment_store.os.replace", disk_full)
    error = assert_error(upload(hotline.center, number, files.JPEG, "a.jpg"),
                         503, "attachment_store_unavailable")  # fmt: skip
    assert "No space left" in error["message"]
    monkeypatch.undo()
    assert listed(hotline.center, number) == []
    assert stored_files(hotline) == []


def test_a_ticket_that_does_not_exist_reads_nothing(hotline: Hotline) -> None:
    """404 before a byte of the body is read."""
    response = upload(hotline.center, "GY00000000-9999", files.JPEG, "a.jpg")
    assert_error(response, 404, "not_found")
    assert stored_files(hotline) == []
    assert dispatched(hotline)  # the service still works
