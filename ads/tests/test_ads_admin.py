"""Ads admin: who sees what, the HTML-tag permission, campaign and creative forms, reports, CSV, the demo seed."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ads.factories import AdvertiserFactory, CampaignFactory, CreativeFactory
from ads.models import AdDailyStat, Campaign, Creative, Slot
from ads.tests.support import ads_clean, paper, slots  # noqa: F401 - fixtures
from demo.ads import seed_ads
from demo.banners import banner_png
from home.models import HomePage
from home.permissions import AD_MANAGERS, EDITORS, REPORTERS, setup_newsroom

ADS_URLS = [
    "/admin/ads/campaign/",
    "/admin/ads/campaign/create/",
    "/admin/ads/advertiser/",
    "/admin/ads/advertiser/create/",
    "/admin/snippets/ads/creative/",
    "/admin/snippets/ads/creative/add/",
    "/admin/snippets/ads/slot/",
]


@pytest.fixture
def staff(django_user_model, home_page, slots):  # noqa: F811
    setup_newsroom()
    users = {}
    for name, group in [("admanager", AD_MANAGERS), ("editor", EDITORS), ("reporter", REPORTERS)]:
        user = django_user_model.objects.create_user(name, f"{name}@example.com", "a-long-password-1")
        user.groups.add(Group.objects.get(name=group))
        users[name] = user
    return users


def upload(width, height, name="banner.png"):
    return SimpleUploadedFile(name, banner_png(width, height, "Test banner"), content_type="image/png")


@pytest.mark.django_db
def test_ad_managers_reach_every_ads_screen_and_no_page(client, staff):
    campaign = CampaignFactory()
    client.force_login(staff["admanager"])
    for url in [*ADS_URLS, f"/admin/ads/campaign/report/{campaign.pk}/", f"/admin/ads/campaign/edit/{campaign.pk}/"]:
        assert client.get(url).status_code == 200, url
    home = client.get("/admin/").content.decode()
    assert "Advertising" in home
    # None to pages: no editing, no creating.
    root = HomePage.objects.get()
    assert client.get(f"/admin/pages/{root.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/add/news/sectionpage/{root.pk}/").status_code in (302, 403)
    assert not staff["admanager"].has_perm("wagtailcore.change_page")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "reporter"])
def test_editors_and_reporters_do_not_see_the_ads_admin(client, staff, role):
    campaign = CampaignFactory()
    client.force_login(staff[role])
    for url in [*ADS_URLS, f"/admin/ads/campaign/report/{campaign.pk}/"]:
        assert client.get(url).status_code in (302, 403), url
    assert "Advertising" not in client.get("/admin/").content.decode()
    assert not staff[role].has_perm("ads.can_edit_html_creatives")


@pytest.mark.django_db
def test_only_ad_managers_hold_the_html_permission(staff):
    holders = Group.objects.filter(permissions__codename="can_edit_html_creatives").values_list("name", flat=True)
    assert list(holders) == [AD_MANAGERS]
    # Running the setup again changes nothing.
    assert setup_newsroom().permissions_added == 0


def creative_form(campaign, slot_keys, **fields):
    data = {
        "campaign": campaign.pk,
        "name": fields.pop("name", "A creative"),
        "kind": fields.pop("kind", Creative.IMAGE),
        "slots": [Slot.objects.get(key=key).pk for key in slot_keys],
        "is_active": "on",
        "link_url": "https://advertiser.example/",
        "alt_text": "Buy things",
        "html": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def creative_editor(django_user_model, staff):
    """Somebody with every creative permission except the HTML one."""
    group = Group.objects.create(name="Creative editors")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="ads", codename__endswith="_creative"),
    )
    user = django_user_model.objects.create_user("creative", "creative@example.com", "a-long-password-1")
    user.groups.add(group)
    return user


@pytest.mark.django_db
def test_html_creatives_need_the_dedicated_permission(client, staff, creative_editor):
    campaign = CampaignFactory()
    tag = "<script>document.write('network ad')</script>"
    client.force_login(creative_editor)
    response = client.post(
        "/admin/snippets/ads/creative/add/",
        creative_form(campaign, ["sidebar_top"], kind=Creative.HTML, html=tag, link_url=""),
    )
    assert response.status_code == 200
    assert "Only ad managers may create or change HTML-tag creatives" in response.content.decode()
    assert not Creative.objects.exists()

    # Nor may they change one an ad manager made, not even its name.
    existing = CreativeFactory(campaign=campaign, kind=Creative.HTML, html=tag, image=None, link_url="")
    response = client.post(
        f"/admin/snippets/ads/creative/edit/{existing.pk}/",
        creative_form(campaign, ["sidebar_top"], kind=Creative.HTML, name="Renamed", link_url=""),
    )
    assert "Only ad managers may create or change HTML-tag creatives" in response.content.decode()
    existing.refresh_from_db()
    assert existing.name != "Renamed" and existing.html == tag

    client.force_login(staff["admanager"])
    response = client.post(
        "/admin/snippets/ads/creative/add/",
        creative_form(campaign, ["sidebar_bottom"], kind=Creative.HTML, html=tag, name="Network", link_url=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Creative.objects.get(name="Network").html == tag


@pytest.mark.django_db
def test_html_tags_are_never_allowed_in_article_bodies(client, staff):
    campaign = CampaignFactory()
    client.force_login(staff["admanager"])
    response = client.post(
        "/admin/snippets/ads/creative/add/",
        creative_form(campaign, ["in_article"], kind=Creative.HTML, html="<b>x</b>", link_url=""),
    )
    assert "never shown inside articles" in response.content.decode()
    assert not Creative.objects.exists()


@pytest.mark.django_db
def test_image_creatives_are_validated(client, staff):
    campaign = CampaignFactory()
    client.force_login(staff["admanager"])
    # A leaderboard image cannot go in the 300×250 sidebar.
    response = client.post(
        "/admin/snippets/ads/creative/add/",
        {**creative_form(campaign, ["sidebar_top"]), "image": upload(728, 90)},
    )
    assert "does not have the shape of Sidebar, top (300×250)" in response.content.decode()
    for bad_url in ["javascript:alert(1)", "ftp://files.example/", "data:text/html,hi", "http://"]:
        response = client.post(
            "/admin/snippets/ads/creative/add/",
            {**creative_form(campaign, ["sidebar_top"], link_url=bad_url), "image": upload(300, 250)},
        )
        assert response.status_code == 200, bad_url
    assert not Creative.objects.exists()
    # Twice the slot's size (for sharp phones) fits.
    response = client.post(
        "/admin/snippets/ads/creative/add/",
        {**creative_form(campaign, ["sidebar_top", "in_article"]), "image": upload(600, 500)},
    )
    assert response.status_code == 302
    creative = Creative.objects.get()
    assert (creative.image_width, creative.image_height) == (600, 500)
    assert {slot.key for slot in creative.slots.all()} == {"sidebar_top", "in_article"}


def campaign_form(advertiser, **fields):
    data = {
        "advertiser": advertiser.pk,
        "name": "Rainy season",
        "starts_at": "2030-03-01 00:00",
        "ends_at": "2030-03-31 00:00",
        "status": Campaign.ACTIVE,
        "priority": Campaign.PRIORITY_STANDARD,
        "weight": 100,
        "impression_goal": "",
        "targeting": Campaign.TARGET_SITE,
        "tags": "",
        "device": Campaign.DEVICE_ALL,
        "notes": "",
    }
    for prefix in ("target_sections", "sponsored_articles"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    data.update(fields)
    return data


@pytest.mark.django_db
def test_campaign_flights_are_entered_in_the_newsroom_time_zone(client, staff, settings):
    advertiser = AdvertiserFactory()
    client.force_login(staff["admanager"])
    response = client.post("/admin/ads/campaign/create/", campaign_form(advertiser))
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get()
    lagos = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert campaign.starts_at == datetime.datetime(2030, 3, 1, tzinfo=lagos)
    assert campaign.starts_at.astimezone(datetime.UTC) == datetime.datetime(2030, 2, 28, 23, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_campaign_form_refuses_impossible_campaigns(client, staff, paper):  # noqa: F811
    advertiser = AdvertiserFactory()
    client.force_login(staff["admanager"])
    cases = [
        (campaign_form(advertiser, ends_at="2030-02-01 00:00"), "must end after it starts"),
        (campaign_form(advertiser, targeting=Campaign.TARGET_SECTIONS), "Add at least one section"),
        (campaign_form(advertiser, targeting=Campaign.TARGET_TAGS), "Add at least one tag"),
        (campaign_form(advertiser, weight=0), "greater than or equal to 1"),
    ]
    for data, message in cases:
        response = client.post("/admin/ads/campaign/create/", data)
        assert message in response.content.decode(), message
    assert not Campaign.objects.exists()

    data = campaign_form(
        advertiser,
        targeting=Campaign.TARGET_SECTIONS,
        **{
            "target_sections-TOTAL_FORMS": 1,
            "target_sections-0-section": paper["politics"].pk,
            "target_sections-0-ORDER": 1,
            "target_sections-0-id": "",
            "target_sections-0-DELETE": "",
        },
    )
    assert client.post("/admin/ads/campaign/create/", data).status_code == 302
    assert [link.section_id for link in Campaign.objects.get().target_sections.all()] == [paper["politics"].pk]


def add_stats(campaign, creative, slot, day, impressions, clicks):
    AdDailyStat.objects.create(
        date=day,
        campaign_id=campaign.pk,
        creative_id=creative.pk,
        slot_id=slot.pk,
        impressions=impressions,
        clicks=clicks,
    )


@pytest.mark.django_db
def test_campaign_list_highlights_campaigns_near_their_end_or_goal(client, staff):
    now = timezone.now()
    ending = CampaignFactory(name="Ending soon", ends_at=now + datetime.timedelta(days=2))
    near_goal = CampaignFactory(name="Nearly sold", impression_goal=1000)
    quiet = CampaignFactory(name="Plenty left", impression_goal=1000)
    creative = CreativeFactory(campaign=near_goal)
    add_stats(near_goal, creative, Slot.objects.get(key="sidebar_top"), timezone.localdate(), 950, 12)
    add_stats(quiet, CreativeFactory(campaign=quiet), Slot.objects.get(key="sidebar_top"), timezone.localdate(), 10, 1)
    client.force_login(staff["admanager"])
    html = client.get("/admin/ads/campaign/").content.decode()
    rows = {name: html[html.index(name) - 600 : html.index(name)] for name in ("Ending soon", "Nearly sold")}
    assert all("ads-attention" in row for row in rows.values())
    assert "Ends in" in html and "95% of goal" in html and "950 / 1,000 (95%)" in html
    quiet_row = html[html.index("Plenty left") - 600 : html.index("Plenty left")]
    assert "ads-attention" not in quiet_row
    # Filters and search.
    assert "Ending soon" in client.get("/admin/ads/campaign/?flight=now").content.decode()
    ending.status = Campaign.PAUSED
    ending.save()
    paused = client.get("/admin/ads/campaign/?status=paused").content.decode()
    assert "Ending soon" in paused and "Nearly sold" not in paused
    found = client.get("/admin/ads/campaign/?q=sold").content.decode()
    assert "Nearly sold" in found and "Plenty left" not in found


@pytest.mark.django_db
def test_campaign_report_per_day_and_slot_with_chart_and_csv(client, staff):
    start = timezone.now() - datetime.timedelta(days=5)
    campaign = CampaignFactory(name="Report me", starts_at=start, impression_goal=10_000)
    sidebar, in_article = Slot.objects.get(key="sidebar_top"), Slot.objects.get(key="in_article")
    creative = CreativeFactory(campaign=campaign, name="=HYPERLINK(evil)", slot_keys=("sidebar_top", "in_article"))
    other = CreativeFactory(name="Someone else's")
    today = timezone.localdate()
    add_stats(campaign, creative, sidebar, today - datetime.timedelta(days=2), 1000, 20)
    add_stats(campaign, creative, in_article, today - datetime.timedelta(days=2), 500, 5)
    add_stats(campaign, creative, sidebar, today - datetime.timedelta(days=1), 2000, 10)
    add_stats(other.campaign, other, sidebar, today - datetime.timedelta(days=1), 99999, 999)

    client.force_login(staff["admanager"])
    url = f"/admin/ads/campaign/report/{campaign.pk}/"
    html = client.get(url).content.decode()
    assert "<svg" in html and "<rect" in html and "<polyline" in html
    assert ">3,500<" in html and ">35<" in html  # totals
    assert "1.00%" in html  # CTR of 35 / 3500
    assert "Sidebar, top" in html and "In article" in html
    assert "99999" not in html  # another campaign's counts

    day = (today - datetime.timedelta(days=2)).isoformat()
    narrowed = client.get(url, {"start": day, "end": day}).content.decode()
    assert ">1500<" in narrowed and ">2000<" not in narrowed

    response = client.get(url, {"start": day, "end": today.isoformat(), "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "slot", "creative", "impressions", "clicks", "ctr_percent"]
    assert [day, "In article", "'=HYPERLINK(evil)", "500", "5", "1.00"] in rows
    assert rows[-1] == ["total", "", "", "3500", "35", "1.00"]

    # Junk ranges fall back to the campaign's flight, never an error.
    for params in [{"start": "x", "end": "y"}, {"start": today.isoformat(), "end": "2000-01-01"}, {"start": "9" * 50}]:
        assert client.get(url, params).status_code == 200
    assert client.get("/admin/ads/campaign/report/999999/").status_code == 404


@pytest.mark.django_db
def test_advertiser_export_defuses_formulas(client, staff):
    AdvertiserFactory(name="@Agency", contact_name='=HYPERLINK("http://evil.example")', contact_phone="+2348012345678")
    client.force_login(staff["admanager"])
    response = client.get("/admin/ads/advertiser/", {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[1][:2] == ["'@Agency", '\'=HYPERLINK("http://evil.example")']
    assert rows[1][3] == "'+2348012345678"


@pytest.mark.django_db
def test_seed_ads_is_idempotent_and_fills_every_slot(client, paper):  # noqa: F811
    from home.models import StandardPage
    from site_settings.models import SiteSettings

    rates = paper["home"].add_child(instance=StandardPage(title="Our Advert Rates", slug="our-advert-rates"))
    rates.save_revision().publish()
    first = seed_ads()
    assert first.advertisers >= 4 and first.campaigns >= 8 and first.creatives >= 15
    assert first.rate_card_added and first.ads_txt_set
    counts = (Campaign.objects.count(), Creative.objects.count())
    second = seed_ads()
    assert (second.advertisers, second.campaigns, second.creatives) == (0, 0, 0)
    assert not second.rate_card_added and not second.ads_txt_set
    assert (Campaign.objects.count(), Creative.objects.count()) == counts
    served = {key for creative in Creative.objects.all() for key in creative.slots.values_list("key", flat=True)}
    assert served == set(Slot.objects.values_list("key", flat=True))
    assert Creative.objects.filter(kind=Creative.HTML).exists()
    assert "example-exchange.com" in SiteSettings.objects.get().ads_txt

    html = client.get(paper["politics_story"].url).content.decode()
    assert 'data-ad-slot="header_leaderboard"' in html and 'data-ad-slot="in_article"' in html
    rate_card = client.get(rates.url).content.decode()
    assert "Display advertising rates" in rate_card and "₦450,000 per week" in rate_card


@pytest.mark.django_db
def test_campaign_flight_in_year_one_is_refused_not_stored(client, staff):
    # 0001-01-01 00:00 in Lagos is a BC timestamp in PostgreSQL: once stored, no
    # campaign list (nor the ads catalogue) could read the row back.
    advertiser = AdvertiserFactory()
    client.force_login(staff["admanager"])
    for field_name in ("starts_at", "ends_at"):
        response = client.post(
            "/admin/ads/campaign/create/", campaign_form(advertiser, **{field_name: "0001-01-01 00:00"})
        )
        assert response.status_code == 200
        assert "Enter a date between the years 1900 and 2999" in response.content.decode()
    assert not Campaign.objects.exists()
    assert client.get("/admin/ads/campaign/").status_code == 200


@pytest.mark.django_db
def test_campaign_report_of_a_word_is_a_404(client, staff):
    client.force_login(staff["admanager"])
    for pk in ("abc", "_", "987654"):
        assert client.get(f"/admin/ads/campaign/report/{pk}/").status_code == 404


@pytest.mark.django_db
def test_the_slots_screen_says_where_each_slot_shows(client, staff):
    from ads.slots import SLOT_CHOICES

    client.force_login(staff["admanager"])
    html = client.get("/admin/snippets/ads/slot/").content.decode()
    for key, name in SLOT_CHOICES:
        row = html[html.index(f">{name}<") :].split("</tr>")[0] if f">{name}<" in html else ""
        assert row, name
        placement = Slot.objects.get(key=key).placement
        assert placement in row, (name, placement)
    assert "phones only" in Slot.objects.get(key="mobile_sticky").placement
    assert "Articles" in Slot.objects.get(key="in_article").placement


@pytest.mark.django_db
def test_the_admin_asks_no_third_party_for_avatars(client, staff):
    client.force_login(staff["editor"])
    html = client.get("/admin/").content.decode()
    assert "gravatar" not in html
    assert "gravatar" not in client.get("/admin/").headers.get("Content-Security-Policy", "")
