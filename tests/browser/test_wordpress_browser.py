"""An article imported from WordPress (classic and Gutenberg bodies) as a reader sees it, on a phone and a desktop."""

import io
import shutil

import pytest
from django.core.management import call_command
from wagtail.models import Collection

from news.models import ArticlePage
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_reader_browser import assert_loads_cleanly
from wordpress.models import ImportedItem
from wordpress.tests.conftest import EXPORT, UPLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_imported_articles_render_at_both_widths(open_reader, home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The flush after an earlier transactional test also removes the root collection that
    # Wagtail's migrations create; the importer's images need it, as on any real site.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    uploads = tmp_path / "uploads"
    shutil.copytree(UPLOADS, uploads)
    call_command(
        "import_wordpress", str(EXPORT), "--media-dir", str(uploads), stdout=io.StringIO(), stderr=io.StringIO()
    )
    urls = [
        ArticlePage.objects.get(pk=ImportedItem.objects.get(kind="post", wp_id=wp_id).object_id).url
        for wp_id in ("201", "202")
    ]
    # The Yoast SEO title is the document's title.
    assert ArticlePage.objects.get(url_path__endswith="/budget-passes/").seo_title == "Senate passes the 2020 budget"
    for width in (PHONE, DESKTOP):
        reader = open_reader(width)
        for number, url in enumerate(urls):
            response = reader.visit(url, settle=True)
            reader.screenshot(f"wordpress-article-{number}")
            assert_loads_cleanly(reader, response)
            assert reader.page.locator(".article__body img").count() >= 1
            headline = reader.page.locator("h1").first.inner_text()
            assert headline in ("Budget passes the Senate", "Gutenberg story on oil")
