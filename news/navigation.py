"""What the site chrome shows: sections for the main menu, their latest stories, breadcrumbs.

Each function costs a fixed number of queries whatever the number of
sections or articles, so every page type keeps a fixed query budget.
"""

from django.db.models import F, Window
from django.db.models.functions import RowNumber, Substr

from core import fragments
from core.pages import exclude_restricted
from news.models import ArticlePage, SectionPage

MEGA_MENU_STORIES = 5

fragments.register("menu-sections")


def menu_sections(home, request=None):
    """Top-level sections in menus, each with `.subsections` (for "More") and `.latest` (for the mega menu).

    Memoised on the request: the header and the home page both use it.
    """
    cached = getattr(request, "_newsroom_menu_sections", None)
    if cached is not None:
        return cached
    # Shared across requests until the next publish (see core.fragments).
    sections = fragments.cached(fragments.key("menu-sections", home.pk), lambda: _menu_sections(home))
    if request is not None:
        request._newsroom_menu_sections = sections
    return sections


def _menu_sections(home):
    sections = list(
        exclude_restricted(SectionPage.objects.child_of(home).live().in_menu())
        .order_by("path")
        .only("title", "url_path", "path", "depth")
    )
    if not sections:
        return []
    depth = sections[0].depth
    sub = exclude_restricted(
        SectionPage.objects.live().in_menu().filter(depth=depth + 1, path__startswith=home.path)
    ).order_by("path")
    subsections = {}
    for child in sub.only("title", "url_path", "path", "depth"):
        subsections.setdefault(child.path[: depth * 4], []).append(child)
    # One query for every section's latest stories: number the articles within
    # each top-level section by date and keep the first few.
    prefix_length = depth * 4
    ranked = (
        ArticlePage.objects.readable()
        .filter(path__startswith=home.path)
        .annotate(
            section_path=Substr("path", 1, prefix_length),
            rank=Window(
                RowNumber(),
                partition_by=[Substr("path", 1, prefix_length)],
                order_by=[F("display_date").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=MEGA_MENU_STORIES)
        .only("title", "url_path", "path", "display_date", "first_published_at")
        .order_by("section_path", "rank")
    )
    latest = {}
    for article in ranked:
        latest.setdefault(article.section_path, []).append(article)
    for section in sections:
        section.subsections = subsections.get(section.path, [])
        section.latest = latest.get(section.path, [])
    return sections


def breadcrumbs(page):
    """Ancestors below the site root, then the page itself: Home - Section - Headline.

    Memoised on the page: the visible trail and the structured data both use it.
    """
    crumbs = page.__dict__.get("_newsroom_breadcrumbs")
    if crumbs is None:
        crumbs = page.__dict__["_newsroom_breadcrumbs"] = list(page.get_ancestors().filter(depth__gt=1)) + [page]
    return crumbs
