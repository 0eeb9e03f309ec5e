"""A seeded history of demands for the hot-spot benchmark: background and injected spikes.

Background: each district's daily volume (weekends 0.7×, a day-to-day factor with a 15 %
spread), split by category and by topic with district-specific weights that drift slowly
(±30 % over a season); each demand says its topic in one of several wordings that share the
matter's word (噪音/吵, 户口, 营业执照 …), at one of the district's places, with everyday
filler. Spikes: on a chosen day, one category × district × topic gets (multiplier − 1) × its
expected daily count extra demands between 07:00 and 22:00, half of them at one place. The
expected count is the generator's own, so a spike's size against its baseline is known.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")
# district → demands a weekday (a city of about 2.3 million: ~460 tickets a day)
DISTRICTS = {"利州区": 160, "昭化区": 60, "朝天区": 50, "旺苍县": 80, "青川县": 40, "剑阁县": 70}
CATEGORIES = {
    "complaint": 0.35,
    "consultation": 0.25,
    "help": 0.15,
    "suggestion": 0.10,
    "report": 0.08,
    "praise": 0.04,
    "appeal": 0.03,
}
# topic → (categories it comes in, wordings)
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "noise": (
        ("complaint", "report"),
        ("夜间施工噪音扰民", "工地半夜打桩吵得睡不着", "广场舞音响声音太大", "酒吧音乐太吵扰民"),
    ),
    "streetlight": (
        ("complaint", "help"),
        ("路灯不亮晚上漆黑", "路灯坏了好几天", "一排路灯都不亮"),
    ),
    "sewage": (
        ("complaint", "help"),
        ("下水道堵塞污水冒出来", "化粪池满溢臭味难闻", "污水管道堵了"),
    ),
    "garbage": (
        ("complaint", "suggestion"),
        ("垃圾没有清运堆成山", "垃圾桶满了没人拉走", "建筑垃圾乱倒"),
    ),
    "fumes": (("complaint", "report"), ("餐馆油烟直排熏得开不了窗", "烧烤油烟太大")),
    "water_cut": (
        ("complaint", "help", "consultation"),
        ("突然停水没有通知", "自来水停了什么时候来水", "供水水压太低楼上没有水"),
    ),
    "power_cut": (("complaint", "help"), ("频繁停电", "突然断电什么时候恢复供电")),
    "vending": (("complaint", "report"), ("流动摊贩占道经营", "小摊贩摆摊堵路")),
    "wages": (("complaint", "help", "appeal"), ("工地拖欠农民工工资", "老板欠薪不给", "讨薪无门")),
    "fees": (
        ("complaint", "report", "consultation"),
        ("物业乱收费", "停车费涨价太多", "学校乱收费"),
    ),
    "road": (("complaint", "suggestion"), ("路面坑洼积水", "道路破损压坏了", "路面塌陷出现大坑")),
    "parking": (("complaint", "suggestion"), ("车辆乱停乱放堵住消防通道", "小区门口乱停车")),
    "food": (
        ("complaint", "report"),
        ("餐馆后厨卫生差有老鼠", "超市卖过期食品", "食堂伙食卫生问题"),
    ),
    "building": (("report", "complaint"), ("私搭乱建违章建筑", "楼顶违建")),
    "bus": (("complaint", "suggestion"), ("公交车晚点班次太少", "客车不按时发车")),
    "dogs": (("complaint", "help"), ("流浪狗咬伤人", "小区里流浪狗太多")),
    "social_card": (
        ("consultation", "help"),
        ("社保卡怎么补办", "社保卡激活要带什么材料", "社保卡异地就医怎么用"),
    ),
    "fund": (("consultation",), ("公积金怎么提取", "公积金贷款额度多少")),
    "hukou": (
        ("consultation", "help"),
        ("户口迁移需要什么材料", "新生儿上户口怎么办理", "户口本丢了怎么补办"),
    ),
    "property": (("consultation",), ("不动产登记要多久", "不动产权证办理流程")),
    "license": (
        ("consultation", "help"),
        ("营业执照怎么办理", "营业执照年报在哪里填", "个体户营业执照注销流程"),
    ),
    "school": (
        ("consultation", "suggestion", "appeal"),
        ("孩子入学报名时间", "入学划片怎么查", "转学入学手续怎么办"),
    ),
    "medical": (
        ("complaint", "suggestion", "help"),
        ("卫生院晚上没有医生值班", "医院急诊排队太久没有医生"),
    ),
    "greening": (("suggestion", "complaint"), ("绿化带有人种菜", "行道树枝叶太长挡住路灯")),
    "thanks": (
        ("praise",),
        ("感谢工作人员耐心解答", "感谢社区干部帮忙解决问题", "感谢师傅及时抢修"),
    ),
    "leak": (("complaint", "help"), ("楼上漏水天花板泡坏了", "外墙渗水")),
    "elevator": (("complaint", "help"), ("电梯经常困人", "电梯坏了没人修")),
    "subsidy": (
        ("consultation", "appeal"),
        ("低保补贴怎么申请", "高龄补贴没有发放", "补贴标准是多少"),
    ),
}
PLACES = (
    "滨河路", "东坝", "锦绣花园", "人民路", "文化路", "南河",
    "新华街", "万缘", "雪峰", "回龙河", "上西坝", "北街",
)  # fmt: skip
# Spikes are injected evenly into clusters expecting 1–3, 3–6 and 6 or more demands a day.
BANDS = ((1.0, 3.0), (3.0, 6.0), (6.0, 1000.0))
FILLERS = (
    "",
    "，希望尽快处理",
    "，请相关部门管一管",
    "，已经好几天了",
    "，多次反映没人管",
    "，麻烦帮忙",
)


@dataclass(frozen=True)
class Spike:
    """Extra demands of one category × district × topic on one day."""

    day: date
    district: str
    category: str
    topic: str
    multiplier: float
    baseline: float  # the cluster's expected count that day
    extra: int


@dataclass
class History:
    """The generated demands (created_at, district, category, content) and the spikes."""

    rows: list[tuple[datetime, str, str, str]] = field(default_factory=list)
    spikes: list[Spike] = field(default_factory=list)
    spike_rows: dict[int, int] = field(default_factory=dict)  # row index → spike index


class Generator:
    """Expected counts and demands of the seeded background."""

    def __init__(self, seed: int, districts: dict[str, int], start: date) -> None:
        self.rng = random.Random(seed)
        self.districts, self.start = districts, start
        rng = self.rng
        # Each district cares about topics differently; each topic drifts with its own phase.
        self.weights = {d: {t: rng.uniform(0.4, 1.6) for t in TOPICS} for d in districts}
        self.phase = {(d, t): rng.uniform(0, 2 * math.pi) for d in districts for t in TOPICS}
        self.places = {d: rng.sample(PLACES, 8) for d in districts}

    def topic_shares(self, district: str, category: str, day: date) -> dict[str, float]:
        """The share of each topic among the category's demands in the district that day."""
        season = (day - self.start).days / 90 * 2 * math.pi
        raw = {
            t: self.weights[district][t] * (1 + 0.3 * math.sin(season + self.phase[(district, t)]))
            for t, (categories, _) in TOPICS.items()
            if category in categories
        }
        total = sum(raw.values())
        return {t: w / total for t, w in raw.items()}

    def expected(self, district: str, category: str, topic: str, day: date) -> float:
        """The cluster's expected count on `day` (before the day-to-day factor)."""
        volume = self.districts[district] * (0.7 if day.weekday() >= 5 else 1.0)
        return volume * CATEGORIES[category] * self.topic_shares(district, category, day)[topic]

    def text(self, district: str, topic: str, place: str | None = None) -> str:
        """One demand on `topic`, at `place` (or one of the district's places)."""
        rng = self.rng
        where = place or rng.choice(self.places[district])
        return f"{where}{rng.choice(TOPICS[topic][1])}{rng.choice(FILLERS)}"

    def moment(self, day: date, first_hour: int = 0, last_hour: int = 24) -> datetime:
        """A random instant of `day` (Shanghai) between the hours, in UTC."""
        seconds = self.rng.uniform(first_hour * 3600, last_hour * 3600 - 1)
        local = datetime.combine(day, datetime.min.time(), SH) + timedelta(seconds=seconds)
        return local.astimezone(UTC)

    def poisson(self, mean: float) -> int:
        """A Poisson draw (Knuth's method, or normal for large means)."""
        if mean > 60:
            return max(0, round(self.rng.gauss(mean, math.sqrt(mean))))
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1


