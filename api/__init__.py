"""HTTP API: thin Flask views over the domain functions, one blueprint per resource."""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from api import (
    admin,
    appeals,
    assessment,
    attachments,
    audit,
    auth,
    bulletins,
    contacts,
    definitions,
    errors,
    escalations,
    health,
    hotspots,
    knowledge,
    knowledge_questions,
    knowledge_search,
    migrations,
    milestones,
    notifications,
    parts,
    processes,
    public,
    public_tickets,
    retention,
    security,
    sms,
    stats,
    tasks,
    tickets,
    units,
)
from processes.host import Host

API_SPEC = {
    "API_TITLE": "12345 Hotline Service",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": security.SWAGGER_UI_URL,  # pinned local copy, no CDN
    "OPENAPI_SWAGGER_UI_CONFIG": security.SWAGGER_UI_CONFIG,
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,  # BPMN uploads fit; megabyte JSON does not
}


class ReadableJson(DefaultJSONProvider):
    """JSON as the API writes it: Chinese stays readable, keys keep the schema's order."""

    ensure_ascii = False
    sort_keys = False


def create_app(services: Host) -> Flask:
    """Build the Flask app around `services` (the composition root builds them)."""
    app = Flask(__name__)
    app.config.update(API_SPEC)
    app.json = ReadableJson(app)
    app.extensions["hotline"] = services
    api = errors.JsonApi(app, spec_kwargs={"info": {"description": _DESCRIPTION}})
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "API token"}
    )
    errors.install(app)  # first: NUL checks run before the token lookup
    security.install(app)
    auth.install(app)
    for module in (
        health,
        tickets,
        milestones,
        parts,
        escalations,
        tasks,
        units,
        definitions,
        processes,
        migrations,
        admin,
        knowledge,
        knowledge_search,
        knowledge_questions,
        public,
        stats,
        assessment,
        appeals,
        bulletins,
        hotspots,
        notifications,
        contacts,
        sms,
        public_tickets,
        audit,
        attachments,
        retention,
    ):
        api.register_blueprint(module.blp)
    return app


_DESCRIPTION = (
    "Tickets of a 12345 government service hotline. Every lifecycle is a BPMN diagram; "
    "user tasks are completed through /api/v1/tasks. Authenticate with "
    "`Authorization: Bearer <token>`."
)
