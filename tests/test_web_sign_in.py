"""Signing in to the web workplace with a password (issue 16 §1): the cookie's flags, CSRF on
every form, sign-out and password change ending sessions on the server, one message and one
scrypt for any refusal, the per-address limit shared with API tokens, pages and the API kept
apart, and no redirect off the site.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.test import TestResponse

from hotline.clock import ManualClock
from hotline.config import Settings
from hotline.models.web import WebSession
from processes.registry import deploy_directory
from tests.conftest import Hotline, make_hotline
from tests.helpers.api import assert_error
from tests.helpers.tokens import bearer
from tests.helpers.web import WebUser, anonymous, csrf_in, web_user
from web.auth import safe_next
from wiring.services import build_services

PAGE = "/account/password"  # a page every signed-in user opens
GUESSER, NEIGHBOUR = "198.51.100.30", "198.51.100.31"


def set_cookies(response: TestResponse) -> dict[str, str]:
    """The Set-Cookie headers of a response, by cookie name."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        found[header.split("=", 1)[0]] = header
    return found


def signed_in(user: WebUser) -> bool:
    """Whether the browser's cookie still opens a page."""
    return user.client.get(PAGE).status_code == 200


def change(user: WebUser, old: str, new: str, again: str | None = None) -> TestResponse:
    """Post the password form."""
    form = {"old_password": old, "new_password": new, "new_password_again": again or new}
    return user.post(PAGE, form)


def from_address(user: WebUser, address: str) -> WebUser:
    """Every request of this browser comes from `address`."""
    user.client.environ_base["REMOTE_ADDR"] = address
    return user


