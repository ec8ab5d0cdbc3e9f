"""Streaming reader for WordPress export files (WXR 1.0-1.2), with lxml's iterparse.

Each channel-level author, category, tag and each item is handed out as a small
plain object and its element is freed at once, so memory stays flat however
large the export. No DTD or entity is resolved, nothing is fetched.
"""

from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree


class MalformedExport(Exception):
    """The file is not well-formed XML; the message names the line and column."""


@dataclass
class Author:
    login: str
    wp_id: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    kind: str  # "category" or "tag"
    wp_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    """One `wp:comment` of an item, as exported (WordPress's own values, unconverted)."""

    wp_id: str
    author: str = ""
    author_email: str = ""
    author_ip: str = ""
    date_gmt: str = ""
    date: str = ""
    content: str = ""
    approved: str = ""  # "1", "0", "spam", "trash", "post-trashed"
    type: str = ""  # "" or "comment"; "pingback", "trackback", …
    parent: str = "0"


@dataclass
class Item:
    wp_id: str
    post_type: str
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date_gmt: str = ""
    post_date: str = ""
    modified_gmt: str = ""
    modified: str = ""
    status: str = ""
    slug: str = ""
    parent: str = "0"
    menu_order: int = 0
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    mime_type: str = ""
    categories: list = field(default_factory=list)  # [(slug, name)]
    tags: list = field(default_factory=list)  # [(slug, name)]
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)  # [Comment]


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag):
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _is_wp(tag):
    ns = _ns(tag)
    return ns.startswith("http://wordpress.org/export/") and not ns.rstrip("/").endswith("excerpt")


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def slug_from_wp(raw):
    """WordPress stores non-Latin slugs percent-encoded (`%d0%bd...`): decode them."""
    return unquote(raw or "").strip()


def _children(element):
    for child in element:
        if isinstance(child.tag, str):
            yield _local(child.tag), child


def _author(element):
    values = {name: _text(child) for name, child in _children(element)}
    login = values.get("author_login", "")
    return Author(
        login=login,
        wp_id=values.get("author_id", ""),
        display_name=values.get("author_display_name", "") or login,
        first_name=values.get("author_first_name", ""),
        last_name=values.get("author_last_name", ""),
    )


def _term(element, kind):
    values = {name: _text(child) for name, child in _children(element)}
    if kind == "category":
        return Term(
            kind="category",
            wp_id=values.get("term_id", ""),
            slug=slug_from_wp(values.get("category_nicename", "")),
            name=values.get("cat_name", ""),
            parent_slug=slug_from_wp(values.get("category_parent", "")),
            description=values.get("category_description", ""),
        )
    if kind == "tag":
        return Term(
            kind="tag",
            wp_id=values.get("term_id", ""),
            slug=slug_from_wp(values.get("tag_slug", "")),
            name=values.get("tag_name", ""),
            description=values.get("tag_description", ""),
        )
    # wp:term (WXR 1.2): a term of any taxonomy; only categories and tags matter here.
    taxonomy = values.get("term_taxonomy", "")
    if taxonomy == "category":
        kind = "category"
    elif taxonomy == "post_tag":
        kind = "tag"
    else:
        return None
    return Term(
        kind=kind,
        wp_id=values.get("term_id", ""),
        slug=slug_from_wp(values.get("term_slug", "")),
        name=values.get("term_name", ""),
        parent_slug=slug_from_wp(values.get("term_parent", "")),
        description=values.get("term_description", ""),
    )


_COMMENT_FIELDS = {
    "comment_id": "wp_id",
    "comment_author": "author",
    "comment_author_email": "author_email",
    "comment_author_IP": "author_ip",
    "comment_date_gmt": "date_gmt",
    "comment_date": "date",
    "comment_approved": "approved",
    "comment_type": "type",
    "comment_parent": "parent",
}


def _comment(element):
    comment = Comment(wp_id="")
    for name, child in _children(element):
        if name == "comment_content":
            comment.content = child.text or ""
        elif name in _COMMENT_FIELDS:
            setattr(comment, _COMMENT_FIELDS[name], _text(child))
    comment.parent = comment.parent or "0"
    return comment


def _item(element):
    item = Item(wp_id="", post_type="")
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name, ns = _local(child.tag), _ns(child.tag)
        text = child.text or ""
        if name == "title" and not ns:
            item.title = text.strip()
        elif name == "link" and not ns:
            item.link = text.strip()
        elif name == "creator":
            item.creator = text.strip()
        elif name == "encoded" and ns.startswith("http://purl.org/rss/1.0/modules/content"):
            item.content = text
        elif name == "encoded" and ns.rstrip("/").endswith("excerpt"):
            item.excerpt = text.strip()
        elif name == "category" and not ns:
            domain = child.get("domain", "")
            entry = (slug_from_wp(child.get("nicename", "")), text.strip())
            if domain == "category":
                item.categories.append(entry)
            elif domain == "post_tag":
                item.tags.append(entry)
        elif _is_wp(child.tag):
            if name == "post_id":
                item.wp_id = text.strip()
            elif name == "post_type":
                item.post_type = text.strip()
            elif name == "post_date_gmt":
                item.post_date_gmt = text.strip()
            elif name == "post_date":
                item.post_date = text.strip()
            elif name == "post_modified_gmt":
                item.modified_gmt = text.strip()
            elif name == "post_modified":
                item.modified = text.strip()
            elif name == "status":
                item.status = text.strip()
            elif name == "post_name":
                item.slug = slug_from_wp(text)
            elif name == "post_parent":
                item.parent = text.strip() or "0"
            elif name == "menu_order":
                item.menu_order = int(text.strip() or 0) if text.strip().lstrip("-").isdigit() else 0
            elif name == "post_password":
                item.password = text.strip()
            elif name == "is_sticky":
                item.sticky = text.strip() == "1"
            elif name == "attachment_url":
                item.attachment_url = text.strip()
            elif name == "post_mime_type":
                item.mime_type = text.strip()
            elif name == "postmeta":
                values = {_local(c.tag): (c.text or "") for c in child if isinstance(c.tag, str)}
                key = values.get("meta_key", "").strip()
                if key:
                    item.meta[key] = values.get("meta_value", "")
            elif name == "comment":
                item.comments.append(_comment(child))
    return item


def read(path):
    """Yield Author, Term and Item objects in file order; MalformedExport on bad XML."""
    parser_args = {
        "events": ("end",),
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
        "strip_cdata": True,
    }
    try:
        context = etree.iterparse(str(path), **parser_args)
        depth_tags = ("item", "author", "category", "tag", "term")
        for _event, element in context:
            tag = element.tag
            name = _local(tag)
            parent = element.getparent()
            at_channel = parent is not None and _local(parent.tag) == "channel"
            if not at_channel or name not in depth_tags:
                continue
            result = None
            if name == "item" and not _ns(tag):
                result = _item(element)
            elif _is_wp(tag):
                if name == "author":
                    result = _author(element)
                elif name in ("category", "tag", "term"):
                    result = _term(element, name)
            # Free what was read: the element and the siblings before it.
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
            if result is not None:
                yield result
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, 0)
        message = (error.msg or str(error)).split(", line ")[0]
        raise MalformedExport(f"malformed XML at line {line}, column {column}: {message}") from None
    except OSError as error:
        raise MalformedExport(f"cannot read the export: {error}") from None
