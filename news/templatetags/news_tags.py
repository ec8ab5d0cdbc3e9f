from urllib.parse import quote

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.models import Site

from core import fragments
from news import navigation
from news.models import ArticlePage

fragments.register("main-nav-html", chrome=True, per_site=True)
fragments.register("footer-sections-html", chrome=True, per_site=True)
fragments.register("latest-posts", chrome=True)
fragments.register("card")

# Enough for any sidebar, with one to spare for the page's own story.
LATEST_CACHED = 12

register = template.Library()


def _site_root(request):
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The main menu with its mega menus: the same HTML on every page, rendered once per publish."""
    request = context.get("request")
    home = _site_root(request)
    if home is None:
        return ""

    def render():
        sections = navigation.menu_sections(home, request)
        return render_to_string("components/main_nav.html", {"sections": sections, "home": home, "request": request})

    return mark_safe(fragments.cached(fragments.key("main-nav-html", home.pk), render, request=request))


@register.simple_tag(takes_context=True)
def footer_sections(context):
    """Every top-level section as a plain link in the footer: a way in on phones without JavaScript."""
    request = context.get("request")
    home = _site_root(request)
    if home is None:
        return ""

    def render():
        sections = navigation.menu_sections(home, request)
        return render_to_string("components/footer_sections.html", {"sections": sections, "request": request})

    return mark_safe(fragments.cached(fragments.key("footer-sections-html", home.pk), render, request=request))


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

    articles = [
        a
        for a in fragments.cached("latest-posts", build, request=context.get("request"))
        if exclude is None or a.pk != exclude.pk
    ]
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


@register.simple_tag(takes_context=True)
def article_cards(context, articles, show_image=True, heading_level="h2", compact=False, lead=False):
    """components/article_card.html for each of `articles` (ArticlePages or their ids), in order.

    Each card is rendered once per publish and shared by every page that lists
    the story (fragments, fetched in one round trip); only the missing ones are
    loaded and rendered. Previews render everything afresh.
    """
    request = context.get("request")
    cards = cards_by_id(request, articles, show_image, heading_level, compact, lead)
    return mark_safe("".join(cards.values()))


def cards_by_id(request, articles, show_image=True, heading_level="h2", compact=False, lead=False):
    """{pk: card HTML} for `articles` (ArticlePages or ids), in order: what `article_cards` joins."""
    options = {"show_image": show_image, "heading_level": heading_level, "compact": compact, "lead": lead}

    def render(article):
        return render_to_string("components/article_card.html", {"article": article, "request": request, **options})

    items = list(articles)
    if fragments.is_preview(request):
        return {pk: mark_safe(render(article)) for pk, article in _as_articles(items).items()}
    variant = f"{int(bool(show_image))}{heading_level}{int(bool(compact))}{int(bool(lead))}"
    ids = [getattr(item, "pk", item) for item in items]
    names = {pk: fragments.key("card", variant, pk) for pk in ids}
    current, found = fragments.get_many(names.values())
    missing = [item for item in items if names[getattr(item, "pk", item)] not in found]
    if missing:
        fresh = {names[pk]: render(article) for pk, article in _as_articles(missing).items()}
        fragments.set_many(current, fresh)
        found.update(fresh)
    return {pk: mark_safe(found[names[pk]]) for pk in ids if names[pk] in found}


def _as_articles(items):
    """{pk: ArticlePage} for a mix of ArticlePages and ids, in order; ids are loaded in one query."""
    wanted = [item for item in items if isinstance(item, int)]
    loaded = ArticlePage.objects.listing().in_bulk(wanted) if wanted else {}
    result = {}
    for item in items:
        article = loaded.get(item) if isinstance(item, int) else item
        if article is not None:
            result[article.pk] = article
    return result
