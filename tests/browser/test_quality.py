"""Quality across the workplace, page by page, in a real browser (issue 16, item 6):
axe-core finds no serious or critical violation; no horizontal scrolling of the page at
1366×768 or at 390×844 (wide tables scroll inside `.table-wrap`); the skip link works by
keyboard; every form control has an accessible name; the page is zh-CN; nothing is fetched
from, and no page's HTML or CSS points at, another host.

A page still answering the placeholder (建设中) is skipped, saying so; once every page has
landed nothing here skips.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import DESKTOP, PHONE, REPO, Workplace, axe_violations, screenshot
from tests.helpers.tickets import ticket_body


@dataclass(frozen=True)
class MainPage:
    """A page of the workplace as one user opens it: `path`, or found by `link` (a CSS
    selector) on the page at `path` (the task page is reached from the inbox)."""

    name: str
    user: str | None
    path: str
    link: str | None = None


# Every main page, with a user who is offered it ({number}: the seeded ticket's number).
MAIN_PAGES = (
    MainPage("signin", None, "/signin"),
    MainPage("inbox", "demo-unit-zjj", "/inbox"),
    MainPage("task", "demo-unit-zjj", "/inbox", link='main a[href^="/tasks/"]'),
    MainPage("triage", "demo-center", "/inbox", link='main a[href^="/tasks/"]'),
    MainPage("intake", "demo-operator", "/tickets/new"),
    MainPage("tickets", "demo-center", "/tickets"),
    MainPage("ticket", "demo-center", "/tickets/{number}"),
    MainPage("ticket-unit", "demo-unit-zjj", "/tickets/{number}"),
    MainPage("extensions", "demo-center", "/center/extensions"),
    MainPage("dashboard", "demo-supervisor", "/dashboard"),
    MainPage("processes", "demo-admin", "/processes"),
    MainPage("process-version", "demo-admin", "/processes/ticket/versions/1"),
    MainPage("knowledge", "demo-unit-zjj", "/knowledge?q=噪音"),
    MainPage("knowledge-editor", "demo-unit-zjj", "/knowledge/new"),
    MainPage("knowledge-reviews", "demo-reviewer-zjj", "/knowledge/reviews"),
    MainPage("password", "demo-unit-zjj", "/account/password"),
    MainPage("error", "demo-unit-zjj", "/no-such-page"),
)
PLACEHOLDER = "建设中"

# Attributes that make the browser fetch or go somewhere, and CSS that makes it fetch.
URL_ATTRIBUTE = re.compile(
    r"""\b(?:href|src|srcset|action|formaction|poster|data|background)\s*=\s*["']?\s*"""
    r"""((?:https?:)?//[^\s"'>]+)""",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^\s"')]+)""")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)

NO_PAGE_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"
WIDEST = """() => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .filter(e => !e.parentElement.closest('.table-wrap')
    || ['absolute', 'fixed'].includes(getComputedStyle(e).position))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
    + ' right=' + Math.round(e.getBoundingClientRect().right))"""
