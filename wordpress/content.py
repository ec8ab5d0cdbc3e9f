"""WordPress post content → StreamField blocks (raw stream data), never raw HTML.

Classic-editor content goes through WordPress's `wpautop` rules; Gutenberg
content is split on its block comments; shortcodes, bare oEmbed URLs and
iframes of known providers become blocks. Rich text is cleaned with Wagtail's
own rich-text whitelister for the paragraph block's features, so no script,
event attribute or `javascript:` link survives. What cannot be kept is counted
in `Conversion.issues` for the import report.
"""

import html
import json
import re
import uuid
from collections import Counter
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from lxml import etree
from lxml import html as lxml_html
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from news.blocks import PARAGRAPH_FEATURES, parse_embed_url

BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote"
    "|address|math|style|script|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav"
    "|figure|figcaption|details|menu|summary|iframe|wp-gallery|wp-embed"
)
_BLOCK_OPEN = re.compile(rf"(<(?:{BLOCK_TAGS})[\s/>])", re.I)
_BLOCK_CLOSE = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.I)
_STARTS_WITH_BLOCK = re.compile(rf"^\s*</?(?:{BLOCK_TAGS})[\s/>]", re.I)
_BLOCK_COMMENT = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<ns>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?!-->).)*?\}\s+)?(?P<void>/)?-->",
    re.S,
)
_MORE = re.compile(r"<!--\s*more\b.*?-->", re.S)
_NEXTPAGE = re.compile(r"<!--\s*nextpage\s*-->", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SHORTCODE = re.compile(
    r"\[(?P<name>[A-Za-z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\](?:(?P<inner>.*?)\[/(?P=name)\])?",
    re.S,
)
_SHORTCODE_ATTR = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\']+))')
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
HANDLED_BLOCKS = {
    "paragraph",
    "heading",
    "list",
    "list-item",
    "quote",
    "pullquote",
    "image",
    "gallery",
    "embed",
    "table",
    "separator",
    "spacer",
    "columns",
    "column",
    "group",
    "buttons",
    "button",
    "more",
    "nextpage",
    "html",
    "shortcode",
    "preformatted",
    "code",
    "verse",
    "freeform",
}
CONTAINER_BLOCKS = {"columns", "column", "group", "buttons"}
# Shortcodes that become blocks; others stay as text and are reported by name.
KNOWN_SHORTCODES = {"caption", "wp_caption", "gallery", "embed"}
DROPPED_TAGS = {"script", "style", "noscript", "object", "embed", "form", "input", "button", "select", "textarea"}


def image_key(url):
    """An upload's address without host and WordPress's size suffix: how inline images find their attachment."""
    path = urlparse(url or "").path
    return _SIZE_SUFFIX.sub("", path).lower()


def new_id():
    return str(uuid.uuid4())


