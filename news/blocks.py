"""StreamField blocks for article bodies (standard pages reuse them: home.blocks).

Each block has its own template under templates/components/streamfield/blocks/
and a preview_value for the admin's block previews. There is no RawHTMLBlock:
HTML ad tags live in the ads app behind their own permission.
"""

import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.typed_table_block.blocks import TypedTable, TypedTableBlock, TypedTableBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]
FACT_BOX_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=PARAGRAPH_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "components/streamfield/blocks/paragraph.html"
        preview_value = (
            "<p>The <b>Independent National Electoral Commission</b> said on Tuesday that voting "
            "materials had reached all 774 local government areas.</p>"
        )
        description = "A paragraph of text: bold, italic, links and lists."


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Heading"), ("h3", "Subheading")], default="h2")

    class Meta:
        icon = "title"
        template = "components/streamfield/blocks/heading.html"
        preview_value = {"text": "What happens next", "level": "h2"}


def _image_has_description(image):
    return bool(getattr(image, "description", "").strip())


class ArticleImageValue(blocks.StructValue):
    @property
    def alt(self):
        image = self.get("image")
        return self.get("alt_text") or (getattr(image, "description", "") if image else "")


class ArticleImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe the picture for readers who cannot see it. Required when the image has no description.",
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=120, help_text="e.g. Photo: Ayo Bello/Newsroom")

    def clean(self, value):
        value = super().clean(value)
        image = value.get("image")
        if image is not None and not value.get("alt_text", "").strip() and not _image_has_description(image):
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ErrorList([ValidationError("This image has no description, so alt text is required.")])
                }
            )
        return value

    class Meta:
        icon = "image"
        template = "components/streamfield/blocks/image.html"
        value_class = ArticleImageValue
        preview_value = {"caption": "Traders at Balogun market, Lagos", "credit": "Photo: Newsroom"}


class PullQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(max_length=500)
    attribution = blocks.CharBlock(required=False, max_length=150)

    class Meta:
        icon = "openquote"
        template = "components/streamfield/blocks/pull_quote.html"
        preview_value = {
            "text": "We will not rest until every child is back in a classroom.",
            "attribution": "Minister of Education",
        }


# Providers we render. Video providers get a click-to-play facade that makes no
# request to the provider until the reader asks; social posts get a link card.
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_SOCIAL_HOSTS = {
    "x.com": "X",
    "www.x.com": "X",
    "twitter.com": "X",
    "www.twitter.com": "X",
    "mobile.twitter.com": "X",
    "facebook.com": "Facebook",
    "www.facebook.com": "Facebook",
    "m.facebook.com": "Facebook",
    "fb.watch": "Facebook",
    "instagram.com": "Instagram",
    "www.instagram.com": "Instagram",
}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def parse_embed_url(url):
    """Return (provider, kind, video_id) for a supported URL, or raise ValidationError."""
    parsed = urlparse((url or "").strip())
    host = (parsed.hostname or "").lower()
    if parsed.scheme not in {"http", "https"} or not host:
        raise ValidationError("Enter a full web address starting with https://.")
    if host in _YOUTUBE_HOSTS:
        video_id = None
        if host == "youtu.be":
            video_id = parsed.path.lstrip("/").split("/")[0]
        elif parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        else:
            parts = [p for p in parsed.path.split("/") if p]
            if len(parts) >= 2 and parts[0] in {"embed", "shorts", "live", "v"}:
                video_id = parts[1]
        if not video_id or not _YOUTUBE_ID.match(video_id):
            raise ValidationError("This YouTube address does not name a video.")
        return "YouTube", "video", video_id
    if host in _VIMEO_HOSTS:
        digits = [p for p in parsed.path.split("/") if p.isdigit()]
        if not digits:
            raise ValidationError("This Vimeo address does not name a video.")
        return "Vimeo", "video", digits[-1]
    if host in _SOCIAL_HOSTS:
        if parsed.path.strip("/") == "":
            raise ValidationError(f"Link to a post on {_SOCIAL_HOSTS[host]}, not its home page.")
        return _SOCIAL_HOSTS[host], "social", None
    raise ValidationError("Unsupported embed address: use a YouTube, Vimeo, X, Facebook or Instagram link.")


