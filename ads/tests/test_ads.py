"""Ads on reader pages: eligibility, weighted rotation, flight dates, targeting, suppression, insertion, markup."""

import datetime
import random
import re
import zoneinfo
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ads import selection
from ads.factories import CampaignFactory, CreativeFactory
from ads.insertion import Rule, insertion_points
from ads.models import AdDailyStat, Campaign, CampaignSection, CampaignSponsoredArticle, Creative, Slot
from ads.tests.support import (  # noqa: F401 - fixtures
    ad_slots,
    ads_clean,
    body,
    campaign_with,
    candidate_ids,
    click_urls,
    long_body,
    paper,
    slots,
)
from home.models import StandardPage
from site_settings.models import SiteSettings


def placement(kind="article", **fields):
    return selection.Placement(kind=kind, **fields)


# Rotation


@pytest.mark.django_db
def test_rotation_over_10000_picks_matches_the_weights(paper):  # noqa: F811
    heavy, _ = campaign_with(weight=60, name="Heavy")
    medium, _ = campaign_with(weight=30, name="Medium", creatives=2)  # its 30 is split over two creatives
    light, _ = campaign_with(weight=10, name="Light")
    house, _ = campaign_with(weight=1000, name="House", priority=Campaign.PRIORITY_HOUSE)
    options = selection.candidates(selection.build_catalogue(), "sidebar_top", placement(kind="home"))
    assert len(options) == 5
    rng = random.Random(20260101)
    picks = Counter(selection.pick(options, rng).campaign["id"] for _ in range(10_000))
    shares = {campaign.pk: picks[campaign.pk] / 10_000 for campaign in (heavy, medium, light, house)}
    assert shares[heavy.pk] == pytest.approx(0.60, abs=0.03)
    assert shares[medium.pk] == pytest.approx(0.30, abs=0.03)
    assert shares[light.pk] == pytest.approx(0.10, abs=0.03)
    # A house ad fills in only when no higher priority qualifies, whatever its weight.
    assert shares[house.pk] == 0
    house_only = [option for option in options if option.campaign["id"] == house.pk]
    assert selection.pick(house_only, rng).campaign["id"] == house.pk
    # Both creatives of the split campaign rotate evenly.
    per_creative = Counter(selection.pick(options, rng).id for _ in range(10_000))
    medium_ids = [option.id for option in options if option.campaign["id"] == medium.pk]
    assert per_creative[medium_ids[0]] / 10_000 == pytest.approx(0.15, abs=0.03)
    assert per_creative[medium_ids[1]] / 10_000 == pytest.approx(0.15, abs=0.03)


@pytest.mark.django_db
def test_the_page_carries_every_eligible_creative_with_its_weight_for_the_browser_to_pick(client, paper):  # noqa: F811
    campaign_with(weight=75, name="Three quarters")
    campaign_with(weight=25, name="One quarter")
    html = client.get(paper["politics_story"].url).content.decode()
    [slot] = ad_slots(html, "sidebar_top")
    assert sorted(float(c["data-weight"]) for c in slot["candidates"]) == [25.0, 75.0]
    assert all(c["data-impression"] for c in slot["candidates"])
    # The same cached HTML serves every reader: rotation happens in ads.js, so two renders carry the same set.
    again = client.get(paper["politics_story"].url).content.decode()
    assert candidate_ids(again, "sidebar_top") == candidate_ids(html, "sidebar_top")


# Flight dates


@pytest.mark.django_db
def test_flight_dates_are_respected_to_the_second_in_the_newsroom_time_zone(paper, settings):  # noqa: F811
    lagos = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    starts = datetime.datetime(2030, 3, 1, 0, 0, tzinfo=lagos)  # 23:00 UTC the day before
    ends = datetime.datetime(2030, 3, 8, 0, 0, tzinfo=lagos)
    campaign_with(starts_at=starts, ends_at=ends)
    tick = datetime.timedelta(microseconds=1)

    def showing(at):
        data = selection.build_catalogue(now=at)
        return bool(selection.candidates(data, "sidebar_top", placement(kind="home"), now=at))

    assert not showing(starts - tick)
    assert showing(starts)
    assert showing(ends - tick)
    assert not showing(ends)
    assert starts.astimezone(datetime.UTC).hour == 23
    # A catalogue built minutes before the start still starts the campaign on time.
    early = selection.build_catalogue(now=starts - datetime.timedelta(minutes=5))
    assert not selection.candidates(early, "sidebar_top", placement(kind="home"), now=starts - tick)
    assert selection.candidates(early, "sidebar_top", placement(kind="home"), now=starts)


