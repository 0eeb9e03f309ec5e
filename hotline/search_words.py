"""Chinese word segmentation for knowledge search: jieba with the hotline's own words."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from typing import Any

MAX_QUERY_WORDS = 32

# Words jieba's dictionary lacks or cuts apart, common in hotline questions.
DOMAIN_WORDS = (
    "社保卡", "医保卡", "公积金", "不动产", "不动产登记", "不动产权证", "居住证", "身份证",
    "户口本", "户口迁移", "落户", "营业执照", "出入境", "驾驶证", "行驶证", "电动自行车",
    "新生儿", "低保", "廉租房", "公租房", "燃气", "物业费", "扰民", "拖欠工资", "欠薪",
    "一网通办", "政务服务中心", "便民服务中心", "12345", "利州区", "昭化区", "朝天区",
    "旺苍县", "青川县", "剑阁县", "苍溪县", "市直",
)  # fmt: skip
# Function words and question words: they match everything and say nothing.
_STOPWORDS = (
    "的 了 吗 呢 啊 吧 呀 嘛 么 哦 是 在 有 和 与 及 或 并 而 我 你 您 他 她 它 我们 你们 他们 "
    "怎么 怎样 怎么样 怎么办 如何 什么 哪里 哪儿 哪些 哪个 多少 为什么 为何 请问 请 想 想要 "
    "要 需要 能 能否 能不能 可以 可不可以 是否 一下 这个 那个 这 那 就 都 也 还 被 把 给 对 从 "
    "到 又 会 该 应该 谁 啥 咋 个 些 之 其 以及 如果 但是 因为 所以 已经"
)
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"[^\W_]+")  # letters and digits: exactly what FTS5's unicode61 keeps

_jieba_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    """jieba's tokenizer with the domain words, loaded once per process (about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _jieba_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word, freq=2000)
                _tokenizer = tokenizer
    return _tokenizer


def warm_up() -> None:
    """Load jieba now rather than on the first search."""
    _jieba()


def words(value: str) -> list[str]:
    """Search-mode words of `value`: normalised (NFKC, lower case), stop words dropped."""
    normal = unicodedata.normalize("NFKC", value).lower()
    found: list[str] = []
    # No HMM: unknown strings fall apart into characters the same way in text and query.
    for piece in _jieba().cut_for_search(normal, HMM=False):
        found.extend(w for w in _WORD.findall(piece) if w not in STOPWORDS)
    return found


def query_words(q: str) -> list[str]:
    """The distinct words a query searches for, first ones first."""
    return list(dict.fromkeys(words(q)))[:MAX_QUERY_WORDS]
