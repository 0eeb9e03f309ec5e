"""Knowledge-base edge cases found in review: each once let a user down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.knowledge import ANSWER, APPROVE, URL, Kb, answered
from tests.helpers.knowledge import IMPORT_HEADER as HEADER


def test_the_center_resubmits_an_article_it_drafted_for_a_unit(kb: Kb) -> None:
    """The center drafts for ZJJ; rejected, the center revises and resubmits it itself."""
    article_id = kb.create(caller=kb.h.center, unit="ZJJ")["id"]
    kb.act(kb.h.center, article_id, "submit")
    kb.complete(kb.reviewer, article_id, "unit_review", {"approved": False, "comment": "补充材料"})
    kb.edit(article_id, {"answer": "携带身份证、户口簿和收入证明到街道办理。"}, caller=kb.h.center)
    kb.act(kb.h.center, article_id, "submit")
    assert [t["key"] for t in kb.article(article_id)["tasks"]] == ["unit_review"]


def test_no_resubmission_while_a_retirement_is_reviewed(kb: Kb) -> None:
    """A rejected new version cannot slip back into review while retirement is decided."""
    article_id = kb.create()["id"]
    kb.publish(article_id)
    kb.edit(article_id, {"answer": "第二版答案：材料改为线上提交"})
    kb.act(kb.editor, article_id, "submit")
    kb.complete(kb.reviewer, article_id, "unit_review", {"approved": False, "comment": "改"})
    kb.act(kb.editor, article_id, "retire", json={"reason": "政策已废止"})
    refused = kb.complete(kb.editor, article_id, "revise", {"resubmit": True}, expect=422)
    assert "resubmit" in refused.json["error"]["fields"]
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    retired = kb.article(article_id)
    assert retired["status"] == "retired"
    assert retired["published_version_id"] is None
    assert all(v["status"] != "published" for v in retired["versions"])


def test_a_version_taking_effect_later_is_not_approved_early(kb: Kb) -> None:
    """Approving it now would take the current answer offline until then: 422, still live."""
    article_id = kb.create()["id"]
    kb.publish(article_id)
    kb.edit(article_id, {"answer": "自2027年1月1日起网上办理。", "valid_from": "2027-01-01"})
    kb.act(kb.editor, article_id, "submit")
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    refused = kb.complete(kb.h.center, article_id, "center_review", APPROVE, expect=422)
    assert "2027-01-01" in " ".join(refused.json["error"]["fields"]["approved"])
    assert kb.h.center.get(f"/public/knowledge/articles/{article_id}").status_code == 200


def test_a_lone_surrogate_is_refused_not_a_500(kb: Kb) -> None:
    """JSON "\\ud800" decodes to text no database stores: 422 naming the field."""
    body = '{"question": "\\ud800", "answer": "x", "type": "faq"}'
    response = kb.editor.post(URL, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "question" in response.json["error"]["fields"]


def test_triage_cannot_cite_an_expired_article(kb: Kb) -> None:
    """An article past valid_until is no answer any more, even if never retired."""
    article_id = kb.create(valid_until="2026-11-30")["id"]
    kb.publish(article_id)
    kb.move_clock("2026-12-02 09:00")
    number = kb.h.new_ticket(category="consultation", content="公租房怎么申请")["number"]
    data = {"disposition": "answer", "answer": ANSWER, "articles": str(article_id)}
    refused = kb.h.center.complete(number, "triage", data, expect=422)
    assert "not valid today" in " ".join(refused.json["error"]["fields"]["articles"])
    assert answered(kb.h, number) == []


def test_one_huge_csv_cell_fails_its_row_only(kb: Kb, cli: Any, tmp_path: Path) -> None:
    """A cell beyond csv's default size limit is that row's error; the rows around it land."""
    path = tmp_path / "kb.csv"
    rows = [
        HEADER,
        "燃气开户怎么办？,带身份证到燃气公司营业厅。,faq,ZJJ,,,,,",
        "超长的条目？," + "长" * 140000 + ",faq,ZJJ,,,,,",
        "物业费怎么交？,到物业服务中心交。,faq,ZJJ,,,,,",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli("knowledge", "import", str(path))
    assert result.exit_code == 1
    assert "row 2" in result.output and "answer" in result.output
    assert kb.h.center.get(URL).json["total"] == 2


def test_a_published_import_is_brought_up_for_review(kb: Kb, cli: Any, tmp_path: Path) -> None:
    """Articles moved in with --publish get their review-date reminder like approved ones."""
    path = tmp_path / "kb.json"
    row = {"question": "燃气开户怎么办？", "answer": "带身份证到燃气公司营业厅。", "type": "faq"}
    path.write_text(json.dumps([{**row, "unit": "ZJJ", "review_at": "2026-12-10"}]), "utf-8")
    assert cli("knowledge", "import", "--publish", str(path)).exit_code == 0
    article_id = kb.h.center.get(URL).json["items"][0]["id"]
    assert "article_review_due" not in kb.kinds(article_id)
    kb.move_clock("2026-12-10 00:01")
    assert "article_review_due" in kb.kinds(article_id)
    assert [t["key"] for t in kb.article(article_id)["tasks"]] == ["review_article"]
