"""WordPress comments (`wp:comment`) → reader comments (comments.Comment): the rules, without the database.

- `comment_approved`: "1" → approved, "0" → pending, "spam" → spam; "trash" and
  "post-trashed" are not imported (reported), nor is any other value.
- `comment_type`: comments only; pingbacks, trackbacks and other types (notes,
  order notes) are not imported (reported by type).
- Threading: our comments keep one level, so a reply to a reply joins the top
  comment of its thread (the rule comments/posting.py applies to new replies).
- The body becomes plain text with its paragraphs (comments/text.py renders it);
  the IP is kept only as the salted hash the comments app stores, never raw.
"""

import html
import re
from types import SimpleNamespace
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from lxml import etree
from lxml import html as lxml_html

from comments.models import Comment, ip_hash

STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "approved": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
}
TRASHED = {"trash", "post-trashed"}
COMMENT_TYPES = {"", "comment"}
HELD_REASONS = {
    Comment.Status.PENDING: "Imported from WordPress: awaiting moderation there",
    Comment.Status.SPAM: "Imported from WordPress: marked as spam there",
}
EMAIL_MAX = 254

_BLOCKS = ("p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(\n[ \t]*)+")


def skip_reason(comment):
    """Why this comment is not imported, or "" when it is."""
    kind = (comment.type or "").strip().lower()
    if kind not in COMMENT_TYPES:
        return kind if kind in ("pingback", "trackback") else f"type {kind!r}"
    approved = (comment.approved or "").strip().lower()
    if approved in TRASHED:
        return "in WordPress's trash"
    if approved not in STATUSES:
        return f"status {comment.approved!r}"
    return ""


def status_of(comment):
    return STATUSES[(comment.approved or "").strip().lower()]


def comment_text(markup):
    """A WordPress comment's HTML as plain text: tags gone, entities decoded, paragraphs kept.

    WordPress stores comments as typed (blank lines between paragraphs, `wpautop` at display),
    sometimes with <p>, <br> and a few inline tags; a link keeps its address after its text.
    """
    markup = (markup or "").replace("\r\n", "\n").replace("\r", "\n")
    if _HTML_TAG.search(markup):
        markup = _html_to_text(markup)
    else:
        markup = html.unescape(markup)
    lines = [" ".join(line.split()) for line in markup.split("\n")]
    text = "\n".join(lines)
    return _PARAGRAPH_BREAK.sub("\n\n", text).strip()


def _html_to_text(markup):
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(_HTML_TAG.sub(" ", markup))
    for node in list(root.iter("script", "style")):
        node.drop_tree()
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        label = link.text_content().strip()
        if urlparse(href).scheme in ("http", "https") and href.rstrip("/") != label.rstrip("/"):
            link.tail = f" ({href})" + (link.tail or "")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter(*_BLOCKS):
        block.text = "\n\n" + (block.text or "")
        block.tail = "\n\n" + (block.tail or "")
    return root.text_content()


def hashed_ip(raw):
    """The same salted hash of the address block that comments.models.ip_hash stores for a new comment."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    return ip_hash(SimpleNamespace(META={"REMOTE_ADDR": raw}))


def stored_email(raw):
    """The address as the comment form stores it (trimmed), or "" when it is not one."""
    email = (raw or "").strip()
    if not email or len(email) > EMAIL_MAX:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def thread_tops(comments, kept):
    """{wp_id: [its imported ancestors' wp ids, topmost first]} for each comment in `kept`.

    `comments` are all of one post's comments by WordPress id (a skipped comment still
    links its replies to their thread); a parent on another post or missing is no parent.
    """
    chains = {}
    for wp_id in kept:
        chain, seen = [], {wp_id}
        parent = comments[wp_id].parent
        while parent in comments and parent not in seen:
            seen.add(parent)
            if parent in kept:
                chain.append(parent)
            parent = comments[parent].parent
        chains[wp_id] = chain[::-1]
    return chains
