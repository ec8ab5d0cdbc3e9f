"""SITE_URL: every absolute URL the site writes follows how it is served (issue 18, Readers 1)."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from wagtail.models import Site

from home.models import HomePage
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory

ABSOLUTE = re.compile(r"https?://[^\s\"'<>&]+")
# Third-party addresses a page may name (share targets, schema.org, XML namespaces).
FOREIGN = (
    "https://www.facebook.com/",
    "https://x.com/",
    "https://wa.me/",
    "https://www.linkedin.com/",
    "https://t.me/",
    "https://schema.org",
    "http://www.sitemaps.org/",
    "http://www.google.com/schemas/",
    "http://www.w3.org/",
    "http://purl.org/",
    "https://www.youtube",
)


def own_urls(text):
    """Absolute URLs in `text` (percent-decoded, so share links count) that are not a third party's."""
    return [url for url in ABSOLUTE.findall(unquote(text)) if not url.startswith(FOREIGN)]


def test_the_default_is_what_make_run_serves():
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    served = re.search(r"rundev (\S+)", makefile).group(1)
    assert django_settings.NEWSROOM_SITE_URL == f"http://{served}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "site_url,root_url",
    [
        ("https://news.example.com", "https://news.example.com"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://localhost:8123", "http://localhost:8123"),
    ],
)
def test_every_absolute_url_follows_site_url(client, settings, site_url, root_url):
    settings.NEWSROOM_SITE_URL = site_url.rstrip("/")
    call_command("bootstrap_site", "--no-superuser", verbosity=0)
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_url == root_url

    section = SectionPageFactory(parent=home, title="Politics", slug="politics")
    section.save_revision().publish()
    author = AuthorFactory(name="Ada Obi", slug="ada-obi")
    story = ArticlePageFactory(parent=section, title="Senate passes the budget", slug="budget", authors=[author])
    story.tags.add("Budget")
    story.save_revision().publish()

    article = client.get("/politics/budget/").content.decode()
    assert f'<link rel="canonical" href="{root_url}/politics/budget/"' in article
    assert f'content="{root_url}/politics/budget/"' in article  # og:url
    share = re.findall(r'class="share__link[^"]*" href="([^"]+)"', article)
    assert len(share) == 6
    assert all(f"{root_url}/politics/budget/" in unquote(href) for href in share), share

    for path in ["/politics/budget/", "/", "/politics/", "/feed/", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt"]:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        urls = own_urls(text)
        assert urls, f"{path} names no absolute URL of the site"
        wrong = [url for url in urls if not url.startswith(root_url + "/") and url != root_url]
        assert not wrong, f"{path}: {wrong[:5]}"


@pytest.mark.django_db
def test_an_existing_site_on_localhost_80_moves_to_site_url(settings):
    settings.NEWSROOM_SITE_URL = "http://localhost"
    call_command("bootstrap_site", "--no-superuser", verbosity=0)
    assert Site.objects.get(is_default_site=True).root_url == "http://localhost"
    settings.NEWSROOM_SITE_URL = "http://127.0.0.1:8000"
    call_command("bootstrap_site", "--no-superuser", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8000, "http://127.0.0.1:8000")
    assert Site.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "site_url,message",
    [
        ("ftp://example.com", "must look like"),
        ("https://example.com:8443", "https only on port 443"),
        ("http://example.com/news", "only a scheme, host and port"),
        ("http://example.com:notaport", "is not a URL"),
    ],
)
def test_a_site_url_wagtail_cannot_serve_is_refused_in_one_line(settings, site_url, message):
    settings.NEWSROOM_SITE_URL = site_url
    with pytest.raises(CommandError, match=message):
        call_command("bootstrap_site", "--no-superuser", verbosity=0)
