"""How alike two demands are: words, character bigrams and places, for repeat detection.

Another caller seldom uses the same words: "工地半夜打桩太吵" and "夜间施工噪音扰民" share
the matter, not the characters. The score mixes
- word overlap: jieba words (hotline.search_words, stop words and the hotline's filler
  words such as 反映/希望/处理 dropped), weighted cosine, long words weigh more;
- character-bigram overlap (Dice), which catches words jieba cuts differently;
- places: names ending in 路/街/小区/村/镇… taken from the text and the address. Shared
  places raise the score; two demands naming only different places (the same kind of
  problem on another street) are cut down, since they are different matters.
Every feature is computed in Python from at most FEATURE_CHARS characters of each text,
after the candidates were narrowed by indexed columns (hotline.repeats).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from hotline.search_words import words

FEATURE_CHARS = 600  # a demand's matter is said in its first lines; longer texts cost no more

# Filler a caller or operator uses whatever the matter: they make unrelated demands alike.
_FILLER = (
    "反映 投诉 举报 咨询 市民 来电 诉求 诉求人 希望 要求 请求 请 帮忙 尽快 相关 相关部门 "
    "部门 处理 解决 问题 情况 现在 目前 一直 非常 很 太 特别 严重 得 地 着 过 没 没有 不 "
    "人 一个 一家 一处 有人 那个 这个 那家 这边 那边 旁边 附近 周边 门口 楼下 楼上 上 下 "
    "里 外 个 几天 好几 天 多 每天 经常 老是 管 管一管 一管 也 让 等 说 去 来 找 看 查 "
    "我们 我家 家里 大家 居民 住户 群众 老百姓 业主"
)
FILLER = frozenset(_FILLER.split())
# Matters a hotline hears every day, each with the words callers use for it: two callers
# rarely share words ("打桩太吵" / "施工噪音扰民") but they share the matter.
TOPICS = {
    "noise": "噪音 噪声 吵 扰民 音响 声音 打桩 唱歌 音乐 广场舞 放音乐 睡不着",
    "construction": "施工 工地 打桩 渣土车 渣土",
    "streetlight": "路灯 不亮 漆黑 很黑",
    "sewage": "下水道 污水 化粪池 粪水 脏水 堵塞 堵了 冒出来 满溢",
    "smell": "臭 臭味 发臭 异味 气味 难闻 怪味",
    "elevator": "电梯 困人 困过人",
    "fumes": "油烟 熏 直排",
    "water_cut": "停水 自来水 没有水 供水",
    "power_cut": "停电 供电 断电",
    "heating": "供暖 暖气 不热",
    "gas": "燃气 天然气 漏气 气味",
    "street_vending": "占道 占道经营 摊贩 小摊 摆摊 小摊贩 流动摊贩",
    "garbage": "垃圾 清运 垃圾桶 拉走",
    "wages": "工资 讨薪 欠薪 拖欠 农民工 打工",
    "fees": "收费 乱收费 涨价 上涨 涨 费 贵 门票 学费 物业费 停车费",
    "road_surface": "坑 坑洼 路面 烂 积水 压坏 压烂",
    "manhole": "井盖",
    "traffic": "乱停 乱停乱放 停车 信号灯 红绿灯 通行 车辆",
    "food_safety": "卫生 老鼠 后厨 厨房 病死 过期 三无 食堂 伙食",
    "illegal_building": "违章 违建 私搭乱建 违章建筑 消防通道",
    "greenery": "绿地 绿化 绿化带 种菜 树木 行道树 枝叶",
    "leak": "漏水 渗水 天花板 泡坏",
    "stray_dogs": "流浪狗 咬伤 狗 犬",
    "sand_mining": "采砂 挖沙 挖砂 河道",
    "bus": "班车 客车 公交 晚点 发车 班次",
    "minors_net": "网吧 未成年人 上网 打游戏",
    "housing": "公租房 廉租房 分配",
    "toilet": "厕所 公厕",
    "water_quality": "水质 浑浊 很浑",
    "medical": "医生 值班 急诊 卫生院",
    "weights": "缺斤少两 秤",
}
_TOPIC_OF: dict[str, set[str]] = {}
for _topic, _words in TOPICS.items():
    for _word in _words.split():
        _TOPIC_OF.setdefault(_word, set()).add(_topic)
_TOPIC_WORDS = sorted(_TOPIC_OF, key=len, reverse=True)

# Fine places (a road, a community, a school) tell one matter from another; coarse ones
# (a town, a 街道) only tell which part of the district.
FINE_SUFFIXES = (
    "大道", "北路", "东路", "南路", "西路", "路", "街", "巷", "小区", "花园", "新区", "广场",
    "村", "社区", "公园", "市场", "小学", "中学", "幼儿园", "学校", "医院", "卫生院", "景区",
    "古城", "工业园", "停车场", "体育中心", "客运站", "大厦", "家园", "苑", "片区",
)  # fmt: skip
COARSE_SUFFIXES = ("街道", "镇", "乡")
_SUFFIX = "|".join(sorted((*FINE_SUFFIXES, *COARSE_SUFFIXES), key=len, reverse=True))
_PLACE = re.compile(r"([\u4e00-\u9fff]{2})(" + _SUFFIX + ")")
# Characters that never start or end a place name: "门口路", "在滨河", "堆在路" are not places.
_NOT_NAME = set(
    "的了在到下上口来堆漫流过压伤泥满都跑得把被让给向往出进去跳点是有和与及从里外边前后旁"
)

WORD_WEIGHT = 0.35  # word cosine
BIGRAM_WEIGHT = 0.25  # character-bigram Dice
TOPIC_WEIGHT = 0.40  # shared matters (TOPICS)
SAME_PLACE_BOOST = 0.15  # both name a common road, community, school…
OTHER_PLACE_FACTOR = 0.4  # both name places, none in common: the same problem elsewhere


@dataclass(frozen=True)
class Features:
    """What the detector compares of one demand."""

    words: dict[str, float]  # word -> weight
    norm: float  # Euclidean norm of `words`
    bigrams: frozenset[str]
    topics: frozenset[str]
    fine: frozenset[str]  # roads, communities, schools…
    coarse: frozenset[str]  # towns, 街道


def normalise(text: str) -> str:
    """Letters and digits only, full-width folded and lower-cased: punctuation never counts."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def topics_of(plain: str) -> set[str]:
    """The matters (TOPICS) a normalised text speaks of."""
    found: set[str] = set()
    for word in _TOPIC_WORDS:
        if word in plain:
            found |= _TOPIC_OF[word]
    return found


