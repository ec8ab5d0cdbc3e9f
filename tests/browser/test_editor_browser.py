"""The page editor in Chromium, as a reporter meets it."""

import pytest

from news.models import SectionPage
from tests.browser.conftest import DESKTOP
from tests.browser.test_csp_browser import editor, open_tab  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_articles_slug_follows_its_headline_as_in_stock_wagtail(
    browser,
    live_server,
    newsroom,
    editor,  # noqa: F811
    expect,
):
    section = SectionPage.objects.get(title="Politics")
    context, tab = open_tab(browser, live_server, DESKTOP, storage_state=editor)
    try:
        response = tab.visit(f"/admin/pages/add/news/articlepage/{section.pk}/", settle=True)
        assert response.status == 200
        headline = tab.page.locator("#id_title")
        headline.fill("Senate passes the 2027 budget")
        headline.blur()
        # The slug sits on the Promote tab; nobody has to open it to give a new story its address.
        expect(tab.page.locator("#id_slug")).to_have_value("senate-passes-the-2027-budget")
    finally:
        context.close()