@pytest.mark.django_db
def test_the_browser_gets_the_flight_times_so_cached_pages_stop_on_time(client, paper):  # noqa: F811
    campaign, _ = campaign_with()
    html = client.get(paper["politics_story"].url).content.decode()
    [slot] = ad_slots(html, "sidebar_top")
    [candidate] = slot["candidates"]
    assert int(candidate["data-start"]) == int(campaign.starts_at.timestamp() * 1000)
    assert int(candidate["data-end"]) == int(campaign.ends_at.timestamp() * 1000)


@pytest.mark.django_db
def test_paused_ended_upcoming_sold_out_and_inactive_creatives_do_not_show(client, paper):  # noqa: F811
    now = timezone.now()
    campaign_with(name="Paused", status=Campaign.PAUSED)
    campaign_with(name="Ended", starts_at=now - datetime.timedelta(days=9), ends_at=now - datetime.timedelta(days=1))
    campaign_with(name="Upcoming", starts_at=now + datetime.timedelta(days=1))
    sold_out, [sold_creative] = campaign_with(name="Sold out", impression_goal=100)
    AdDailyStat.objects.create(
        date=timezone.localdate(),
        campaign_id=sold_out.pk,
        creative_id=sold_creative.pk,
        slot_id=Slot.objects.get(key="sidebar_top").pk,
        impressions=100,
    )
    _, [inactive] = campaign_with(name="Inactive creative")
    Creative.objects.filter(pk=inactive.pk).update(is_active=False)
    html = client.get(paper["politics_story"].url).content.decode()
    assert "ad-slot" not in html  # nothing qualifies: no empty box either

    live, _ = campaign_with(name="Live")
    html = client.get(paper["politics_story"].url).content.decode()
    assert len(ad_slots(html, "sidebar_top")) == 1
    # Pausing takes effect on the next render: saving drops the cached catalogue.
    live.status = Campaign.PAUSED
    live.save()
    assert "ad-slot" not in client.get(paper["politics_story"].url).content.decode()


# Targeting


@pytest.mark.django_db
def test_targeting_whole_site_home_sections_and_tags(client, paper):  # noqa: F811
    site, [site_creative] = campaign_with(name="Everywhere")
    home, [home_creative] = campaign_with(name="Front page", targeting=Campaign.TARGET_HOME)
    politics, [politics_creative] = campaign_with(name="Politics desk", targeting=Campaign.TARGET_SECTIONS)
    CampaignSection.objects.create(campaign=politics, section=paper["politics"])
    tagged, [tag_creative] = campaign_with(name="Budget readers", targeting=Campaign.TARGET_TAGS)
    tagged.tags.add("Budget")
    for campaign in (site, home, politics, tagged):
        campaign.creatives.get().slots.add(*Slot.objects.filter(key__in=["header_leaderboard", "sidebar_top"]))
        campaign.save()  # m2m and tags changed: drop the catalogue

    expected = {
        "/": {site_creative.pk, home_creative.pk},
        paper["politics"].url: {site_creative.pk, politics_creative.pk},
        paper["lagos_story"].url: {site_creative.pk, politics_creative.pk},  # a subsection's article
        paper["politics_story"].url: {site_creative.pk, politics_creative.pk, tag_creative.pk},
        paper["sports_story"].url: {site_creative.pk},
        "/tags/budget/": {site_creative.pk, tag_creative.pk},
        "/tags/football/": {site_creative.pk},
    }
    for url, creatives in expected.items():
        html = client.get(url).content.decode()
        assert candidate_ids(html, "header_leaderboard") == [creatives], url

    author = paper["politics_story"].authors[0]
    html = client.get(author.url).content.decode()
    assert candidate_ids(html, "header_leaderboard") == [{site_creative.pk}], "an author page is not the front page"


