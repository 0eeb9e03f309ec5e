"""The knowledge base in a real browser: a unit writes an article and submits it, its reviewer
and the center approve on the task page (the article shown beside the form), and the
operator's search finds it with the words marked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.helpers.browser import PHONE, Workplace, axe_violations, screenshot

QUESTION = "新生儿医保参保登记需要哪些材料？"
ANSWER = "携带新生儿出生医学证明和户口簿，到户籍所在地社区服务中心医保窗口办理参保登记。"


def _approve_on_task_page(page: Any, workplace: Workplace, who: str) -> None:
    """Open the article's review task from 知识审核任务 and approve it there."""
    page.goto(workplace.url + "/knowledge/reviews")
    row = page.locator("tr", has_text=QUESTION).first
    row.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/tasks/" in page.url, f"{who}: {page.url}"
    task_url = page.url
    panel = page.locator(".kb-panel")
    assert QUESTION in panel.inner_text() and ANSWER in panel.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("group", name="审核通过").get_by_label("是").check()
    page.get_by_label("审核意见（不通过时必填）").fill("内容准确")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert page.url != task_url, f"{who} could not complete the review"


def test_an_article_goes_from_the_editor_through_both_reviews_to_the_search(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    editor = open_page("demo-unit-zjj", bypass_csp=True)
    editor.goto(workplace.url + "/knowledge")
    editor.get_by_role("link", name="起草条目").click()
    # Saving an empty form shows each error beside its field, in Chinese.
    editor.get_by_role("button", name="保存草稿").click()
    assert editor.locator("#f-question-error").inner_text() == "请填写问题"
    assert editor.locator("#f-answer-error").inner_text() == "请填写答案"
    editor.get_by_role("link", name="问题：请填写问题").click()  # the summary leads to the field
    assert editor.evaluate("document.activeElement.id") == "f-question"
    editor.goto(workplace.url + "/knowledge/new")
    editor.get_by_label("问题").fill(QUESTION)
    editor.get_by_label("答案").fill(ANSWER)
    editor.get_by_label("类型").select_option("procedure")
    editor.get_by_label("关键词").fill("新生儿，医保、参保登记")
    editor.get_by_label("适用区域").fill("利州区")
    assert axe_violations(editor) == []
    editor.evaluate("window.scrollTo(0, 0)")
    screenshot(editor, "knowledge-editor")
    editor.get_by_role("button", name="保存草稿").click()
    assert editor.get_by_role("status").first.inner_text() == "草稿已保存。"
    article_id = editor.url.split("?")[0].rsplit("/", 1)[1]
    editor.get_by_role("button", name="提交审核").click()
    assert "已提交审核" in editor.get_by_role("status").first.inner_text()

    reviewer = open_page("demo-reviewer-zjj", bypass_csp=True)
    _approve_on_task_page(reviewer, workplace, "demo-reviewer-zjj")
    center = open_page("demo-center", bypass_csp=True)
    _approve_on_task_page(center, workplace, "demo-center")

    article = workplace.api("GET", f"/api/v1/knowledge/articles/{article_id}", "demo-center")
    assert article["status"] == "published"

    operator = open_page("demo-operator", bypass_csp=True)
    operator.goto(workplace.url + "/knowledge")
    operator.get_by_label("检索内容").fill("新生儿医保")
    operator.get_by_role("button", name="检索").click()
    operator.wait_for_url("**/knowledge?*")  # the results page, not the form still showing
    hit = operator.locator(".kb-hit").first
    hit.wait_for()
    marks = hit.locator("mark").all_inner_texts()
    assert "新生儿" in marks and "医保" in marks
    assert hit.get_by_role("link").inner_text() == QUESTION
    assert axe_violations(operator) == []
    screenshot(operator, "knowledge-search")
    hit.get_by_role("link").click()
    expect(operator.get_by_role("heading", name=QUESTION).first).to_be_visible()


def test_the_search_is_usable_at_phone_width(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    page = open_page("demo-unit-lzq", viewport=PHONE, bypass_csp=True)
    page.goto(workplace.url + "/knowledge?q=医保")
    expect(page.get_by_role("heading", name="检索结果")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    assert axe_violations(page) == []
