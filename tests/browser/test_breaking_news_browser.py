"""The breaking-news strip as readers see it, on a phone and a desktop."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from site_settings.models import BreakingNews
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_strip_leads_every_page_and_fits(open_reader, newsroom, width):
    story = Page.objects.get(title__startswith="Senate passes")
    breaking = BreakingNews.for_site(Site.objects.get(is_default_site=True))
    breaking.text = "Senate passes the 2026 budget after an all-night sitting: live updates from Abuja"
    breaking.link = story
    breaking.expires_at = timezone.now() + datetime.timedelta(hours=1)
    breaking.save()

    reader = open_reader(width)
    for name, path in (("home", newsroom["home"]), ("article", newsroom["article"])):
        response = reader.visit(path, settle=True)
        assert response.status == 200
        strip = reader.page.locator(".breaking-strip")
        box = strip.bounding_box()
        assert box is not None and box["y"] <= 60, box  # first thing on the page (the user bar aside)
        assert strip.locator("a").get_attribute("href") == story.url
        assert reader.overflowing_elements() == []
        assert reader.console_errors == []
        assert reader.serious_accessibility_violations() == []
        reader.screenshot(f"breaking-news-{name}", full_page=False)
