"""RSS items carry the story's picture (issue 18, Readers 7)."""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from wagtail.models import Collection
from wagtail_factories import ImageFactory

from news.factories import ArticlePageFactory, SectionPageFactory


@pytest.mark.django_db
def test_feed_items_carry_their_picture_as_an_enclosure(client, home_page):
    section = SectionPageFactory(parent=home_page, title="Politics", slug="politics")
    section.save_revision().publish()
    picture = ImageFactory(collection=Collection.get_first_root_node(), file__width=1600, file__height=900)
    with_picture = ArticlePageFactory(parent=section, title="With a picture", hero_image=picture)
    with_picture.save_revision().publish()
    without = ArticlePageFactory(parent=section, title="Without a picture", hero_image=None)
    without.save_revision().publish()
    for url in ["/feed/", "/feed/section/politics/"]:
        items = {item.findtext("title"): item for item in ET.fromstring(client.get(url).content).iter("item")}
        enclosure = items["With a picture"].find("enclosure")
        assert enclosure is not None, url
        assert enclosure.get("url").startswith(settings.NEWSROOM_SITE_URL + "/")
        assert "960x540" in enclosure.get("url") and enclosure.get("type") == "image/jpeg"
        assert items["Without a picture"].find("enclosure") is None
