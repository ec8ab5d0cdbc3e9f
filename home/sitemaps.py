"""What crawlers read: /sitemap.xml, the Google News sitemap and robots.txt."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from taggit.models import Tag
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Site

from home import seo
from home.models import HomePage
from news.models import ArticlePage, Author
from site_settings.models import SiteSettings

CRAWLER_MAX_AGE = 5 * 60
# Google News takes articles published in the last two days, at most 1000 per sitemap.
NEWS_SITEMAP_WINDOW = datetime.timedelta(hours=48)
NEWS_SITEMAP_LIMIT = 1000


class HomeRouteSitemap(PageSitemap):
    """Pages the HomePage serves as routes (author pages, tag archives), which Wagtail's sitemap cannot see.

    Only those with live articles are listed: an empty archive is not worth a
    crawler's visit.
    """

    route_name = None

    def location(self, obj):
        return "/" + HomePage.get_resolver().reverse(self.route_name, slug=obj.slug)

    def lastmod(self, obj):
        return obj.lastmod

    def get_urls(self, page=1, site=None, protocol=None):
        # Build URLs on the Wagtail site's address, as the page sitemap does,
        # not on whatever host the request came in on.
        scheme, netloc = urlsplit(self.get_wagtail_site().root_url)[:2]
        return DjangoSitemap._urls(self, page, scheme, netloc)

    @staticmethod
    def live_articles():
        return ArticlePage.objects.live().public().values("pk")


class AuthorSitemap(HomeRouteSitemap):
    route_name = "author"

    def items(self):
        return (
            Author.objects.filter(live=True, article_links__article__in=self.live_articles())
            .annotate(lastmod=Max("article_links__article__last_published_at"))
            .order_by("slug")
        )


class TagSitemap(HomeRouteSitemap):
    route_name = "tag"

    def items(self):
        return (
            Tag.objects.filter(news_articlepagetag_items__content_object__in=self.live_articles())
            .exclude(slug="")
            .annotate(lastmod=Max("news_articlepagetag_items__content_object__last_published_at"))
            .order_by("slug")
        )


SITEMAPS = {"pages": PageSitemap, "authors": AuthorSitemap, "tags": TagSitemap}


def _cacheable(response):
    patch_cache_control(response, public=True, max_age=CRAWLER_MAX_AGE)
    return response


@require_safe
def sitemap(request):
    return _cacheable(wagtail_sitemap(request, sitemaps=SITEMAPS))


@require_safe
def news_sitemap(request):
    """Google News sitemap: the newest articles of the last 48 hours."""
    site = Site.find_for_request(request)
    articles = []
    if site is not None:
        cutoff = timezone.now() - NEWS_SITEMAP_WINDOW
        queryset = (
            ArticlePage.objects.live()
            .public()
            .descendant_of(site.root_page)
            .filter(Q(display_date__gte=cutoff) | Q(display_date__isnull=True, first_published_at__gte=cutoff))
            .order_by("-display_date", "-pk")
            .only("title", "url_path", "display_date", "first_published_at", "latest_revision_created_at")
        )
        articles = [
            {"loc": article.get_full_url(request), "date": seo.iso_datetime(article.date), "title": article.title}
            for article in queryset[:NEWS_SITEMAP_LIMIT]
        ]
    site_settings = SiteSettings.for_request(request) if site is not None else None
    response = TemplateResponse(
        request,
        "home/news_sitemap.xml",
        {
            "articles": articles,
            "publication_name": seo.site_name(site_settings),
            # Google wants an ISO 639 language code, not a locale.
            "language": settings.LANGUAGE_CODE.split("-")[0],
        },
        content_type="application/xml; charset=utf-8",
    )
    return _cacheable(response)


@require_safe
def robots_txt(request):
    root = seo.site_root_url(request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {root}{reverse('sitemap')}",
        f"Sitemap: {root}{reverse('news_sitemap')}",
    ]
    return _cacheable(HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"))
