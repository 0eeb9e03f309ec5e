"""`hotline knowledge import|export`: bad rows are reported and skipped, good rows land whole.

The CLI runs in-process (click's runner) against the test database, as an admin would
run it on the server. Clock: Monday 2026-11-23 Shanghai.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hotline import knowledge_io
from hotline.models import Article, ArticleEvent, ArticleVersion
from tests.conftest import Hotline
from tests.helpers.knowledge import IMPORT_HEADER as HEADER

CSV_ROWS = [
    "社保卡丢失如何补办？,携带身份证到社保卡服务网点补卡。,办事流程,RSJ,社保卡、补卡,,,,",
    ",没有问题的答案,faq,RSJ,,,,,",  # row 2: no question
    "公积金提取要什么材料？,身份证和购房合同。,news,ZJJ,,,,,",  # row 3: unknown type
    "户口迁移怎么办？,到派出所办理。,procedure,NOPE,,,,,",  # row 4: unknown unit
    "不动产登记流程？,到政务服务中心。,procedure,ZJJ,,,2026-13-01,,",  # row 5: bad date
    "噪音投诉找谁？,拨打12345。,faq,HBJ,,,2026-12-01,2026-11-01,",  # row 6: ends before start
    "医保报销怎么办？,备案后直接结算。,faq,RSJ,,,,,2020-01-01",  # row 7: review date past
    '营业执照怎么办？,"到市场监管窗口，\n当场办结。",procedure,SJJ,"营业执照, 个体户",利州区,,,',
]
EXPECTED_ERRORS = {
    (2, 3, "question"),
    (3, 4, "type"),
    (4, 5, "unit"),
    (5, 6, "valid_from"),
    (6, 7, "valid_until"),
    (7, 8, "review_at"),
}
JSON_ROWS: list[dict[str, Any]] = [
    {
        "question": "住房公积金提取需要哪些材料？",
        "answer": "本人身份证、购房合同或不动产权证书、银行卡，到公积金窗口办理。",
        "type": "procedure",
        "unit": "ZJJ",
        "keywords": ["公积金", "提取"],
        "region": None,
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "review_at": "2027-06-30",
    },
    {
        "question": "夜间施工噪音扰民向哪里投诉？",
        "answer": "拨打12345热线或生态环境局举报电话，执法人员到场核查。",
        "type": "faq",
        "unit": "HBJ",
        "keywords": ["噪音", "扰民"],
        "region": "利州区",
        "valid_from": None,
        "valid_until": None,
        "review_at": None,
    },
    {"question": "缺答案", "type": "faq", "unit": "HBJ"},  # row 3: no answer
    "not an object",  # row 4
    {"question": "多余字段", "answer": "有", "type": "faq", "unit": "HBJ", "owner": "x"},  # row 5
]


def write(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    """A CSV file with the standard header."""
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding=encoding)
    return path


def counts(h: Hotline) -> tuple[int, int, int]:
    """Articles, versions and history events stored."""
    with h.services.transaction() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Article, ArticleVersion, ArticleEvent)
        )  # type: ignore[return-value]


def search(h: Hotline, q: str) -> list[str]:
    """Questions an operator finds for `q`."""
    response = h.operator.get("/api/v1/knowledge/search", query_string={"q": q})
    assert response.status_code == 200, response.json
    return [item["question"] for item in response.json["items"]]


def test_csv_import_reports_bad_rows_and_keeps_the_good_ones(
    hotline: Hotline, cli, tmp_path: Path
) -> None:
    """Six bad rows are listed by row, line and field; the two good ones become drafts."""
    result = cli("knowledge", "import", str(write(tmp_path / "kb.csv", CSV_ROWS)))
    assert result.exit_code == 1, result.output
    assert "imported 2 article(s) as draft" in result.stdout
    assert "6 row(s) failed" in result.stderr
    reported = {
        (int(row), int(line), name)
        for row, line, name in re.findall(r"row (\d+) \(line (\d+)\): (\w+):", result.stderr)
    }
    assert reported == EXPECTED_ERRORS
    assert "row 3 (line 4): type: must be one of faq, procedure" in result.stderr
    assert "row 7 (line 8): review_at: must not be in the past" in result.stderr
    assert counts(hotline) == (2, 2, 2)  # nothing of a bad row is left, not even its article
    drafts = hotline.center.get("/api/v1/knowledge/articles?status=draft").json["items"]
    by_question = {a["current"]["question"]: a for a in drafts}
    license_ = by_question["营业执照怎么办？"]["current"]
    assert license_["answer"] == "到市场监管窗口，\n当场办结。"
    assert license_["keywords"] == ["营业执照", "个体户"] and license_["region"] == "利州区"
    assert by_question["社保卡丢失如何补办？"]["current"]["type"] == "procedure"
    assert search(hotline, "营业执照") == []  # drafts are not searchable


def test_reimporting_a_corrected_file_skips_what_is_already_there(
    hotline: Hotline, cli, tmp_path: Path
) -> None:
    """Good rows already imported are skipped; fixed rows land; exit 0 once nothing fails."""
    cli("knowledge", "import", str(write(tmp_path / "kb.csv", CSV_ROWS)))
    fixed = [CSV_ROWS[0], CSV_ROWS[-1], CSV_ROWS[2].replace("news", "faq")]
    again = cli("knowledge", "import", str(write(tmp_path / "fixed.csv", fixed)))
    assert again.exit_code == 0, again.output
    assert "imported 1 article(s)" in again.stdout
    assert "skipped 2 row(s) already in the knowledge base: 1, 2" in again.stdout
    assert counts(hotline)[0] == 3


def test_json_import_with_publish_makes_articles_searchable_and_public(
    hotline: Hotline, cli, tmp_path: Path
) -> None:
    """--publish migrates an approved knowledge base: published, indexed, served publicly."""
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(JSON_ROWS, ensure_ascii=False, indent=1), encoding="utf-8")
    result = cli("knowledge", "import", "--publish", str(path), "--report", str(tmp_path / "e.csv"))
    assert result.exit_code == 1
    assert "imported 2 article(s) as published" in result.stdout
    assert "row 3: answer: is required" in result.stderr
    assert "row 4: row: expected an object" in result.stderr
    assert "row 5: owner: unknown field" in result.stderr
    report = (tmp_path / "e.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "row,line,field,message" and len(report) == 4
    assert search(hotline, "公积金怎么提取") == ["住房公积金提取需要哪些材料？"]
    assert search(hotline, "晚上施工噪音") == ["夜间施工噪音扰民向哪里投诉？"]
    articles = hotline.center.get("/api/v1/knowledge/articles?status=published").json["items"]
    assert len(articles) == 2
    noise = next(a for a in articles if a["unit"] == "HBJ")
    detail = hotline.center.get(f"/api/v1/knowledge/articles/{noise['id']}").json
    assert [e["kind"] for e in detail["events"]] == ["article_drafted", "article_published"]
    assert detail["events"][1]["data"]["imported"] is True
    assert detail["published"]["review_at"] == "2027-11-23"  # a year on, as on approval
    public = hotline.app.test_client().get(f"/public/knowledge/articles/{noise['id']}")
    assert public.status_code == 200 and public.json["region"] == "利州区"


def test_a_failure_inside_a_row_leaves_nothing_of_it(
    hotline: Hotline, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row that breaks after its article was written is rolled back whole; the rest land."""
    original = knowledge_io._publish

    def flaky(session, article, runtime):
        original(session, article, runtime)
        if article.unit_code == "HBJ":
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(knowledge_io, "_publish", flaky)
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(JSON_ROWS[:2], ensure_ascii=False), encoding="utf-8")
    result = cli("knowledge", "import", "--publish", str(path))
    assert result.exit_code == 1
    assert "row 2: row: disk on fire" in result.stderr
    assert counts(hotline) == (1, 1, 2)  # the ZJJ article: drafted and published
    assert search(hotline, "噪音") == []
    assert search(hotline, "公积金") == ["住房公积金提取需要哪些材料？"]


