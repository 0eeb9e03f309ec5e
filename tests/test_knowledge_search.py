"""Knowledge search for operators: Chinese queries find the right article first, on both databases.

Articles are published straight through the ORM (as the approval process would leave them)
and indexed with hotline.search.reindex_article. Clock: Monday 2026-11-23 Shanghai.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text

from hotline import clock
from hotline.models import Article, ArticleSearchEntry, ArticleVersion
from hotline.search import reindex_article
from tests.conftest import Hotline
from tests.helpers.knowledge import publish
from wiring.services import Services

SEARCH = "/api/v1/knowledge/search"

# (key, unit, type, region, question, answer, keywords)
ARTICLES = [
    ("social_card", "RSJ", "procedure", None, "社会保障卡（社保卡）丢失了如何补办？",
     "社保卡遗失后，请先拨打12333或通过人社公众号办理临时挂失，再携带本人身份证原件到任一"
     "社保卡服务网点或合作银行网点申请补卡。现场制卡网点可当场领取，其他网点约15个工作日。"
     "补卡工本费按省定标准收取，低保对象免收。", ["社保卡", "挂失", "补卡"]),
    ("fund", "ZJJ", "procedure", None, "住房公积金提取需要哪些材料？",
     "职工购买、建造、翻建、大修自住住房，偿还购房贷款本息，或租房自住的，可以申请提取住房"
     "公积金。需提供本人身份证、购房合同或不动产权证书、银行卡；租房提取需提供租赁合同和"
     "无房证明。可在政务服务中心公积金窗口或一网通办平台办理，审核通过后3个工作日内到账。",
     ["公积金", "提取", "租房提取"]),
    ("hukou", "GAJ", "procedure", "利州区", "户口迁入利州区需要办理什么手续？",
     "在利州区有合法稳定住所的，可以凭不动产权证书、居民户口簿、居民身份证向房屋所在地"
     "派出所申请户口迁入；投靠直系亲属的还需提供亲属关系证明。市内迁移实行一站式办理，"
     "无需再到迁出地开具准迁证。", ["户口迁移", "落户", "准迁证"]),
    ("property", "ZJJ", "procedure", None, "购买二手房如何办理不动产登记（过户）？",
     "买卖双方携带身份证、不动产权证书、网签买卖合同、完税凭证，到政务服务中心不动产登记"
     "窗口申请转移登记。资料齐全的，5个工作日内办结并颁发新的不动产权证书。登记费住宅每件"
     "80元。", ["不动产登记", "过户", "房产证"]),
    ("noise", "HBJ", "faq", None, "夜间施工噪音扰民应该向哪个部门投诉？",
     "晚上22时至次日6时，在居民区附近进行产生噪声污染的建筑施工作业属于违法行为，因抢修、"
     "抢险作业的除外。市民可拨打12345热线或生态环境局举报电话反映，执法人员将到工地核查"
     "并依法处罚。广场舞、装修等社会生活噪声由公安机关处理。", ["噪音", "夜间施工", "扰民"]),
    ("medical", "RSJ", "faq", None, "异地就医医保怎么报销？",
     "参保人员异地就医前应通过国家医保服务平台或医保经办窗口办理异地就医备案，备案后在"
     "就医地定点医疗机构可直接结算；未备案的，回参保地凭发票、费用清单、出院小结手工报销。",
     ["医保", "异地就医", "备案"]),
    ("license", "SJJ", "procedure", None, "个体工商户营业执照怎么办理？",
     "申请人可通过一网通办平台或到政务服务中心市场监管窗口提交个体工商户登记申请书、经营者"
     "身份证明、经营场所使用证明，材料齐全的当场核发营业执照，不收取费用。",
     ["营业执照", "个体户", "注册登记"]),
    ("residence", "GAJ", "procedure", None, "外地人在本市办理居住证需要什么条件？",
     "在本市居住半年以上，有合法稳定就业、合法稳定住所或连续就读之一的，可以向居住地派出所"
     "申领居住证。需提供身份证、照片及就业、住所或就读证明，15日内制证。",
     ["居住证", "暂住证"]),
    ("wages", "RSJ", "faq", None, "公司拖欠工资不发怎么办？",
     "劳动者可向用人单位所在地劳动保障监察机构投诉，也可向劳动人事争议仲裁委员会申请仲裁。"
     "农民工欠薪可拨打12345或12333热线求助。投诉需提供身份证明和劳动合同、工资条、考勤记录"
     "等劳动关系证明。", ["欠薪", "拖欠工资", "劳动仲裁"]),
    ("newborn", "GAJ", "procedure", None, "新生儿怎么上户口？",
     "婴儿出生后一个月内，由父母一方持出生医学证明、父母双方户口簿和身份证、结婚证到户籍"
     "所在地派出所申报出生登记。", ["新生儿", "出生登记", "上户口"]),
    ("center_hours", "LZQ", "organization", None, "市政务服务中心的办公时间和地址",
     "市政务服务中心位于利州区滨河北路88号，工作日上午9:00至12:00、下午14:00至17:30对外"
     "办公，周六上午提供预约服务，法定节假日不办公。", ["政务服务中心", "办公时间", "地址"]),
    ("rent_subsidy", "ZJJ", "policy", "昭化区", "昭化区住房租赁补贴政策有哪些规定？",
     "依据《示范市公共租赁住房管理办法》，昭化区城镇户籍低收入住房困难家庭可申请住房租赁"
     "补贴，补贴标准按家庭人数和住房面积核定，每年复核一次。", ["租赁补贴", "公租房"]),
    ("ebike", "GAJ", "procedure", None, "电动自行车怎么上牌？",
     "购买符合国家标准的电动自行车后，车主携带身份证、购车发票、合格证到交警部门指定的"
     "登记点办理登记上牌，免收工本费。", ["电动自行车", "上牌", "登记"]),
    ("low_income", "LZQ", "procedure", "利州区", "利州区低保怎么申请？",
     "家庭人均收入低于当地最低生活保障标准的，由申请人向户籍所在地街道办事处或乡镇人民政府"
     "提出书面申请，提供户口簿、身份证、收入证明，经入户调查、民主评议和公示后审批。",
     ["低保", "最低生活保障"]),
]  # fmt: skip

# Natural questions as callers put them, and the article that must come first.
QUERIES = [
    ("社保卡丢了怎么补办", "social_card"),
    ("社保卡挂失", "social_card"),
    ("公积金怎么取出来", "fund"),
    ("租房可以提取公积金吗", "fund"),
    ("户口迁到利州区要带什么", "hukou"),
    ("二手房过户怎么办理", "property"),
    ("房产证办理流程", "property"),
    ("晚上工地施工噪音太大", "noise"),
    ("楼下装修噪音扰民找谁", "noise"),
    ("异地看病医保报销", "medical"),
    ("开个体户要办什么证", "license"),
    ("老板拖欠工资不给怎么办", "wages"),
    ("刚出生的孩子怎么上户口", "newborn"),
    ("政务服务中心几点上班", "center_hours"),
    ("电动车上牌需要什么材料", "ebike"),
    ("家里收入低怎么申请低保", "low_income"),
]


def load_set(services: Services) -> dict[str, int]:
    """The realistic set, published; article ids by key."""
    return {
        key: publish(services, unit, type, question, answer, keywords, region)
        for key, unit, type, region, question, answer, keywords in ARTICLES
    }


def found(response: Any) -> list[int]:
    """Article ids of a search response, in order."""
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


@pytest.fixture
def kb(hotline: Hotline) -> dict[str, int]:
    """The realistic set published in the test database."""
    return load_set(hotline.services)


@pytest.mark.parametrize(("query", "key"), QUERIES)
def test_a_natural_question_finds_the_right_article_first(
    hotline: Hotline, kb: dict[str, int], query: str, key: str
) -> None:
    """Operators type what the caller says; the article answering it is the first hit."""
    ids = found(hotline.operator.get(SEARCH, query_string={"q": query}))
    assert ids and ids[0] == kb[key], (query, [k for i in ids for k, v in kb.items() if v == i])


def test_hits_carry_highlighted_snippets_and_article_fields(
    hotline: Hotline, kb: dict[str, int]
) -> None:
    """The snippet is the answer around the first match, matched words in <em>."""
    response = hotline.operator.get(SEARCH, query_string={"q": "社保卡丢了怎么补办"})
    first = response.json["items"][0]
    assert first["question_html"].startswith("社会保障卡（<em>社保卡</em>）")
    assert "<em>补办</em>" in first["question_html"]
    assert first["snippet"].startswith("<em>社保卡</em>遗失后")
    assert "…" not in first["snippet"]  # a short answer is shown whole
    assert first["unit"] == "RSJ" and first["unit_name"] == "示范市人力资源和社会保障局"
    assert first["type"] == "procedure" and first["version"] == 1
    assert first["keywords"] == ["社保卡", "挂失", "补卡"]
    assert first["score"] > 0
    assert "社保卡" in response.json["words"] and "怎么" not in response.json["words"]


def test_snippet_window_moves_to_the_first_match_deep_in_the_answer(hotline: Hotline) -> None:
    """A match far into a long answer: a 120-character window from a little before it."""
    answer = (
        "根据有关规定，" * 30 + "办理结婚登记需携带身份证和户口簿。" + "其他事项另行通知。" * 10
    )
    article_id = publish(hotline.services, "LZQ", "faq", "婚姻登记要带什么？", answer)
    first = hotline.operator.get(SEARCH, query_string={"q": "结婚登记"}).json["items"][0]
    assert first["id"] == article_id
    snippet = first["snippet"]
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<em>结婚</em><em>登记</em>" in snippet or "<em>结婚登记</em>" in snippet
    plain = re.sub(r"</?em>", "", snippet).strip("…")
    assert len(plain) == 120 and plain.index("结婚") == 30


def test_snippets_escape_html_in_the_answer(hotline: Hotline) -> None:
    """Answer text is escaped; only our <em> marks are markup."""
    publish(hotline.services, "ZJJ", "faq", "物业费<b>标准</b>", "物业费按<script>x</script>收取")
    first = hotline.operator.get(SEARCH, query_string={"q": "物业费"}).json["items"][0]
    assert first["snippet"] == "<em>物业费</em>按&lt;script&gt;x&lt;/script&gt;收取"
    assert first["question_html"] == "<em>物业费</em>&lt;b&gt;标准&lt;/b&gt;"


def test_filters_by_type_unit_and_region(hotline: Hotline, kb: dict[str, int]) -> None:
    """type, unit and region narrow the results; region keeps citywide articles too."""
    get = hotline.operator.get
    assert found(get(SEARCH, query_string={"q": "户口", "type": "procedure"}))
    assert found(get(SEARCH, query_string={"q": "户口", "type": "faq"})) == []
    by_unit = found(get(SEARCH, query_string={"q": "身份证", "unit": "GAJ"}))
    assert set(by_unit) == {kb["hukou"], kb["residence"], kb["newborn"], kb["ebike"]}
    everywhere = found(get(SEARCH, query_string={"q": "低保"}))
    assert set(everywhere) == {kb["low_income"], kb["social_card"]}
    in_zhaohua = found(get(SEARCH, query_string={"q": "低保", "region": "昭化区"}))
    assert in_zhaohua == [kb["social_card"]]  # 利州区's own article is out, citywide stays
    in_lizhou = found(get(SEARCH, query_string={"q": "低保", "region": "利州区"}))
    assert set(in_lizhou) == {kb["low_income"], kb["social_card"]}


def test_results_are_paginated_with_a_total(hotline: Hotline, kb: dict[str, int]) -> None:
    """per_page and page walk the ranked list; total counts every match."""
    everything = found(hotline.operator.get(SEARCH, query_string={"q": "身份证", "per_page": 100}))
    assert len(everything) >= 6
    pages = []
    for page in (1, 2, 3):
        response = hotline.operator.get(
            SEARCH, query_string={"q": "身份证", "per_page": 2, "page": page}
        )
        assert response.json["total"] == len(everything)
        pages += found(response)
    assert pages == everything[:6]
    beyond = hotline.operator.get(SEARCH, query_string={"q": "身份证", "page": 50})
    assert found(beyond) == [] and beyond.json["total"] == len(everything)


def test_only_published_currently_valid_versions_are_found(hotline: Hotline) -> None:
    """Drafts, articles in review, retired ones and expired or future versions never show."""
    s = hotline.services
    today = date(2026, 11, 23)
    q = "城乡居民养老保险缴费档次"
    live = publish(s, "RSJ", "policy", q, "每年缴费档次分为十二档。")
    publish(s, "RSJ", "policy", q, "草稿内容", status="draft")
    publish(s, "RSJ", "policy", q, "审核中内容", status="in_review")
    publish(s, "RSJ", "policy", q, "已过期", valid_until=date(2026, 11, 22))
    publish(s, "RSJ", "policy", q, "尚未生效", valid_from=date(2026, 11, 24))
    ends_today = publish(s, "RSJ", "policy", q, "今天到期", valid_until=today)
    starts_today = publish(s, "RSJ", "policy", q, "今天生效", valid_from=today)
    retired = publish(s, "RSJ", "policy", q, "已下架")
    with s.transaction() as session:
        article = session.get(Article, retired)
        article.status = "retired"
        session.get(ArticleVersion, article.published_version_id).status = "retired"
        reindex_article(session, retired)
    ids = found(hotline.operator.get(SEARCH, query_string={"q": "养老保险缴费"}))
    assert sorted(ids) == sorted([live, ends_today, starts_today])


def test_a_new_version_replaces_the_old_one_in_the_index(hotline: Hotline) -> None:
    """After a newer version is published, its words are found and the old ones are not."""
    s = hotline.services
    article_id = publish(s, "WATER", "faq", "停水通知在哪里查询？", "请关注自来水公司公众号。")
    with s.transaction() as session:
        article = session.get(Article, article_id)
        session.get(ArticleVersion, article.published_version_id).status = "superseded"
        newer = ArticleVersion(
            article_id=article_id, version=2, type="faq", question="停水通知在哪里查询？",
            answer="请登录供水服务网站查看计划停水公告。", keywords=[], status="published",
            created_at=clock.now(), published_at=clock.now(),
        )  # fmt: skip
        session.add(newer)
        session.flush()
        article.published_version_id = newer.id
        reindex_article(session, article_id)
    get = hotline.operator.get
    assert found(get(SEARCH, query_string={"q": "供水服务网站"})) == [article_id]
    assert found(get(SEARCH, query_string={"q": "公众号"})) == []
    hit = get(SEARCH, query_string={"q": "停水"}).json["items"][0]
    assert hit["version"] == 2


def test_a_stale_index_row_never_shows_an_unpublished_version(hotline: Hotline) -> None:
    """Even if reindex was forgotten after a retirement, the retired text is not served."""
    s = hotline.services
    article_id = publish(s, "ZJJ", "faq", "电梯维修基金怎么申请？", "向小区业委会提出。")
    with s.transaction() as session:
        article = session.get(Article, article_id)
        article.status = "retired"
        session.get(ArticleVersion, article.published_version_id).status = "retired"
    assert found(hotline.operator.get(SEARCH, query_string={"q": "电梯维修基金"})) == []


def test_every_role_may_search_and_a_token_is_required(hotline: Hotline, kb: dict) -> None:
    """Knowledge is public anyway: every signed-in role searches; no token is 401."""
    for caller in (hotline.operator, hotline.center, hotline.unit, hotline.supervisor,
                   hotline.leader, hotline.authority, hotline.admin):  # fmt: skip
        assert found(caller.get(SEARCH, query_string={"q": "社保卡"}))[0] == kb["social_card"]
    anonymous = hotline.app.test_client().get(SEARCH, query_string={"q": "社保卡"})
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    "args",
    [{}, {"q": ""}, {"q": "   "}, {"q": "社" * 501}],  # Q_MAX is 500
    ids=["missing", "empty", "blank", "long"],
)
def test_a_missing_blank_or_long_query_is_refused_naming_q(hotline: Hotline, args: dict) -> None:
    """422 with the field q named."""
    response = hotline.operator.get(SEARCH, query_string=args)
    assert response.status_code == 422, response.json
    assert "q" in response.json["error"]["fields"]


def test_bad_filters_are_refused_naming_them(hotline: Hotline) -> None:
    """An unknown type or a page out of range names its field."""
    response = hotline.operator.get(SEARCH, query_string={"q": "社保", "type": "news"})
    assert response.status_code == 422 and "type" in response.json["error"]["fields"]
    response = hotline.operator.get(SEARCH, query_string={"q": "社保", "per_page": 1000})
    assert response.status_code == 422 and "per_page" in response.json["error"]["fields"]


def test_a_query_of_only_function_words_finds_nothing(hotline: Hotline, kb: dict) -> None:
    """怎么办 says nothing about the topic: an empty page, not every article."""
    response = hotline.operator.get(SEARCH, query_string={"q": "请问怎么办？"})
    assert response.json["items"] == [] and response.json["total"] == 0


def test_fts_syntax_in_a_query_is_plain_text(hotline: Hotline, kb: dict) -> None:
    """Quotes, NEAR, OR, stars and parentheses are searched as words, never as syntax."""
    for q in ['"社保卡', "社保卡 OR", "NEAR(社保卡", "社保* AND (", "'; DROP TABLE x; --"]:
        response = hotline.operator.get(SEARCH, query_string={"q": q})
        assert response.status_code == 200, (q, response.json)


def test_the_index_holds_one_row_per_published_article(hotline: Hotline, kb: dict) -> None:
    """The FTS5 index stays consistent with its content table (SQLite's integrity check)."""
    with hotline.services.transaction() as session:
        rows = session.scalars(select(ArticleSearchEntry.article_id)).all()
        assert sorted(rows) == sorted(kb.values())
        if session.get_bind().dialect.name == "sqlite":
            session.execute(
                text("INSERT INTO knowledge_fts(knowledge_fts) VALUES('integrity-check')")
            )


def test_both_databases_score_with_the_same_bm25(hotline: Hotline, kb: dict) -> None:
    """SQLite's FTS5 bm25() and the PostgreSQL formula give the BM25 computed here by hand."""
    q = "公积金提取需要带身份证吗"
    response = hotline.operator.get(SEARCH, query_string={"q": q, "per_page": 100})
    got = [(item["id"], item["score"]) for item in response.json["items"]]
    terms = response.json["words"]
    with hotline.services.transaction() as session:
        rows = session.scalars(select(ArticleSearchEntry)).all()
        columns = {
            r.article_id: [c.split() for c in (r.question_terms, r.keyword_terms, r.answer_terms)]
            for r in rows
        }
    n_rows = len(columns)
    mean = sum(sum(len(c) for c in cols) for cols in columns.values()) / n_rows
    expected = []
    for article_id, cols in columns.items():
        score, length, matched = 0.0, sum(len(c) for c in cols), False
        for term in terms:
            hits = sum(any(term in c for c in other) for other in columns.values())
            idf = max(math.log((n_rows - hits + 0.5) / (hits + 0.5)), 1e-6)
            tf = sum(w * c.count(term) for w, c in zip((3.0, 2.0, 1.0), cols, strict=True))
            matched |= tf > 0
            score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / mean))
        if matched:
            expected.append((article_id, score))
    expected.sort(key=lambda pair: (-pair[1], pair[0]))
    assert [i for i, _ in got] == [i for i, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)
