"""The workplace's 知识库 pages through the test client: search with the matches marked and
the text escaped, unit isolation, the editor's Chinese field errors, submitting for review
and the reviewer's task list, the article panel on review tasks.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai (the test fixtures' manual clock).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from hotline.models import Article, KnowledgeQuestion, UserTask
from hotline.statuses import UserTaskState
from tests.conftest import Hotline
from tests.helpers.knowledge import publish
from tests.helpers.web import web_user
from web.task_panels import TaskView, panels_for

DRAFT = {
    "question": "公租房申请需要哪些材料？",
    "answer": "身份证、户口簿、收入证明和住房情况证明，向街道住房保障窗口提交。",
    "type": "procedure",
    "keywords": "公租房，住房保障、申请材料",
    "region": "利州区",
}


def _articles(h: Hotline) -> int:
    with h.services.transaction() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0


def _created_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    found = re.fullmatch(r"/knowledge/(\d+)\?done=created", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def test_search_marks_the_words_and_escapes_the_article_text(hotline: Hotline) -> None:
    publish(
        hotline.services,
        "ZJJ",
        "faq",
        "公租房<script>alert(1)</script>怎么申请？",
        "带上<b>身份证</b>到街道窗口申请公租房，& 其他材料见清单。",
        ["公租房"],
    )
    publish(hotline.services, "LZQ", "faq", "道路积水找谁？", "拨打市政热线。")
    me = web_user(hotline.app, "demo-operator")
    page = me.get("/knowledge?q=公租房")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>公租房</mark>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b>身份证</b>" not in html
    assert "&lt;b&gt;身份证&lt;/b&gt;" in html and "&amp; 其他" in html
    assert "共 1 条" in html and "道路积水" not in html
    assert 'aria-current="page"' in html  # 知识库 is the highlighted menu entry


def test_search_pages_and_refuses_a_too_long_text_in_chinese(hotline: Hotline) -> None:
    for n in range(23):
        publish(hotline.services, "ZJJ", "faq", f"社保卡补办第{n}问", f"社保卡补办答复{n}。")
    me = web_user(hotline.app, "demo-center")
    first = me.get("/knowledge?q=社保卡").get_data(as_text=True)
    assert "共 23 条" in first and "第 1 / 2 页" in first and "下一页" in first
    second = me.get("/knowledge?q=社保卡&page=2").get_data(as_text=True)
    assert second.count('class="card kb-hit"') == 3
    long = me.get("/knowledge?q=" + "长" * 501)
    assert long.status_code == 422
    assert "检索内容最多 500 字" in long.get_data(as_text=True)


def test_a_unit_user_does_not_find_another_units_unpublished_article(hotline: Hotline) -> None:
    zjj = web_user(hotline.app, "demo-unit-zjj")
    article_id = _created_id(zjj.post("/knowledge/new", {**DRAFT, "question": "独有草稿问题"}))
    lzq = web_user(hotline.app, "demo-unit-lzq")
    link = f'href="/knowledge/{article_id}"'
    found = lzq.get("/knowledge?q=独有草稿问题").get_data(as_text=True)
    assert "共 0 条" in found and link not in found
    listed = lzq.get("/knowledge?status=draft").get_data(as_text=True)
    assert "独有草稿问题" not in listed and link not in listed
    assert lzq.get(f"/knowledge/{article_id}").status_code == 404
    assert lzq.get(f"/knowledge/{article_id}/edit").status_code == 404
    assert lzq.post(f"/knowledge/{article_id}/submit").status_code == 404
    # Its own unit lists it among the drafts.
    assert "独有草稿问题" in zjj.get("/knowledge?status=draft").get_data(as_text=True)


def test_an_editor_creates_a_draft_and_edits_it(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    form = me.get("/knowledge/new").get_data(as_text=True)
    assert '<label for="f-question">' in form and "保存草稿" in form
    article_id = _created_id(me.post("/knowledge/new", DRAFT))
    page = me.get(f"/knowledge/{article_id}?done=created").get_data(as_text=True)
    assert "草稿已保存" in page and DRAFT["question"] in page and "提交审核" in page
    detail = hotline.unit.get(f"/api/v1/knowledge/articles/{article_id}").json
    assert (detail["status"], detail["unit"]) == ("draft", "ZJJ")
    assert detail["draft"]["keywords"] == ["公租房", "住房保障", "申请材料"]
    edited = me.post(f"/knowledge/{article_id}/edit", {**DRAFT, "answer": "新的答复。"})
    assert edited.headers["Location"] == f"/knowledge/{article_id}?done=saved"
    detail = hotline.unit.get(f"/api/v1/knowledge/articles/{article_id}").json
    assert detail["draft"]["answer"] == "新的答复。"
    assert detail["events"][-1]["data"]["fields"] == ["answer"]  # only what changed


def test_an_empty_question_shows_a_chinese_error_and_stores_nothing(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    before = _articles(hotline)
    response = me.post("/knowledge/new", {**DRAFT, "question": "  ", "valid_from": "明天"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请填写问题" in html and "生效日期应为日期" in html
    assert 'aria-describedby="f-question-hint f-question-error"' in html
    assert 'id="f-question-error"' in html
    assert DRAFT["answer"] in html  # what was typed stays in the form
    assert _articles(hotline) == before


def test_the_center_must_name_the_unit(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-center")
    response = me.post("/knowledge/new", DRAFT)
    assert response.status_code == 422 and "请选择所属单位" in response.get_data(as_text=True)
    article_id = _created_id(me.post("/knowledge/new", {**DRAFT, "unit": "LZQ"}))
    assert hotline.center.get(f"/api/v1/knowledge/articles/{article_id}").json["unit"] == "LZQ"


def test_a_form_without_the_csrf_token_is_refused(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    before = _articles(hotline)
    assert me.post("/knowledge/new", DRAFT, csrf=False).status_code == 400
    assert _articles(hotline) == before


def test_submit_starts_review_and_the_reviewer_sees_it(hotline: Hotline) -> None:
    editor = web_user(hotline.app, "demo-unit-zjj")
    article_id = _created_id(editor.post("/knowledge/new", DRAFT))
    submitted = editor.post(f"/knowledge/{article_id}/submit")
    assert submitted.headers["Location"] == f"/knowledge/{article_id}?done=submitted"
    page = editor.get(f"/knowledge/{article_id}?done=submitted").get_data(as_text=True)
    assert "已提交审核" in page and "审核中" in page and "修改草稿" not in page
    reviewer = web_user(hotline.app, "demo-reviewer-zjj")
    listed = reviewer.get("/knowledge/reviews").get_data(as_text=True)
    with hotline.services.transaction() as session:
        task = session.scalars(
            select(UserTask).where(
                UserTask.article_id == article_id, UserTask.state == UserTaskState.READY
            )
        ).one()
    assert task.task_id == "unit_review"
    assert f'href="/tasks/{task.id}"' in listed and DRAFT["question"] in listed
    # Another unit's reviewer and the editor have no such task.
    assert f"/tasks/{task.id}" not in editor.get("/knowledge/reviews").get_data(as_text=True)
    other = web_user(hotline.app, "demo-unit-lzq")
    assert f"/tasks/{task.id}" not in other.get("/knowledge/reviews").get_data(as_text=True)


def test_the_review_panel_shows_what_a_new_version_changes(hotline: Hotline) -> None:
    article_id = publish(
        hotline.services, "ZJJ", "faq", "公租房<b>怎么</b>申请？", "到街道窗口申请。"
    )
    editor = web_user(hotline.app, "demo-unit-zjj")
    changed = {**DRAFT, "question": "公租房<b>怎么</b>申请？", "type": "faq"}
    changed |= {"answer": "到街道住房保障窗口申请。", "region": "", "keywords": ""}
    assert editor.post(f"/knowledge/{article_id}/edit", changed).status_code == 303
    assert editor.post(f"/knowledge/{article_id}/submit").status_code == 303
    from hotline.directory import actor_of, find_user

    with hotline.services.transaction() as session:
        task = session.scalars(select(UserTask).where(UserTask.article_id == article_id)).one()
        actor = actor_of(find_user(session, "demo-reviewer-zjj"))
        with hotline.app.test_request_context("/tasks/x"):
            shown = panels_for(TaskView(session, actor, task, task.process_id, None))
    assert len(shown) == 1
    html = str(shown[0])
    assert "到街道<ins>住房保障</ins>窗口申请。" in html
    assert "公租房&lt;b&gt;怎么&lt;/b&gt;申请？" in html  # unchanged, escaped
    assert "与发布中的第 1 版相比" in html


def _panels(h: Hotline, article_or_instance: int, user: str, *, question: bool = False) -> list:
    """The panels of the ready knowledge task, as `user`."""
    from hotline.directory import actor_of, find_user

    column = UserTask.instance_id if question else UserTask.article_id
    with h.services.transaction() as session:
        task = session.scalars(
            select(UserTask).where(
                column == article_or_instance, UserTask.state == UserTaskState.READY
            )
        ).one()
        view = TaskView(session, actor_of(find_user(session, user)), task, task.process_id, None)
        with h.app.test_request_context(f"/tasks/{task.id}"):
            return [str(p) for p in panels_for(view)]


def test_an_article_in_review_is_not_edited_and_another_units_reads_its_public_text(
    hotline: Hotline,
) -> None:
    editor = web_user(hotline.app, "demo-unit-zjj")
    article_id = _created_id(editor.post("/knowledge/new", DRAFT))
    editor.post(f"/knowledge/{article_id}/submit")
    refused = editor.get(f"/knowledge/{article_id}/edit")
    assert refused.status_code == 409
    assert "审核结束前不能修改" in refused.get_data(as_text=True)
    again = editor.post(f"/knowledge/{article_id}/submit")
    assert again.status_code == 409 and "已在审核中" in again.get_data(as_text=True)
    live = publish(hotline.services, "ZJJ", "faq", "住房公积金怎么提取？", "到公积金中心办理。")
    other = web_user(hotline.app, "demo-unit-lzq")
    page = other.get(f"/knowledge/{live}").get_data(as_text=True)
    assert "住房公积金怎么提取？" in page
    assert 'id="kb-history"' not in page and f"/knowledge/{live}/edit" not in page
    # The operator reads every article but writes none.
    operator = web_user(hotline.app, "demo-operator")
    assert operator.get(f"/knowledge/{live}/edit").status_code == 403
    refused = operator.post(f"/knowledge/{live}/retire", {"reason": "过时"})
    assert refused.status_code == 403 and "只有条目所属单位" in refused.get_data(as_text=True)


def test_a_retirement_is_asked_with_a_reason_and_reviewed_with_it(hotline: Hotline) -> None:
    article_id = publish(hotline.services, "ZJJ", "faq", "旧政策怎么办？", "按旧政策办理。")
    editor = web_user(hotline.app, "demo-unit-zjj")
    assert "申请下架" in editor.get(f"/knowledge/{article_id}").get_data(as_text=True)
    empty = editor.post(f"/knowledge/{article_id}/retire", {"reason": " "})
    assert empty.status_code == 422 and "请填写下架原因" in empty.get_data(as_text=True)
    asked = editor.post(f"/knowledge/{article_id}/retire", {"reason": "政策已废止"})
    assert asked.headers["Location"] == f"/knowledge/{article_id}?done=retire"
    page = editor.get(f"/knowledge/{article_id}?done=retire").get_data(as_text=True)
    assert "下架申请审核中" in page and "申请下架</a>" not in page
    shown = _panels(hotline, article_id, "demo-reviewer-zjj")
    assert "申请下架的条目" in shown[0] and "政策已废止" in shown[0] and "按旧政策办理" in shown[0]
    reviews = web_user(hotline.app, "demo-reviewer-zjj").get("/knowledge/reviews")
    assert "旧政策怎么办？" in reviews.get_data(as_text=True)


def test_a_knowledge_question_shows_the_question_and_the_units_answering_articles(
    hotline: Hotline,
) -> None:
    asked = hotline.center.post(
        "/api/v1/knowledge/questions", json={"unit": "ZJJ", "question": "电梯加装<补贴>标准？"}
    )
    assert asked.status_code == 201, asked.json
    live = publish(hotline.services, "ZJJ", "policy", "电梯加装补贴标准", "每台补贴若干元。")
    publish(hotline.services, "LZQ", "policy", "别的单位的条目", "无关。")
    draft = _created_id(web_user(hotline.app, "demo-unit-zjj").post("/knowledge/new", DRAFT))
    with hotline.services.transaction() as session:
        instance = session.get(KnowledgeQuestion, asked.json["id"]).instance_id
    panel = _panels(hotline, instance, "demo-unit-zjj", question=True)[0]
    assert "电梯加装&lt;补贴&gt;标准？" in panel and "答复期限" in panel
    assert f'<td>{live}</td><td><a href="/knowledge/{live}">电梯加装补贴标准</a>' in panel
    assert "别的单位的条目" not in panel
    assert f'href="/knowledge/{draft}"' not in panel  # a draft answers nothing until submitted
    listed = web_user(hotline.app, "demo-unit-zjj").get("/knowledge/reviews")
    assert "补充知识条目" in listed.get_data(as_text=True)


def test_a_rejected_draft_shows_the_comment_and_goes_back_to_review(hotline: Hotline) -> None:
    editor = web_user(hotline.app, "demo-unit-zjj")
    article_id = _created_id(editor.post("/knowledge/new", DRAFT))
    editor.post(f"/knowledge/{article_id}/submit")
    tasks = hotline.reviewer.get("/api/v1/tasks?per_page=100").json["items"]
    task = next(t for t in tasks if t["article_id"] == article_id)
    done = hotline.reviewer.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"approved": False, "comment": "缺少<收入标准>"}},
    )
    assert done.status_code == 200, done.json
    page = editor.get(f"/knowledge/{article_id}").get_data(as_text=True)
    assert "被退回的版本" in page and "缺少&lt;收入标准&gt;" in page and "修改草稿" in page
    shown = _panels(hotline, article_id, "demo-unit-zjj")  # the revise task
    assert "待审条目" in shown[0] and "上次审核意见" in shown[0]
    edited = editor.post(f"/knowledge/{article_id}/edit", {**DRAFT, "answer": "已补充收入标准。"})
    assert edited.status_code == 303
    assert editor.post(f"/knowledge/{article_id}/submit").status_code == 303
    detail = hotline.unit.get(f"/api/v1/knowledge/articles/{article_id}").json
    assert detail["draft"]["status"] == "in_review"
    assert [t["key"] for t in detail["tasks"]] == ["unit_review"]


def test_the_search_keeps_a_region_and_citywide_articles(hotline: Hotline) -> None:
    publish(hotline.services, "ZJJ", "faq", "垃圾分类怎么投放？", "按四分类投放。", region="利州区")
    publish(hotline.services, "ZJJ", "faq", "垃圾分类在哪里咨询？", "拨打热线。")
    publish(hotline.services, "ZJJ", "faq", "垃圾分类有补贴吗？", "没有。", region="昭化区")
    me = web_user(hotline.app, "demo-operator")
    html = me.get("/knowledge?q=垃圾分类&region=利州区").get_data(as_text=True)
    assert "共 2 条" in html and "有补贴吗" not in html
