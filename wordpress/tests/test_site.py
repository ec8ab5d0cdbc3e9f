"""The imported site as a reader meets it: old links answer 301 to the new pages, which render and are found."""

import http.server
import threading
from functools import partial

import pytest
from wagtail.images import get_image_model
from wagtail.models import Page

from news.models import ArticlePage, Author, SectionPage
from wordpress.models import ImportedItem
from wordpress.tests.conftest import EXPORT, UPLOADS

pytestmark = pytest.mark.django_db


def page_of(kind, wp_id):
    return ImportedItem.objects.get(kind=kind, wp_id=str(wp_id)).object_id


def test_old_links_redirect_to_the_new_pages(run_import, client):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    budget = ArticlePage.objects.get(pk=page_of("post", 201))
    russian = ArticlePage.objects.get(pk=page_of("post", 211))
    team_url = "/about/team/"
    expected = {
        "/2020/01/10/budget-passes/": budget.url,
        "/2021/03/09/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8-%d0%b4%d0%bd%d1%8f/": russian.url,
        "/?p=201": budget.url,
        "/?page_id=302": team_url,
        "/?p=204": ArticlePage.objects.get(pk=page_of("post", 204)).url,
        "/category/world/africa/west-africa/": SectionPage.objects.get(slug="west-africa").url,
        "/category/west-africa/": SectionPage.objects.get(slug="west-africa").url,
        "/tag/elections/": "/tags/elections/",
        "/tag/oil-gas/": "/tags/oil-gas/",
        "/author/tunde/": Author.objects.get(slug="tunde").url,
        # Attachment pages: to the post they belong to, else to the file.
        "/2020/01/10/budget-passes/lagos-skyline/": budget.url,
        "/?attachment_id=102": get_image_model().objects.get(title="Abuja").file.url,
    }
    for old, new in expected.items():
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new, old
    # A draft and a scheduled story are not revealed by their old id; unknown ids get the home page.
    assert client.get("/?p=205").status_code == 200
    assert client.get("/?p=203").status_code == 200
    assert client.get("/?p=999999").status_code == 200
    assert client.get("/?p=../etc").status_code == 200


def test_imported_pages_render_and_are_found(run_import, client):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    for kind, wp_id in [("post", 201), ("post", 202), ("post", 211), ("post", 213), ("page", 301), ("page", 302)]:
        url = Page.objects.get(pk=page_of(kind, wp_id)).url
        response = client.get(url)
        assert response.status_code == 200, url
    body = client.get(ArticlePage.objects.get(pk=page_of("post", 201)).url).content.decode()
    assert "Budget passes the Senate" in body and "<script>document.write" not in body
    assert client.get(SectionPage.objects.get(slug="новости").url).status_code == 200
    assert client.get("/authors/tunde/").status_code == 200
    # Restricted stories stay closed.
    assert client.get(ArticlePage.objects.get(pk=page_of("post", 207)).url).status_code == 302
    password = client.get(ArticlePage.objects.get(pk=page_of("post", 208)).url)
    assert password.status_code == 200 and "Subscribers only." not in password.content.decode()
    results = client.get("/search/", {"q": "refineries"}).content.decode()
    assert "Gutenberg story on oil" in results
    results = client.get("/search/", {"q": "budget"}).content.decode()
    assert "Budget passes the Senate" in results


class _Uploads(http.server.SimpleHTTPRequestHandler):
    requests = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).requests.append(self.path)
        super().do_GET()


def test_media_over_http_and_a_server_that_stops(run_import, uploads_copy):
    handler = partial(_Uploads, directory=str(uploads_copy))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # The server's root is the uploads copy (as https://old.example.com/wp-content/uploads would be).
        base = f"http://127.0.0.1:{server.server_address[1]}"
        _, report, _ = run_import(EXPORT, "--media-base-url", base)
        assert report["created"]["media"] == 4
        assert any("gone.jpg: HTTP 404" in line for line in report["media_missing"])
        assert "/2020/01/lagos.jpg" in _Uploads.requests
        assert get_image_model().objects.get(title="Lagos skyline").width == 120
    finally:
        server.shutdown()
        server.server_close()
    # The server is gone: a fresh export's new attachment is reported missing, the post still imports.
    text = EXPORT.read_text().replace("<wp:post_id>104</wp:post_id>", "<wp:post_id>1104</wp:post_id>")
    changed = uploads_copy.parent / "changed.xml"
    changed.write_text(text)
    _, report, _ = run_import(changed, "--media-base-url", base)
    assert any("budget.pdf: fetch failed" in line for line in report["media_missing"])
    assert report["unchanged"]["articles"] == 14
