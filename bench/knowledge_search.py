"""Knowledge search latency on SQLite with 100k generated Chinese articles (target p95 ≤ 50 ms).

Builds a SQLite file with the service's schema revisions, writes N published articles whose
vocabulary varies by unit, topic, type and region, indexes them with the service's own
code (hotline.search.entry_for + store_entries, jieba in worker processes), then runs
realistic operator queries through hotline.search.search — the function behind
GET /api/v1/knowledge/search, snippets included — and prints p50/p95/p99 latency.

    python bench/knowledge_search.py [--articles 100000] [--queries 300] [--db FILE] [--seed 7]

Not part of `make test`. With --db FILE an existing bench file is reused (no rebuild).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from multiprocessing import Pool
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo, whatever the cwd

from sqlalchemy import func, insert, select

from hotline import clock, search
from hotline.db import make_engine, make_session_factory
from hotline.demo import DEMO_UNITS
from hotline.models import Article, ArticleVersion, Unit
from hotline.schema import upgrade

REGIONS = ["利州区", "昭化区", "朝天区", "旺苍县", "青川县", "剑阁县", "苍溪县"]
TYPES = ["faq", "procedure", "policy", "organization"]
# unit -> topics: (subject, keywords, materials, place)
TOPICS: dict[str, list[tuple[str, list[str], list[str], str]]] = {
    "RSJ": [
        ("社保卡补办", ["社保卡", "补卡", "挂失"], ["身份证", "社保卡挂失证明"], "社保卡服务网点"),
        ("养老保险缴费", ["养老保险", "缴费", "档次"], ["身份证", "户口簿"], "社保经办窗口"),
        ("失业保险金申领", ["失业金", "失业登记"], ["身份证", "解除劳动合同证明"], "就业服务中心"),
        ("退休手续办理", ["退休", "养老金"], ["档案", "身份证", "工作年限证明"], "社保经办窗口"),
        ("工伤认定", ["工伤", "认定"], ["劳动合同", "医疗诊断证明", "事故证明"], "人社局工伤科"),
        (
            "拖欠工资投诉",
            ["欠薪", "拖欠工资"],
            ["劳动合同", "工资条", "考勤记录"],
            "劳动监察大队",
        ),
        ("职业技能培训补贴", ["培训补贴", "技能证书"], ["职业资格证书", "银行卡"], "就业服务中心"),
    ],
    "ZJJ": [
        ("住房公积金提取", ["公积金", "提取"], ["身份证", "购房合同", "银行卡"], "公积金窗口"),
        ("公积金贷款", ["公积金贷款", "首付"], ["收入证明", "购房合同", "婚姻证明"], "公积金窗口"),
        (
            "不动产登记",
            ["不动产登记", "过户", "房产证"],
            ["不动产权证书", "完税凭证"],
            "登记中心",
        ),
        ("公租房申请", ["公租房", "保障性住房"], ["收入证明", "住房情况证明"], "住房保障窗口"),
        ("小区加装电梯", ["加装电梯", "老旧小区"], ["业主同意书", "设计方案"], "住建局"),
        ("物业服务纠纷", ["物业费", "物业纠纷"], ["物业合同", "缴费凭证"], "街道物业办"),
        (
            "房屋维修基金使用",
            ["维修基金", "维修"],
            ["业主表决结果", "维修预算"],
            "维修资金中心",
        ),
    ],
    "SJJ": [
        ("营业执照办理", ["营业执照", "注册"], ["身份证", "经营场所证明"], "市场监管窗口"),
        ("个体工商户登记", ["个体户", "个体工商户"], ["身份证", "租赁合同"], "市场监管窗口"),
        ("食品经营许可", ["食品经营许可证"], ["健康证", "场所平面图"], "市场监管窗口"),
        ("消费维权投诉", ["消费投诉", "退货"], ["购物凭证", "聊天记录"], "消费者协会"),
        ("价格违法举报", ["价格欺诈", "明码标价"], ["价目表照片", "收费票据"], "市场监管局"),
    ],
    "HBJ": [
        ("夜间施工噪音投诉", ["噪音", "夜间施工", "扰民"], ["现场录音", "照片"], "生态环境局"),
        ("餐饮油烟扰民", ["油烟", "餐饮"], ["现场照片"], "生态环境局"),
        ("污水直排举报", ["污水", "排放"], ["现场视频", "位置信息"], "生态环境局"),
        (
            "建设项目环评审批",
            ["环评", "环境影响评价"],
            ["环评报告", "项目备案"],
            "环保窗口",
        ),
    ],
    "JTJ": [
        ("出租车拒载投诉", ["出租车", "拒载", "绕路"], ["车牌号", "发票"], "运管所"),
        ("网约车驾驶员证", ["网约车", "从业资格证"], ["驾驶证", "无犯罪记录证明"], "运管所"),
        ("公交线路调整", ["公交", "线路"], ["站点位置"], "公交公司"),
    ],
    "JYJ": [
        ("义务教育入学", ["入学", "学区", "小学"], ["户口簿", "房产证", "出生证明"], "教育局"),
        ("学籍转移", ["转学", "学籍"], ["转学申请表", "户口簿"], "学校教务处"),
        ("校外培训退费", ["培训机构", "退费"], ["缴费凭证", "培训合同"], "教育局"),
    ],
    "WJW": [
        ("预防接种", ["疫苗", "接种"], ["预防接种证", "身份证"], "社区卫生服务中心"),
        ("出生医学证明办理", ["出生医学证明", "出生证"], ["父母身份证", "结婚证"], "助产医院"),
        ("医疗纠纷调解", ["医疗纠纷", "调解"], ["病历", "费用清单"], "医调委"),
    ],
    "GAJ": [
        ("户口迁移", ["户口迁移", "落户", "准迁证"], ["户口簿", "身份证", "房产证"], "派出所"),
        ("新生儿落户", ["新生儿", "上户口", "出生登记"], ["出生医学证明", "户口簿"], "派出所"),
        ("居住证办理", ["居住证", "暂住"], ["身份证", "租房合同", "照片"], "派出所"),
        ("身份证补办", ["身份证", "补办", "挂失"], ["户口簿"], "派出所户籍窗口"),
        ("电动自行车上牌", ["电动自行车", "上牌"], ["购车发票", "合格证"], "车管所登记点"),
        ("出入境证件办理", ["护照", "港澳通行证"], ["身份证", "照片"], "出入境接待大厅"),
    ],
    "WATER": [
        ("停水查询", ["停水", "供水"], ["户号"], "自来水公司营业厅"),
        ("水费缴纳", ["水费", "缴费"], ["户号"], "自来水公司营业厅"),
        ("供水报装", ["用水报装", "水表"], ["房产证", "身份证"], "自来水公司营业厅"),
    ],
    "POWER": [
        ("停电查询", ["停电", "抢修"], ["户号"], "供电营业厅"),
        ("电费缴纳", ["电费", "阶梯电价"], ["户号"], "供电营业厅"),
        ("新装用电", ["新装", "用电报装"], ["房产证", "身份证"], "供电营业厅"),
    ],
}
for _code in ("LZQ", "ZHQ", "CTQ", "WCX", "QCX"):
    TOPICS[_code] = [
        (
            "最低生活保障申请",
            ["低保", "救助"],
            ["户口簿", "收入证明", "身份证"],
            "街道便民服务中心",
        ),
        ("临时救助申请", ["临时救助", "困难"], ["困难情况说明", "身份证"], "街道便民服务中心"),
        ("高龄津贴领取", ["高龄津贴", "老人"], ["身份证", "银行卡"], "社区居委会"),
        ("农村危房改造", ["危房改造", "农村住房"], ["房屋鉴定报告", "户口簿"], "乡镇人民政府"),
        ("残疾人两项补贴", ["残疾人补贴", "残疾证"], ["残疾证", "银行卡"], "残联"),
    ]
ASKS = ["怎么办理？", "需要什么材料？", "在哪里办理？", "有什么条件？", "多久能办好？", "收费吗？"]
CHANNELS = ["一网通办平台", "微信公众号", "政务服务APP", "线下窗口", "自助服务终端"]
FILLER = [
    "具体以窗口现场告知为准。", "如有疑问可拨打12345热线咨询。", "节假日期间办理时间另行通知。",
    "委托他人办理的需提供委托书和受托人身份证。", "材料不齐全的一次性告知需补正的内容。",
    "符合条件的可享受减免政策。", "逾期未办理的将影响相关待遇。", "办理结果可通过短信查询。",
    "外地户籍人员按有关规定办理。", "老年人、残疾人可申请上门服务。",
]  # fmt: skip
STREETS = ["滨河北路", "东坝街道", "万缘大道", "南河路", "嘉陵路", "蜀门北路", "利州东路"]
LAWS = ["社会保险法", "劳动合同法", "住房公积金管理条例", "不动产登记暂行条例", "户口登记条例"]
COLLOQUIAL = {  # how callers say it: the subject's words, re-phrased
    "社保卡补办": ["社保卡丢了怎么补办", "社保卡掉了补卡"], "住房公积金提取": ["公积金怎么取出来",
    "租房提取公积金"], "夜间施工噪音投诉": ["晚上工地施工太吵", "半夜施工噪音扰民"],
    "户口迁移": ["户口迁过来要带什么", "怎么把户口迁到"], "新生儿落户": ["刚出生的孩子上户口"],
    "不动产登记": ["二手房过户流程", "办房产证"], "拖欠工资投诉": ["老板拖欠工资不给"],
    "最低生活保障申请": ["家里困难申请低保"], "电动自行车上牌": ["电动车上牌要什么"],
}  # fmt: skip


def article(rng: random.Random, i: int) -> tuple[str, dict[str, Any]]:
    """One generated article: (unit, version fields)."""
    unit = rng.choice(list(TOPICS))
    subject, keywords, materials, place = rng.choice(TOPICS[unit])
    kind = rng.choices(TYPES, weights=[4, 4, 2, 1])[0]
    region = rng.choice([*REGIONS, None, None])
    where = region or "本市"
    days, fee = rng.choice([1, 3, 5, 7, 10, 15, 20]), rng.choice([0, 0, 10, 20, 80])
    channel = rng.choice(CHANNELS)
    if kind == "faq":
        question = f"{where}{subject}{rng.choice(ASKS)}"
    elif kind == "procedure":
        question = f"{where}{subject}的办理流程"
    elif kind == "policy":
        question = f"{where}关于{subject}的政策规定有哪些？"
    else:
        question = f"{where}{place}的办公地址和联系电话"
    parts = [
        f"办理{subject}，申请人需携带{'、'.join(rng.sample(materials, len(materials)))}",
        f"到{where}{place}提交申请，也可通过{channel}在线办理。",
        f"材料齐全的，{days}个工作日内办结。",
        "不收取费用。" if fee == 0 else f"收取工本费{fee}元。",
    ]
    if kind == "procedure":
        parts.insert(0, "第一步网上预约；第二步现场提交材料；第三步审核；第四步领取结果。")
    if kind == "policy":
        law = rng.choice(LAWS)
        parts.insert(0, f"依据《{law}》第{rng.randint(2, 80)}条及本市有关规定，")
    if kind == "organization":
        parts = [
            f"{where}{place}位于{rng.choice(STREETS)}{rng.randint(1, 300)}号，",
            "工作日上午9:00至12:00、下午14:00至17:30办公，",
            f"咨询电话0839-{rng.randint(3000000, 3999999)}。主要受理{subject}等业务。",
        ]
    parts += rng.sample(FILLER, rng.randint(1, 4))
    today = date(2026, 11, 23)
    valid_until = today + timedelta(days=rng.randint(-60, 900)) if rng.random() < 0.1 else None
    return unit, {
        "type": kind,
        "question": question,
        "answer": "".join(parts),
        "keywords": rng.sample(keywords, rng.randint(1, len(keywords))),
        "region": region,
        "valid_until": valid_until,
    }


def queries(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Operator queries: colloquial phrasings, subjects with asks, some with filters."""
    subjects = [(unit, t[0]) for unit, topics in TOPICS.items() for t in topics]
    out = []
    while len(out) < n:
        unit, subject = rng.choice(subjects)
        q = rng.choice([*COLLOQUIAL.get(subject, []), subject + rng.choice(ASKS)])
        if rng.random() < 0.3:
            q = rng.choice(REGIONS) + q
        args: dict[str, Any] = {"q": q}
        roll = rng.random()
        if roll < 0.15:
            args["type"] = rng.choice(TYPES)
        elif roll < 0.25:
            args["region"] = rng.choice(REGIONS)
        elif roll < 0.30:
            args["unit"] = unit
        out.append(args)
    return out


