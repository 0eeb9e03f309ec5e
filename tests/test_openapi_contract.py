"""The served OpenAPI document is valid and the API keeps to it (issue 11 §3).

openapi-spec-validator checks the document; schemathesis sends a bounded number of
generated requests, as an admin, and checks every answer against the document.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from hotline.config import Settings
from tests.conftest import Hotline
from tests.helpers.servers import Gunicorn

SCHEMATHESIS_EXAMPLES = 4  # per operation and phase: enough to find 500s, fast enough for CI


def served(h: Hotline) -> dict:
    """/api/openapi.json as a client downloads it."""
    response = h.app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


def test_served_document_validates_and_every_reference_resolves(hotline: Hotline) -> None:
    """No dangling `#/components/...` reference (there were 30); the validator agrees."""
    doc = served(hotline)
    refs = set(re.findall(r'"\$ref": "#/components/(\w+)/([^"]+)"', json.dumps(doc)))
    dangling = sorted(f"{k}/{name}" for k, name in refs if name not in doc["components"][k])
    assert dangling == []
    validate(doc)


def test_health_documents_its_200_body(hotline: Hotline) -> None:
    """/api/health says what a monitor gets back: status, profile and warnings."""
    doc = served(hotline)
    ok = doc["paths"]["/api/health"]["get"]["responses"]["200"]
    schema_ref = ok["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert {"status", "profile", "warnings"} <= set(schema["properties"])
    body = hotline.app.test_client().get("/api/health").json
    assert set(body) == set(schema["properties"])


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    hotline: Hotline, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated requests, as an admin, against gunicorn: no 500, every answer as documented.

    Bounded (a few examples per operation, fixed seed) so `make test` stays fast. An SMS
    gateway is configured (nothing listens there), so the inbound SMS view checks
    signatures instead of answering 503 sms_not_configured.
    """
    monkeypatch.setenv("HOTLINE_SMS_URL", "http://127.0.0.1:9/sms/send")
    monkeypatch.setenv("HOTLINE_SMS_SECRET", "schemathesis")
    server = Gunicorn(settings, tmp_path)
    try:
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"http://127.0.0.1:{server.port}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {hotline.admin.token}",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_schema_conformance,response_headers_conformance",
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            str(SCHEMATHESIS_EXAMPLES),
            "--seed",
            "1",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "20",
            "--no-color",
        ]
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
        )
    finally:
        server.close()
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    assert " passed" in report and "failure" not in report.split("SUMMARY")[-1], report[-3000:]