# Form controls nobody could name: no label, aria-label(ledby), title, or text of a button.
UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')]
  .filter(e => {
    const text = s => (s || '').trim().length > 0;
    if (text(e.getAttribute('aria-label')) || text(e.title)) return false;
    const by = (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (by.some(id => text(document.getElementById(id)?.textContent))) return false;
    if (e.labels && [...e.labels].some(l => text(l.textContent))) return false;
    if (e.tagName === 'BUTTON' && text(e.textContent)) return false;
    if (['submit', 'button', 'reset'].includes(e.type) && text(e.value)) return false;
    return true;
  }).map(e => e.outerHTML.slice(0, 120))"""
# What the live page (after its scripts ran) would load from elsewhere.
FOREIGN_RESOURCES = """(origin) => [...document.querySelectorAll(
    '[src], [srcset], link[href], [style*="url("]')]
  .map(e => e.getAttribute('src') || e.getAttribute('srcset')
    || (e.tagName === 'LINK' ? e.getAttribute('href') : e.getAttribute('style')))
  .filter(v => /(https?:)?\\/\\/[^/]/.test(v || '') && !(v || '').includes(origin))"""


@pytest.fixture(scope="module")
def number(workplace: Workplace) -> str:
    """A complaint the operator registered and the center dispatched to ZJJ (in ZJJ's inbox),
    and a second one from the same phone waiting for triage in the center's inbox (a
    possible repeat beside it): the first one's number."""
    numbers = [
        workplace.api("POST", "/api/v1/tickets", "demo-operator", ticket_body(), expect=201)[
            "number"
        ]
        for _ in range(2)
    ]
    tasks = workplace.api("GET", "/api/v1/tasks?per_page=100", "demo-center")["items"]
    triage = next(t for t in tasks if t["ticket_number"] == numbers[0] and t["key"] == "triage")
    body = {"data": {"disposition": "dispatch", "unit": "ZJJ"}}
    workplace.api("POST", f"/api/v1/tasks/{triage['id']}/complete", "demo-center", body)
    return numbers[0]


def _foreign_urls(text: str, kind: str, host: str) -> list[str]:
    """URLs to another host in an HTML attribute or a CSS url()/@import of `text`."""
    if kind == "css":
        found = CSS_URL.findall(CSS_COMMENT.sub("", text))
    else:
        found = URL_ATTRIBUTE.findall(text) + CSS_URL.findall(text)
    return [url for url in found if urlsplit(url if ":" in url else "http:" + url).netloc != host]


class PageVisit:
    """One main page opened by its user, with the HTML and CSS the browser received."""

    def __init__(self, workplace: Workplace, open_page: Callable[..., Any], main: MainPage,
                 number: str, viewport: dict[str, int] = DESKTOP) -> None:  # fmt: skip
        self.main = main
        self.host = urlsplit(workplace.url).netloc
        self.page = open_page(main.user, viewport=viewport, bypass_csp=True)
        self.received: list[tuple[str, str, str]] = []  # (url, kind, text)
        self.page.on("response", self._keep)
        self.url = workplace.url + main.path.format(number=number)
        response = self.page.goto(self.url)
        self.status = response.status if response is not None else 0
        if main.link is not None and self.built():
            links = self.page.locator(main.link)
            if links.count():
                self.url = workplace.url + (links.first.get_attribute("href") or "")
                response = self.page.goto(self.url)
                self.status = response.status if response is not None else 0
            else:
                self.status = 404
        self.page.wait_for_load_state("networkidle")

    def _keep(self, response: Any) -> None:
        kind = response.headers.get("content-type", "")
        for name in ("html", "css"):
            if f"text/{name}" in kind and response.status < 300:
                self.received.append((response.url, name, response.text()))

    def built(self) -> bool:
        """False while the page answers the placeholder (or the route is not there yet)."""
        if self.main.name == "error":
            return True
        return self.status != 404 and PLACEHOLDER not in self.page.locator("main").inner_text()

    def skip_unless_built(self) -> None:
        """Skip the test, saying so, while this page is not built yet."""
        if not self.built():
            pytest.skip(
                f"{self.main.name} ({self.main.path}) still answers the placeholder "
                f"“{PLACEHOLDER}” or 404 (not landed yet)"
            )


@pytest.fixture
def visit(
    workplace: Workplace, open_page: Callable[..., Any], number: str
) -> Callable[..., PageVisit]:
    """`visit(main_page)`: the page opened as its user (skipped while not built)."""

    def make(main: MainPage, viewport: dict[str, int] = DESKTOP) -> PageVisit:
        opened = PageVisit(workplace, open_page, main, number, viewport)
        opened.skip_unless_built()
        return opened

    return make


PAGE_IDS = [main.name for main in MAIN_PAGES]


@pytest.mark.parametrize("main", MAIN_PAGES, ids=PAGE_IDS)
def test_the_page_meets_the_workplace_quality_bar(
    visit: Callable[..., PageVisit], main: MainPage
) -> None:
    """Every check on one load of the page; the failure lists every problem found."""
    opened = visit(main)
    page, problems = opened.page, {}
    if page.evaluate("() => document.documentElement.lang") != "zh-CN":
        problems["lang"] = page.evaluate("() => document.documentElement.lang")
    if unnamed := page.evaluate(UNNAMED_CONTROLS):
        problems["form controls without a name"] = unnamed
    # open_page also fails the test on any request to another host.
    assert opened.received, "the page's HTML was not seen"
    for url, kind, text in opened.received:
        if found := _foreign_urls(text, kind, opened.host):
            problems[f"another host named in {url}"] = found
    if found := page.evaluate(FOREIGN_RESOURCES, f"//{opened.host}"):
        problems["the live page loads from another host"] = found
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        if not page.evaluate(NO_PAGE_SCROLL):
            problems[f"scrolls sideways at {viewport['width']} px"] = page.evaluate(WIDEST)
    page.keyboard.press("Tab")
    if page.evaluate("() => document.activeElement.textContent.trim()") != "跳到主要内容":
        problems["Tab does not reach the skip link first"] = page.evaluate(
            "() => document.activeElement.outerHTML.slice(0, 120)"
        )
    page.keyboard.press("Enter")
    if page.evaluate("() => document.activeElement.id") != "main":
        problems["the skip link does not move focus to main"] = page.evaluate(
            "() => document.activeElement.outerHTML.slice(0, 120)"
        )
    if violations := axe_violations(page):
        problems["axe-core (serious, critical)"] = violations
    assert problems == {}, opened.url


def test_the_sign_in_page_for_the_readme(
    open_page: Callable[..., Any], workplace: Workplace
) -> None:
    signin = open_page(None)
    signin.goto(workplace.url + "/signin")
    expect(signin.get_by_role("button", name="登录")).to_be_visible()
    screenshot(signin, "signin")


def test_the_ticket_list_for_the_readme(visit: Callable[..., PageVisit]) -> None:
    tickets = visit(next(main for main in MAIN_PAGES if main.name == "tickets")).page
    assert tickets.locator("main table").count() >= 1
    screenshot(tickets, "tickets")


def test_the_inbox_on_a_phone_keeps_its_menu_in_reach(visit: Callable[..., PageVisit]) -> None:
    """On a phone the menu folds behind 菜单 (workplace.js); at 1366 px it is always shown."""
    inbox = visit(MAIN_PAGES[1], viewport=PHONE).page
    assert inbox.evaluate(NO_PAGE_SCROLL)
    menu = inbox.get_by_role("navigation", name="主菜单")
    toggle = inbox.get_by_role("button", name="菜单")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    screenshot(inbox, "inbox-phone")
    toggle.focus()
    inbox.keyboard.press("Enter")
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert axe_violations(inbox) == []
    screenshot(inbox, "menu-phone")
    menu.get_by_role("link", name="工单").click()
    assert inbox.url.endswith("/tickets")
    inbox.set_viewport_size(DESKTOP)
    expect(inbox.get_by_role("navigation", name="主菜单")).to_be_visible()
    assert not inbox.get_by_role("button", name="菜单").is_visible()


def test_no_template_or_stylesheet_names_another_host() -> None:
    """Pages the checks above do not open too: every template and stylesheet shipped."""
    web = REPO / "web"
    found = {}
    for path in [*web.glob("templates/**/*.html"), *web.glob("static/**/*.css")]:
        kind = "css" if path.suffix == ".css" else "html"
        if urls := _foreign_urls(path.read_text(encoding="utf-8"), kind, "127.0.0.1"):
            found[str(path.relative_to(REPO))] = urls
    assert found == {}