class EmbedValue(blocks.StructValue):
    def _parsed(self):
        try:
            return parse_embed_url(self.get("url"))
        except ValidationError:
            return (None, None, None)

    @property
    def provider(self):
        return self._parsed()[0]

    @property
    def is_video(self):
        return self._parsed()[1] == "video"

    @property
    def player_url(self):
        provider, kind, video_id = self._parsed()
        if provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
        if provider == "Vimeo":
            return f"https://player.vimeo.com/video/{video_id}?autoplay=1&dnt=1"
        return None


class EmbedBlock(blocks.StructBlock):
    url = blocks.URLBlock(help_text="A YouTube or Vimeo video, or a post on X, Facebook or Instagram.")
    title = blocks.CharBlock(required=False, max_length=200, help_text="Shown on the player and the link card.")

    def clean(self, value):
        value = super().clean(value)
        try:
            parse_embed_url(value.get("url"))
        except ValidationError as error:
            raise StructBlockValidationError(block_errors={"url": ErrorList([error])}) from None
        return value

    class Meta:
        icon = "media"
        template = "components/streamfield/blocks/embed.html"
        value_class = EmbedValue
        label = "Video or social embed"
        preview_value = {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Watch: the briefing"}


class GalleryImageBlock(ArticleImageBlock):
    """One picture of a gallery: alt text and credit as the image block has, and the same rule for alt text."""

    class Meta:
        icon = "image"
        value_class = ArticleImageValue
        template = None
        preview_value = None


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=200)
    images = blocks.ListBlock(GalleryImageBlock(), min_num=2)

    class Meta:
        icon = "image"
        template = "components/streamfield/blocks/gallery.html"
        preview_value = {"title": "In pictures"}


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    body = blocks.RichTextBlock(features=FACT_BOX_FEATURES)

    class Meta:
        icon = "doc-full"
        template = "components/streamfield/blocks/fact_box.html"
        preview_value = {
            "title": "Key facts",
            "body": "<ul><li>36 states and the FCT</li><li>93.4 million registered voters</li></ul>",
        }


class RelatedStoriesBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, default="Related stories", max_length=100)
    stories = blocks.ListBlock(blocks.PageChooserBlock(page_type="news.ArticlePage"), min_num=1)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # The ListBlock loads every chosen page in one query (in_bulk); drafts
        # and unpublished stories are dropped here without another one.
        context["live_stories"] = [page for page in value["stories"] if page is not None and page.live]
        return context

    class Meta:
        icon = "list-ul"
        template = "components/streamfield/blocks/related_stories.html"
        preview_value = {"title": "Related stories"}


def _blank_cell(value):
    if value is None:
        return True
    if isinstance(value, RichText):
        value = re.sub(r"<[^>]*>", "", value.source)
    return isinstance(value, str) and not value.strip()


class TableBlock(TypedTableBlock):
    """A table whose empty cells are allowed (a results table has gaps) and render empty.

    One rule for "Save draft" and "Submit"/"Publish" alike: Wagtail checks
    required fields only on publishing, so required cells let a draft save
    and preview what its submission then refused. Rows left wholly empty
    (such as the first row Wagtail adds) are dropped on every save; a table
    with nothing in it at all is refused on every save.
    """

    EMPTY_TABLE = "This table is empty: fill in at least one cell, or remove the table."

    def __init__(self, **kwargs):
        super().__init__(
            [
                ("text", blocks.CharBlock(required=False)),
                ("number", blocks.DecimalBlock(required=False)),
                ("rich_text", blocks.RichTextBlock(required=False, features=["bold", "italic", "link"])),
            ],
            **kwargs,
        )

    def clean(self, value):
        table = super().clean(value)
        rows = [row for row in table.row_data if not all(_blank_cell(cell) for cell in row["values"])]
        if not rows:
            raise TypedTableBlockValidationError(non_block_errors=[ValidationError(self.EMPTY_TABLE)])
        return TypedTable(columns=table.columns, row_data=rows, caption=table.caption)

    class Meta:
        icon = "table"
        template = "components/streamfield/blocks/table.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(required=False, max_length=150, help_text="Defaults to the document's title.")

    class Meta:
        icon = "download"
        template = "components/streamfield/blocks/download.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = ArticleImageBlock()
    pull_quote = PullQuoteBlock()
    embed = EmbedBlock()
    gallery = GalleryBlock()
    fact_box = FactBoxBlock()
    related_stories = RelatedStoriesBlock()
    table = TableBlock()
    download = DownloadBlock()
