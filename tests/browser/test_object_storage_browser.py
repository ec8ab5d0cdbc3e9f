"""Reader pages with media on object storage, in Chromium: every image comes from the bucket and shows.

moto's S3 server stands in for MinIO or S3 (no S3-compatible server can be installed here;
tests/test_object_storage.py says more): the live server stores originals and renditions in it
through boto3, and the browser fetches the renditions straight from it, under the content
security policy production builds for that bucket address.
"""

import pytest

from newsroom.settings.base import content_security_policies
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_csp_browser import editor  # noqa: F401 - fixtures
from tests.test_object_storage import moto, s3  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOADED_IMAGES = """() => [...document.images].map((img) => ({
    src: img.currentSrc || img.src, loaded: img.complete && img.naturalWidth > 0,
}))"""


@pytest.fixture
def bucket_policy(s3, settings):  # noqa: F811
    """The reader policy production builds when MEDIA_URL is the bucket's address."""
    reader, admin, _ = content_security_policies({}, settings.STATIC_URL, s3.media_url)
    settings.NEWSROOM_CSP_READER = reader
    settings.NEWSROOM_CSP_ADMIN = admin
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": reader}
    return s3


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_article_images_come_from_the_bucket_and_show(bucket_policy, newsroom, open_reader, width):
    bucket = bucket_policy
    reader = open_reader(width)
    response = reader.visit(newsroom["article"], settle=True)
    assert response.status == 200
    assert bucket.media_url.rstrip("/").rsplit("/", 1)[0] in response.headers["content-security-policy"]
    # Lazy images below the fold load as the reader scrolls.
    reader.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    reader.page.wait_for_timeout(300)
    reader._settle()
    images = reader.page.evaluate(LOADED_IMAGES)
    from_bucket = [image for image in images if image["src"].startswith(bucket.media_url + "images/")]
    assert len(from_bucket) >= 2, images
    not_loaded = [image["src"] for image in from_bucket if not image["loaded"]]
    assert not not_loaded
    assert not reader.csp_violations
    assert not reader.console_errors
    assert not reader.overflowing_elements()
    # Renditions only: no original upload, no signed link, ever reaches a reader's page.
    fetched = [url for url in reader.requests if url.startswith(bucket.media_url)]
    assert fetched and all("/images/" in url and "X-Amz-" not in url for url in fetched), fetched
    reader.screenshot("object-storage-article")


@pytest.mark.parametrize("width", [1024, DESKTOP])
def test_an_editor_uploading_while_the_store_is_down_is_told_and_nothing_is_saved(
    home_page,
    bucket_policy,
    moto,  # noqa: F811
    live_server,
    browser,
    editor,  # noqa: F811
    expect,
    tmp_path,
    width,
):
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    # The flush after an earlier transactional test also removes the root collection.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    images = get_image_model().objects

    from core.upload_forms import STORAGE_DOWN_MESSAGE
    from tests.browser.test_csp_browser import open_tab
    from tests.test_object_storage import png_bytes

    first, second = tmp_path / "market.png", tmp_path / "stadium.png"
    first.write_bytes(png_bytes())
    second.write_bytes(png_bytes(colour=(30, 30, 200)))
    context, tab = open_tab(browser, live_server, width, storage_state=editor)
    try:
        assert tab.visit("/admin/images/multiple/add/", settle=True).status == 200
        tab.page.set_input_files("#fileupload", str(first))
        expect(tab.page.locator("li.upload-success")).to_have_count(1, timeout=15000)
        assert images.filter(file__startswith="original_images/market").exists()

        moto.stop()
        tab.page.set_input_files("#fileupload", str(second))
        failure = tab.page.locator("li.upload-failure .error_messages")
        expect(failure).to_have_text(STORAGE_DOWN_MESSAGE, timeout=15000)
        expect(failure).to_be_visible()
        assert not images.filter(file__startswith="original_images/stadium").exists()
        assert not tab.overflowing_elements()
        assert not tab.csp_violations
        failure.scroll_into_view_if_needed()
        tab.screenshot("object-storage-upload-refused", full_page=False)
    finally:
        context.close()