# -- the cookie ------------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_samesite_lax_without_secure_over_http(
    hotline: Hotline,
) -> None:
    browser = anonymous(hotline.app)
    form = browser.get("/signin")
    csrf_cookie = set_cookies(form)["hotline_csrf"]
    assert "HttpOnly" in csrf_cookie and "SameSite=Strict" in csrf_cookie
    response = browser.sign_in("demo-unit-zjj")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    cookie = set_cookies(response)["hotline_session"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and "Expires" not in cookie  # gone with the browser
    assert signed_in(browser)


def https(user: WebUser) -> WebUser:
    """Every request of this browser comes over HTTPS."""
    plain = user.client.open

    def secure(*args: Any, **kwargs: Any) -> TestResponse:
        kwargs.setdefault("environ_overrides", {})["wsgi.url_scheme"] = "https"
        return plain(*args, **kwargs)

    user.client.open = secure  # type: ignore[method-assign]
    return user


def test_over_https_the_cookies_are_secure_and_host_prefixed(hotline: Hotline) -> None:
    browser = https(anonymous(hotline.app))
    assert "Secure" in set_cookies(browser.get("/signin"))["__Host-hotline_csrf"]
    response = browser.sign_in("demo-unit-zjj")
    cookie = set_cookies(response)["__Host-hotline_session"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    assert signed_in(browser)
    # A cookie without the prefix (planted over plain HTTP, or by another host) is not read.
    planted = https(anonymous(hotline.app))
    planted.client.set_cookie("hotline_session", browser.session_cookie or "")
    assert not signed_in(planted)
    signed_out = browser.sign_out()
    assert "__Host-hotline_session=;" in set_cookies(signed_out)["__Host-hotline_session"]


@pytest.fixture
def configured(settings: Settings, manual_clock: ManualClock) -> Iterator[Any]:
    """`configured(secure_cookies=True, …)`: the demo city with these privacy settings."""
    built: list[Any] = []

    def make(**privacy: Any) -> Hotline:
        services = build_services(replace(settings, privacy=replace(settings.privacy, **privacy)))
        built.append(services)
        with services.transaction() as session:
            deploy_directory(session, settings.bpmn_dir)
        return make_hotline(services)

    yield make
    for services in built:
        services.dispose()


def test_hotline_secure_cookies_forces_secure_on_or_off(configured: Any) -> None:
    forced = configured(secure_cookies=True)
    response = anonymous(forced.app).sign_in("demo-unit-zjj")  # plain HTTP, e.g. a proxy's
    assert "Secure" in set_cookies(response)["__Host-hotline_session"]
    never = configured(secure_cookies=False)
    response = https(anonymous(never.app)).sign_in("demo-unit-zjj")
    assert "Secure" not in set_cookies(response)["hotline_session"]


# -- CSRF ------------------------------------------------------------------------------------


def password_works(h: Hotline, name: str, password: str) -> bool:
    return anonymous(h.app).sign_in(name, password).status_code == 302


@pytest.mark.parametrize(
    "token, headers",
    [
        (None, {}),
        ("wrong-token", {}),
        ("令牌", {}),  # not ASCII: still a plain refusal
        ("RIGHT", {"Origin": "https://evil.example"}),
        ("RIGHT", {"Origin": "null"}),
        ("RIGHT", {"Referer": "http://evil.example/form"}),
    ],
)
def test_a_form_without_this_sessions_token_or_from_another_site_gets_400_and_changes_nothing(
    hotline: Hotline, token: str | None, headers: dict[str, str]
) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    form = {
        "old_password": "demo12345",
        "new_password": "新的密码-2026",
        "new_password_again": "新的密码-2026",
    }
    if token is not None:
        form["csrf_token"] = me.csrf if token == "RIGHT" else token  # type: ignore[assignment]
    response = me.post(PAGE, form, csrf=False, headers=headers)
    assert response.status_code == 400 and "表单已失效，请刷新页面后重试" in response.text
    assert password_works(hotline, "demo-unit-zjj", "demo12345")
    # Signing out is a form too: without the token the session stays.
    assert me.post("/signout", csrf=False, headers=headers).status_code == 400
    assert signed_in(me)


def test_the_same_origin_and_the_token_in_a_header_are_accepted(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    origin = {"Origin": "http://localhost", "X-CSRF-Token": me.csrf or ""}
    form = {
        "old_password": "demo12345",
        "new_password": "新的密码-2026",
        "new_password_again": "新的密码-2026",
    }
    assert me.post(PAGE, form, csrf=False, headers=origin).status_code == 200


def test_the_sign_in_form_needs_its_token_and_its_origin(hotline: Hotline) -> None:
    browser = anonymous(hotline.app)
    token = csrf_in(browser.get("/signin").text)
    form = {"username": "demo-unit-zjj", "password": "demo12345"}
    for data, headers in [
        (form, {}),
        ({**form, "csrf_token": "forged"}, {}),
        ({**form, "csrf_token": token}, {"Origin": "https://evil.example"}),
    ]:
        response = browser.client.post("/signin", data=data, headers=headers)
        assert response.status_code == 400 and "hotline_session" not in set_cookies(response)
    # A browser that never loaded the form has no double-submit cookie: any token is refused.
    fresh = anonymous(hotline.app)
    response = fresh.client.post("/signin", data={**form, "csrf_token": token})
    assert response.status_code == 400
    assert browser.client.post("/signin", data={**form, "csrf_token": token}).status_code == 302


# -- signing out, changing the password --------------------------------------------------------


def test_signing_out_ends_the_session_on_the_server(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    stolen = me.session_cookie
    response = me.sign_out()
    assert response.status_code == 302 and response.headers["Location"] == "/signin"
    assert "hotline_session=;" in set_cookies(response)["hotline_session"]
    replayed = anonymous(hotline.app)
    replayed.client.set_cookie("hotline_session", stolen or "")
    response = replayed.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")
    with hotline.services.transaction() as session:
        ended = session.scalars(select(WebSession.ended_at)).all()
    assert len(ended) == 1 and ended[0] is not None
    # Pressing 退出 on a page left open after that just goes to the sign-in form.
    assert replayed.post("/signout", {"csrf_token": me.csrf}).status_code == 302


def test_signing_in_again_ends_the_browsers_session_of_before(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    before = me.session_cookie
    assert me.sign_in("demo-unit-lzq").status_code == 302
    assert me.session_cookie != before and "demo-unit-lzq" in me.get(PAGE).text
    replayed = anonymous(hotline.app)
    replayed.client.set_cookie("hotline_session", before or "")
    assert not signed_in(replayed)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_browser(
    hotline: Hotline,
) -> None:
    here, elsewhere = web_user(hotline.app, "demo-center"), web_user(hotline.app, "demo-center")
    old_cookie = here.session_cookie
    response = change(here, "demo12345", "新的密码-2026")
    assert response.status_code == 200 and "密码已修改" in response.text
    assert here.session_cookie != old_cookie and signed_in(here)
    assert not signed_in(elsewhere)
    replayed = anonymous(hotline.app)
    replayed.client.set_cookie("hotline_session", old_cookie or "")
    assert not signed_in(replayed)
    # The page answered belongs to the new session: its forms work.
    assert here.sign_out().status_code == 302 and not signed_in(here)
    assert not password_works(hotline, "demo-center", "demo12345")
    assert password_works(hotline, "demo-center", "新的密码-2026")


@pytest.mark.parametrize(
    "old, new, again, field, says",
    [
        ("demo12345", "short7!", None, "new_password", "密码至少 8 个字符"),
        ("demo12345", "aaaaaaaaaa", None, "new_password", "密码过于简单"),
        (
            "demo12345",
            "新的密码-2026",
            "新的密码-2027",
            "new_password_again",
            "两次输入的新密码不一致",
        ),
        ("demo12345", "demo12345", None, "new_password", "新密码不能与原密码相同"),
        ("wrong-old-1", "新的密码-2026", None, "old_password", "原密码不正确"),
        ("", "新的密码-2026", None, "old_password", "请输入原密码"),
    ],
)
def test_a_refused_password_change_says_why_in_chinese_and_changes_nothing(
    hotline: Hotline, old: str, new: str, again: str | None, field: str, says: str
) -> None:
    me, other = web_user(hotline.app, "demo-center"), web_user(hotline.app, "demo-center")
    response = change(me, old, new, again)
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-error">{says}</p>' in response.text
    assert f'aria-describedby="{field}-hint {field}-error"' in response.text or (
        f'aria-describedby="{field}-error"' in response.text
    )
    assert signed_in(me) and signed_in(other)
    assert password_works(hotline, "demo-center", "demo12345")


# -- refusals: one message, one scrypt -------------------------------------------------------


@pytest.fixture
def scrypts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the scrypt computations made (one entry each)."""
    made: list[int] = []
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return made


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer_and_cost_one_scrypt(
    hotline: Hotline, scrypts: list[int]
) -> None:
    with hotline.services.transaction() as session:
        from hotline.directory import find_user

        find_user(session, "demo-leader").active = False
        find_user(session, "demo-auditor").password_hash = None
    answers = []
    for name, password in [
        ("demo-unit-zjj", "not-the-password"),
        ("nobody-such", "not-the-password"),
        ("demo-leader", "demo12345"),  # deactivated
        ("demo-auditor", "demo12345"),  # has no password
    ]:
        browser = anonymous(hotline.app)
        browser.get("/signin")
        scrypts.clear()
        response = browser.sign_in(name, password)
        assert len(scrypts) == 1, name
        assert "hotline_session" not in set_cookies(response)
        shown = response.text.replace(name, "NAME").replace(csrf_in(response.text) or "-", "T")
        answers.append((response.status_code, shown))
    assert answers[0][0] == 401 and "用户名或密码错误" in answers[0][1]
    assert all(answer == answers[0] for answer in answers), "the answers tell users apart"


def test_after_the_failure_limit_the_sign_in_page_answers_429_with_the_wait_in_chinese(
    configured: Any, manual_clock: ManualClock
) -> None:
    h = configured(auth_failures=3)
    guesser = from_address(anonymous(h.app), GUESSER)
    for _ in range(3):
        assert guesser.sign_in("demo-unit-zjj", "guess-guess").status_code == 401
    response = guesser.sign_in("demo-unit-zjj", "demo12345")  # even the right password waits
    assert response.status_code == 429 and response.headers["Retry-After"] == "600"
    assert "登录失败次数过多，请 10 分钟后再试" in response.text
    assert "hotline_session" not in set_cookies(response)
    assert from_address(anonymous(h.app), NEIGHBOUR).sign_in("demo-unit-zjj").status_code == 302
    manual_clock.advance(timedelta(seconds=570))
    assert "请 30 秒后再试" in guesser.sign_in("demo-unit-zjj").text
    manual_clock.advance(timedelta(seconds=30))
    assert guesser.sign_in("demo-unit-zjj").status_code == 302


def test_failed_sign_ins_and_refused_api_tokens_count_together(
    configured: Any, manual_clock: ManualClock
) -> None:
    h = configured(auth_failures=3)
    api = h.app.test_client()

    def call_api(token: str) -> TestResponse:
        return api.get(
            "/api/v1/tickets", headers=bearer(token), environ_base={"REMOTE_ADDR": GUESSER}
        )

    guesser = from_address(anonymous(h.app), GUESSER)
    assert_error(call_api("guess-1"), 401, "unauthorized")
    assert_error(call_api("guess-2"), 401, "unauthorized")
    assert guesser.sign_in("demo-unit-zjj", "guess-guess").status_code == 401
    assert guesser.sign_in("demo-unit-zjj").status_code == 429
    assert_error(call_api(h.center.token), 429, "too_many_requests")
    manual_clock.advance(timedelta(minutes=10))
    # And the other way round: wrong old passwords on the change form count as well.
    me = from_address(web_user(h.app, "demo-center"), GUESSER)
    for _ in range(3):
        assert change(me, "wrong-old-1", "新的密码-2026").status_code == 422
    response = change(me, "demo12345", "新的密码-2026")
    assert response.status_code == 429 and "失败次数过多，请 10 分钟后再试" in response.text
    assert_error(call_api(h.center.token), 429, "too_many_requests")


# -- pages and the API apart -----------------------------------------------------------------


def test_a_session_cookie_does_not_open_the_api_and_a_token_does_not_open_pages(
    hotline: Hotline,
) -> None:
    me = web_user(hotline.app, "demo-center")
    assert_error(me.client.get("/api/v1/tickets"), 401, "unauthorized")
    body = {"csrf_token": me.csrf}
    assert_error(me.client.post("/api/v1/tickets", json=body), 401, "unauthorized")
    browser = anonymous(hotline.app)
    response = browser.client.get(PAGE, headers=bearer(hotline.center.token))
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")


# -- where sign-in leads -----------------------------------------------------------------------

OFF_SITE = [
    "//evil.example",
    "//evil.example/inbox",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/%0a/evil.example\n",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/signin?next=/signin",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leads_off_the_site(hotline: Hotline, target: str) -> None:
    assert safe_next(target) == "/inbox"
    browser = anonymous(hotline.app)
    form = browser.get("/signin", query_string={"next": target})
    assert 'name="next" value="/inbox"' in form.text
    response = browser.sign_in("demo-unit-zjj", next=target)
    assert response.headers["Location"] == "/inbox"


def test_next_leads_back_to_the_page_asked_for(hotline: Hotline) -> None:
    browser = anonymous(hotline.app)
    asked = browser.get("/tickets?status=open")
    assert asked.headers["Location"] == "/signin?next=/tickets%3Fstatus%3Dopen"
    form = browser.get(asked.headers["Location"])
    assert 'name="next" value="/tickets?status=open"' in form.text
    response = browser.sign_in("demo-center", next="/tickets?status=open")
    assert response.headers["Location"] == "/tickets?status=open"
    # Signed in already, the form goes straight on.
    assert browser.get("/signin?next=/dashboard").headers["Location"] == "/dashboard"
