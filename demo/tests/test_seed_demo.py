"""`manage.py seed_demo`: the demo newsroom it builds, and that the bulk-written pages are valid Wagtail pages."""

import io
import random
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex, Revision, Site

from demo import content as demo_content
from home.models import HomePage, StandardPage
from news.blocks import ArticleBodyBlock, parse_embed_url
from news.models import ArticleKind, ArticlePage, ArticlePageAuthor, Author, SectionPage
from site_settings.models import SiteSettings

ARTICLES = 40
TOP_SECTIONS = ["News", "Column", "Education", "International", "Judiciary", "Politics", "Sports", "More"]
MORE_SECTIONS = [
    "Africa",
    "Analysis",
    "Business",
    "Entertainment",
    "Featured",
    "Lens Speak",
    "Info-Tech",
    "Interview",
    "Nigeria Decides",
    "Opinion",
    "Personality Profile",
    "Picture of the Month",
    "Science",
    "Special Project",
    "Videos",
    "Weekend Sports",
]
STANDARD_PAGES = ["About us", "Disclaimer", "Our Advert Rates", "Privacy Policy", "Terms of Use"]


def seed_demo(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One seeded site for TestSeededSite, rolled back after its last test: seeding draws two dozen pictures.

    Class-scoped, so the transaction it holds open is over before pytest-django's transactional tests run.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("seed-media"))),
        transaction.atomic(),
    ):
        output = seed_demo("--articles", str(ARTICLES))
        yield output
        transaction.set_rollback(True)


def counts():
    return {
        "pages": Page.objects.count(),
        "sections": SectionPage.objects.count(),
        "articles": ArticlePage.objects.count(),
        "authors": Author.objects.count(),
        "bylines": ArticlePageAuthor.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "tags": Tag.objects.count(),
        "revisions": Revision.objects.count(),
        "references": ReferenceIndex.objects.count(),
    }


