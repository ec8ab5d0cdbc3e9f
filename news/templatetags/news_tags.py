from urllib.parse import quote

from django import template
from django.utils import timezone
from wagtail.models import Site

from news import navigation
from news.models import ArticlePage
from newsroom.utils import fragments

# Enough for any sidebar, with one to spare for the page's own story.
LATEST_CACHED = 12

register = template.Library()


def _site_root(request):
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


@register.inclusion_tag("components/main_nav.html", takes_context=True)
def main_navigation(context):
    request = context.get("request")
    home = _site_root(request)
    return {"sections": navigation.menu_sections(home, request) if home else [], "home": home, "request": request}


# Inclusion tags pass the request on: {% pageurl %} caches the site's root
# paths on it, and without it every link costs a cache lookup.


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    return {"crumbs": navigation.breadcrumbs(page), "request": context.get("request")}


@register.inclusion_tag("components/latest_posts.html", takes_context=True)
def latest_posts(context, count=6, exclude=None):
    def build():
        fields = ("title", "url_path", "path", "display_date", "first_published_at")
        return list(ArticlePage.objects.readable().order_by("-display_date", "-pk").only(*fields)[:LATEST_CACHED])

    articles = [a for a in fragments.cached("latest-posts", build) if exclude is None or a.pk != exclude.pk]
    return {"articles": articles[:count], "request": context.get("request")}


@register.simple_tag
def today():
    return timezone.localtime()


@register.inclusion_tag("components/share_links.html", takes_context=True)
def share_links(context, page):
    request = context.get("request")
    url = page.get_full_url(request)
    title = page.title
    u, t = quote(url, safe=""), quote(title, safe="")
    links = [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("X", f"https://x.com/intent/post?url={u}&text={t}"),
        ("WhatsApp", f"https://wa.me/?text={quote(f'{title} {url}', safe='')}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        ("Telegram", f"https://t.me/share/url?url={u}&text={t}"),
        ("Email", f"mailto:?subject={t}&body={quote(url, safe='')}"),
    ]
    return {"links": links, "url": url, "title": title}
