"""Demo advertising for `make run`: advertisers, campaigns and creatives across every slot.

`seed_ads()` is idempotent: it creates what is missing and leaves what exists
(including anything an ad manager changed) alone. Banners are drawn with
Pillow; nothing is downloaded. It also links the demo's sponsored articles to
their sponsor, gives "Our Advert Rates" a rate card and fills an empty ads.txt.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Site

from ads.models import Advertiser, Campaign, CampaignSection, CampaignSponsoredArticle, Creative, ensure_default_slots
from ads.slots import (
    BELOW_NAV,
    FOOTER,
    HEADER_LEADERBOARD,
    HOME_BETWEEN_SECTIONS,
    IN_ARTICLE,
    MOBILE_STICKY,
    SIDEBAR_BOTTOM,
    SIDEBAR_TOP,
    SLOT_DEFAULTS,
)
from demo.banners import banner_file
from home.models import StandardPage
from news.models import ArticleKind, ArticlePage, SectionPage
from site_settings.models import SiteSettings

DAY = datetime.timedelta(days=1)

# (advertiser, colours (background, text, accent), website)
ADVERTISERS = [
    ("Zenith Mobile", ("#5b2a86", "#ffffff", "#f2b705"), "https://zenith-mobile.example"),
    ("Okafor Foods", ("#b33a1a", "#fff6e0", "#2e7d32"), "https://okafor-foods.example"),
    ("Lagos Motors", ("#102a43", "#ffffff", "#e63946"), "https://lagos-motors.example"),
    ("Kudi Bank", ("#00695c", "#ffffff", "#ffd54f"), "https://kudi-bank.example"),
    ("Naija Telecom", ("#0d47a1", "#ffffff", "#ff7043"), "https://naija-telecom.example"),
    ("Newsroom", ("#141414", "#ffffff", "#b00020"), "https://newsroom.example"),
]


@dataclass
class DemoCampaign:
    advertiser: str
    name: str
    tagline: str
    slot_keys: tuple
    starts: datetime.timedelta = -7 * DAY
    ends: datetime.timedelta = 365 * DAY
    priority: int = Campaign.PRIORITY_STANDARD
    weight: int = 100
    targeting: str = Campaign.TARGET_SITE
    sections: tuple = ()
    tags: tuple = ()
    device: str = Campaign.DEVICE_ALL
    goal: int = None
    status: str = Campaign.ACTIVE
    html_slots: tuple = ()
    sponsor_of: str = ""  # "sponsored": link the demo's sponsored articles


CAMPAIGNS = [
    DemoCampaign(
        "Zenith Mobile",
        "Unlimited weekend data",
        "Unlimited weekend data from ₦500",
        (HEADER_LEADERBOARD, SIDEBAR_TOP, IN_ARTICLE, FOOTER, MOBILE_STICKY),
        weight=60,
        goal=2_000_000,
    ),
    DemoCampaign(
        "Okafor Foods",
        "Jollof season",
        "Okafor jollof: taste of home",
        (HEADER_LEADERBOARD, BELOW_NAV, SIDEBAR_TOP, IN_ARTICLE),
        weight=40,
        # Ends soon: the campaign list flags it.
        ends=2 * DAY,
    ),
    DemoCampaign(
        "Lagos Motors",
        "Sports sponsorship",
        "Lagos Motors: proud sponsor of Sports",
        (SIDEBAR_TOP, SIDEBAR_BOTTOM, IN_ARTICLE, BELOW_NAV),
        priority=Campaign.PRIORITY_SPONSORSHIP,
        targeting=Campaign.TARGET_SECTIONS,
        sections=("Sports", "Weekend Sports"),
    ),
    DemoCampaign(
        "Kudi Bank",
        "Front page takeover",
        "Kudi Bank: banking in your pocket",
        (HOME_BETWEEN_SECTIONS, BELOW_NAV),
        targeting=Campaign.TARGET_HOME,
        device=Campaign.DEVICE_DESKTOP,
    ),
    DemoCampaign(
        "Kudi Bank",
        "Fintech readers and sponsored content",
        "Kudi Bank: send money in seconds",
        (SIDEBAR_TOP, SIDEBAR_BOTTOM, IN_ARTICLE),
        targeting=Campaign.TARGET_TAGS,
        tags=("Fintech", "Start-ups", "Naira"),
        sponsor_of="sponsored",
    ),
    DemoCampaign(
        "Naija Telecom",
        "Phones only",
        "Naija Telecom 5G",
        (MOBILE_STICKY, IN_ARTICLE, HEADER_LEADERBOARD),
        device=Campaign.DEVICE_MOBILE,
        weight=50,
    ),
    DemoCampaign(
        "Naija Telecom",
        "Network fill",
        "",
        (),
        priority=Campaign.PRIORITY_NETWORK,
        html_slots=(SIDEBAR_BOTTOM,),
    ),
    DemoCampaign(
        "Zenith Mobile",
        "Christmas bundles",
        "Christmas bundles are coming",
        (HEADER_LEADERBOARD, SIDEBAR_TOP),
        starts=5 * DAY,
        ends=40 * DAY,
    ),
    DemoCampaign(
        "Okafor Foods",
        "Ramadan iftar (paused)",
        "Iftar with Okafor",
        (SIDEBAR_TOP,),
        status=Campaign.PAUSED,
    ),
    DemoCampaign(
        "Newsroom",
        "House: subscribe and WhatsApp",
        "Get Newsroom on WhatsApp",
        (HEADER_LEADERBOARD, BELOW_NAV, SIDEBAR_TOP, SIDEBAR_BOTTOM, IN_ARTICLE, FOOTER, MOBILE_STICKY),
        priority=Campaign.PRIORITY_HOUSE,
    ),
]

# A self-contained stand-in for an ad network's tag; it runs in the sandboxed frame.
DEMO_HTML_TAG = """<!DOCTYPE html><html><body style="margin:0;font:16px system-ui;background:#0d47a1;color:#fff;
display:flex;align-items:center;justify-content:center;height:100vh;text-align:center">
<div><div id="n" style="font-size:22px;font-weight:700">Naija Telecom</div><div>Ad network demo tag</div>
<script>document.getElementById("n").textContent += " \\u2022 " + new Date().getFullYear();</script></div>
</body></html>"""

DEMO_ADS_TXT = """# Demo entries: replace with the lines your ad networks give you.
example-exchange.com, pub-0000000000000001, DIRECT, abc123def4567890
example-reseller.com, 12345, RESELLER"""

SPONSORED_ARTICLES_TO_LINK = 25


@dataclass
class SeedReport:
    advertisers: int = 0
    campaigns: int = 0
    creatives: int = 0
    sponsored_links: int = 0
    rate_card_added: bool = False
    ads_txt_set: bool = False

    def summary(self):
        return (
            f"Ads: {self.advertisers} advertisers, {self.campaigns} campaigns, {self.creatives} creatives created; "
            f"{self.sponsored_links} sponsored articles linked"
            + ("; rate card added" if self.rate_card_added else "")
            + ("; ads.txt set" if self.ads_txt_set else "")
            + "."
        )


@transaction.atomic
def seed_ads(now=None):
    """Create the demo advertising that is missing; returns a SeedReport."""
    now = now or timezone.now()
    report = SeedReport()
    slots = ensure_default_slots()
    advertisers = {}
    colours = {}
    for name, palette, website in ADVERTISERS:
        advertiser, created = Advertiser.objects.get_or_create(
            name=name,
            defaults={"website": website, "contact_email": f"ads@{slugify(name)}.example", "contact_name": "Ad desk"},
        )
        advertisers[name] = advertiser
        colours[name] = palette
        report.advertisers += created

    for spec in CAMPAIGNS:
        campaign, created = Campaign.objects.get_or_create(
            advertiser=advertisers[spec.advertiser],
            name=spec.name,
            defaults={
                "starts_at": now + spec.starts,
                "ends_at": now + spec.ends,
                "status": spec.status,
                "priority": spec.priority,
                "weight": spec.weight,
                "targeting": spec.targeting,
                "device": spec.device,
                "impression_goal": spec.goal,
            },
        )
        report.campaigns += created
        if created:
            for order, title in enumerate(spec.sections):
                section = SectionPage.objects.filter(title=title).first()
                if section is not None:
                    CampaignSection.objects.create(campaign=campaign, section=section, sort_order=order)
            if spec.tags:
                campaign.tags.add(*spec.tags)
        background, text, accent = colours[spec.advertiser]
        for key in spec.slot_keys:
            width, height = SLOT_DEFAULTS[key][:2]
            name = f"{spec.tagline} ({width}×{height})"
            creative, created = Creative.objects.get_or_create(
                campaign=campaign,
                name=name,
                defaults={
                    "kind": Creative.IMAGE,
                    "link_url": f"{advertisers[spec.advertiser].website}/?utm_source=newsroom&utm_medium={key}",
                    "alt_text": f"{spec.advertiser}: {spec.tagline}",
                    "image": banner_file(
                        width,
                        height,
                        spec.tagline if width >= 600 or height >= 200 else spec.advertiser,
                        name=f"{slugify(spec.advertiser)}-{key}.png",
                        background=background,
                        foreground=text,
                        accent=accent,
                    ),
                },
            )
            report.creatives += created
            # One banner per size: it fits every slot of that size.
            creative.slots.add(*[slot for slot in slots.values() if (slot.width, slot.height) == (width, height)])
        for key in spec.html_slots:
            creative, created = Creative.objects.get_or_create(
                campaign=campaign,
                name=f"Network tag ({key})",
                defaults={"kind": Creative.HTML, "html": DEMO_HTML_TAG},
            )
            report.creatives += created
            creative.slots.add(slots[key])
        if spec.sponsor_of == "sponsored":
            linked = set(CampaignSponsoredArticle.objects.values_list("article_id", flat=True))
            candidates = (
                ArticlePage.objects.filter(kind=ArticleKind.SPONSORED)
                .exclude(pk__in=linked)
                .order_by("-display_date")
                .values_list("pk", flat=True)[: max(0, SPONSORED_ARTICLES_TO_LINK - len(linked))]
            )
            for order, article_id in enumerate(candidates):
                CampaignSponsoredArticle.objects.create(campaign=campaign, article_id=article_id, sort_order=order)
                report.sponsored_links += 1

    report.rate_card_added = _add_rate_card()
    report.ads_txt_set = _set_ads_txt()
    return report


def _add_rate_card():
    page = StandardPage.objects.filter(slug="our-advert-rates").first()
    if page is None or any(block.block_type == "rate_card" for block in page.body):
        return False
    rows = [
        (HEADER_LEADERBOARD, "₦450,000 per week", "Every page, above the masthead. 320×50 on phones."),
        (BELOW_NAV, "₦400,000 per week", "Every page, under the menu."),
        (HOME_BETWEEN_SECTIONS, "₦600,000 per week", "Front page only, between the section blocks."),
        (SIDEBAR_TOP, "₦300,000 per week", "Beside every article."),
        (SIDEBAR_BOTTOM, "₦250,000 per week", "Half page, beside every article."),
        (IN_ARTICLE, "₦250,000 per week", "Between paragraphs of articles of five paragraphs or more."),
        (MOBILE_STICKY, "₦200,000 per week", "Phones only, at the bottom of the screen; readers can close it."),
        (FOOTER, "₦120,000 per week", "Every page, above the footer."),
    ]
    value = {
        "title": "Display advertising rates",
        "rows": [
            {"slot": key, "size": "{}×{}".format(*SLOT_DEFAULTS[key][:2]), "price": price, "notes": notes}
            for key, price, notes in rows
        ],
        "footnote": "Prices exclude VAT. Sponsorships of a section and sponsored articles are quoted on request.",
    }
    page.body.append(("rate_card", value))
    revision = page.save_revision()
    if page.live:
        revision.publish()
    return True


def _set_ads_txt():
    changed = False
    for site in Site.objects.all():
        site_settings = SiteSettings.for_site(site)
        if not site_settings.ads_txt.strip():
            site_settings.ads_txt = DEMO_ADS_TXT
            site_settings.save(update_fields=["ads_txt"])
            changed = True
    return changed