@pytest.mark.django_db
def test_device_targeting_renders_both_and_marks_them_for_css(client, paper):  # noqa: F811
    _, [phone] = campaign_with(name="Phones", device=Campaign.DEVICE_MOBILE)
    html = client.get(paper["sports_story"].url).content.decode()
    [slot] = ad_slots(html, "sidebar_top")
    assert slot["attrs"]["data-device"] == "mobile"  # hidden by CSS on desktops, so never seen or counted there
    _, [desktop] = campaign_with(name="Desktops", device=Campaign.DEVICE_DESKTOP)
    html = client.get(paper["sports_story"].url).content.decode()
    [slot] = ad_slots(html, "sidebar_top")
    assert slot["attrs"]["data-device"] == "all"
    assert {(int(c["data-ad-candidate"]), c["data-device"]) for c in slot["candidates"]} == {
        (phone.pk, "mobile"),
        (desktop.pk, "desktop"),
    }
    # Without JavaScript each device class gets its own pick, the other one hidden by CSS.
    assert re.search(r'<noscript><div class="ad-slot__pick" data-device="mobile">', html)
    assert re.search(r'<noscript><div class="ad-slot__pick" data-device="desktop">', html)
    css = open("static/css/newsroom.css").read()
    assert '.ad-slot [data-device="desktop"] { display: none !important; }' in css.replace(
        '.ad-slot[data-device="desktop"], ', ""
    )


# Suppression


@pytest.mark.django_db
def test_no_ads_flag_and_sensitive_tags_suppress_every_slot(client, paper, settings):  # noqa: F811
    campaign_with(slot_keys=("header_leaderboard", "sidebar_top", "in_article", "footer"))
    quiet = paper["article"](paper["politics"], "A story without ads", no_ads=True)
    obituary = paper["article"](paper["politics"], "Former senator dies at 80", tags=["Obituary"])
    custom = paper["article"](paper["politics"], "Flood kills dozens", tags=["Flood victims"])
    assert "ad-slot" in client.get(custom.url).content.decode()
    settings.NEWSROOM_ADS_SENSITIVE_TAGS = ["Obituary", "Flood Victims"]
    for page in (quiet, obituary, custom):
        html = client.get(page.url).content.decode()
        assert "ad-slot" not in html and "data-ad-candidate" not in html, page.title
    assert "ad-slot" in client.get(paper["politics_story"].url).content.decode()
    assert "ad-slot" not in client.get("/tags/obituary/").content.decode()


@pytest.mark.django_db
def test_sponsored_articles_show_only_their_sponsor_labelled_sponsored(client, paper):  # noqa: F811
    _, [rival_creative] = campaign_with(name="Rival", slot_keys=("sidebar_top", "in_article"))
    sponsor, [sponsor_creative] = campaign_with(
        name="Sponsor's campaign", slot_keys=("sidebar_top", "in_article"), targeting=Campaign.TARGET_HOME
    )
    paid = paper["article"](paper["politics"], "Sponsored: the future of payments", kind="sponsored")
    orphan = paper["article"](paper["politics"], "Sponsored: nobody on record", kind="sponsored")
    CampaignSponsoredArticle.objects.create(campaign=sponsor, article=paid)
    sponsor.save()

    html = client.get(paid.url).content.decode()
    for key in ("sidebar_top", "in_article"):
        assert all(ids == {sponsor_creative.pk} for ids in candidate_ids(html, key)), key
    assert candidate_ids(html, "in_article")  # the sponsor's ads still go between paragraphs
    assert all(slot["text"].strip().startswith("Sponsored") for slot in ad_slots(html))
    assert "Advertisement" not in html
    assert "ad-slot" not in client.get(orphan.url).content.decode()
    ordinary = client.get(paper["politics_story"].url).content.decode()
    assert candidate_ids(ordinary, "sidebar_top") == [{rival_creative.pk}]
    assert all(slot["text"].strip().startswith("Advertisement") for slot in ad_slots(ordinary))


# Markup


@pytest.mark.django_db
def test_ad_markup_is_labelled_sized_lazy_and_links_through_the_counter(client, paper):  # noqa: F811
    _, [creative] = campaign_with(slot_keys=("sidebar_top",))
    html = client.get(paper["politics_story"].url).content.decode()
    [slot] = ad_slots(html, "sidebar_top")
    assert slot["text"].strip().startswith("Advertisement")
    fragment = html[html.index('data-ad-slot="sidebar_top"') :]
    fragment = fragment[: fragment.index("</template>")]
    # Sized by an empty SVG, not a style attribute (the Content-Security-Policy refuses those).
    assert '<svg class="ad-slot__sizer" width="300" height="250" viewBox="0 0 300 250"' in fragment
    assert "style=" not in fragment
    assert 'rel="sponsored noopener"' in fragment and 'target="_blank"' in fragment
    assert 'loading="lazy"' in fragment and 'width="300" height="250"' in fragment
    assert f'alt="{creative.alt_text}"' in fragment
    assert creative.link_url not in html  # readers only ever see the counting redirect
    assert click_urls(html) and all(url.startswith("/ads/c/") for url in click_urls(html))
    assert '<script src="/static/js/ads.js" defer></script>' in html


