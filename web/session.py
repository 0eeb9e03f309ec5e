"""Who is signed in: the session cookie looked up on every page request, CSRF checks on
every form, and the response headers of pages (CSP, Server-Timing).

Pages are every path outside /api/ and /public/ (those keep bearer tokens and their own
limits). The session's user becomes `g.actor`, as a token's does on the API, so both ask
`hotline.access` the same questions about the same Actor.
"""

from __future__ import annotations

import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from hotline import web_sessions
from hotline.actors import Actor
from hotline.errors import DomainError
from processes.host import Host

COOKIE = "hotline_session"
CSRF_COOKIE = "hotline_csrf"  # before sign-in: the sign-in form's double-submit token
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SIGN_OUT = "/signout"
API_PREFIXES = ("/api/", "/public/")
ASSETS = "/assets/"

# Pages run only their own scripts and styles; bpmn-js sets style attributes on its SVG.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


class FormExpired(DomainError):
    """A form without this session's CSRF token, or posted from another site."""

    status = 400
    code = "form_expired"


def services() -> Host:
    """The services this app was built with."""
    host: Host = current_app.extensions["hotline"]
    return host


def is_page(path: str) -> bool:
    """Whether `path` is a workplace page (not the API, the public endpoints or assets)."""
    return not path.startswith(API_PREFIXES) and not path.startswith(ASSETS)


def actor() -> Actor | None:
    """The signed-in user of this request, or None."""
    return g.get("actor")


def csrf_token() -> str:
    """The token every form of this request's page sends back."""
    token = g.get("csrf_token")
    if token is None:  # not signed in: the sign-in form's double-submit token
        sent = request.cookies.get(csrf_cookie_name())
        token = sent or secrets.token_urlsafe(32)
        g.csrf_token = token
        g.set_csrf_cookie = token != sent
    return str(token)


def secure_cookies() -> bool:
    """Whether cookies carry Secure: as HOTLINE_SECURE_COOKIES says (1/0), else when the
    request came over HTTPS (behind a proxy: gunicorn trusts X-Forwarded-Proto from the
    addresses in FORWARDED_ALLOW_IPS, 127.0.0.1 by default)."""
    forced = services().settings.privacy.secure_cookies
    return forced if forced is not None else request.is_secure


def _named(name: str) -> str:
    # A Secure cookie is named __Host-…: the browser then refuses one set by another host,
    # over plain HTTP or for another path, so nobody can plant a session on this site.
    return f"__Host-{name}" if secure_cookies() else name


def cookie_name() -> str:
    """The session cookie's name for this request (__Host-hotline_session when Secure)."""
    return _named(COOKIE)


def csrf_cookie_name() -> str:
    """The sign-in form's CSRF cookie's name for this request."""
    return _named(CSRF_COOKIE)


def session_secret() -> str | None:
    """The session secret this browser sent, or None."""
    return request.cookies.get(cookie_name()) or None


def set_session_cookie(response: Response, secret: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, gone with the browser
    (the server ends it anyway after HOTLINE_SESSION_IDLE_MINUTES or HOTLINE_SESSION_HOURS)."""
    response.set_cookie(
        cookie_name(), secret, httponly=True, samesite="Lax", secure=secure_cookies(), path="/"
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        cookie_name(), path="/", httponly=True, samesite="Lax", secure=secure_cookies()
    )


def _same_origin() -> bool:
    # Browsers send Origin on every POST; a form posted from another site is refused.
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # not a browser, or a privacy setting; the token check still applies
    sent = urlsplit(origin)
    return f"{sent.scheme}://{sent.netloc}" == request.host_url.rstrip("/")


def install(app: Flask) -> None:
    """Look the session up before every page; check CSRF on every form; page headers."""
    from api.security import CACHEABLE_PREFIXES

    # The workplace's static files (bpmn-js among them) are public: browsers revalidate them
    # instead of downloading them again on every page.
    app.extensions[CACHEABLE_PREFIXES].append(ASSETS)

    @app.before_request
    def load_session() -> None:
        if not is_page(request.path):
            return
        g.page_started = time.perf_counter()
        secret = session_secret()
        if secret:
            with services().transaction() as session:
                found = web_sessions.current(session, secret, services().settings.privacy)
            if found is not None:
                g.actor, g.csrf_token = found.actor, found.csrf_token
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.path == SIGN_OUT and g.get("actor") is None:
            return  # signing out of a session already over: nothing to forge
        sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
        expected = g.get("csrf_token") or request.cookies.get(csrf_cookie_name()) or ""
        # Bytes: compare_digest refuses non-ASCII text, and a form may send anything.
        same = hmac.compare_digest(sent.encode(errors="replace"), expected.encode())
        if not _same_origin() or not expected or not same:
            raise FormExpired("表单已失效，请刷新页面后重试")

    @app.after_request
    def page_headers(response: Response) -> Response:
        if not is_page(request.path):
            return response
        # A download streamed on a page path keeps its own, stricter policy (sandbox).
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        # Forms must carry their Origin (checked above); no URL leaves for another site.
        response.headers["Referrer-Policy"] = "same-origin"
        started = g.get("page_started")
        if started is not None:
            spent = (time.perf_counter() - started) * 1000
            response.headers["Server-Timing"] = f"app;dur={spent:.1f}"
        token = g.get("csrf_token")
        if g.get("set_csrf_cookie") and token:
            response.set_cookie(
                csrf_cookie_name(),
                token,
                httponly=True,
                samesite="Strict",
                secure=secure_cookies(),
                path="/",
            )
        return response
