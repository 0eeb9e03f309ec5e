"""The inbox page (/inbox): the API's rows for the user, working time left, overdue in red
with 已超期, filters and paging."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hotline.clock import ManualClock
from tests.conftest import Hotline
from tests.helpers.html import css, page, text
from tests.helpers.knowledge import Kb
from tests.helpers.tickets import dispatched
from tests.helpers.web import web_user


def rows(doc: Any) -> list[list[str]]:
    """The inbox table's rows as cell texts."""
    return [[td.text_content().strip() for td in tr.xpath("td")] for tr in css(doc, "tbody tr")]


def api_ids(caller: Any, query: str = "") -> list[str]:
    """Task ids GET /api/v1/tasks lists for `caller`."""
    response = caller.get(f"/api/v1/tasks?per_page=100{query}")
    assert response.status_code == 200, response.json
    return [t["id"] for t in response.json["items"]]


def page_ids(doc: Any) -> list[str]:
    """Task ids the inbox page links to, in order."""
    return [
        a.get("href").removeprefix("/tasks/")
        for a in css(doc, "tbody a")
        if "/tasks/" in a.get("href")
    ]


def test_a_unit_sees_the_apis_rows_and_only_its_own(hotline: Hotline) -> None:
    zjj = dispatched(hotline, "ZJJ")
    lzq = dispatched(hotline, "LZQ")
    unit = web_user(hotline.app, "demo-unit-zjj")
    doc = page(unit.get("/inbox"))
    assert page_ids(doc) == api_ids(hotline.unit)
    table = rows(doc)
    assert [r[1] for r in table] == [zjj]
    name, _number, category, urgency, due, left = table[0]
    assert (name, category, urgency) == ("签收", "投诉", "一般")
    assert due == "2026-11-23 09:30"
    assert left == "剩余 30 分钟 即将到期"
    assert css(doc, f'a[href="/tickets/{zjj}"]')
    other = page(web_user(hotline.app, "demo-unit-lzq").get("/inbox"))
    assert [r[1] for r in rows(other)] == [lzq]


def test_overdue_tasks_are_red_and_say_so(hotline: Hotline, manual_clock: ManualClock) -> None:
    number = dispatched(hotline)
    manual_clock.advance(timedelta(hours=1))
    unit = web_user(hotline.app, "demo-unit-zjj")
    doc = page(unit.get("/inbox"))
    cell = css(doc, "tbody tr td .badge")[0]
    assert "overdue" in cell.get("class")
    assert cell.text_content().startswith("已超期 30 分钟")
    overdue = page(unit.get("/inbox?overdue=true"))
    assert [r[1] for r in rows(overdue)] == [number]
    assert rows(page(unit.get("/inbox?overdue=false"))) == []


def test_filters_and_paging(hotline: Hotline) -> None:
    numbers = [hotline.new_ticket()["number"] for _ in range(3)]
    urgent = hotline.new_ticket(urgency="urgent")["number"]
    center = web_user(hotline.app, "demo-center")
    doc = page(center.get("/inbox?key=triage&per_page=20"))
    # Oldest first as the API lists them (same instant here: then by task id).
    assert sorted(r[1] for r in rows(doc)) == [*numbers, urgent]
    assert page_ids(doc) == api_ids(hotline.center, "&key=triage")
    assert text(doc, 'select#filter-key option[selected="selected"]') == "分类处置"
    doc = page(center.get(f"/inbox?ticket={numbers[1]}"))
    assert [r[1] for r in rows(doc)] == [numbers[1]]
    doc = page(center.get("/inbox?urgency=urgent"))
    assert [r[1] for r in rows(doc)] == [urgent]
    assert text(doc, "tbody .badge.urgent") == "特殊紧急事项"
    assert api_ids(hotline.center, "&urgency=urgent") == page_ids(doc)
    first = page(center.get("/inbox?per_page=20&page=1&key=triage"))
    assert "第 1 / 1 页" in text(first, "nav.pager")
    two = page(center.get("/inbox?per_page=20&page=2&key=triage"))
    assert rows(two) == []
    assert css(two, 'nav.pager a[rel="prev"]')


def test_paging_links_keep_the_filters(hotline: Hotline) -> None:
    for _ in range(3):
        hotline.new_ticket()
    center = web_user(hotline.app, "demo-center")
    response = center.get("/inbox?key=triage&per_page=1&page=2")
    doc = page(response)
    assert len(rows(doc)) == 1
    assert "第 2 / 3 页" in text(doc, "nav.pager")
    assert css(doc, 'a[rel="next"]')[0].get("href") == "/inbox?page=3&per_page=1&key=triage"
    assert css(doc, 'a[rel="prev"]')[0].get("href") == "/inbox?page=1&per_page=1&key=triage"


def test_bad_filters_are_ignored_with_a_message(hotline: Hotline) -> None:
    center = web_user(hotline.app, "demo-center")
    response = center.get("/inbox?urgency=whenever")
    assert response.status_code == 200
    assert "筛选条件有误" in text(page(response), ".alert")


def test_an_article_task_links_to_its_article(kb: Kb) -> None:
    article = kb.create()
    kb.act(kb.editor, article["id"], "submit")
    reviewer = web_user(kb.h.app, "demo-reviewer-zjj")
    doc = page(reviewer.get("/inbox"))
    links = css(doc, f'tbody a[href="/knowledge/{article["id"]}"]')
    assert links and links[0].text_content() == f"知识条目 {article['id']}"
