"""Security headers on every response, and Swagger UI from the pinned local copy.

Hotlines run on government intranets: /api/docs loads nothing from the internet.
"""

from __future__ import annotations

import base64
import hashlib
import re

import swagger_ui_bundle
from flask import Blueprint, Flask, Response, request, send_from_directory

from api.errors import error_response

DOCS_PATH = "/api/docs"
ASSETS_PATH = "/api/docs/assets"
SWAGGER_UI_URL = ASSETS_PATH + "/"  # flask-smorest's OPENAPI_SWAGGER_UI_URL: a local route
SWAGGER_UI_CONFIG = {"validatorUrl": None}  # no badge fetched from validator.swagger.io

# Limits the app enforces itself (README "Limits and headers"); gunicorn's are a little wider
# (wiring/server.py), so these answers, not the server's, are what clients normally see.
MAX_URL_BYTES = 8000  # path and query string, percent-encoded as sent
MAX_HEADER_BYTES = 32 * 1024  # one header field, name and value
MAX_HEADERS_BYTES = 64 * 1024  # all header fields together

# JSON answers run no script and are framed by no page.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)

# app.extensions key: path prefixes of public, versioned files that browsers may cache
# (Swagger UI's here; the workplace adds its /assets/ in web/session.py).
CACHEABLE_PREFIXES = "cacheable_prefixes"

assets = Blueprint("swagger_ui_assets", __name__)


@assets.route(ASSETS_PATH + "/<path:filename>")
def swagger_ui_asset(filename: str) -> Response:
    """A file of the Swagger UI release that swagger-ui-bundle ships (version pinned)."""
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=3600)


def docs_csp(body: bytes) -> str:
    """The docs page's policy: its own assets, and its one inline script by hash only."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(body)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def install(app: Flask) -> None:
    """Serve the local Swagger UI and add the security headers to every response."""
    app.register_blueprint(assets)
    app.extensions[CACHEABLE_PREFIXES] = [ASSETS_PATH + "/"]

    @app.before_request
    def refuse_oversized() -> Response | None:
        # Before the token lookup: an absurd request costs no database work.
        url_bytes = len(request.path.encode()) + len(request.query_string)
        if url_bytes > MAX_URL_BYTES:
            message = f"the URL is {url_bytes} bytes long; at most {MAX_URL_BYTES} are accepted"
            return error_response(414, "request_uri_too_long", message)
        sizes = {name: len(name) + len(value) for name, value in request.headers.items()}
        longest = max(sizes, key=sizes.__getitem__, default=None)
        if longest is not None and sizes[longest] > MAX_HEADER_BYTES:
            message = f"the {longest} header is longer than {MAX_HEADER_BYTES} bytes"
            return error_response(431, "request_header_fields_too_large", message)
        if sum(sizes.values()) > MAX_HEADERS_BYTES:
            message = f"the request headers are longer than {MAX_HEADERS_BYTES} bytes together"
            return error_response(431, "request_header_fields_too_large", message)
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        # URLs may name tickets; never leak them (pages send their own origin: web/session.py).
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers["X-Frame-Options"] = "DENY"
        if request.path.startswith(tuple(app.extensions[CACHEABLE_PREFIXES])):
            return response  # public, versioned files: cacheable
        # Tickets, requesters and tokens: nothing is kept by a browser or a proxy.
        headers["Cache-Control"] = "no-store"
        if request.path.rstrip("/") == DOCS_PATH and response.mimetype == "text/html":
            headers["Content-Security-Policy"] = docs_csp(response.get_data())
        else:
            headers.setdefault("Content-Security-Policy", API_CSP)
        return response
