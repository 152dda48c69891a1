"""Text folding shared by every search: lower case, no diacritics.

Vietnamese buyers often type without diacritics ("cam vinh" for "Cam Vinh",
"che" for "chè"); folding both the stored text and the query makes them meet.
"""

import re

from anyascii import anyascii

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Return `text` lower-cased, transliterated to ASCII, with single spaces."""
    if not text:
        return ""
    # anyascii maps "đ"/"Đ" to "d"/"D" as Vietnamese readers expect.
    return _SPACES.sub(" ", anyascii(text).lower()).strip()


def fold_words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]
