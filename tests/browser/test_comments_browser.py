"""Reader comments in Chromium: posting with and without JavaScript on a phone and a desktop, and the queue."""

import pytest

from comments.models import Comment, CommentPolicy, CommentSettings, Mode
from news.models import ArticlePage
from tests.browser.conftest import DESKTOP, PHONE, Reader
from tests.browser.test_csp_browser import BROWSER_UA, editor, open_tab  # noqa: F401 - fixtures
from tests.browser.test_reader_browser import assert_loads_cleanly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ADMIN_WIDTHS = (1024, 1280)
# Wagtail's own admin asks these (avatars, its release check); the closed test network has neither.
WAGTAIL_OWN_HOSTS = ("gravatar.com", "releases.wagtail.org")


def assert_admin_loads_cleanly(tab, response):
    assert response.status == 200
    errors = [error for error in tab.console_errors if not any(host in error for host in WAGTAIL_OWN_HOSTS)]
    problems = [f"console error: {error}" for error in errors]
    problems += [f"Content-Security-Policy violation: {violation}" for violation in tab.csp_violations]
    problems += [f"overflows the {tab.width}px viewport: {element}" for element in tab.overflowing_elements()]
    assert not problems, "\n".join(problems)


@pytest.fixture
def commenting(newsroom):
    article = ArticlePage.objects.get(title__startswith="Senate passes")
    site_settings = CommentSettings.for_site(article.get_site())
    site_settings.min_seconds_on_page = 1
    site_settings.save()
    # Post-moderation here, so a reader sees their comment at once.
    CommentPolicy.objects.create(page=article, mode=Mode.POST)
    Comment.objects.create(
        article=article,
        name="Chiamaka O.",
        email="c@example.com",
        body="A long, careful comment about the budget that wraps over several lines on a phone.\n\n"
        "Second paragraph with a link: https://example.com/budget-2026-analysis-of-every-line",
        status="approved",
        featured=True,
    )
    return article


def fill(page, name, body):
    page.fill("#comment-name", name)
    page.fill("#comment-email", "reader@example.com")
    page.fill("#comment-body", body)


def test_posting_with_and_without_javascript_on_a_phone_and_a_desktop(
    browser, live_server, commenting, expect, subtests
):
    article = commenting
    for width in (PHONE, DESKTOP):
        context, reader = open_tab(browser, live_server, width)
        try:
            response = reader.visit(article.url, settle=True)
            with subtests.test("article with comments loads cleanly (JS)", width=width):
                assert_loads_cleanly(reader, response)
            page = reader.page
            with subtests.test("an empty comment is refused in place (JS)", width=width):
                page.wait_for_timeout(1100)
                fill(page, "Reader", "")
                page.click(".comment-form__submit")
                expect(page.locator("[data-comment-error]")).to_have_text("Your comment is empty.")
                assert not Comment.objects.filter(name="Reader").exists()
            # Chromium logs the 400 that answered the empty comment: the answer this check expected.
            reader.console_errors.clear()
            with subtests.test("a comment posts without a reload (JS)", width=width):
                body = f"Posted with JavaScript at {width}px."
                fill(page, f"JS reader {width}", body)
                page.click(".comment-form__submit")
                expect(page.locator("[data-comments-status]")).to_contain_text("your comment is published")
                expect(page.locator(".comment--own")).to_contain_text(body)
                assert page.url.endswith(article.url)
                assert Comment.objects.get(name=f"JS reader {width}").status == "approved"
                assert not reader.console_errors and not reader.csp_violations
                assert not reader.overflowing_elements()
                page.locator("#comments").scroll_into_view_if_needed()
                reader.screenshot("comments-js-posted")
        finally:
            context.close()

        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=False, user_agent=BROWSER_UA
        )
        try:
            reader = Reader(context, live_server.url, width)
            reader.visit(article.url)
            page = reader.page
            page.wait_for_timeout(1100)
            with subtests.test("a comment posts and comes back to the article (no JS)", width=width):
                body = f"Posted without JavaScript at {width}px."
                fill(page, f"Plain reader {width}", body)
                with page.expect_navigation():
                    page.click(".comment-form__submit")
                assert "?comment=published" in page.url
                expect(page.locator(".comments__flash")).to_contain_text("your comment is published")
                expect(page.locator("#comments .comment-list")).to_contain_text(body)
                assert not reader.overflowing_elements()
                reader.screenshot("comments-nojs-posted")
            with subtests.test("a link-stuffed comment gets the form back with the error (no JS)", width=width):
                # The article just came back with a new form: its minimum time on the page starts again.
                page.wait_for_timeout(1100)
                fill(page, "Spammer", "http://a.example http://b.example http://c.example")
                with page.expect_navigation():
                    page.click(".comment-form__submit")
                expect(page.locator(".comment-form__error").first).to_contain_text("Too many links")
                expect(page.locator("#comment-body")).to_have_value(
                    "http://a.example http://b.example http://c.example"
                )
                assert not Comment.objects.filter(name="Spammer").exists()
                assert not reader.overflowing_elements()
                reader.screenshot("comments-nojs-refused")
        finally:
            context.close()


def test_the_moderation_queue_at_1024_and_1280(browser, live_server, commenting, editor, expect, subtests):  # noqa: F811
    article = commenting
    for n in range(3):
        Comment.objects.create(
            article=article,
            name=f"Held reader {n}",
            email=f"held{n}@example.com",
            body="Waiting for a moderator. " * (n + 1) + "https://example.com/a-rather-long-address-that-must-wrap",
            status="pending",
            held_reason="Pre-moderation",
        )
    for width in ADMIN_WIDTHS:
        context, tab = open_tab(browser, live_server, width, storage_state=editor)
        try:
            response = tab.visit("/admin/comments/", settle=True)
            with subtests.test("the queue loads cleanly", width=width):
                assert_admin_loads_cleanly(tab, response)
                expect(tab.page.locator("table.comment-queue tbody tr")).to_have_count(
                    Comment.objects.filter(status="pending").count()
                )
            tab.screenshot("comments-queue")
            with subtests.test("one click approves a comment", width=width):
                first = Comment.objects.filter(status="pending").order_by("-created_at").first()
                with tab.page.expect_navigation():
                    tab.page.click(f"button[value='approve:{first.pk}']")
                first.refresh_from_db()
                assert first.status == "approved"
                expect(tab.page.locator(".messages")).to_contain_text("Approve: 1 comment")
            response = tab.visit("/admin/", settle=True)
            with subtests.test("the dashboard shows the pending count", width=width):
                assert_admin_loads_cleanly(tab, response)
                pending = Comment.objects.filter(status="pending").count()
                expect(tab.page.locator("#pending-comments-section")).to_contain_text(f"{pending} comment")
            tab.screenshot("comments-dashboard")
        finally:
            context.close()
