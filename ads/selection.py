"""Which creatives may show in a slot on a page, and picking one of them.

Pages never query the ads tables: everything a page needs (slots, campaigns
in or near their flight, their creatives and targeting, sponsors) is one
catalogue, built in a few queries, kept in the cache for a minute (dropped at
once when an ad manager saves anything) and memoised on the request. A page
therefore costs one cache read for ads, however many slots it has.

The catalogue takes campaigns that start within LOOKAHEAD, so a campaign
starts on time although the catalogue is a minute old; flight times are
checked again at render time and in the reader's browser.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify

from ads import counting
from ads.models import AdDailyStat, Campaign, CampaignSection, CampaignSponsoredArticle, CampaignTag, Creative, Slot
from ads.slots import IN_ARTICLE
from core import counters
from core.process_cache import ProcessCache
from news.models import ArticleKind, ArticlePage, SectionPage

# The site's home page: the only page type Wagtail allows directly under the tree root.
SITE_ROOT_DEPTH = 2
CACHE_KEY = "newsroom:ads:catalogue:v1"
CACHE_SECONDS = 60
LOOKAHEAD = datetime.timedelta(minutes=10)


# The catalogue's build time, beside it in the cache: a process that already
# holds that build reads only this stamp, not the whole catalogue, per request.
STAMP_KEY = CACHE_KEY + ":built-at"
_process_copy = ProcessCache("ads-catalogue", max_entries=1)


def invalidate():
    cache.delete_many([CACHE_KEY, STAMP_KEY])


def _buffered():
    """Counts not yet rolled up; none while Redis is unreachable (the catalogue is still built)."""
    try:
        with counters.guarded():
            return counting.pending()
    except counters.CountersUnavailable:
        return {}


def build_catalogue(now=None):
    now = now or timezone.now()
    slots = {
        slot.key: {
            "id": slot.pk,
            "key": slot.key,
            "name": slot.name,
            "width": slot.width,
            "height": slot.height,
            "enabled": slot.enabled,
            "rule": (slot.first_after, slot.every, slot.max_count, slot.min_paragraphs),
        }
        for slot in Slot.objects.all()
    }
    campaigns = {
        campaign.pk: {
            "id": campaign.pk,
            "advertiser_id": campaign.advertiser_id,
            "advertiser": campaign.advertiser.name,
            "starts": campaign.starts_at,
            "ends": campaign.ends_at,
            "priority": campaign.priority,
            "weight": campaign.weight,
            "goal": campaign.impression_goal,
            "targeting": campaign.targeting,
            "device": campaign.device,
            "section_paths": [],
            "tags": set(),
        }
        for campaign in Campaign.objects.filter(
            status=Campaign.ACTIVE, ends_at__gt=now, starts_at__lte=now + LOOKAHEAD
        ).select_related("advertiser")
    }
    with_goals = [pk for pk, campaign in campaigns.items() if campaign["goal"]]
    if with_goals:
        delivered = dict(
            AdDailyStat.objects.filter(campaign_id__in=with_goals)
            .values("campaign_id")
            .annotate(total=Sum("impressions"))
            .values_list("campaign_id", "total")
            .order_by()
        )
        # What is still buffered in Redis counts too, or a campaign would over-deliver for up to an hour.
        # Invalid traffic (past the per-address caps) counts towards nothing, so it cannot sell a campaign out.
        buffered = {key: amount for key, amount in _buffered().items() if key[3] == counting.IMPRESSION}
        if buffered:
            campaign_of = dict(
                Creative.objects.filter(pk__in={key[1] for key in buffered}, campaign_id__in=with_goals).values_list(
                    "pk", "campaign_id"
                )
            )
            for (_day, creative_id, _slot_id, _kind), amount in buffered.items():
                if creative_id in campaign_of:
                    delivered[campaign_of[creative_id]] = (delivered.get(campaign_of[creative_id]) or 0) + amount
        for pk in with_goals:
            if (delivered.get(pk) or 0) >= campaigns[pk]["goal"]:
                del campaigns[pk]  # sold out
    for campaign_id, path in CampaignSection.objects.filter(campaign_id__in=campaigns).values_list(
        "campaign_id", "section__path"
    ):
        campaigns[campaign_id]["section_paths"].append(path)
    for campaign_id, slug in CampaignTag.objects.filter(content_object_id__in=campaigns).values_list(
        "content_object_id", "tag__slug"
    ):
        campaigns[campaign_id]["tags"].add(slug)

    slot_key_of = {slot["id"]: key for key, slot in slots.items()}
    creatives = {}
    for creative in Creative.objects.filter(campaign_id__in=campaigns, is_active=True).prefetch_related("slots"):
        if creative.kind == creative.IMAGE and not (creative.image and creative.link_url):
            continue
        if creative.kind == creative.HTML and not creative.html.strip():
            continue
        creatives[creative.pk] = {
            "id": creative.pk,
            "campaign_id": creative.campaign_id,
            "kind": creative.kind,
            "slot_keys": {slot_key_of[slot.pk] for slot in creative.slots.all() if slot.pk in slot_key_of},
            "image_url": creative.image.url if creative.image else "",
            "link_url": creative.link_url,
            "alt": creative.alt_text,
            "html": creative.html,
        }
    sponsors = {}
    for article_id, advertiser_id in CampaignSponsoredArticle.objects.values_list(
        "article_id", "campaign__advertiser_id"
    ):
        sponsors.setdefault(article_id, set()).add(advertiser_id)
    return {
        "built_at": now,
        "slots": slots,
        "slot_ids": set(slot_key_of),
        "creative_ids": set(Creative.objects.values_list("pk", flat=True)),
        "campaigns": campaigns,
        "creatives": creatives,
        "sponsors": sponsors,
    }


def catalogue(request=None):
    """The catalogue, from the request, then the cache, then the database."""
    memo = getattr(request, "_ads_catalogue", None) if request is not None else None
    if memo is not None:
        return memo
    stamp = cache.get(STAMP_KEY)
    data = _process_copy.get("catalogue", generation=stamp, default=None) if stamp is not None else None
    if data is None:
        data = cache.get(CACHE_KEY)
        if data is None:
            data = build_catalogue()
            cache.set_many({CACHE_KEY: data, STAMP_KEY: data["built_at"].isoformat()}, CACHE_SECONDS)
        _process_copy.set("catalogue", data, generation=data["built_at"].isoformat())
    if request is not None:
        request._ads_catalogue = data
    return data


@dataclass(frozen=True)
class Placement:
    """Where a slot is being rendered: what targeting and suppression look at."""

    kind: str = "other"  # "home", "section", "article", "other"
    page_id: int = 0
    path: str = ""
    tags: frozenset = field(default_factory=frozenset)
    no_ads: bool = False
    sponsored: bool = False
    preview: bool = False

    @property
    def suppressed(self):
        return self.no_ads or bool(self.tags & sensitive_tags())


def sensitive_tags():
    """Tag slugs on which no ad shows (NEWSROOM_ADS_SENSITIVE_TAGS may list names or slugs)."""
    return frozenset(slugify(tag) for tag in settings.NEWSROOM_ADS_SENSITIVE_TAGS if slugify(tag))


def placement_for(context):
    """The Placement of a template context (a page, a tag archive, or no page at all), memoised per request."""
    request = context.get("request")
    page = context.get("page")
    tag = context.get("tag")
    memo_key = (getattr(page, "pk", None), getattr(tag, "pk", None))
    memo = getattr(request, "_ads_placements", None)
    if memo is not None and memo_key in memo:
        return memo[memo_key]
    preview = bool(getattr(request, "is_preview", False))
    if isinstance(page, ArticlePage):
        # The article template reads the same cached list, so this costs no extra query.
        slugs = set()
        for item in page.tag_list:
            slugs.add(item.slug.lower())
            slugs.add(slugify(item.name))
        placement = Placement(
            kind="article",
            page_id=page.pk,
            path=page.path,
            tags=frozenset(slugs),
            no_ads=page.no_ads,
            sponsored=page.kind == ArticleKind.SPONSORED,
            preview=preview,
        )
    elif isinstance(page, SectionPage):
        placement = Placement(kind="section", page_id=page.pk, path=page.path, preview=preview)
    elif getattr(page, "depth", None) == SITE_ROOT_DEPTH:
        route = getattr(getattr(request, "routable_resolver_match", None), "url_name", None)
        is_front = route in (None, "index_route") and tag is None and context.get("author") is None
        tags = frozenset({tag.slug.lower()}) if tag is not None else frozenset()
        placement = Placement(
            kind="home" if is_front else "other", page_id=page.pk, path=page.path, tags=tags, preview=preview
        )
    elif page is not None and getattr(page, "pk", None):
        placement = Placement(kind="other", page_id=page.pk, path=getattr(page, "path", ""), preview=preview)
    else:
        placement = Placement(preview=preview)
    if request is not None:
        if memo is None:
            memo = request._ads_placements = {}
        memo[memo_key] = placement
    return placement


@dataclass(frozen=True)
class Candidate:
    creative: dict
    campaign: dict
    weight: float

    @property
    def priority(self):
        return self.campaign["priority"]

    @property
    def device(self):
        return self.campaign["device"]

    @property
    def id(self):
        return self.creative["id"]


def targets(campaign, placement):
    targeting = campaign["targeting"]
    if targeting == "site":
        return True
    if targeting == "home":
        return placement.kind == "home"
    if targeting == "sections":
        return placement.kind in ("section", "article") and any(
            placement.path.startswith(path) for path in campaign["section_paths"]
        )
    if targeting == "tags":
        return bool(placement.tags & campaign["tags"])
    return False


def candidates(data, slot_key, placement, now=None):
    """Every creative that may show in `slot_key` at `placement` now, with its share of its campaign's weight."""
    slot = data["slots"].get(slot_key)
    if slot is None or not slot["enabled"] or placement.suppressed:
        return []
    now = now or timezone.now()
    sponsors = None
    if placement.sponsored:
        # Paid-for content shows its sponsor's ads and nobody else's; with no sponsor on record, nothing.
        sponsors = data["sponsors"].get(placement.page_id, set())
        if not sponsors:
            return []
    chosen = []
    for creative in data["creatives"].values():
        if slot_key not in creative["slot_keys"]:
            continue
        if slot_key == IN_ARTICLE and creative["kind"] != "image":
            continue  # third-party code never runs inside an article body
        campaign = data["campaigns"].get(creative["campaign_id"])
        if campaign is None or not (campaign["starts"] <= now < campaign["ends"]):
            continue
        if sponsors is not None:
            if campaign["advertiser_id"] not in sponsors:
                continue
        elif not targets(campaign, placement):
            continue
        chosen.append((creative, campaign))
    per_campaign = {}
    for _, campaign in chosen:
        per_campaign[campaign["id"]] = per_campaign.get(campaign["id"], 0) + 1
    # A campaign's weight is its share of voice, split evenly over its creatives in this slot.
    return [
        Candidate(creative, campaign, campaign["weight"] / per_campaign[campaign["id"]])
        for creative, campaign in sorted(chosen, key=lambda pair: (-pair[1]["priority"], pair[0]["id"]))
    ]


def pick(options, rng=random):
    """One of `options`: from the highest priority present, at random in proportion to weight."""
    if not options:
        return None
    top = max(option.priority for option in options)
    tier = [option for option in options if option.priority == top]
    return rng.choices(tier, weights=[option.weight for option in tier])[0]


def for_device(options, device):
    return [option for option in options if option.device in ("all", device)]