class Conversion:
    """The blocks of one body and what happened on the way."""

    def __init__(self, target="article", images=None):
        self.target = target  # "article" (ArticleBodyBlock) or "standard" (StandardBodyBlock)
        self.images = images  # callable(wp_id, url) -> image id or None
        self.blocks = []
        self.issues = Counter()
        self.missing_media = []
        self.pages_joined = 0

    # -- output ---------------------------------------------------------------

    def add(self, block_type, value):
        self.blocks.append({"type": block_type, "value": value, "id": new_id()})

    def add_paragraph(self, rich):
        rich = rich.strip()
        if rich and re.sub(r"<[^>]+>|&nbsp;|\s", "", rich):
            self.add("paragraph", rich)

    def add_text_paragraph(self, text, italic=False):
        text = " ".join((text or "").split())
        if text:
            escaped = html.escape(text, quote=False)
            self.add("paragraph", f"<p><i>{escaped}</i></p>" if italic else f"<p>{escaped}</p>")

    def add_heading(self, text, level):
        text = " ".join(text.split())[:200]
        if text:
            self.add("heading", {"text": text, "level": "h2" if level <= 2 else "h3"})

    def add_quote(self, text, attribution=""):
        text = "\n".join(line.strip() for line in (text or "").strip().splitlines() if line.strip())
        if not text:
            return
        if self.target == "article" and len(text) <= 500:
            self.add("pull_quote", {"text": text, "attribution": " ".join(attribution.split())[:150]})
        else:
            suffix = f" — {attribution.strip()}" if attribution.strip() else ""
            self.add_text_paragraph(f"“{text}”{suffix}", italic=True)

    def add_image(self, wp_id=None, url="", alt="", caption=""):
        image_id = self.images(wp_id, url) if self.images else None
        alt = " ".join((alt or "").split())
        caption = " ".join((caption or "").split())
        if image_id is None:
            self.missing_media.append(url or f"attachment {wp_id}")
            # The picture is missing: keep what it said.
            kept = " ".join(part for part in (f"[Image: {alt}]" if alt else "", caption) if part)
            self.add_text_paragraph(kept, italic=True)
            return
        self.add(
            "image",
            {"image": image_id, "alt_text": alt[:250], "caption": caption[:300], "credit": ""},
        )

    def add_gallery(self, items, title=""):
        """items: [(wp_id, url, caption)]"""
        resolved = []
        for wp_id, url, caption in items:
            image_id = self.images(wp_id, url) if self.images else None
            if image_id is None:
                self.missing_media.append(url or f"attachment {wp_id}")
                continue
            resolved.append((image_id, " ".join((caption or "").split())[:300]))
        if len(resolved) >= 2 and self.target == "article":
            self.add(
                "gallery",
                {
                    "title": title,
                    "images": [
                        {"type": "item", "value": {"image": image_id, "caption": caption}, "id": new_id()}
                        for image_id, caption in resolved
                    ],
                },
            )
        else:
            for image_id, caption in resolved:
                self.add("image", {"image": image_id, "alt_text": "", "caption": caption, "credit": ""})

    def add_embed(self, url, title=""):
        url = html.unescape((url or "").strip())
        try:
            parse_embed_url(url)
        except ValidationError:
            host = urlparse(url).hostname or "?"
            self.issues[f"embed of an unsupported provider kept as a link ({host})"] += 1
            self.add_link_paragraph(url, title or url)
            return
        if self.target == "article":
            self.add("embed", {"url": url, "title": " ".join(title.split())[:200]})
        else:
            self.add_link_paragraph(url, title or url)

    def add_link_paragraph(self, url, text):
        if not url.lower().startswith(("http://", "https://")):
            self.add_text_paragraph(text)
            return
        self.add(
            "paragraph",
            f'<p><a href="{html.escape(url)}">{html.escape(" ".join(text.split()), quote=False)}</a></p>',
        )

    def add_table(self, table):
        rows = []
        for tr in table.iter("tr"):
            rows.append(([" ".join(cell.text_content().split()) for cell in tr if cell.tag in ("td", "th")], tr))
        rows = [(cells, tr) for cells, tr in rows if cells]
        if not rows:
            return
        width = max(len(cells) for cells, _ in rows)
        headings = [""] * width
        first_cells, first_tr = rows[0]
        if (
            all(cell.tag == "th" for cell in first_tr if cell.tag in ("td", "th"))
            or first_tr.getparent().tag == "thead"
        ):
            headings = (first_cells + [""] * width)[:width]
            rows = rows[1:]
        caption = table.find("caption")
        self.add(
            "table",
            {
                "columns": [{"type": "text", "heading": heading} for heading in headings],
                "rows": [{"values": (cells + [""] * width)[:width]} for cells, _ in rows],
                "caption": " ".join(caption.text_content().split()) if caption is not None else "",
            },
        )

    # -- input ----------------------------------------------------------------

    def convert(self, content):
        content = content or ""
        pages = _NEXTPAGE.split(content)
        if len(pages) > 1:
            self.pages_joined = len(pages)
            self.issues["paginated post joined into one page (<!--nextpage-->)"] += 1
            content = "\n\n".join(pages)
        content = _MORE.sub("\n\n", content)
        if "<!-- wp:" in content:
            self.convert_gutenberg(content)
        else:
            self.convert_classic(content)
        return self.blocks

    def convert_classic(self, content):
        content = self.expand_shortcodes(content)
        content = _BARE_URL_LINE.sub(lambda m: f'\n<wp-embed url="{html.escape(m.group(1))}"></wp-embed>\n', content)
        self.convert_html(wpautop(content))

    def convert_gutenberg(self, content):
        for block in parse_blocks(content):
            self.convert_block(block)

    def convert_block(self, block):
        name, attrs, inner, children = block
        short = name.split("/")[-1]
        if name == "freeform":
            self.convert_classic(inner)
            return
        if name.startswith("core-embed/") or short == "embed":
            url = attrs.get("url", "")
            if not url:
                match = re.search(r"https?://[^\s<\"']+", _COMMENT.sub("", inner))
                url = match.group(0) if match else ""
            caption = ""
            found = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", inner, re.S)
            if found:
                caption = _plain(found.group(1))
            if url:
                self.add_embed(url, caption)
            return
        if short == "gallery" and (name.startswith("core/") or "/" not in name):
            items = []
            if children:
                for child in children:
                    cname, cattrs, cinner, _ = child
                    if cname.split("/")[-1] == "image":
                        src, caption = _image_parts(cinner)
                        items.append((cattrs.get("id"), src, caption))
            else:
                ids = attrs.get("ids") or []
                for wp_id in ids:
                    items.append((wp_id, "", ""))
                if not ids:
                    for src, caption in _gallery_images(inner):
                        items.append((None, src, caption))
            self.add_gallery(items)
            return
        if short == "image" and name.startswith("core/"):
            src, caption = _image_parts(inner)
            alt = ""
            match = re.search(r"<img[^>]*\balt=\"([^\"]*)\"", inner)
            if match:
                alt = html.unescape(match.group(1))
            self.add_image(attrs.get("id"), src, alt, caption)
            return
        if short in ("more", "nextpage", "separator", "spacer"):
            return
        if short in CONTAINER_BLOCKS and name.startswith("core/"):
            for child in children:
                self.convert_block(child)
            if not children:
                self.convert_html(inner)
            return
        if short == "shortcode":
            self.convert_classic(inner)
            return
        if not name.startswith("core/") or short not in HANDLED_BLOCKS:
            self.issues[f"block {name} converted from its HTML"] += 1
        if children:
            for child in children:
                self.convert_block(child)
            if _plain(inner):
                self.convert_html(self.expand_shortcodes(inner))
            return
        self.convert_html(self.expand_shortcodes(inner))

    def expand_shortcodes(self, text):
        def replace(match):
            name = match.group("name")
            attrs = {key: a or b or c for key, a, b, c in _SHORTCODE_ATTR.findall(match.group("attrs") or "")}
            inner = match.group("inner") or ""
            if name in ("caption", "wp_caption"):
                caption = attrs.get("caption", "")
                body = inner
                if not caption:
                    # [caption]<img ...> The caption text[/caption]
                    parts = re.split(r"(<img[^>]*>(?:\s*</a>)?)", inner, maxsplit=1)
                    if len(parts) == 3:
                        body, caption = parts[0] + parts[1], parts[2]
                return f"\n\n<figure>{body}<figcaption>{caption}</figcaption></figure>\n\n"
            if name == "gallery":
                ids = attrs.get("ids") or attrs.get("include") or ""
                return f'\n\n<wp-gallery ids="{html.escape(ids)}"></wp-gallery>\n\n'
            if name == "embed":
                url = inner.strip() or attrs.get("src", "")
                return f'\n\n<wp-embed url="{html.escape(url)}"></wp-embed>\n\n'
            self.issues[f"unknown shortcode [{name}] kept as text"] += 1
            return match.group(0)

        return _SHORTCODE.sub(replace, text)

    # -- HTML -----------------------------------------------------------------

    def convert_html(self, markup):
        markup = _COMMENT.sub("", markup or "")
        if not markup.strip():
            return
        try:
            root = lxml_html.fragment_fromstring(markup, create_parent="div")
        except (etree.ParserError, ValueError):
            self.add_text_paragraph(_plain(markup))
            return
        self.walk(root)

    def walk(self, root):
        """Top-level nodes of `root` become blocks; runs of inline content become paragraphs."""
        run = []  # inline HTML pieces waiting for a paragraph

        def flush():
            if run:
                self.paragraph_from_html("".join(run))
                run.clear()

        if root.text and root.text.strip():
            run.append(html.escape(root.text, quote=False))
        for child in list(root):
            tail = child.tail
            child.tail = None
            tag = child.tag if isinstance(child.tag, str) else ""
            tag = tag.lower()
            if tag in DROPPED_TAGS:
                self.issues[f"<{tag}> dropped"] += 1
            elif tag == "" or tag in INLINE_TAGS and not self.has_block_content(child):
                if tag:
                    run.append(etree.tostring(child, encoding="unicode", method="html"))
            else:
                flush()
                self.element(child)
            if tail and tail.strip():
                run.append(html.escape(tail, quote=False))
        flush()

    def has_block_content(self, element):
        return element.tag == "img" or any(
            isinstance(node.tag, str) and node.tag in ("img", "iframe") for node in element.iter()
        )

    def element(self, el):
        tag = el.tag.lower()
        if tag == "p":
            self.paragraph_element(el)
        elif re.fullmatch(r"h[1-6]", tag):
            self.add_heading(el.text_content(), int(tag[1]))
        elif tag in ("ul", "ol"):
            self.pull_media(el)
            self.add_paragraph(self.rich(etree.tostring(el, encoding="unicode", method="html")))
        elif tag == "blockquote":
            cite = el.find(".//cite")
            attribution = ""
            if cite is not None:
                attribution = cite.text_content()
                cite.drop_tree()
            self.add_quote(_text_with_breaks(el), attribution)
        elif tag == "figure":
            self.figure(el)
        elif tag == "img":
            self.img(el)
        elif tag == "iframe":
            self.iframe(el)
        elif tag == "table":
            self.add_table(el)
        elif tag == "hr":
            return
        elif tag == "wp-gallery":
            ids = [part.strip() for part in (el.get("ids") or "").split(",") if part.strip()]
            if ids:
                self.add_gallery([(wp_id, "", "") for wp_id in ids])
            else:
                self.issues["[gallery] without ids skipped"] += 1
        elif tag == "wp-embed":
            self.add_embed(el.get("url", ""))
        elif tag == "pre":
            self.add_paragraph(self.rich("<p>" + html.escape(el.text_content(), quote=False) + "</p>"))
        elif tag in INLINE_TAGS:
            # An inline element holding an image (a linked picture): the picture, then the words.
            self.paragraph_element(el)
        else:
            # div, section, dl and anything else: its children, in order.
            self.walk(el)

    def paragraph_element(self, el):
        text = el.text_content().strip()
        if re.fullmatch(r"https?://\S+", text) and len(el) <= 1:
            try:
                parse_embed_url(text)
            except ValidationError:
                pass
            else:
                self.add_embed(text)
                return
        media = self.pull_media(el)
        if el.tag.lower() != "p":
            wrapper = etree.Element("p")
            wrapper.append(el)
            el = wrapper
        self.add_paragraph(self.rich(etree.tostring(el, encoding="unicode", method="html")))
        for kind, node in media:
            self.img(node) if kind == "img" else self.iframe(node)

    def paragraph_from_html(self, markup):
        self.add_paragraph(self.rich(f"<p>{markup}</p>"))

    def pull_media(self, el):
        """Take images and iframes out of `el` (they become blocks of their own), keeping the text around them."""
        found = []
        for node in list(el.iter("img", "iframe")):
            found.append((node.tag, node))
            node.drop_tree()
        return found

    def figure(self, el):
        caption_el = el.find(".//figcaption")
        caption = caption_el.text_content() if caption_el is not None else ""
        if caption_el is not None:
            caption_el.drop_tree()
        iframe = el.find(".//iframe")
        img = el.find(".//img")
        quote = el.find(".//blockquote")
        table = el.find(".//table")
        if img is not None:
            self.img(img, caption)
        elif iframe is not None:
            self.iframe(iframe, caption)
        elif table is not None:
            self.add_table(table)
        elif quote is not None:
            self.element(quote)
        else:
            text = el.text_content().strip()
            if re.fullmatch(r"https?://\S+", text):
                self.add_embed(text, caption)
            else:
                self.walk(el)
                self.add_text_paragraph(caption, italic=True)

    def img(self, el, caption=""):
        wp_id = None
        match = _WP_IMAGE_CLASS.search(el.get("class", ""))
        if match:
            wp_id = match.group(1)
        self.add_image(wp_id, el.get("src", ""), el.get("alt", ""), caption or el.get("title", "") and "")

    def iframe(self, el, caption=""):
        src = html.unescape(el.get("src", "") or "")
        if src.startswith("//"):
            src = "https:" + src
        try:
            parse_embed_url(src)
        except ValidationError:
            host = urlparse(src).hostname or "no address"
            self.issues[f"iframe dropped ({host})"] += 1
            return
        self.add_embed(src, caption or el.get("title", ""))

    def rich(self, markup):
        """Rich text as the paragraph block stores it: Wagtail's whitelister for the block's features."""
        try:
            root = lxml_html.fragment_fromstring(markup, create_parent="div")
        except (etree.ParserError, ValueError):
            return ""
        for node in list(root.iter()):
            if not isinstance(node.tag, str):
                continue
            if node.tag in DROPPED_TAGS:
                self.issues[f"<{node.tag}> dropped"] += 1
                node.drop_tree()
                continue
            if node.tag in ("strong", "em"):
                node.tag = "b" if node.tag == "strong" else "i"
            href = node.get("href") if node.tag == "a" else None
            for name in list(node.attrib):
                del node.attrib[name]
            if href is not None:
                node.set("href", href)
        cleaned = etree.tostring(root, encoding="unicode", method="html")[5:-6]
        return _WHITELISTER.clean(cleaned)


