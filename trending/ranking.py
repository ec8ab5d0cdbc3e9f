"""Trending stories: ranking counted views with time decay.

`recompute_trending` turns the last 48 hours of ArticleViewHour (see
trending.counting) into stored TrendingList rows every five minutes. Pages
never compute a ranking; they read a stored list (through a small cached
fragment, so the lists stay current on cached pages).
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, FloatField, Sum, Value, When
from django.utils import timezone

from core import counters
from news.models import ArticlePage, SectionPage
from trending.models import ArticleViewHour, TrendingList, TrendingOverride


def decay_weights(now, half_life_hours, window_hours):
    """{hour: weight} for the window: the current hour weighs 1, one half-life ago 0.5."""
    current = counters.hour_of(now)
    return {current - datetime.timedelta(hours=age): 0.5 ** (age / half_life_hours) for age in range(window_hours)}


def active_overrides(now):
    pins, bans = [], set()
    for override in TrendingOverride.objects.filter(expires_at__gt=now).order_by("position", "-created_at"):
        if override.action == TrendingOverride.BAN:
            bans.add(override.article_id)
        else:
            pins.append(override)
    return pins, bans


def _apply_pins(ranked, pins, bans, size, allowed_ids=None):
    """Drop bans, then put each pinned story at its position (1-based)."""
    items = [item for item in ranked if item["article"] not in bans]
    for pin in pins:
        if pin.article_id in bans or (allowed_ids is not None and pin.article_id not in allowed_ids):
            continue
        items = [item for item in items if item["article"] != pin.article_id]
        score = next((item["score"] for item in ranked if item["article"] == pin.article_id), 0.0)
        items.insert(min(pin.position - 1, len(items)), {"article": pin.article_id, "score": score, "pinned": True})
    return items[:size]


def recompute_trending(now=None):
    """Rank eligible stories site-wide and per top-level section, and store the lists."""

    now = now or timezone.now()
    size = settings.NEWSROOM_TRENDING_SIZE
    weights = decay_weights(now, settings.NEWSROOM_TRENDING_HALF_LIFE_HOURS, settings.NEWSROOM_TRENDING_WINDOW_HOURS)
    oldest_hour = min(weights)
    cutoff = now - datetime.timedelta(days=settings.NEWSROOM_TRENDING_MAX_AGE_DAYS)

    eligible = dict(
        ArticlePage.objects.readable()
        .filter(exclude_from_trending=False, display_date__gte=cutoff)
        .values_list("pk", "path")
    )
    weight = Case(*[When(hour=hour, then=Value(w)) for hour, w in weights.items()], default=Value(0.0))
    scores = (
        ArticleViewHour.objects.filter(hour__gte=oldest_hour, hour__lte=max(weights))
        .values("article_id")
        .annotate(score=Sum(F("views") * weight, output_field=FloatField()))
        .order_by()
    )
    ranked = sorted(
        (
            {"article": row["article_id"], "score": round(row["score"], 4)}
            for row in scores
            if row["article_id"] in eligible
        ),
        key=lambda item: (-item["score"], -item["article"]),
    )
    pins, bans = active_overrides(now)

    # Top-level sections are the children of each site's home page.
    sections = list(SectionPage.objects.filter(depth=3).values_list("pk", "path"))
    by_section = defaultdict(list)
    prefix_length = 3 * 4
    section_of_path = {path: pk for pk, path in sections}
    for item in ranked:
        section_id = section_of_path.get(eligible[item["article"]][:prefix_length])
        if section_id is not None:
            by_section[section_id].append(item)

    lists = {"site": _apply_pins(ranked, pins, bans, size, allowed_ids=eligible)}
    for section_id, path in sections:
        in_section = {pk for pk, article_path in eligible.items() if article_path.startswith(path)}
        lists[f"section:{section_id}"] = _apply_pins(by_section[section_id], pins, bans, size, allowed_ids=in_section)
    with transaction.atomic():
        for scope, items in lists.items():
            TrendingList.objects.update_or_create(scope=scope, defaults={"computed_at": now, "items": items})
        TrendingList.objects.exclude(scope__in=list(lists)).delete()
    return lists


def trending_articles(scope="site", limit=5):
    """The stored list for `scope` as live ArticlePages, in order (two queries)."""

    stored = TrendingList.objects.filter(scope=scope).first()
    if stored is None:
        return [], None
    ids = [item["article"] for item in stored.items]
    pages = ArticlePage.objects.readable().only("title", "url_path", "path", "display_date").in_bulk(ids)
    return [pages[pk] for pk in ids if pk in pages][:limit], stored.computed_at