def test_unreadable_files_import_nothing(hotline: Hotline, cli, tmp_path: Path) -> None:
    """Broken JSON, a wrong header or a wrong extension: one clear message, exit 1."""
    broken = tmp_path / "kb.json"
    broken.write_text('[{"question": "x",\n  "answer": }]', encoding="utf-8")
    result = cli("knowledge", "import", str(broken))
    assert result.exit_code == 1 and "line 2: invalid JSON" in result.output
    header = tmp_path / "kb.csv"
    header.write_text("question,answer,kind,unit\nq,a,faq,ZJJ\n", encoding="utf-8")
    result = cli("knowledge", "import", str(header))
    assert result.exit_code == 1 and "the header lacks type" in result.output
    other = tmp_path / "kb.txt"
    other.write_text("x", encoding="utf-8")
    assert "expected a .json or .csv" in cli("knowledge", "import", str(other)).output
    assert counts(hotline) == (0, 0, 0)


def test_gbk_csv_from_excel_is_read(hotline: Hotline, cli, tmp_path: Path) -> None:
    """A CSV saved by Excel in a Chinese locale (GB18030) imports as well."""
    path = write(tmp_path / "excel.csv", [CSV_ROWS[0]], encoding="gb18030")
    result = cli("knowledge", "import", "--publish", str(path))
    assert result.exit_code == 0, result.output
    assert search(hotline, "社保卡补办") == ["社保卡丢失如何补办？"]


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_export_round_trips_through_import(
    hotline: Hotline, cli, tmp_path: Path, suffix: str
) -> None:
    """Exported published articles read back as the very rows that were imported."""
    source = tmp_path / "kb.json"
    source.write_text(json.dumps(JSON_ROWS[:2], ensure_ascii=False), encoding="utf-8")
    assert cli("knowledge", "import", "--publish", str(source)).exit_code == 0
    cli("knowledge", "import", str(write(tmp_path / "drafts.csv", [CSV_ROWS[-1]])))
    exported = tmp_path / f"out{suffix}"
    result = cli("knowledge", "export", str(exported))
    assert result.exit_code == 0, result.output
    assert "exported 2 article(s)" in result.stdout  # the draft stays out
    records = knowledge_io.read_records(exported)
    loaded = [knowledge_io.check_record(r) for r in records]
    assert all(errors == [] for _, errors in loaded)
    expected = [
        {**JSON_ROWS[0]},
        {**JSON_ROWS[1], "review_at": "2027-11-23"},  # set on publication
    ]
    got = [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
        for data, _ in loaded
    ]
    assert got == expected
    again = cli("knowledge", "import", "--publish", str(exported))
    assert again.exit_code == 0 and "skipped 2 row(s)" in again.stdout
    everything = tmp_path / f"all{suffix}"
    assert "exported 3" in cli("knowledge", "export", "--unpublished", str(everything)).stdout
