"""What search engines and social networks read: descriptions, canonical URLs, share images, JSON-LD.

`page_seo` gathers everything templates/components/seo.html renders for a
request; the builders below it are plain functions so feeds, sitemaps and
tests can use them without a template.
"""

import hashlib
import json

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from wagtail.models import Site

from core import fragments
from home.models import HomePage
from news import navigation
from news.models import ArticleKind, ArticlePage, SectionPage
from site_settings.models import SiteSettings

SHARE_IMAGE_SPEC = "fill-1200x630"
# Google's guidance for a publisher logo: fits within 600x60.
PUBLISHER_LOGO_SPEC = "max-600x60"
DEFAULT_SITE_NAME = "Newsroom"

fragments.register("publisher")

ARTICLE_SCHEMA_TYPES = {
    ArticleKind.OPINION: "OpinionNewsArticle",
    ArticleKind.COLUMN: "OpinionNewsArticle",
    ArticleKind.ANALYSIS: "AnalysisNewsArticle",
}

# What django.utils.html.json_script escapes: inside a <script> element the
# browser ends the script at the first "</script", whatever JSON says.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def site_root_url(request):
    """Scheme and host of the Wagtail site serving `request`, e.g. "https://example.com"."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_url
    return f"{request.scheme}://{request.get_host()}" if request is not None else ""


def absolute_url(request, url):
    """`url` made absolute on the current site; already absolute URLs (a CDN's) are left alone."""
    if url.startswith("/") and not url.startswith("//"):
        return site_root_url(request) + url
    return url


def home_route_url(request, name, slug):
    """Full URL of an author page or tag archive: routes of the site's HomePage, not pages in the tree."""
    # A site's root page is served at "/" of that site.
    return absolute_url(request, "/" + HomePage.get_resolver().reverse(name, slug=slug))


def author_url(request, author):
    return home_route_url(request, "author", author.slug)


def tag_url(request, tag):
    return home_route_url(request, "tag", tag.slug)


def iso_datetime(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def article_schema_type(kind):
    return ARTICLE_SCHEMA_TYPES.get(kind, "NewsArticle")


def share_rendition(image):
    return image.get_rendition(SHARE_IMAGE_SPEC) if image else None


def image_object(request, rendition):
    return {
        "@type": "ImageObject",
        "url": absolute_url(request, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
    }


def publisher_data(request, site_settings):
    """schema.org Organization for the site: built once per site name, logo and address (a fragment)."""
    logo_id = getattr(site_settings, "logo_id", None)
    # Hashed: a site name may hold spaces, which some cache backends refuse in keys.
    identity = hashlib.sha256(f"{site_root_url(request)}|{logo_id}|{site_name(site_settings)}".encode()).hexdigest()
    return fragments.cached(fragments.key("publisher", identity[:32]), lambda: _publisher_data(request, site_settings))


def _publisher_data(request, site_settings):
    publisher = {
        "@type": "Organization",
        "name": site_name(site_settings),
        "url": site_root_url(request) + "/",
    }
    logo = getattr(site_settings, "logo", None)
    if logo:
        publisher["logo"] = image_object(request, logo.get_rendition(PUBLISHER_LOGO_SPEC))
    return publisher


def news_article_data(article, *, request, url, rendition, publisher, section_name="", keywords=()):
    """schema.org NewsArticle (or its opinion/analysis subtype) for an article page."""
    authors = [
        {"@type": "Person", "name": author.name, "url": author_url(request, author)} for author in article.authors
    ]
    data = {
        "@context": "https://schema.org",
        "@type": article_schema_type(article.kind),
        # The node comments/ adds commentCount to (templates/comments/article_comments.html).
        "@id": f"{url}#article",
        "headline": article.title,
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso_datetime(article.date),
        "dateModified": iso_datetime(article.last_published_at or article.date),
        # An article without a named author is the paper's own.
        "author": authors or [{"@type": "Organization", "name": publisher["name"], "url": publisher["url"]}],
        "publisher": publisher,
        "image": [image_object(request, rendition)] if rendition is not None else None,
        "articleSection": section_name or None,
        "keywords": list(keywords) or None,
    }
    return {key: value for key, value in data.items() if value is not None}


def breadcrumb_list_data(crumbs):
    """schema.org BreadcrumbList from (name, url) pairs, outermost first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def json_ld_script(data):
    """A <script type="application/ld+json"> element that no string inside `data` can close early."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


def site_name(site_settings):
    return getattr(site_settings, "site_name", "") or DEFAULT_SITE_NAME


def _page_number(context):
    """The listing page shown (?page=N), so page 2 onwards canonicalise to themselves."""
    number = getattr(context.get("articles"), "number", 1)
    return number if isinstance(number, int) and number > 1 else 1


def _page_crumbs(page, request):
    """(name, url) from the site's home page down to `page`, as the visible breadcrumbs show them."""
    crumbs = navigation.breadcrumbs(page)
    return [("Home" if crumb.depth == 2 else crumb.title, crumb.get_full_url(request)) for crumb in crumbs]


def page_seo(context):
    """Everything components/seo.html renders, for the page (or author/tag route) in `context`."""
    request = context.get("request")
    page = context.get("page")
    site_settings = context.get("site_settings")
    if site_settings is None and request is not None:
        site_settings = SiteSettings.for_request(request)
    name = site_name(site_settings)
    feeds = [{"title": name, "url": reverse("feed")}]
    seo = {
        "site_name": name,
        "og_type": "website",
        "title": "",
        "description": "",
        "canonical": "",
        "rendition": None,
        "feeds": feeds,
        "json_ld": [],
    }
    if page is None or not hasattr(page, "get_full_url"):
        seo["rendition"] = share_rendition(getattr(site_settings, "default_share_image", None))
        return seo

    author = context.get("author") if isinstance(page, HomePage) else None
    tag = context.get("tag") if isinstance(page, HomePage) else None
    image = None
    crumbs = []

    if author is not None:
        seo["title"] = author.name
        seo["canonical"] = author_url(request, author)
        bio = Truncator(strip_tags(author.bio)).chars(200).strip()
        role = f", {author.role}" if author.role else ""
        seo["description"] = bio or f"Stories by {author.name}{role}, from {name}."
        feeds.append({"title": f"{author.name} | {name}", "url": reverse("author_feed", args=[author.slug])})
        crumbs = [("Home", page.get_full_url(request)), (author.name, seo["canonical"])]
    elif tag is not None:
        seo["title"] = tag.name
        seo["canonical"] = tag_url(request, tag)
        seo["description"] = f"The latest stories about {tag.name} from {name}."
        feeds.append({"title": f"{tag.name} | {name}", "url": reverse("tag_feed", args=[tag.slug])})
        crumbs = [("Home", page.get_full_url(request)), (tag.name, seo["canonical"])]
    else:
        seo["title"] = page.seo_title or (name if isinstance(page, HomePage) else page.title)
        seo["canonical"] = page.get_full_url(request) or ""
        seo["description"] = page.search_description
        if isinstance(page, ArticlePage):
            seo["og_type"] = "article"
            seo["description"] = seo["description"] or page.standfirst
            image = page.hero_image
        elif isinstance(page, SectionPage):
            seo["description"] = seo["description"] or page.intro or f"The latest {page.title} news from {name}."
            feeds.append({"title": f"{page.title} | {name}", "url": reverse("section_feed", args=[page.slug])})
        elif isinstance(page, HomePage):
            seo["description"] = seo["description"] or getattr(site_settings, "tagline", "")
        if page.depth > 2:
            crumbs = _page_crumbs(page, request)

    if seo["canonical"] and _page_number(context) > 1:
        seo["canonical"] += f"?page={_page_number(context)}"

    seo["rendition"] = share_rendition(image or getattr(site_settings, "default_share_image", None))
    if seo["rendition"] is not None:
        seo["image_url"] = absolute_url(request, seo["rendition"].url)

    if isinstance(page, ArticlePage):
        # The breadcrumbs already hold the section: no need to load the parent page again.
        section_name = crumbs[-2][0] if len(crumbs) > 2 else ""
        tag_names = [tag.name for tag in page.tag_list]
        seo["published_time"] = iso_datetime(page.date)
        seo["modified_time"] = iso_datetime(page.last_published_at)
        seo["section"] = section_name
        seo["tags"] = tag_names
        seo["json_ld"].append(
            json_ld_script(
                news_article_data(
                    page,
                    request=request,
                    url=seo["canonical"],
                    rendition=seo["rendition"],
                    publisher=publisher_data(request, site_settings),
                    section_name=section_name,
                    keywords=tag_names,
                )
            )
        )
    if len(crumbs) > 1:
        seo["json_ld"].append(json_ld_script(breadcrumb_list_data(crumbs)))
    return seo