INLINE_TAGS = {
    "a", "abbr", "b", "big", "br", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
}  # fmt: skip


class _Whitelister:
    @cached_property
    def converter(self):
        return EditorHTMLConverter(features=PARAGRAPH_FEATURES)

    def clean(self, markup):
        cleaned = self.converter.to_database_format(markup)
        # Draftail keeps no empty paragraphs or stray <div>s; nor do we.
        cleaned = re.sub(r"</?div>", "", cleaned)
        cleaned = re.sub(r"<p>(\s|<br/?>|&nbsp;)*</p>", "", cleaned)
        return cleaned.strip()


_WHITELISTER = _Whitelister()


def _plain(markup):
    """Text of an HTML snippet, entities decoded, whitespace collapsed."""
    markup = _COMMENT.sub("", markup or "")
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())
    for node in root.iter("script", "style"):
        node.drop_tree()
    return " ".join(root.text_content().split())


def plain_text(markup):
    return _plain(markup)


def _text_with_breaks(el):
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for p in el.iter("p"):
        p.tail = "\n" + (p.tail or "")
    return el.text_content()


def _image_parts(inner):
    src = ""
    match = re.search(r"<img[^>]*\bsrc=\"([^\"]*)\"", inner)
    if match:
        src = html.unescape(match.group(1))
    caption = ""
    found = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", inner, re.S)
    if found:
        caption = _plain(found.group(1))
    return src, caption


