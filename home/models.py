import hashlib

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, PageChooserPanel, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from news.blocks import StandardBodyBlock
from newsroom.utils.cache import CacheHeadersPageMixin
from newsroom.utils.panels import settings_panels_with_zone


class HomePage(CacheHeadersPageMixin, RoutablePageMixin, Page):
    """The site root: one per site, directly under Wagtail's tree root.

    It also serves the author pages (/authors/<slug>/) and tag archives
    (/tags/<slug>/), which are not pages in the tree.
    """

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

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
        from django.contrib.contenttypes.models import ContentType

        from newsroom.utils import fragments

        url_path = self.url_path + "/".join(path_components) + "/"
        # Which page is at a path is a fragment (a publish, move or delete renews them):
        # then the page is one query by primary key. Misses are not kept.
        name = f"route:{self.pk}:{hashlib.sha256(url_path.encode()).hexdigest()[:32]}"
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
        from newsroom.utils import fragments

        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            # An editor's preview shows the picks in the editor, not the published ones.
            context.update(self.front_page_html(request))
        else:
            # The same HTML for every reader until the next publish (see newsroom.utils.fragments).
            context.update(fragments.cached(f"front-page-html:{self.pk}", lambda: self.front_page_html(request)))
        return context

    def front_page_html(self, request):
        """The lead, top stories and latest posts, and each section's block, as HTML (ads go between them)."""
        from django.template.loader import render_to_string
        from django.utils.safestring import mark_safe

        from news.navigation import menu_sections

        stories = self.front_page_stories()
        if not stories["lead_stories"]:
            return {"front_page_html": "", "section_blocks_html": []}
        sections = [section for section in menu_sections(self, request) if section.latest and not section.subsections]
        return {
            "front_page_html": mark_safe(
                render_to_string("components/front_page_stories.html", {**stories, "request": request})
            ),
            "section_blocks_html": [
                mark_safe(render_to_string("components/section_block.html", {"section": section, "request": request}))
                for section in sections
            ],
        }

    def front_page_stories(self):
        """The lead, the top stories and the latest posts: editors' picks first, topped up with the latest."""
        from news.models import ArticlePage

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
        from news.models import ArticlePage, Author, paginate_listing

        author = get_object_or_404(Author, slug=slug)
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
        from taggit.models import Tag

        from news.models import ArticlePage, paginate_listing

        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            raise Http404("No such tag.")
        articles = ArticlePage.objects.readable().filter(tags=tag)
        return self.render(
            request,
            context_overrides={"tag": tag, "articles": paginate_listing(request, f"tag:{tag.pk}", articles, 20)},
            template="news/tag_page.html",
        )


class HomePageFeaturedStory(Orderable):
    home = ParentalKey(HomePage, related_name="featured_stories", on_delete=models.CASCADE)
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", page_type="news.ArticlePage")]


class StandardPage(CacheHeadersPageMixin, Page):
    """About us, Disclaimer, Our Advert Rates, Privacy Policy, Terms of Use."""

    body = StreamField(StandardBodyBlock(), blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    content_panels = Page.content_panels + [FieldPanel("body")]
    settings_panels = settings_panels_with_zone(Page.settings_panels)
    search_fields = Page.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = "standard page"


@register_setting(icon="cog")
class SiteSettings(ClusterableModel, BaseSiteSetting):
    """The site's chrome: name, logo, social links, footer."""

    site_name = models.CharField(max_length=100, default="Newsroom")
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    favicon = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Used when a shared page has no image of its own.",
    )
    facebook_url = models.URLField(blank=True)
    x_url = models.URLField("X URL", blank=True)
    instagram_url = models.URLField(blank=True)
    youtube_url = models.URLField("YouTube URL", blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    telegram_url = models.URLField(blank=True)
    whatsapp_channel_url = models.URLField("WhatsApp channel URL", blank=True)
    copyright_line = models.CharField(max_length=200, blank=True, help_text='e.g. "© Newsroom Media Ltd."')
    ads_txt = models.TextField(
        "ads.txt",
        blank=True,
        help_text="Served at /ads.txt: one line per authorised seller, as your ad networks give them to you.",
    )

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("site_name"),
                    FieldPanel("tagline"),
                    FieldPanel("logo"),
                    FieldPanel("favicon"),
                    FieldPanel("default_share_image"),
                ],
                heading="Identity",
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("facebook_url"),
                            FieldPanel("x_url"),
                            FieldPanel("instagram_url"),
                            FieldPanel("youtube_url"),
                            FieldPanel("linkedin_url"),
                            FieldPanel("telegram_url"),
                            FieldPanel("whatsapp_channel_url"),
                        ],
                        heading="Social links",
                    )
                ],
                heading="Social",
            ),
            ObjectList(
                [InlinePanel("footer_links", label="Footer link"), FieldPanel("copyright_line")], heading="Footer"
            ),
            ObjectList([FieldPanel("ads_txt")], heading="Advertising"),
        ]
    )

    class Meta:
        verbose_name = "site settings"

    @property
    def footer_link_items(self):
        return self.footer_links.select_related("page")

    @property
    def social_links(self):
        """(name, url) for every social network that has an address, in display order."""
        networks = [
            ("Facebook", self.facebook_url),
            ("X", self.x_url),
            ("Instagram", self.instagram_url),
            ("YouTube", self.youtube_url),
            ("LinkedIn", self.linkedin_url),
            ("Telegram", self.telegram_url),
            ("WhatsApp", self.whatsapp_channel_url),
        ]
        return [(name, url) for name, url in networks if url]


class FooterLink(Orderable):
    settings = ParentalKey(SiteSettings, related_name="footer_links", on_delete=models.CASCADE)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=60, blank=True, help_text="Defaults to the page's title.")

    panels = [PageChooserPanel("page"), FieldPanel("label")]

    @property
    def text(self):
        return self.label or self.page.title


class Lease(models.Model):
    """A named, expiring lock held in a database row.

    Used for singleton jobs (the scheduled-publishing sweep) when no Redis is
    configured. Taking it is one conditional UPDATE, which is atomic on both
    PostgreSQL and SQLite, so no transaction has to stay open while the job
    runs, and a holder that dies releases it by expiry.
    """

    name = models.CharField(max_length=100, unique=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} (held by {self.holder or 'nobody'} until {self.expires_at:%Y-%m-%d %H:%M:%S})"


class FlushedBatch(models.Model):
    """A counter batch moved from Redis into the database; its token makes the move idempotent."""

    stream = models.CharField(max_length=40)
    token = models.CharField(max_length=32)
    hour = models.DateTimeField()
    entries = models.PositiveIntegerField()
    flushed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "token"], name="unique_flushed_batch")]

    def __str__(self):
        return f"{self.stream} {self.hour:%Y-%m-%d %H}:00 ({self.entries} entries)"