@pytest.mark.django_db
def test_html_tags_run_only_in_a_sandboxed_frame_and_never_in_the_body(client, paper):  # noqa: F811
    campaign = CampaignFactory(name="Network")
    tag = '<script>parent.document.body.innerHTML = "owned"</script><div class="net">Ad</div>'
    creative = CreativeFactory(
        campaign=campaign, kind=Creative.HTML, html=tag, image=None, link_url="", slot_keys=("sidebar_top",)
    )
    # Even if someone attached it to the in-article slot behind the form's back.
    creative.slots.add(Slot.objects.get(key="in_article"))
    campaign.save()
    html = client.get(paper["politics_story"].url).content.decode()
    assert tag not in html and "<script>parent" not in html
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in html
    assert "allow-same-origin" not in html
    # From its own address, which sends its own sandboxing policy (tests/test_security_headers.py).
    assert f'src="/ads/f/{creative.pk}/"' in html and "srcdoc" not in html
    assert client.get(f"/ads/f/{creative.pk}/").content.decode() == tag
    assert candidate_ids(html, "sidebar_top") == [{creative.pk}]
    assert candidate_ids(html, "in_article") == []


@pytest.mark.django_db
def test_previews_show_ads_but_count_nothing(client, paper, django_user_model):  # noqa: F811
    _, [creative] = campaign_with()
    user = django_user_model.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")
    client.force_login(user)
    article = paper["politics_story"]
    article.save_revision()
    html = client.get(f"/admin/pages/{article.pk}/view_draft/").content.decode()
    [slot] = ad_slots(html, "sidebar_top")
    assert slot["candidates"][0]["data-impression"] == ""
    assert creative.link_url in html and not click_urls(html)


# In-article insertion


RULE = Rule(first_after=3, every=4, max_count=3, min_paragraphs=5)
P, H, Q, E, G, T, F = "paragraph", "heading", "pull_quote", "embed", "gallery", "table", "fact_box"


@pytest.mark.parametrize(
    "shape,expected",
    [
        pytest.param([P] * 4, [], id="too short"),
        pytest.param([P] * 5, [2], id="exactly the minimum"),
        pytest.param([P] * 12, [2, 6, 10], id="every four"),
        pytest.param([P] * 30, [2, 6, 10], id="at most three"),
        pytest.param([P] * 3 + [Q] + [P] * 4, [4], id="not before a quote: after the next paragraph"),
        pytest.param([P, P, P, E, P, G, P, P, P], [6], id="embed then gallery push it on twice"),
        pytest.param([P, P, P, T, P, P, P, P, P, P], [4, 8], id="a table, then the rhythm restarts"),
        pytest.param([P, H, P, H, P, F, P, P], [4], id="headings and fact boxes do not count"),
        pytest.param([H, P, P, P, P, P], [3], id="leading heading"),
        pytest.param([P, P, P, Q, P, Q, P, E], [], id="nowhere safe"),
        pytest.param([], [], id="empty"),
    ],
)
def test_insertion_points(shape, expected):
    assert insertion_points(shape, RULE) == expected
    for index in insertion_points(shape, RULE):
        assert shape[index] == P and index + 1 < len(shape) and shape[index + 1] not in {Q, E, G, T}


def test_insertion_follows_the_slot_settings():
    assert insertion_points([P] * 10, Rule(1, 1, 100, 0)) == list(range(9))
    assert insertion_points([P] * 10, Rule(2, 3, 2, 10)) == [1, 4]
    assert insertion_points([P] * 10, Rule(2, 3, 0, 0)) == []
    assert insertion_points([P] * 5, Rule(5, 1, 3, 0)) == [], "never after the last block"
    assert insertion_points([P] * 6, Rule(5, 1, 3, 0)) == [4]


@pytest.mark.django_db
def test_in_article_ads_land_between_blocks_by_the_slot_rule(client, paper):  # noqa: F811
    campaign_with(slot_keys=("in_article",))
    shape = ["paragraph"] * 3 + ["pull_quote"] + ["paragraph"] * 6 + ["embed", "paragraph", "paragraph"]
    article = paper["article"](paper["politics"], "A long read", body=body(*shape))
    html = client.get(article.url).content.decode()
    story = html[html.index('class="article__body"') : html.index("</article>")]
    sequence = re.findall(r'class="(block-[a-z-]+|ad-slot ad-slot--in_article)"', story)
    kinds = ["ad" if item.startswith("ad-slot") else item for item in sequence]
    # Three paragraphs, the quote (no ad before it), then the ad after the next paragraph.
    assert kinds.index("ad") == 5
    assert kinds.count("ad") == 2
    positions = [slot["attrs"]["data-ad-position"] for slot in ad_slots(html, "in_article")]
    assert positions == ["1", "2"]

    slot = Slot.objects.get(key="in_article")
    slot.min_paragraphs = 50
    slot.save()
    assert "ad-slot--in_article" not in client.get(article.url).content.decode()
    slot.min_paragraphs, slot.enabled = 1, False
    slot.save()
    assert "ad-slot--in_article" not in client.get(article.url).content.decode()


