"""Fixtures of the browser tests: one live workplace per test module, one Chromium per test
process, and a page per user whose every request must stay on the workplace's own host."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Workplace, sign_in


@pytest.fixture(scope="module")
def workplace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workplace]:
    """`hotline serve` over a fresh SQLite file with the demo city (make run's steps)."""
    served = Workplace(tmp_path_factory.mktemp("workplace") / "var")
    yield served
    served.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright (headless; nothing downloaded)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Chromium first: make browser"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Any, workplace: Workplace) -> Iterator[Callable[..., Any]]:
    """`open_page("demo-center")`: a new browser context (1366×768, zh-CN) signed in as that
    demo user (None: nobody signed in). Every request of every page must go to the
    workplace itself; the test fails at the end otherwise."""
    contexts: list[Any] = []
    foreign: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(workplace.url + "/"):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    def make(user: str | None, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        context.route("**/*", guard)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            sign_in(page, workplace.url, user)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not foreign, f"pages asked other hosts: {foreign}"
