from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    Page,
    PageManager,
    RevisionMixin,
    Site,
    WorkflowMixin,
)
from wagtail.query import PageQuerySet
from wagtail.search import index

from core import fragments
from core.cache_headers import CacheHeadersPageMixin
from core.forms import PageForm
from core.pages import exclude_restricted
from core.process_cache import ProcessCache
from core.purge import PurgeablePageMixin, path_of, root_url_of
from core.text import fold, folded_passages, has_diacritics
from news.blocks import ArticleBodyBlock
from publishing.panels import QuarterHourDateTimeInput, settings_panels_with_zone

BIO_FEATURES = ["bold", "italic", "link"]
# The article's parts rendered once per published revision, in article_page.html.
ARTICLE_REVISION_FRAGMENTS = (
    "article-meta",
    "article-breadcrumbs",
    "article-header",
    "article-hero",
    "article-footer",
    "article-authors",
)
# Reading time: words of running text per minute (a common figure for news reading).
READING_WORDS_PER_MINUTE = 230
_section_titles = ProcessCache("section-titles", ttl=60, max_entries=10_000)
fragments.register(
    "listing-ids", "subsections", "article-body", "related-ids", "section-meta", *ARTICLE_REVISION_FRAGMENTS
)
# Related stories are chosen among this many of the newest stories sharing a tag.
RELATED_CANDIDATES = 200


def paginate(request, queryset, per_page):
    """Page `queryset` by ?page=N: junk means page 1, a page past the end is a 404."""
    paginator = Paginator(queryset, per_page)
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 1
    if number < 1:
        number = 1
    try:
        return paginator.page(number)
    except (EmptyPage, PageNotAnInteger):
        if number == 1:
            return paginator.page(1)
        raise Http404("No such page of results.") from None


def paginate_listing(request, name, articles, per_page):
    """`paginate` for a listing of ArticlePages, as cheap on page 200 as on page 1.

    The listing's ids, newest first, are kept as a fragment until the next
    publish (core.fragments): a page of them is sliced in Python
    and its articles loaded by primary key, instead of a COUNT and an
    ORDER BY ... OFFSET over every article of a busy section on each request.
    The page's object_list is those ids; `{% article_cards %}` turns them into
    cards. Previews read the database directly (ArticlePages).
    """

    def ids():
        return list(articles.order_by("-display_date", "-pk").values_list("pk", flat=True))

    if fragments.is_preview(request):
        return paginate(request, ArticlePage.objects.listing().filter(pk__in=articles.values("pk")), per_page)
    # object_list holds ids: {% article_cards %} renders (or fetches) their cards.
    return paginate(request, fragments.cached(fragments.key("listing-ids", name), ids), per_page)


