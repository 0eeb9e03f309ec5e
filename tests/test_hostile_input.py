"""Inputs that must never break anything (issue 11 §3): each answers a clear 4xx, not a 500."""

from __future__ import annotations

import io
import json
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.test import TestResponse

from hotline.config import Settings
from hotline.models import ProcessDefinition
from tests.conftest import REPO, Hotline
from tests.helpers.servers import Gunicorn
from tests.helpers.tickets import TICKET_BODY as BODY
from wiring.cli import main
from wiring.services import Services

# guangyuan 第十一条: an upper-platform ticket is due 3 hours before the upper platform's limit.
UPPER = {**BODY, "channel": "upper_platform", "upper_deadline": "2026-11-30T18:00:00+08:00"}


def _tickets(h: Hotline) -> int:
    response = h.center.get("/api/v1/tickets")
    assert response.status_code == 200, response.json
    return response.json["total"]


def test_upper_deadline_without_idempotency_key_registers_the_ticket(hotline: Hotline) -> None:
    """An upper-platform ticket with its upper deadline is registered (was a 500)."""
    response = hotline.operator.post("/api/v1/tickets", json=UPPER)
    assert response.status_code == 201, response.json
    assert response.json["upper_deadline"] == "2026-11-30T18:00:00+08:00"
    assert _tickets(hotline) == 1


def test_upper_deadline_retry_with_idempotency_key_returns_the_same_ticket(
    hotline: Hotline,
) -> None:
    """The retry (even with the same instant written in UTC) replays the first ticket."""
    headers = {"Idempotency-Key": "upper-0001"}
    first = hotline.operator.post("/api/v1/tickets", json=UPPER, headers=headers)
    assert first.status_code == 201, first.json
    same_instant: dict[str, Any] = {**UPPER, "upper_deadline": "2026-11-30T10:00:00+00:00"}
    again = hotline.operator.post("/api/v1/tickets", json=same_instant, headers=headers)
    assert again.status_code == 201, again.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["number"] == first.json["number"]
    other = {**UPPER, "upper_deadline": "2026-12-01T18:00:00+08:00"}
    refused = hotline.operator.post("/api/v1/tickets", json=other, headers=headers)
    assert refused.status_code in (409, 422), refused.json
    assert _tickets(hotline) == 1


# --- Diagrams with a DOCTYPE: refused before any parser reads the DTD (defusedxml's policy) ---

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
DOCTYPES = {
    "xxe_file": '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    "xxe_http": '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM "http://127.0.0.1:9/x.dtd">]>',
    "billion_laughs": (
        '<!DOCTYPE bpmn:definitions [<!ENTITY a "hahahahaha">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY x "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    ),
    "plain": "<!DOCTYPE bpmn:definitions>",
}


def hostile(kind: str) -> str:
    """ticket.bpmn, changed, with a DOCTYPE on line 3 and `&x;` in the process documentation."""
    declaration, _, rest = TICKET_BPMN.partition("?>")
    start = rest.index(">", rest.index("<bpmn:process ")) + 1
    used = "<bpmn:documentation>&x;</bpmn:documentation>" if "ENTITY" in DOCTYPES[kind] else ""
    body = rest[:start] + used + rest[start:]
    return f"{declaration}?>\n<!-- a comment -->\n{DOCTYPES[kind]}{body}".replace(
        'label="处置方式"', 'label="处置方式（改）"'
    )


def _versions(h: Hotline) -> list[int]:
    response = h.admin.get("/api/v1/processes/ticket/versions")
    assert response.status_code == 200, response.json
    return [v["version"] for v in response.json]


def _refused_at_line_3(response: TestResponse, filename: str) -> None:
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert response.json["error"]["code"] == "validation_error"
    assert filename in response.json["error"]["message"]
    (problem,) = response.json["error"]["fields"]["problems"]
    assert (problem["file"], problem["line"]) == (filename, 3)
    assert "DOCTYPE" in problem["message"]
    assert "root:" not in response.get_data(as_text=True)  # /etc/passwd was never read


@pytest.mark.parametrize("kind", sorted(DOCTYPES))
def test_processes_upload_with_a_doctype_is_refused_naming_file_and_line(
    hotline: Hotline, kind: str
) -> None:
    """POST /api/v1/processes: 422 naming the file and the DOCTYPE's line; nothing stored."""
    data = {"files": [(io.BytesIO(hostile(kind).encode()), f"{kind}.bpmn")]}
    response = hotline.admin.post(
        "/api/v1/processes", data=data, content_type="multipart/form-data"
    )
    _refused_at_line_3(response, f"{kind}.bpmn")
    assert _versions(hotline) == [1]


@pytest.mark.parametrize("kind", sorted(DOCTYPES))
def test_definitions_upload_with_a_doctype_is_refused_naming_file_and_line(
    hotline: Hotline, kind: str
) -> None:
    """The older POST /api/v1/definitions (raw body): the same 422; nothing stored."""
    response = hotline.admin.post(
        f"/api/v1/definitions?filename={kind}.bpmn",
        data=hostile(kind).encode(),
        content_type="application/xml",
    )
    _refused_at_line_3(response, f"{kind}.bpmn")
    assert _versions(hotline) == [1]


