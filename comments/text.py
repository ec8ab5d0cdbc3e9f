"""A comment's plain text as HTML: everything escaped, paragraphs, and links marked as user content."""

import re

from django.utils.html import urlize
from django.utils.safestring import mark_safe

from core.text import fold

_PARAGRAPHS = re.compile(r"\n\s*\n")
LINK_REL = 'rel="nofollow ugc noopener"'


def _linked(text):
    # urlize escapes the text itself first (autoescape=True), so the only tags in
    # its output are the links it made; a reader's literal rel="…" arrives as &quot;.
    return urlize(text, nofollow=True, autoescape=True).replace('rel="nofollow"', LINK_REL)


def render(body):
    """Safe HTML: one <p> per paragraph, single newlines as <br>, URLs as nofollow/ugc links."""
    paragraphs = [part.strip() for part in _PARAGRAPHS.split(body.replace("\r\n", "\n").strip()) if part.strip()]
    return mark_safe("".join(f"<p>{_linked(part).replace(chr(10), '<br>')}</p>" for part in paragraphs))


def link_count(body):
    return _linked(body).count("<a ")


def matches(body, words):
    """The first of `words` (whole words or phrases, folded: case and diacritics ignored) in `body`, else None."""
    folded = fold(body)
    for word in words:
        target = fold(word)
        if target and re.search(rf"(?<!\w){re.escape(target)}(?!\w)", folded):
            return word
    return None
