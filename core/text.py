"""Diacritic folding, shared by what is indexed (news) and what readers search for (search).

"Ọbásanjọ" and "obasanjo" must meet on every search backend: articles index
the folded form of each sentence that folding changes, and queries are folded
the same way.
"""

import re
import unicodedata

# Letters NFKD cannot split into a base letter and a mark.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ŋ": "n",
        "Ŋ": "N",
    }
)
_UNDECOMPOSABLE_CHARS = {chr(code) for code in _UNDECOMPOSABLE}


def fold(text):
    """Lower case without diacritics: "Ọbásanjọ" -> "obasanjo", "LAGOS" -> "lagos"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


# Combining marks typed separately from their letter (Yoruba tones often are: "Ọ̀").
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def has_diacritics(text):
    """Whether folding `text` removes marks from its letters (ligatures and other look-alikes aside).

    Called on every sentence of every article as it is indexed, so the
    common cases (plain ASCII, or only typographic quotes) stay in C.
    """
    if text.isascii():
        return False
    return (
        unicodedata.normalize("NFD", text) != text
        or _COMBINING.search(text) is not None
        or not _UNDECOMPOSABLE_CHARS.isdisjoint(text)
    )


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def folded_passages(*texts):
    """The folded form of each sentence that folding changes, once each.

    Indexed beside the original text so that "obasanjo" and the phrase
    "obasanjo said" find "Ọbásanjọ said" on every backend, while excerpts and
    highlights keep the real spelling. Most English sentences are unchanged
    by folding, so little is indexed twice.
    """
    seen = {}
    for text in texts:
        if not text or not has_diacritics(text):
            continue
        for sentence in _SENTENCE_END.split(text):
            if has_diacritics(sentence):
                seen.setdefault(" ".join(fold(sentence).split()), None)
    return "\n".join(seen)
