"""The topic of a demand as segmented Chinese keywords, for hot-spot detection.

Reuses the repeat detector's vocabulary (hotline.similarity): jieba's words without stop and
filler words, plus the everyday matter each text speaks of (噪音 for 打桩太吵 or 施工扰民), so
callers who say the same thing in other words land in the same cluster.
"""

from __future__ import annotations

from functools import lru_cache

from hotline.search_words import words
from hotline.similarity import FEATURE_CHARS, FILLER, TOPICS, normalise, topics_of

# The word a matter of hotline.similarity.TOPICS is named by in a warning (its first word).
MATTER_WORDS = {matter: spoken.split()[0] for matter, spoken in TOPICS.items()}
MIN_WORD_LENGTH = 2  # single characters (吵, 臭) say too little alone; their matter counts


@lru_cache(maxsize=65536)
def keywords(content: str) -> frozenset[str]:
    """The keywords of a demand's text: its matters' words and its meaningful jieba words."""
    text = (content or "")[:FEATURE_CHARS]
    found = {MATTER_WORDS[matter] for matter in topics_of(normalise(text))}
    found.update(
        word
        for word in words(text)
        if len(word) >= MIN_WORD_LENGTH and word not in FILLER and not word.isdigit()
    )
    return frozenset(found)