def _gallery_images(inner):
    for figure in re.findall(r"<li[^>]*>(.*?)</li>", inner, re.S) or [inner]:
        src, caption = _image_parts(figure)
        if src:
            yield src, caption


def parse_blocks(content):
    """Gutenberg's serialised blocks → [(name, attrs, inner_html, children)]; HTML between blocks is "freeform"."""
    root = ("root", {}, [], [])
    stack = [root]
    position = 0
    for match in _BLOCK_COMMENT.finditer(content):
        between = content[position : match.start()]
        if between:
            stack[-1][2].append(between)
        position = match.end()
        name = (match.group("ns") or "core/") + match.group("name")
        try:
            attrs = json.loads(match.group("attrs")) if match.group("attrs") else {}
        except ValueError:
            attrs = {}
        if not isinstance(attrs, dict):
            attrs = {}
        if match.group("closer"):
            # Close the nearest open block of that name (a stray closer is ignored).
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth][0] == name:
                    while len(stack) > depth:
                        _close(stack)
                    break
            continue
        block = (name, attrs, [], [])
        if match.group("void"):
            stack[-1][3].append(block)
            stack[-1][2].append(_Marker(block))
        else:
            stack[-1][3].append(block)
            stack[-1][2].append(_Marker(block))
            stack.append(block)
    tail = content[position:]
    if tail:
        stack[-1][2].append(tail)
    while len(stack) > 1:
        _close(stack)
    return _finish(root)[3]