def places_of(text: str, district: str | None = None) -> tuple[set[str], set[str]]:
    """(fine, coarse) place names in `text`: two characters and a suffix (滨河路, 锦绣花园)."""
    plain = normalise(text)
    if district:
        plain = plain.replace(normalise(district), " ")  # the district itself is no place
    fine: set[str] = set()
    coarse: set[str] = set()
    for name, suffix in _PLACE.findall(plain):
        if name[0] in _NOT_NAME or name[1] in _NOT_NAME:
            continue
        (coarse if suffix in COARSE_SUFFIXES else fine).add(name + suffix)
    return fine, coarse


def features(content: str, address: str | None = None, district: str | None = None) -> Features:
    """The features of a demand's text and (optional) address, within its district."""
    text = (content or "")[:FEATURE_CHARS]
    counts: Counter[str] = Counter(w for w in words(text) if w not in FILLER)
    # Longer words carry more meaning; single characters (吵, 臭) still count a little.
    weighted = {w: n * min(len(w), 3) / 3 for w, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in weighted.values()))
    plain = normalise(text)
    grams = frozenset(plain[i : i + 2] for i in range(len(plain) - 1)) or frozenset({plain})
    fine, coarse = places_of(text, district)
    address_fine, address_coarse = places_of(address or "", district)
    return Features(
        weighted,
        norm,
        grams - {""},
        frozenset(topics_of(plain)),
        frozenset(fine | address_fine),
        frozenset(coarse | address_coarse),
    )


def score(a: Features, b: Features) -> float:
    """How likely the two demands are the same matter, 0–1 (1: the same text)."""
    if a.bigrams == b.bigrams and a.bigrams:
        return 1.0
    cosine = 0.0
    if a.norm and b.norm:
        common = a.words.keys() & b.words.keys()
        cosine = sum(a.words[w] * b.words[w] for w in common) / (a.norm * b.norm)
    dice = 0.0
    if a.bigrams and b.bigrams:
        dice = 2 * len(a.bigrams & b.bigrams) / (len(a.bigrams) + len(b.bigrams))
    if a.topics and b.topics:
        topic = len(a.topics & b.topics) / len(a.topics | b.topics)
        text = WORD_WEIGHT * cosine + BIGRAM_WEIGHT * dice + TOPIC_WEIGHT * topic
    else:  # a matter the lexicon does not know: words and bigrams alone
        share = WORD_WEIGHT + BIGRAM_WEIGHT
        text = (WORD_WEIGHT * cosine + BIGRAM_WEIGHT * dice) / share
    place = place_relation(a, b)
    if place > 0:
        text += SAME_PLACE_BOOST
    elif place < 0:
        text *= OTHER_PLACE_FACTOR
    return min(text, 0.999)  # 1.0 is kept for the same text


def place_relation(a: Features, b: Features) -> int:
    """1: a common road/community…; -1: both name places, all different; 0: cannot tell."""
    if a.fine and b.fine:
        if any(x in y or y in x or x[:2] == y[:2] for x in a.fine for y in b.fine):
            return 1
        return -1
    if a.coarse and b.coarse and not a.coarse & b.coarse:
        return -1  # another town of the district
    return 0