@pytest.mark.django_db
class TestSeededSite:
    def test_reports_progress_a_summary_and_the_time(self, seeded):
        assert f"{ARTICLES}/{ARTICLES} articles (" in seeded
        assert (
            f"seed_demo: created 24 sections, 20 authors, {ARTICLES} articles, 26 images, 2 documents, 40 tags, "
            "5 standard pages." in seeded
        )
        assert re.search(rf"^seed_demo: {ARTICLES} articles in \d+\.\d s$", seeded, re.MULTILINE)

    def test_builds_the_sections_of_a_national_daily(self, seeded):
        home = HomePage.objects.get()
        top = SectionPage.objects.child_of(home).order_by("path")
        assert list(top.values_list("title", flat=True)) == TOP_SECTIONS
        more = top.get(title="More")
        assert (
            list(SectionPage.objects.child_of(more).order_by("path").values_list("title", flat=True)) == MORE_SECTIONS
        )
        assert SectionPage.objects.count() == len(TOP_SECTIONS) + len(MORE_SECTIONS)
        assert not SectionPage.objects.filter(show_in_menus=False).exists()
        assert not SectionPage.objects.not_live().exists()
        assert SectionPage.objects.get(title="Africa").url_path == "/home/more/africa/"

    def test_twenty_authors_some_of_them_columnists(self, seeded):
        assert Author.objects.count() == 20
        columnists = Author.objects.filter(role="Columnist")
        assert 3 <= columnists.count() < 20
        for article in ArticlePage.objects.child_of(SectionPage.objects.get(title="Column")):
            assert article.kind == ArticleKind.COLUMN
            assert {author.role for author in article.authors} == {"Columnist"}

    def test_articles_are_live_pages_with_bylines_revisions_and_unique_slugs(self, seeded):
        articles = list(ArticlePage.objects.prefetch_related("article_authors__author", "tags"))
        assert len(articles) == ARTICLES
        now = timezone.now()
        for article in articles:
            assert article.live and not article.has_unpublished_changes
            assert 1 <= len(article.authors) <= 2
            assert [link.sort_order for link in article.article_authors.all()] == list(range(len(article.authors)))
            assert article.tags.all()
            assert 0 < len(article.standfirst) <= 300
            assert now - timedelta(days=90) <= article.display_date <= now
            assert article.first_published_at == article.display_date
            assert article.last_published_at >= article.first_published_at
            parent = article.get_parent()
            assert parent.specific_class is SectionPage
            assert article.url_path == f"{parent.url_path}{article.slug}/"
            # A live revision, as publishing would leave it: the page's own data, children included.
            assert article.live_revision_id is not None
            assert article.latest_revision_id == article.live_revision_id
            revision = article.live_revision
            assert revision.object_id == str(article.pk)
            assert revision.content["title"] == article.title
            assert revision.content["pk"] == article.pk
            assert [link["author"] for link in revision.content["article_authors"]] == [a.pk for a in article.authors]
            assert revision.as_object().standfirst == article.standfirst
        slugs = [(article.get_parent().pk, article.slug) for article in articles]
        assert len(set(slugs)) == len(slugs)
        titles = [article.title for article in articles]
        assert len(set(titles)) == len(titles)
        assert len({article.kind for article in articles}) >= 4

    def test_bodies_use_every_block_type_with_valid_values(self, seeded):
        used = {}
        for article in ArticlePage.objects.all():
            for block in article.body:
                used.setdefault(block.block_type, []).append((article, block.value))
        assert set(used) == set(ArticleBodyBlock().child_blocks)
        for _article, value in used["embed"]:
            parse_embed_url(value["url"])
        for _article, value in used["gallery"]:
            assert len(value["images"]) >= 2
            assert all(item["image"] is not None for item in value["images"])
        for article, value in used["related_stories"]:
            assert value["stories"]
            assert all(story is not None and story.live and story.pk != article.pk for story in value["stories"])
        for _article, value in used["table"]:
            assert value.columns and value.row_data
        for _article, value in used["download"]:
            assert value["document"] is not None
        for _article, value in used["image"]:
            assert value.alt
        # The title is the page's h1: body headings start at h2 (issue 18).
        assert {value["level"] for _article, value in used["heading"]} == {"h2"}
        for _article, value in used["gallery"]:
            assert all(item.alt and item["credit"] for item in value["images"])
        # A clean body validates the way the editor's form would.
        for article, _value in used["image"] + used["table"] + used["gallery"]:
            article.body.stream_block.clean(article.body)

    def test_standard_pages_site_settings_and_front_page(self, seeded):
        home = HomePage.objects.get()
        pages = StandardPage.objects.child_of(home).live().order_by("path")
        assert list(pages.values_list("title", flat=True)) == STANDARD_PAGES
        assert all(len(page.body) >= 2 for page in pages)

        settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        assert settings.site_name == "Newsroom"
        assert settings.tagline and settings.copyright_line
        assert settings.logo is not None and settings.default_share_image is not None
        assert [name for name, _url in settings.social_links] == [
            "Facebook",
            "X",
            "Instagram",
            "YouTube",
            "LinkedIn",
            "Telegram",
            "WhatsApp",
        ]
        assert [link.page.specific for link in settings.footer_links.all()] == list(pages)

        featured = [item.article for item in home.featured_stories.all()]
        assert len(featured) == 5
        assert featured == list(ArticlePage.objects.live().order_by("-display_date", "-pk")[:5])
        assert home.live_revision.content["featured_stories"]

        images = get_image_model().objects.all()
        assert images.count() == 26
        assert images.exclude(description="").count() >= 20
        assert {(image.width, image.height) for image in images.exclude(title__startswith="Newsroom")} == {(1200, 675)}

    def test_the_page_tree_is_valid(self, seeded):
        assert Page.find_problems() == ([], [], [], [], [])
        for section in SectionPage.objects.all():
            assert section.numchild == section.get_children().count()

    def test_articles_are_in_the_search_index(self, seeded):
        article = ArticlePage.objects.order_by("pk")[7]
        word = max(re.findall(r"[A-Za-z]{4,}", article.title), key=len)
        assert article in ArticlePage.objects.live().search(word)
        assert ReferenceIndex.get_references_for_object(article).exists()

    def test_a_misspelt_search_is_offered_the_word_from_the_demo_stories(self, seeded, client):
        """seed_demo writes in bulk, past the per-save vocabulary update: it rebuilds "Did you mean"'s words."""
        from search.models import SearchWord

        word = SearchWord.objects.filter(word__regex=r"^[a-z]{8,}$").order_by("-articles", "word").first()
        assert word is not None
        misspelt = word.word[:3] + word.word[4:]  # one letter dropped
        html = client.get("/search/", {"q": misspelt}).content.decode()
        assert "Did you mean" in html and word.word in html

    def test_home_section_author_and_standard_pages_are_served(self, seeded, client):
        section = SectionPage.objects.get(title="News")
        newest = section.get_articles().first()
        author = newest.authors[0]
        for url, expected in [
            ("/", None),
            (section.url, newest.title),
            ("/more/africa/", None),
            (author.url, author.name),
            ("/about-us/", "About us"),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            if expected:
                assert escape(expected) in response.content.decode(), url

    def test_the_first_articles_render_every_block_type(self, seeded, client):
        # The first articles of a run each carry one block type, so together they render all of them.
        for article in ArticlePage.objects.order_by("pk")[: len(ArticleBodyBlock().child_blocks)]:
            response = client.get(article.url)
            assert response.status_code == 200, article.url
            assert escape(article.title) in response.content.decode()

    def test_a_second_run_creates_nothing(self, seeded):
        before = counts()
        output = seed_demo("--articles", str(ARTICLES))
        assert counts() == before
        assert "created 0 sections, 0 authors, 0 articles, 0 images, 0 documents, 0 tags, 0 standard pages" in output

    def test_a_bigger_number_tops_up_and_keeps_the_tree_valid(self, seeded):
        before = counts()
        output = seed_demo("--articles", str(ARTICLES + 7))
        after = counts()
        assert after["articles"] == ARTICLES + 7
        assert after["pages"] == before["pages"] + 7
        assert after["authors"] == before["authors"]
        assert "7 articles" in output
        assert Page.find_problems() == ([], [], [], [], [])
        titles = list(ArticlePage.objects.values_list("title", flat=True))
        assert len(set(titles)) == len(titles)

    def test_if_empty_does_nothing_once_there_are_articles(self, seeded):
        before = counts()
        output = seed_demo("--articles", "500", "--if-empty")
        assert counts() == before
        assert output.count("\n") == 1 and "nothing to do" in output


@pytest.mark.parametrize("bad", ["-1", "abc", "", "1.5", "2000000"])
def test_bad_article_counts_are_refused_in_one_line(bad):
    with pytest.raises(CommandError) as error:
        call_command("seed_demo", "--articles", bad, stdout=io.StringIO())
    assert "--articles" in str(error.value) and "\n" not in str(error.value)


def test_every_template_fills_and_a_seed_repeats_itself():
    templates = [template for group in demo_content.HEADLINES.values() for template in group]
    templates += [template for group in demo_content.STANDFIRSTS.values() for template in group]
    templates += demo_content.GENERIC_STANDFIRSTS + demo_content.SENTENCES + demo_content.HEADINGS
    templates += [text for pair in demo_content.PULL_QUOTES for text in pair]
    templates += [item for _title, items in demo_content.FACT_BOXES for item in items]
    story = demo_content.Story(random.Random(1), "news")
    for template in templates:
        assert "{" not in story.fill(template), template

    def headlines(seed):
        rng = random.Random(seed)
        return [demo_content.Story(rng, topic).headline() for topic in demo_content.HEADLINES for _ in range(5)]

    assert headlines(3) == headlines(3)
    assert headlines(3) != headlines(4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_on_postgresql_build_one_valid_tree(monkeypatch, settings, tmp_path):
    from demo.management.commands import seed_demo as command

    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(command, "PARALLEL_MIN_ARTICLES", 10)
    monkeypatch.setattr(command, "BATCH_SIZE", 7)
    monkeypatch.setattr(command.os, "cpu_count", lambda: 2)
    output = seed_demo("--articles", "30")
    assert "30/30 articles (" in output
    assert ArticlePage.objects.count() == 30
    assert Page.find_problems() == ([], [], [], [], [])
    assert not ArticlePage.objects.filter(live_revision__isnull=True).exists()
    assert len(set(ArticlePage.objects.values_list("title", flat=True))) == 30
    siblings = [(path[:-4], slug) for path, slug in ArticlePage.objects.values_list("path", "slug")]
    assert len(set(siblings)) == 30
    article = ArticlePage.objects.order_by("pk").last()
    assert article in ArticlePage.objects.live().search(max(re.findall(r"[A-Za-z]{4,}", article.title), key=len))
