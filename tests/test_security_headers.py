"""Security headers on every response, Swagger UI from a local copy, no token in a log.

Issue 11 §3: hotlines run on government intranets (no CDN) and their answers carry
requesters' names and phone numbers (never cached by a browser or proxy).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import TestResponse

from hotline.config import Settings
from tests.conftest import Hotline
from tests.helpers.servers import Gunicorn
from wiring.server import RedactTokens


def answers(h: Hotline) -> dict[str, TestResponse]:
    """A sample of every kind of answer: JSON 200s, errors, public pages, the docs."""
    anonymous = h.app.test_client()
    number = h.new_ticket()["number"]
    return {
        "health": anonymous.get("/api/health"),
        "ticket": h.center.get(f"/api/v1/tickets/{number}"),
        "ticket list": h.operator.get("/api/v1/tickets"),
        "no token": anonymous.get("/api/v1/tickets"),
        "not found": h.center.get("/api/v1/tickets/NOPE"),
        "no route": anonymous.get("/api/nowhere"),
        "public search": anonymous.get("/public/knowledge/search?q=噪音"),
        "openapi": anonymous.get("/api/openapi.json"),
        "docs": anonymous.get("/api/docs"),
    }


def test_every_response_has_nosniff_referrer_policy_and_no_store(hotline: Hotline) -> None:
    """nosniff, Referrer-Policy: no-referrer and Cache-Control: no-store everywhere."""
    for name, response in answers(hotline).items():
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("Referrer-Policy") == "no-referrer", name
        assert response.headers.get("Cache-Control") == "no-store", name
        assert response.headers.get("Content-Security-Policy"), name


def test_workplace_pages_send_their_origin_only_to_themselves(hotline: Hotline) -> None:
    """Pages (web/) send Referrer-Policy: same-origin, so a form posted from a page carries
    the Origin the CSRF check compares; no URL goes to another site; never cached."""
    anonymous = hotline.app.test_client()
    for path in ("/signin", "/nowhere"):
        response = anonymous.get(path)
        assert response.headers.get("Referrer-Policy") == "same-origin", path
        assert response.headers.get("Cache-Control") == "no-store", path
        assert "script-src 'self';" in response.headers["Content-Security-Policy"], path


def test_docs_page_loads_swagger_ui_from_the_service_under_a_strict_csp(hotline: Hotline) -> None:
    """/api/docs: no http(s):// asset left, each local asset served, a CSP without CDNs."""
    client = hotline.app.test_client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"https?://", html), html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 3
    for asset in assets:
        assert asset.startswith("/api/docs/assets/")
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert len(served.get_data()) > 10_000
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp.split(";")[1]
    assert "http" not in csp
    assert '"validatorUrl": null' in html  # Swagger UI fetches no validator badge either


@pytest.fixture
def live(hotline: Hotline, settings: Settings, tmp_path: Path) -> Iterator[Gunicorn]:
    """gunicorn serving the test database, its log captured."""
    server = Gunicorn(settings, tmp_path)
    yield server
    server.close()


def test_tokens_in_query_strings_never_reach_the_log(live: Gunicorn, hotline: Hotline) -> None:
    """?token= and ?access_token= are logged as [redacted]; other parameters stay readable."""
    secret = hotline.center.token
    status, headers, _ = live.request("GET", f"/api/health?token={secret}&page=2")
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    live.request("GET", f"/public/knowledge/search?q=noise&access_token={secret}")
    live.request("GET", f"/api/v1/tickets?api_key={secret}", {"Authorization": f"Bearer {secret}"})
    live.close()  # flushes the access log
    log = live.log()
    assert "/api/health?token=[redacted]&page=2" in log
    assert "access_token=[redacted]" in log and "api_key=[redacted]" in log
    assert "q=noise" in log
    assert secret not in log


def test_app_log_lines_and_tracebacks_are_redacted_too() -> None:
    """The filter gunicorn's logs use also cleans an app error's message and traceback."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("GET /api/v1/tickets?access_token=s3cr3t-value failed")
        except ValueError:
            logger.exception("request %s", "/public/knowledge/search?q=电梯&token=s3cr3t-value")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "s3cr3t-value" not in written
    assert "q=电梯&token=[redacted]" in written and "access_token=[redacted]" in written


def test_workplace_assets_are_cacheable_and_revalidated(hotline: Hotline) -> None:
    """The workplace's static files (bpmn-js) are not re-sent on every page: no no-store,
    and a second request with the ETag answers 304."""
    client = hotline.app.test_client()
    first = client.get("/assets/workplace.css")
    assert first.status_code == 200
    assert first.headers.get("Cache-Control") != "no-store"
    again = client.get("/assets/workplace.css", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
