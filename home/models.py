import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from modelcluster.fields import ParentalKey
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core import fragments
from core.cache_headers import CacheHeadersPageMixin
from core.forms import PageForm
from core.purge import PurgeablePageMixin
from home.blocks import StandardBodyBlock
from news.models import ArticlePage, Author, paginate_listing
from news.navigation import menu_sections
from news.templatetags.news_tags import cards_by_id
from publishing.panels import settings_panels_with_zone


def section_block_spans(count):
    """How wide each front-page section block is, so no row of three is left with a lone block or a gap.

    Three to a row ("third"); a last lone block takes the whole row ("full"),
    and a last pair half each ("half").
    """
    spans = ["third"] * count
    if count % 3 == 1:
        spans[-1] = "full"
    elif count % 3 == 2:
        spans[-2:] = ["half", "half"]
    return spans


class HomePage(PurgeablePageMixin, CacheHeadersPageMixin, RoutablePageMixin, Page):
    """The site root: one per site, directly under Wagtail's tree root.

    It also serves the author pages (/authors/<slug>/) and tag archives
    (/tags/<slug>/), which are not pages in the tree.
    """

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    base_form_class = PageForm

    content_panels = Page.content_panels + [
        InlinePanel(
            "featured_stories",
            label="Story",
            heading="Lead and top stories",
            help_text="The first story leads the front page. Empty slots fall back to the latest stories.",
            max_num=7,
        ),
    ]

    class Meta:
        verbose_name = "home page"

    def route(self, request, path_components):
        """Wagtail walks the URL one level at a time (two queries per level); this finds the page in one.

        Below the home page every page routes the default way (sections,
        articles and standard pages do not override `route`), so the page at
        /politics/some-story/ is the descendant with that slug, depth and URL
        path: two queries the first time, then one by primary key while the
        fragment naming it lasts. The author and tag routes of this page are
        tried first.
        """
        if not path_components:
            return super().route(request, path_components)
        if self.live:
            try:
                self.resolve_subpage("/" + "/".join(path_components) + "/")
            except Http404:
                pass
            else:
                return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        # Which page is at a path is a fragment (a publish, move or delete renews them):
        # then the page is one query by primary key. Misses are not kept.
        name = fragments.key("route", self.pk, hashlib.sha256(url_path.encode()).hexdigest()[:32])
        _, found = fragments.get_many([name])
        if name in found:
            page_id, content_type_id = found[name]
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            page = model.objects.filter(pk=page_id, url_path=url_path).first()
            if page is not None:
                return page.route(request, [])
        candidates = Page.objects.filter(
            slug=path_components[-1], depth=self.depth + len(path_components), path__startswith=self.path
        ).specific()
        for page in candidates:
            if page.url_path == url_path:
                fragments.cached(name, lambda page=page: (page.pk, page.content_type_id))
                return page.route(request, [])
        raise Http404

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The same HTML for every reader until the next publish (see core.fragments); an
        # editor's preview shows the picks in the editor, not the published ones.
        name = fragments.key("front-page-html", self.pk)
        context.update(fragments.cached(name, lambda: self.front_page_html(request), request=request))
        return context

    def front_page_html(self, request):
        """The lead, top stories and latest posts, and each section's block, as HTML (ads go between them)."""
        stories = self.front_page_stories()
        if not stories["lead_stories"]:
            return {"front_page_html": "", "section_blocks_html": []}
        sections = [section for section in menu_sections(self, request) if section.latest and not section.subsections]
        # Each block opens with its newest story's card, picture and all: one load for every section's.
        cards = cards_by_id(request, [section.latest[0].pk for section in sections], True, "h3", True)
        spans = section_block_spans(len(sections))
        return {
            "front_page_html": mark_safe(
                render_to_string("components/front_page_stories.html", {**stories, "request": request})
            ),
            "section_blocks_html": [
                mark_safe(
                    render_to_string(
                        "components/section_block.html",
                        {
                            "section": section,
                            "lead_card": cards.get(section.latest[0].pk, ""),
                            "span": span,
                            "request": request,
                        },
                    )
                )
                for section, span in zip(sections, spans, strict=True)
            ],
        }

    def front_page_stories(self):
        """The lead, the top stories and the latest posts: editors' picks first, topped up with the latest."""
        latest = list(ArticlePage.objects.listing()[:20])
        featured = self.featured_stories.select_related("article", "article__hero_image").prefetch_related(
            "article__article_authors__author", "article__hero_image__renditions"
        )
        picked = [item.article for item in featured if item.article.live]
        picked_ids = {article.pk for article in picked}
        top = (picked + [article for article in latest if article.pk not in picked_ids])[:7]
        shown = {article.pk for article in top}
        return {
            "lead_stories": top[:1],
            "top_stories": top[1:],
            "latest_stories": [article for article in latest if article.pk not in shown][:10],
        }

    @path("authors/<slug:slug>/", name="author")
    def author_page(self, request, slug):
        author = get_object_or_404(Author, slug=slug, live=True)
        articles = ArticlePage.objects.readable().filter(article_authors__author=author)
        return self.render(
            request,
            context_overrides={
                "author": author,
                "articles": paginate_listing(request, f"author:{author.pk}", articles, 20),
            },
            template="news/author_page.html",
        )

    @path("tags/<str:slug>/", name="tag")
    def tag_page(self, request, slug):
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            raise Http404("No such tag.")
        articles = ArticlePage.objects.readable().filter(tags=tag)
        return self.render(
            request,
            context_overrides={"tag": tag, "articles": paginate_listing(request, f"tag:{tag.pk}", articles, 20)},
            template="news/tag_page.html",
        )


fragments.register("route", "front-page-html")


class HomePageFeaturedStory(Orderable):
    home = ParentalKey(HomePage, related_name="featured_stories", on_delete=models.CASCADE)
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", page_type="news.ArticlePage")]


class StandardPage(PurgeablePageMixin, CacheHeadersPageMixin, Page):
    """About us, Disclaimer, Our Advert Rates, Privacy Policy, Terms of Use."""

    body = StreamField(StandardBodyBlock(), blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    base_form_class = PageForm

    content_panels = Page.content_panels + [FieldPanel("body")]
    settings_panels = settings_panels_with_zone(Page.settings_panels)
    search_fields = Page.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = "standard page"
