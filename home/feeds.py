"""RSS 2.0 feeds: the whole site, a section, an author, a tag."""

import copy

from django.contrib.syndication.views import Feed
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from taggit.models import Tag
from wagtail.models import Site

from home import seo
from news.models import ArticlePage, Author, SectionPage
from site_settings.models import SiteSettings

FEED_LENGTH = 20
FEED_MAX_AGE = 5 * 60
FEED_IMAGE_SPEC = "fill-960x540|format-jpeg"


def html_safe_text(text):
    """Plain text that reads the same whether a feed reader shows it as text or as HTML.

    Readers differ on which they do, so, as the RSS Best Practices Profile
    advises, only the characters that start markup are encoded; quotes and
    apostrophes, common in headlines, are left alone.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ArticleFeed(Feed):
    """The newest live articles of `get_articles(obj)`, with absolute links on the Wagtail site."""

    feed_type = Rss201rev2Feed
    item_guid_is_permalink = True

    def __call__(self, request, *args, **kwargs):
        # The URLconf holds one Feed instance for every request, so what
        # belongs to this request goes on a copy.
        feed = copy.copy(self)
        feed.request = request
        feed.site = Site.find_for_request(request)
        feed.site_name = seo.site_name(SiteSettings.for_request(request) if feed.site else None)
        response = Feed.__call__(feed, request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
        return response

    def site_root(self):
        if self.site is None:
            raise Site.DoesNotExist("No Wagtail site serves this host.")
        return self.site.root_page

    def get_articles(self, obj):
        raise NotImplementedError

    def items(self, obj):
        return list(self.get_articles(obj).prefetch_related("tags")[:FEED_LENGTH])

    def feed_url(self, obj):
        return seo.absolute_url(self.request, self.request.path)

    def item_title(self, item):
        return html_safe_text(item.title)

    def item_description(self, item):
        return html_safe_text(item.standfirst)

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.byline

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        """The story's picture, as feed readers show it beside the item (renditions come prefetched)."""
        if not item.hero_image:
            return []
        rendition = item.hero_image.get_rendition(FEED_IMAGE_SPEC)
        # RSS wants a byte length; 0 is the usual "unknown" (a size would cost a storage request per item).
        return [Enclosure(seo.absolute_url(self.request, rendition.url), "0", "image/jpeg")]


class SiteFeed(ArticleFeed):
    def get_object(self, request):
        return self.site_root()

    def get_articles(self, home):
        return ArticlePage.objects.listing().descendant_of(home)

    def title(self, home):
        return self.site_name

    def link(self, home):
        return home.get_full_url(self.request)

    def description(self, home):
        return f"The latest stories from {self.site_name}."


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        # Slugs are unique among siblings only; the first section in tree
        # order owns the feed address.
        section = (
            SectionPage.objects.live()
            .public()
            .descendant_of(self.site_root())
            .filter(slug=slug)
            .order_by("path")
            .first()
        )
        if section is None:
            raise SectionPage.DoesNotExist(slug)
        return section

    def get_articles(self, section):
        return section.get_articles()

    def title(self, section):
        return f"{section.title} | {self.site_name}"

    def link(self, section):
        return section.get_full_url(self.request)

    def description(self, section):
        return section.intro or f"The latest {section.title} stories from {self.site_name}."


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        return Author.objects.get(slug=slug, live=True)

    def get_articles(self, author):
        return ArticlePage.objects.listing().filter(article_authors__author=author)

    def title(self, author):
        return f"{author.name} | {self.site_name}"

    def link(self, author):
        return seo.author_url(self.request, author)

    def description(self, author):
        return f"The latest stories by {author.name} from {self.site_name}."


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        return Tag.objects.get(slug=slug)

    def get_articles(self, tag):
        return ArticlePage.objects.listing().filter(tags=tag)

    def title(self, tag):
        return f"{tag.name} | {self.site_name}"

    def link(self, tag):
        return seo.tag_url(self.request, tag)

    def description(self, tag):
        return f"The latest stories about {tag.name} from {self.site_name}."
