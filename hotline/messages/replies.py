"""What a requester may answer to the SMS callback (回访短信), and what each answer means.

The `callback_request` text asks for one of `REPLIES` (`reply_prompt()` says it in Chinese);
hotline.sms_replies reads the answer with `rating_of`. A leaf module (it imports nothing of
the service), so templates may quote the prompt and stay in step with the reader.
"""

from __future__ import annotations

import unicodedata

# (code, word, satisfaction): the code or the word, or both ("1满意"), is an answer.
REPLIES: tuple[tuple[str, str, str], ...] = (
    ("1", "满意", "satisfied"),
    ("2", "基本满意", "basically_satisfied"),
    ("3", "不满意", "unsatisfied"),
)
_ANSWERS = {
    answer: satisfaction
    for code, word, satisfaction in REPLIES
    for answer in (code, word, code + word)
}


def reply_prompt() -> str:
    """The sentence a callback text ends with: 回复1满意，2基本满意，3不满意。"""
    return "回复" + "，".join(code + word for code, word, _ in REPLIES) + "。"


def normalized(text: str) -> str:
    """Full-width folded (１ → 1), without spaces, punctuation or symbols."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def rating_of(text: str) -> str | None:
    """The satisfaction a reply gives (satisfied, basically_satisfied, unsatisfied), or None
    when it is not one of the answers asked for (a question, a complaint, "好的")."""
    return _ANSWERS.get(normalized(text))