def generate(
    seed: int,
    days: int,
    start: date,
    spikes_per_day: float,
    multipliers: tuple[float, ...] = (2.0, 3.0, 5.0),
    districts: dict[str, int] | None = None,
    spike_after: int = 35,
) -> History:
    """`days` days of background from `start`, with spikes from day `spike_after` on."""
    gen = Generator(seed, districts or DISTRICTS, start)
    rng, history = gen.rng, History()
    for offset in range(days):
        day = start + timedelta(days=offset)
        for district in gen.districts:
            factor = rng.gammavariate(1 / 0.15**2, 0.15**2)  # mean 1, 15 % spread
            for category in CATEGORIES:
                for topic in gen.topic_shares(district, category, day):
                    mean = gen.expected(district, category, topic, day) * factor
                    for _ in range(gen.poisson(mean)):
                        text = gen.text(district, topic)
                        history.rows.append((gen.moment(day), district, category, text))
        if offset < spike_after:
            continue
        for _ in range(gen.poisson(spikes_per_day)):
            _inject(gen, history, day, multipliers, rng.choice(BANDS))
    return history


def _inject(
    gen: Generator,
    history: History,
    day: date,
    multipliers: tuple[float, ...],
    band: tuple[float, float],
) -> None:
    rng = gen.rng
    for _attempt in range(500):  # a cluster whose expected count lies in the band
        district = rng.choice(list(gen.districts))
        category = rng.choice(list(CATEGORIES))
        topic = rng.choice(list(gen.topic_shares(district, category, day)))
        baseline = gen.expected(district, category, topic, day)
        if band[0] <= baseline < band[1]:
            break
    else:
        return
    multiplier = rng.choice(multipliers)
    extra = max(1, round((multiplier - 1) * baseline))
    spike = Spike(day, district, category, topic, multiplier, round(baseline, 2), extra)
    history.spikes.append(spike)
    place = rng.choice(gen.places[district])
    for i in range(extra):
        text = gen.text(district, topic, place if i % 2 == 0 else None)
        history.spike_rows[len(history.rows)] = len(history.spikes) - 1
        history.rows.append((gen.moment(day, 7, 22), district, category, text))