class _Marker:
    def __init__(self, block):
        self.block = block


def _close(stack):
    stack.pop()


def _finish(block):
    """Turn the parts lists into (name, attrs, inner_html, children) with top-level freeform HTML as blocks."""
    name, attrs, parts, _children = block
    if name == "root":
        out = []
        for part in parts:
            if isinstance(part, _Marker):
                out.append(_finish(part.block))
            elif part.strip():
                out.append(("freeform", {}, part, []))
        return ("root", {}, "", out)
    inner = "".join(part for part in parts if isinstance(part, str))
    children = [_finish(part.block) for part in parts if isinstance(part, _Marker)]
    return (name, attrs, inner, children)


def wpautop(text):
    """WordPress's wpautop: blank lines separate paragraphs, single newlines are line breaks, block tags stay."""
    if not text.strip():
        return ""
    pre = []

    def keep_pre(match):
        pre.append(match.group(0))
        return f"<pre wp-pre-{len(pre) - 1}></pre>"

    text = re.sub(r"<pre[^>]*>.*?</pre>", keep_pre, text, flags=re.S | re.I)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    chunks = [chunk.strip("\n") for chunk in re.split(r"\n\s*\n", text)]
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _STARTS_WITH_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk.strip()) + "</p>")
    text = "\n".join(out)
    for index, block in enumerate(pre):
        text = text.replace(f"<pre wp-pre-{index}></pre>", block)
    return text