@pytest.mark.parametrize("kind", sorted(DOCTYPES))
def test_deploy_check_with_a_doctype_prints_refused_and_exits_1(
    services: Services, settings: Settings, tmp_path: Path, kind: str
) -> None:
    """`hotline deploy --check` and `hotline deploy`: `refused: FILE:3: …`, exit 1, no traceback."""
    path = tmp_path / f"{kind}.bpmn"
    path.write_text(hostile(kind), encoding="utf-8")
    env = {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_VAR_DIR": str(settings.var_dir),
        "HOTLINE_PROFILE": settings.profile,
        "HOTLINE_BPMN_DIR": str(settings.bpmn_dir),
    }
    for args in (["deploy", "--check", str(path)], ["deploy", str(path)]):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
        assert result.stderr.startswith(f"refused: {kind}.bpmn:3: "), result.stderr
        assert "DOCTYPE" in result.stderr
        assert "Traceback" not in result.stderr
    with services.transaction() as session:
        stored = session.scalars(
            select(ProcessDefinition.version).where(ProcessDefinition.process_id == "ticket")
        )
        assert list(stored) == [1]


# --- Every error a client can see is the JSON envelope, from Flask and from gunicorn ---


def assert_envelope(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """A JSON error body {"error": {"code", "message", "fields"}} with `status`."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = json.loads(response.get_data())
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def test_werkzeug_errors_are_the_json_envelope(hotline: Hotline) -> None:
    """404, 405, 413 (body too large) and malformed JSON (400) answer JSON, not HTML."""
    client = hotline.app.test_client()
    cases = [
        (client.get("/api/no/such/page"), 404, "not_found"),
        (client.delete("/api/health"), 405, "method_not_allowed"),
        (
            hotline.admin.post(
                "/api/v1/definitions?filename=big.bpmn",
                data=b"<x/>" * (1024 * 1024 + 1),
                content_type="application/xml",
            ),
            413,
            "request_entity_too_large",
        ),
        (
            hotline.operator.post(
                "/api/v1/tickets", data=b'{"channel": ', content_type="application/json"
            ),
            400,
            None,
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        assert response.mimetype == "application/json"
        assert_envelope(response, status, code)


SEARCHES = ["/api/v1/knowledge/search", "/public/knowledge/search"]


@pytest.mark.parametrize("url", SEARCHES)
def test_a_pasted_500_character_search_is_answered(hotline: Hotline, url: str) -> None:
    """q of up to 500 characters (the documented limit) is searched; 501 is a 422 naming q."""
    pasted = ("小区夜间施工噪音扰民晚上十一点后仍在作业" * 25)[:500]
    ok = hotline.operator.get(url, query_string={"q": pasted})
    assert ok.status_code == 200, ok.json
    too_long = hotline.operator.get(url, query_string={"q": pasted + "吵"})
    assert too_long.status_code == 422
    assert "q" in assert_envelope(too_long, 422, "validation_error")["fields"]


def test_flask_answers_an_over_long_url_and_header_itself(hotline: Hotline) -> None:
    """Past the documented limits the app answers 414 and 431 in the JSON envelope."""
    long_url = hotline.operator.get("/public/knowledge/search", query_string={"q": "a" * 9000})
    assert long_url.status_code == 414
    assert_envelope(long_url, 414, "request_uri_too_long")
    big_header = hotline.operator.get("/api/health", headers={"X-Note": "a" * 40_000})
    assert big_header.status_code == 431
    assert (
        "X-Note" in assert_envelope(big_header, 431, "request_header_fields_too_large")["message"]
    )


@pytest.fixture
def gunicorn(hotline: Hotline, settings: Settings, tmp_path: Path) -> Iterator[Gunicorn]:
    """The service as production runs it, over the test database with the demo city."""
    server = Gunicorn(settings, tmp_path)
    yield server
    server.close()


def _json_error(status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    assert headers["Content-Type"].startswith("application/json"), (status, body[:300])
    error = json.loads(body)["error"]
    assert {"code", "message", "fields"} <= set(error)
    return error


def test_live_server_answers_long_urls_and_headers_in_json(gunicorn: Gunicorn) -> None:
    """gunicorn: a 10 KB header reaches the app; a 20 KB URL and a 40 KB header get JSON."""
    status, headers, body = gunicorn.request("GET", "/api/health", {"X-Note": "a" * 10_000})
    assert status == 200, body[:300]
    assert json.loads(body)["status"] == "ok"
    pasted = urllib.parse.quote("小区夜间施工噪音扰民晚上十一点后仍在作业" * 25)  # 500 chars
    status, headers, body = gunicorn.request("GET", f"/public/knowledge/search?q={pasted}")
    assert status == 200, body[:300]
    status, headers, body = gunicorn.request("GET", "/public/knowledge/search?q=" + "a" * 20_000)
    assert status == 414
    assert _json_error(status, headers, body)["code"] == "request_uri_too_long"
    status, headers, body = gunicorn.request("GET", "/api/health", {"X-Note": "a" * 40_000})
    assert status == 431
    assert _json_error(status, headers, body)["code"] == "request_header_fields_too_large"
    status, headers, body = gunicorn.request("GET", "/api/nowhere")
    assert status == 404
    assert _json_error(status, headers, body)["code"] == "not_found"
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as raw:
        raw.sendall(b"NOT AN HTTP REQUEST\r\n\r\n")  # gunicorn's own 400
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), answer[:300]
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["error"]["code"] == "bad_request"