@pytest.mark.django_db
def test_home_page_slot_goes_between_sections_by_its_rule(client, paper):  # noqa: F811
    from news.factories import SectionPageFactory

    for title in ("Business", "Education", "Health", "Science", "Tech"):
        section = SectionPageFactory(parent=paper["home"], title=title)
        section.save_revision().publish()
        paper["article"](section, f"{title} story")
    campaign_with(slot_keys=("home_between_sections",), targeting=Campaign.TARGET_HOME)
    html = client.get("/").content.decode()
    blocks = html[html.index('class="section-blocks"') :]
    # A section block may carry a span modifier (section-block--wide) besides its class.
    sequence = re.findall(r'class="(section-block|ad-slot ad-slot--home_between_sections)[" ]', blocks)
    section, ad = "section-block", "ad-slot ad-slot--home_between_sections"
    # The default rule: after the third section (the first row on a desktop), never after the last.
    assert sequence[:4] == [section, section, section, ad]
    assert sequence[-1] == section and sequence.count(ad) <= 2


# Cost


@pytest.mark.django_db
def test_ads_cost_a_fixed_number_of_queries_whatever_the_number_of_campaigns(client, paper):  # noqa: F811
    url = paper["politics_story"].url

    def queries():
        client.get(url)  # warm: catalogue into the cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    campaign_with(slot_keys=("header_leaderboard", "sidebar_top", "in_article", "footer"))
    few = queries()
    for n in range(12):
        campaign_with(name=f"Extra {n}", slot_keys=("header_leaderboard", "sidebar_top", "in_article"), creatives=2)
    many = queries()
    assert few == many
    html = client.get(url).content.decode()
    assert len(ad_slots(html, "sidebar_top")[0]["candidates"]) == 25


# Rate card and ads.txt


@pytest.mark.django_db
def test_rate_card_block_renders_on_a_standard_page(client, paper):  # noqa: F811
    page = paper["home"].add_child(
        instance=StandardPage(
            title="Our Advert Rates",
            slug="our-advert-rates",
            body=[
                (
                    "rate_card",
                    {
                        "title": "Rates from January",
                        "rows": [
                            {"slot": "sidebar_top", "size": "300×250", "price": "₦300,000 per week", "notes": "MPU"},
                            {"slot": "mobile_sticky", "size": "320×50", "price": "₦200,000 per week", "notes": ""},
                        ],
                        "footnote": "Prices exclude VAT.",
                    },
                )
            ],
        )
    )
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "<caption>Rates from January</caption>" in html
    assert '<th scope="row">Sidebar, top</th>' in html and "₦300,000 per week" in html
    assert "Mobile sticky bar" in html and "Prices exclude VAT." in html


@pytest.mark.django_db
def test_ads_txt_is_served_from_the_site_setting(client, paper):  # noqa: F811
    assert client.get("/ads.txt").status_code == 404
    site_settings = SiteSettings.for_site(paper["home"].get_site())
    site_settings.ads_txt = "example-exchange.com, pub-1, DIRECT, abc\n"
    site_settings.save()
    response = client.get("/ads.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "example-exchange.com, pub-1, DIRECT, abc\n"
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_every_page_type_renders_with_ads_in_every_slot(client, paper):  # noqa: F811
    campaign_with(slot_keys=[key for key, _ in Slot._meta.get_field("key").choices], targeting=Campaign.TARGET_SITE)
    for url in ["/", paper["politics"].url, paper["politics_story"].url, "/tags/budget/", "/search/?q=budget"]:
        response = client.get(url)
        assert response.status_code == 200, url
        keys = {slot["key"] for slot in ad_slots(response.content.decode())}
        assert {"header_leaderboard", "below_nav", "footer", "mobile_sticky"} <= keys, url
    article = client.get(paper["politics_story"].url).content.decode()
    assert {"sidebar_top", "sidebar_bottom", "in_article"} <= {slot["key"] for slot in ad_slots(article)}
