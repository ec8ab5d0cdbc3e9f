"""Malformed addresses and query strings on reader URLs: a 404 or a 400 is fine, a 500 never is.

Bots and broken links send every kind of junk to a news site; each 500 is a
page of error logs and an alert. Feeds and sitemaps may not exist yet: a 404
from them is fine, and once they exist the same junk is sent to them.
"""

import sys

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory

TEN_KB = 10 * 1024

# Values for ?page= (and ?p=, which Django's sitemaps page by), written as
# they travel on the wire: the %-escapes are deliberately left undecoded.
PAGE_VALUES = [
    "abc",
    "-1",
    "0",
    "1",
    "3",
    "4",
    "1e9",
    "1.5",
    "-0",
    "+1",
    " 1 ",
    "0x10",
    "1_000",
    "inf",
    "NaN",
    "null",
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 5000,
    "9" * TEN_KB,
    "a" * TEN_KB,
    "%00",
    "1%00",
    "%",
    "%ZZ",
    "%E2%82",
    "%FF%FE",
    "%C0%AE",
    "١٢",
    "²",
    "½",
    "🔥",
    "🔥" * 500,
    "Ωμέγα",
    "[]",
    "{}",
    "1' OR '1'='1",
    "1; DROP TABLE wagtailcore_page;--",
    "1 UNION SELECT password FROM auth_user--",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "$(reboot)",
]

SAMPLE_PAGE_VALUES = ["abc", "-1", "0", "99999999999999999999", "9" * TEN_KB, "%00", "%E2%82", "🔥", "1' OR '1'='1"]
LISTINGS = {"section", "author", "tag"}

# Whole query strings: repeated, empty and nameless parameters.
RAW_QUERIES = [
    "page=1&page=2",
    "page=abc&page=2",
    "page=2&page=abc",
    "page=99999999999999999999&page=1",
    "page",
    "page=",
    "page[]=1",
    "page[0]=2",
    "=1",
    "&&&",
    "page=1;page=2",
    "page=%",
    "%00=%00",
    "%ZZ=1",
    "page=2&" + "&".join(["page=1"] * 500),
    "x=" + "y" * TEN_KB,
    "q=" + "🔥" * 100 + "&page=2",
    "utm_source=<script>&page=-5",
    "p=abc",
    "p=0",
    "p=-1",
    "p=99999999999999999999",
    "p=%00",
    "p=1&p=2",
]

# Path segments put where a slug goes.
SLUG_VALUES = [
    "%00",
    "economy%00",
    "..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%5C..%5C..%5Cwindows",
    "a" * 300,
    "a" * TEN_KB,
    "%ZZ",
    "%E2%82",
    "%FF%FE",
    "%C0%AE%C0%AE",
    "%F0%9F%94%A5",
    "🔥",
    "économie",
    "١٢",
    "1'%20OR%20'1'='1",
    "x'%3B%20DROP%20TABLE%20taggit_tag%3B--",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%20",
    "a%2Fb",
    "UPPER-Case",
    "-1",
    "CON",
]

# Odd path shapes, traversal included.
RAW_PATHS = [
    "/../../etc/passwd",
    "/news/../admin/",
    "/news/../../etc/passwd",
    "/tags/economy/../../admin/",
    "/authors/amaka-eze/../../../etc/passwd",
    "//news/",
    "/news//",
    "/news/./",
    "/tags/",
    "/authors/",
    "/feed/section/",
    "/feed/author/",
    "/feed/tag/",
    "/tags/economy/extra/segment/",
    "/authors/amaka-eze/extra/",
    "/sitemap.xml/",
    "/sitemap.xml%00",
    "/robots.txt%00",
    "/" + "a/" * 500,
    "/%00/",
]


@pytest.fixture
def reader_urls(home_page):
    """A section with 30 stories over three pages, an author and a tag: the URLs that take ?page=."""
    section = SectionPageFactory(parent=home_page, title="News", articles_per_page=10)
    section.save_revision().publish()
    author = AuthorFactory(name="Amaka Eze")
    for n in range(30):
        article = ArticlePageFactory(parent=section, title=f"Story {n} about the budget", authors=[author])
        article.tags.add("Economy")
        article.save_revision().publish()
    return {
        "section": section.url,
        "author": author.url,
        "tag": "/tags/economy/",
        "feed": "/feed/",
        "section feed": f"/feed/section/{section.slug}/",
        "author feed": f"/feed/author/{author.slug}/",
        "tag feed": "/feed/tag/economy/",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/news-sitemap.xml",
        "robots.txt": "/robots.txt",
    }


def fuzz_cases(reader_urls):
    """(group, path) pairs; a group becomes one subtest."""
    cases = []
    for name, url in reader_urls.items():
        # Listings render a page of stories per request, so they get the full
        # list; feeds, sitemaps and robots.txt a sample of it.
        values = PAGE_VALUES if name in LISTINGS else SAMPLE_PAGE_VALUES
        queries = [f"page={value}" for value in values] + RAW_QUERIES
        cases += [(f"?query on {name}", f"{url}?{query}") for query in queries]
    templates = [
        "/tags/{}/",
        "/authors/{}/",
        "/news/{}/",
        "/{}/",
        "/feed/section/{}/",
        "/feed/author/{}/",
        "/feed/tag/{}/",
    ]
    for template in templates:
        cases += [(f"slugs in {template}", template.format(slug)) for slug in SLUG_VALUES]
    cases += [("odd paths", path) for path in RAW_PATHS]
    return cases


@pytest.mark.django_db
def test_malformed_reader_urls_never_cause_a_server_error(reader_urls, settings, subtests, record_property):
    # With DEBUG on, Django answers some errors with technical pages instead of
    # the production handlers; the point is what production does.
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    cases = fuzz_cases(reader_urls)
    record_property("fuzz_cases", len(cases))
    assert len(cases) >= 200

    raised = []

    def remember_exception(sender, request, **kwargs):
        raised.append(repr(sys.exc_info()[1])[:300])

    got_request_exception.connect(remember_exception)
    try:
        groups = {}
        for group, path in cases:
            groups.setdefault(group, []).append(path)
        for group, paths in groups.items():
            with subtests.test(group):
                failures = []
                for path in paths:
                    raised.clear()
                    status = client.get(path).status_code
                    if status >= 500:
                        failures.append(f"{status} {path[:120]}: {raised[0] if raised else 'no exception recorded'}")
                assert not failures, f"{len(failures)} of {len(paths)} requests failed:\n" + "\n".join(failures)
    finally:
        got_request_exception.disconnect(remember_exception)
