"""Each page type says which URLs show it: what a publish hands to every frontend cache."""

import pytest
from wagtail.models import Site

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory


@pytest.mark.django_db
def test_an_article_lists_itself_its_sections_home_feeds_and_its_authors_and_tags_pages(home_page):
    politics = SectionPageFactory(parent=home_page, title="Politics")
    assembly = SectionPageFactory(parent=politics, title="Assembly")
    author = AuthorFactory(name="Funke Ade")
    article = ArticlePageFactory(parent=assembly, title="Speaker elected", slug="speaker-elected", authors=[author])
    article.tags.add("Lagos Assembly")
    article.save_revision().publish()
    root = Site.objects.get(is_default_site=True).root_url

    expected = {
        "/",
        "/politics/",
        "/politics/assembly/",
        "/politics/assembly/speaker-elected/",
        "/feed/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/feed/section/politics/",
        "/feed/section/assembly/",
        "/authors/funke-ade/",
        "/feed/author/funke-ade/",
        "/tags/lagos-assembly/",
        "/feed/tag/lagos-assembly/",
    }
    # No feed for the article's own slug: sections have feeds, stories do not.
    assert article.specific.purge_urls() == {root + path for path in expected}
    assert assembly.specific.purge_urls() == {
        root + path
        for path in expected - {"/politics/assembly/speaker-elected/"}
        if not path.startswith(("/authors/", "/tags/", "/feed/author/", "/feed/tag/"))
    }
