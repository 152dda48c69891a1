"""Text folding shared by every search: lower case, no diacritics.

Vietnamese buyers often type without diacritics ("cam vinh" for "Cam Vinh",
"che" for "chè"); folding both the stored text and the query makes them meet.
"""

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii

_SPACES = re.compile(r"\s+")

MAX_QUERY_LENGTH = 100
# More words than this add nothing but SQL: a buyer's query is a few words.
MAX_QUERY_WORDS = 8


def fold(text: str) -> str:
    """Return `text` lower-cased, transliterated to ASCII, with single spaces."""
    if not text:
        return ""
    # anyascii maps "đ"/"Đ" to "d"/"D" as Vietnamese readers expect.
    return _SPACES.sub(" ", anyascii(text).lower()).strip()


def fold_words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]


@dataclass(frozen=True)
class Query:
    """A cleaned query: the text as typed (cut to length) and its folded words."""

    text: str
    words: tuple[str, ...]
    truncated: bool = False

    @property
    def folded(self) -> str:
        return " ".join(self.words)

    def __bool__(self) -> bool:
        return bool(self.words)


def _printable(text: str) -> str:
    # Only letters, digits and combining marks can be part of a word; anything
    # else (emoji, symbols, markup, control characters such as NUL, which
    # PostgreSQL refuses) separates words. Folding emoji would search ":orange:".
    return "".join(
        char if unicodedata.category(char)[0] in "LNM" else " " for char in text
    )


def parse_query(raw: str | None) -> Query:
    """Cut `raw` to MAX_QUERY_LENGTH characters and fold it into search words."""
    raw = (raw or "").strip()
    truncated = len(raw) > MAX_QUERY_LENGTH
    text = raw[:MAX_QUERY_LENGTH].strip()
    words = tuple(dict.fromkeys(fold_words(_printable(text))))[:MAX_QUERY_WORDS]
    return Query(text=text, words=words, truncated=truncated)