class Author(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model):
    """A byline: reporters, columnists, contributors. Each has a public page.

    Its public fields go through review like a story: an edit of a live author
    is a draft (a revision) until someone with "publish author" (editors)
    publishes it or approves it in the desk-review workflow, and the site shows
    the published version only. An author never published (`live` False) is
    nowhere public: no page, feed, sitemap entry, search result or byline.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the author's page address.")
    role = models.CharField(max_length=120, blank=True, help_text='e.g. "Columnist", "Judiciary Correspondent"')
    photo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    bio = RichTextField(features=BIO_FEATURES, blank=True)
    email = models.EmailField(blank=True)
    x_handle = models.CharField("X handle", max_length=50, blank=True, help_text="Without the @.")
    facebook_url = models.URLField(blank=True)
    instagram_url = models.URLField(blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    website_url = models.URLField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        MultiFieldPanel(
            [
                FieldPanel("email"),
                FieldPanel("x_handle"),
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("website_url"),
            ],
            heading="Contact and social links",
        ),
    ]

    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("role"),
        # The admin's author list sorts search results by its columns.
        index.FilterField("name"),
        index.FilterField("role"),
        index.FilterField("slug"),
        index.FilterField("live"),
    ]

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="author")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="author",
        for_concrete_model=False,
    )

    class Meta:
        ordering = ["name"]

    @property
    def revisions(self):
        return self._revisions

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)

    @property
    def url(self):
        return f"/authors/{self.slug}/"

    def get_absolute_url(self):
        return self.url

    @property
    def initials(self):
        """Up to two initials, shown in place of a missing photo: "Amaka Eze" -> "AE"."""
        parts = self.name.split()
        return "".join(part[0] for part in (parts[:1] + parts[1:][-1:])).upper()

    @property
    def x_url(self):
        return f"https://x.com/{self.x_handle}" if self.x_handle else ""

    def purge_urls(self):
        """What shows the author: their page and feed on each site, and the live stories with their byline."""
        urls = set()
        for site in Site.objects.select_related("root_page"):
            # Author pages are routes of the site's home page (a RoutablePage).
            home = site.root_page.specific
            if hasattr(home, "reverse_subpage"):
                urls.add(site.root_url + home.url + home.reverse_subpage("author", kwargs={"slug": self.slug}))
                urls.add(site.root_url + reverse("author_feed", kwargs={"slug": self.slug}))
        stories = Page.objects.live().filter(pk__in=self.article_links.values("article_id")).only("url_path")
        for story in stories:
            urls.add(root_url_of(story) + path_of(story.url_path))
        return urls


class SectionPage(PurgeablePageMixin, CacheHeadersPageMixin, Page):
    """A section of the paper (News, Politics, Sports...). Sections nest: More → Africa."""

    intro = models.TextField(blank=True, max_length=500, help_text="One or two sentences shown under the title.")
    articles_per_page = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(5), MaxValueValidator(100)]
    )

    parent_page_types = ["home.HomePage", "news.SectionPage"]
    subpage_types = ["news.SectionPage", "news.ArticlePage"]
    base_form_class = PageForm

    content_panels = Page.content_panels + [FieldPanel("intro")]
    settings_panels = settings_panels_with_zone(Page.settings_panels) + [FieldPanel("articles_per_page")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = "section"

    def get_articles(self):
        """Published articles in this section and its subsections, newest first."""
        return ArticlePage.objects.listing().descendant_of(self)

    def subsections(self, request=None):
        """Published, public child sections in tree order (a fragment: reading them scans every descendant)."""

        def load():
            children = exclude_restricted(SectionPage.objects.child_of(self).live()).order_by("path")
            return list(children.only("title", "url_path", "path", "depth"))

        return fragments.cached(fragments.key("subsections", self.pk), load, request=request)

    def purge_urls(self):
        """Its own and its ancestors' URLs, the site-wide feeds, and its own and its parent sections' feeds."""
        return super().purge_urls() | _section_feed_urls(self, inclusive=True)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.readable().descendant_of(self)
        context["articles"] = paginate_listing(request, f"section:{self.pk}", articles, self.articles_per_page)
        context["subsections"] = self.subsections(request)
        top = self if self.depth <= 3 else SectionPage.objects.filter(path=self.path[:12]).only("title").first()
        context["top_section_id"] = (top or self).pk
        context["top_section_title"] = (top or self).title
        return context


class ArticleKind(models.TextChoices):
    NEWS = "news", "News"
    COLUMN = "column", "Column"
    OPINION = "opinion", "Opinion"
    ANALYSIS = "analysis", "Analysis"
    INTERVIEW = "interview", "Interview"
    FEATURE = "feature", "Feature"
    VIDEO = "video", "Video"
    SPONSORED = "sponsored", "Sponsored"


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("news.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticlePageQuerySet(PageQuerySet):
    def readable(self):
        """Live and not behind a view restriction."""
        return exclude_restricted(self.live())

    def listing(self):
        """Live, public articles, newest first, with what a listing shows loaded up front."""
        return (
            self.readable()
            .select_related("hero_image")
            .prefetch_related("article_authors__author", "hero_image__renditions")
            .order_by("-display_date", "-pk")
        )


class ArticlePageForm(PageForm):
    def __init__(self, data=None, *args, **kwargs):
        instance = kwargs.get("instance")
        if data is not None and instance is not None and instance.pk is not None:
            data = _forget_vanished_byline_rows(data, instance)
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        authors = self.formsets.get("article_authors")
        if authors is not None and authors.is_valid():
            chosen = [form for form in authors.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
            if not chosen:
                self.add_error(None, "Add at least one author: every article needs a byline.")
            self._check_authors_once(authors, chosen)
        for name in cleaned_data.get("tags") or []:
            # Tag pages and feeds are addressed by the tag's slug.
            if not slugify(name, allow_unicode=True):
                self.add_error("tags", f"The tag “{name}” has no letters or digits, so it cannot have a page.")
        return cleaned_data

    def _check_authors_once(self, authors, chosen):
        """An author twice in the byline is a form error, counting the rows the form did not post.

        The formset keeps the article's rows that were not posted, so a tab opened
        before another one added an author, then adding that author again, would
        save the author twice (a unique-constraint 500 on publish).
        """
        posted = {form.instance.pk for form in authors.initial_forms if form.instance.pk is not None}
        kept = [row.author for row in authors.get_queryset() if row.pk is not None and row.pk not in posted]
        seen = {author.pk for author in kept}
        for form in chosen:
            author = form.cleaned_data.get("author")
            if author is None:
                continue
            if author.pk in seen:
                form.add_error(
                    "author",
                    f"{author} is already in this article's byline (perhaps added in another tab since this "
                    "page was opened). Remove this row.",
                )
            seen.add(author.pk)


def _forget_vanished_byline_rows(data, article):
    """Posted byline rows whose row was removed meanwhile (another tab) become new rows.

    The stale tab still shows the author, so saving it keeps that author, as it
    keeps the tab's other fields; otherwise the row would fail on its hidden id
    with an error the editor cannot see.
    """
    prefix = "article_authors"
    try:
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except (TypeError, ValueError):
        return data
    held = {str(row.pk) for row in article.article_authors.all() if row.pk is not None}
    vanished = [
        f"{prefix}-{index}-id"
        for index in range(max(0, min(initial, 1000)))
        if data.get(f"{prefix}-{index}-id", "") not in ("", *held)
    ]
    if not vanished:
        return data
    data = data.copy()
    for key in vanished:
        data[key] = ""
    return data


class ArticlePage(PurgeablePageMixin, CacheHeadersPageMixin, Page):
    standfirst = models.TextField(
        max_length=300,
        help_text="The summary under the headline, at most 300 characters. Also used in listings and shares.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_caption = models.CharField(max_length=300, blank=True)
    hero_credit = models.CharField(max_length=120, blank=True, help_text="e.g. Photo: Ayo Bello/Newsroom")
    byline_override = models.CharField(
        max_length=200,
        blank=True,
        help_text='Replaces the authors\' names in the byline, e.g. "By our Correspondent".',
    )
    kind = models.CharField(max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)
    display_date = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The date shown to readers. Leave empty to use the first publication time.",
    )
    is_breaking = models.BooleanField("breaking news", default=False)
    no_ads = models.BooleanField("no ads", default=False, help_text="Show no advertising on this article.")
    exclude_from_trending = models.BooleanField(default=False, help_text="Never list this article as trending.")

    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    base_form_class = ArticlePageForm

    content_panels = [
        # Wagtail's title panel: the slug follows the headline until the story is first published.
        TitleFieldPanel("title", placeholder="Headline*", help_text="The headline."),
        FieldPanel("standfirst"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("is_breaking")], heading="Kind"),
        # `label` names one row ("Author 1", "Add author"); `heading` the whole panel.
        InlinePanel("article_authors", label="author", min_num=1, heading="Authors"),
        FieldPanel("byline_override"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_caption"), FieldPanel("hero_credit")], heading="Hero image"
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel(
            "corrections",
            label="Correction",
            heading="Corrections",
            help_text="Dated notes shown at the end of the article.",
        ),
    ]
    # Wagtail's "For search engines" group without "Show in menus": the menus list sections, never stories.
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("slug"), FieldPanel("seo_title"), FieldPanel("search_description")],
            heading="For search engines",
        )
    ]
    settings_panels = settings_panels_with_zone(Page.settings_panels) + [
        FieldPanel("display_date", widget=QuarterHourDateTimeInput()),
        MultiFieldPanel([FieldPanel("no_ads"), FieldPanel("exclude_from_trending")], heading="Flags"),
    ]

    search_fields = Page.search_fields + [
        # The headline (Page's title, boost 2) weighs most; the standfirst next.
        index.SearchField("standfirst", boost=1.5),
        # The admin's page search autocompletes, so what editors search by
        # (headline, standfirst, author) must be autocomplete fields too.
        index.AutocompleteField("standfirst"),
        index.SearchField("body"),
        index.RelatedFields(
            "article_authors",
            [index.RelatedFields("author", [index.SearchField("name"), index.AutocompleteField("name")])],
        ),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.SearchField("section_title"),
        # "obasanjo" must find "Ọbásanjọ" on every backend (see search/text.py).
        index.SearchField("search_folded_text"),
        index.AutocompleteField("search_folded_title"),
        index.FilterField("kind"),
        index.FilterField("display_date"),
        index.FilterField("is_breaking"),
    ]

    objects = PageManager.from_queryset(ArticlePageQuerySet)()
    # What a list of articles outside news (the editorial calendar) prefetches to show their bylines.
    byline_prefetch = ("article_authors__author",)

    class Meta:
        verbose_name = "article"

    def clean(self):
        super().clean()
        if self.standfirst is not None and not self.standfirst.strip():
            raise ValidationError({"standfirst": "Write a standfirst: one or two sentences that sum up the story."})

    def save(self, *args, **kwargs):
        self._settle_byline_rows()
        return super().save(*args, **kwargs)

    def _settle_byline_rows(self):
        """Make the byline rows about to be written safe for the (article, author) unique constraint.

        Publishing writes the revision's rows one by one: two rows whose authors
        were swapped would collide with each other half-way, so rows whose author
        changed are removed first and written afresh (same ids). A revision
        stored before the form checked for repeated authors keeps the first row
        of each author.
        """
        rows = getattr(self, "_cluster_related_objects", {}).get("article_authors")
        if rows is None or self.pk is None:
            return
        unique, seen = [], set()
        for row in rows:
            if row.author_id not in seen:
                seen.add(row.author_id)
                unique.append(row)
        if len(unique) != len(rows):
            self.article_authors.set(unique)
        held = dict(ArticlePageAuthor.objects.filter(article_id=self.pk).values_list("pk", "author_id"))
        changed = [row.pk for row in unique if row.pk in held and held[row.pk] != row.author_id]
        if changed:
            ArticlePageAuthor.objects.filter(pk__in=changed).delete()

    @property
    def date(self):
        return self.display_date or self.first_published_at or self.latest_revision_created_at

    @cached_property
    def authors(self):
        # A listing prefetches article_authors__author; a single page loads both in one query.
        # Only published authors are shown (an author never published is still in review).
        if "article_authors" in getattr(self, "_prefetched_objects_cache", {}):
            return [link.author for link in self.article_authors.all() if link.author.live]
        return [link.author for link in self.article_authors.select_related("author__photo") if link.author.live]

    @cached_property
    def reading_minutes(self):
        """Minutes to read the standfirst and body's text (paragraphs, headings, quotes, fact boxes); at least 1."""
        texts = [self.standfirst or ""]
        for block in self.body.raw_data:
            value = block.get("value")
            if block.get("type") == "paragraph":
                texts.append(value or "")
            elif isinstance(value, dict):
                texts += [value.get(key) or "" for key in ("text", "body", "title") if isinstance(value.get(key), str)]
        words = len(strip_tags(" ".join(texts)).split())
        return max(1, round(words / READING_WORDS_PER_MINUTE))

    @cached_property
    def tag_list(self):
        return list(self.tags.all())

    @property
    def byline(self):
        if self.byline_override:
            return self.byline_override
        names = [author.name for author in self.authors]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " and " + names[-1]
        return names[0] if names else ""

    @cached_property
    def section(self):
        return self.get_parent().specific

    def related_articles(self, count=4):
        """Stories sharing the most tags first, then the newest from the same section; never itself or a draft."""
        tag_ids = [tag.pk for tag in self.tag_list]
        chosen = []
        base = (
            ArticlePage.objects.readable()
            .exclude(pk=self.pk)
            .select_related("hero_image")
            .prefetch_related("hero_image__renditions")
        )
        if tag_ids:
            # Among the most recent stories sharing a tag (the newest ids): counting shared
            # tags across every story a busy tag ever had would read thousands of rows.
            recent = (
                ArticlePageTag.objects.filter(tag_id__in=tag_ids)
                .exclude(content_object_id=self.pk)
                .order_by("-content_object_id")
                .values("content_object_id")[:RELATED_CANDIDATES]
            )
            chosen = list(
                base.filter(pk__in=recent, tagged_items__tag_id__in=tag_ids)
                .annotate(shared_tags=models.Count("tagged_items", distinct=True))
                .order_by("-shared_tags", "-display_date", "-pk")[:count]
            )
        if len(chosen) < count:
            seen = [article.pk for article in chosen]
            chosen += list(
                base.child_of(self.section).exclude(pk__in=seen).order_by("-display_date", "-pk")[: count - len(chosen)]
            )
        return chosen

    def purge_urls(self):
        """What shows the story: itself, its sections, home, the feeds, and its authors' and tags' pages and feeds."""
        urls = super().purge_urls() | _section_feed_urls(self, inclusive=False)
        site = self.get_site()
        if site is None:
            return urls
        # Author pages and tag archives are routes of the site's home page (a RoutablePage).
        home = site.root_page.specific
        home_url = site.root_url + home.url
        for author in self.authors:
            urls.add(home_url + home.reverse_subpage("author", kwargs={"slug": author.slug}))
            urls.add(site.root_url + reverse("author_feed", kwargs={"slug": author.slug}))
        for tag in self.tag_list:
            if not tag.slug:
                continue  # No letters or digits, so no page (the form refuses new ones).
            urls.add(home_url + home.reverse_subpage("tag", kwargs={"slug": tag.slug}))
            urls.add(site.root_url + reverse("tag_feed", kwargs={"slug": tag.slug}))
        return urls

    def rendered_body(self, request):
        """The body blocks rendered as HTML (the ads go between them per view), with the bylines and tags."""
        context = {"page": self, "request": request}
        return {
            "authors": self.authors,
            "tags": self.tag_list,
            "blocks": [RenderedBlock(block.block_type, block.render_as_block(context=context)) for block in self.body],
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not fragments.is_preview(request):
            # The fragments of this revision in one round trip; the template's
            # header, hero, footer and meta tags then find theirs here.
            revision = self.live_revision_id
            fragments.prefetch(
                [fragments.key(name, self.pk, revision) for name in ARTICLE_REVISION_FRAGMENTS]
                + [fragments.key("article-body", self.pk, revision), fragments.key("related-ids", self.pk)]
            )
        # Once per published revision; the bylines and tags come with it, for the
        # structured data and the ads' targeting.
        body = fragments.cached(
            fragments.key("article-body", self.pk, self.live_revision_id),
            lambda: self.rendered_body(request),
            request=request,
        )
        self.__dict__.setdefault("authors", body["authors"])
        self.__dict__.setdefault("tag_list", body["tags"])
        context["body_blocks"] = body["blocks"]
        # Ids, chosen once per publish; {% article_cards %} fetches their (shared) cards.
        context["related_articles"] = fragments.cached(
            fragments.key("related-ids", self.pk),
            lambda: [article.pk for article in self.related_articles()],
            request=request,
        )
        return context

    # Indexing helpers for search_fields; the work is in search/indexing.py and search/text.py.

    @classmethod
    def get_indexed_objects(cls):
        # update_index reads every article's bylines and tags: a query per chunk, not per article.
        return super().get_indexed_objects().prefetch_related("article_authors__author", "tags")

    @property
    def section_title(self):
        """Title of the section the article sits in, as indexed with it.

        update_index reads thousands of articles from a handful of sections, so
        titles are kept for a minute per process rather than queried per article.
        """
        parent_path = (self.path or "")[: -Page.steplen]
        if not parent_path:
            return ""
        return _section_titles.get_or_build(
            parent_path, lambda: Page.objects.filter(path=parent_path).values_list("title", flat=True).first() or ""
        )

    def search_folded_text(self):
        # The database backends read each search field once per index column (five times per article).
        key = (self.title, self.standfirst, id(self.body))
        cached = self.__dict__.get("_search_folded_text")
        if cached is None or cached[0] != key:
            body = type(self)._meta.get_field("body").get_searchable_content(self.body)
            names = [author.name for author in self.authors] + [tag.name for tag in self.tags.all()]
            text = folded_passages(self.title, self.standfirst, *body, *names, self.section_title)
            cached = self.__dict__["_search_folded_text"] = (key, text)
        return cached[1]

    def search_folded_title(self):
        return fold(self.title) if has_diacritics(self.title) else ""


def _section_feed_urls(page, inclusive):
    """The feeds of the sections `page` sits in (and of `page` itself, if `inclusive`).

    Every page between the home page and a section or article is a section, so
    their slugs are the steps of the page's url_path: no query.
    """
    slugs = page.url_path.strip("/").split("/")[1:]
    if not inclusive:
        slugs = slugs[:-1]
    root_url = root_url_of(page)
    return {root_url + reverse("section_feed", kwargs={"slug": slug}) for slug in slugs}


class RenderedBlock:
    """A body block rendered ahead of time: all `{% include_block %}` and the ad insertion need of it."""

    def __init__(self, block_type, html):
        self.block_type = block_type
        self.html = mark_safe(html)

    def render_as_block(self, context=None):
        return self.html

    def __str__(self):
        return self.html


class ArticlePageAuthor(Orderable):
    article = ParentalKey(ArticlePage, related_name="article_authors", on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_links")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        unique_together = [("article", "author")]
        verbose_name = "author"

    def __str__(self):
        return str(self.author)


class ArticleCorrection(Orderable):
    article = ParentalKey(ArticlePage, related_name="corrections", on_delete=models.CASCADE)
    date = models.DateField()
    note = models.TextField(max_length=1000)

    panels = [FieldPanel("date"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "correction"

    def __str__(self):
        return f"{self.date}: {self.note[:60]}"