def _entry(fields: dict[str, Any]) -> dict[str, Any]:
    return search.entry_for(SimpleNamespace(**fields), fields["unit_code"])  # type: ignore[arg-type]


def build(path: Path, n: int, seed: int) -> None:
    """A schema-upgraded SQLite file with n published, indexed articles."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    rng, now, started = random.Random(seed), clock.now(), time.perf_counter()
    generated = [article(rng, i) for i in range(n)]
    with sessions.begin() as session:
        session.execute(
            insert(Unit),
            [
                {"code": c, "name": name, "district": d, "active": True, "created_at": now}
                for c, name, d in DEMO_UNITS
            ],
        )
        session.execute(
            insert(Article),
            [
                {"id": i + 1, "unit_code": unit, "status": "published", "created_at": now,
                 "updated_at": now, "published_version_id": i + 1}
                for i, (unit, _) in enumerate(generated)
            ],
        )  # fmt: skip
        session.execute(
            insert(ArticleVersion),
            [
                {"id": i + 1, "article_id": i + 1, "version": 1, "status": "published",
                 "created_at": now, "published_at": now, **fields}
                for i, (_, fields) in enumerate(generated)
            ],
        )  # fmt: skip
    stored = time.perf_counter()
    rows = [
        {**fields, "id": i + 1, "article_id": i + 1, "unit_code": unit, "valid_from": None}
        for i, (unit, fields) in enumerate(generated)
    ]
    with Pool(initializer=search.warm_up) as pool:
        entries = pool.map(_entry, rows, chunksize=500)
    segmented = time.perf_counter()
    for start in range(0, len(entries), 5000):
        with sessions.begin() as session:
            search.store_entries(session, entries[start : start + 5000])
    indexed = time.perf_counter()
    engine.dispose()
    print(
        f"built {n} articles: rows {stored - started:.1f} s, jieba {segmented - stored:.1f} s, "
        f"index {indexed - segmented:.1f} s; file {path.stat().st_size / 1e6:.0f} MB"
    )


def run(path: Path, n_queries: int, seed: int) -> None:
    """Time each query through hotline.search.search, as the API calls it."""
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_session_factory(engine)
    search.warm_up()
    with sessions.begin() as session:
        total = session.scalar(select(func.count()).select_from(Article))
    work = queries(random.Random(seed + 1), n_queries)
    for args in work[:20]:  # warm the page cache, as a running server would be
        with sessions.begin() as session:
            search.search(session, **args)
    times, found, empty = [], [], 0
    for args in work:
        began = time.perf_counter()
        with sessions.begin() as session:
            results = search.search(session, **args)
        times.append((time.perf_counter() - began) * 1000)
        found.append(results.total)
        empty += not results.hits
    engine.dispose()
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))]

    print(f"{len(work)} queries over {total} articles (one transaction each, snippets included)")
    print(
        f"latency ms: p50 {pct(0.50):.1f}  p95 {pct(0.95):.1f}  p99 {pct(0.99):.1f}  "
        f"max {times[-1]:.1f}  mean {statistics.mean(times):.1f}"
    )
    print(
        f"matches per query: median {statistics.median(found):.0f}, max {max(found)}; "
        f"queries with no hit: {empty}"
    )
    print("target p95 <= 50 ms:", "met" if pct(0.95) <= 50 else "MISSED")


def main() -> None:
    """Build (unless --db exists) and time the queries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--db", type=Path, help="bench file to build or reuse")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or Path(scratch) / "knowledge.sqlite3"
        if not path.exists():
            build(path, args.articles, args.seed)
        run(path, args.queries, args.seed)


if __name__ == "__main__":
    main()
