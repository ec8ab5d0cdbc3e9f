"""Trending stories: counting reader views and ranking them with time decay.

Views arrive through the beacon (`news.views.count_view`), go into hourly
buckets via the shared counter pipeline (stream "views"), are flushed into
ArticleViewHour every minute, and `recompute_trending` turns the last 48
hours into stored TrendingList rows every five minutes. Pages never compute
a ranking; they read a stored list (through a small cached fragment, so the
lists stay current on cached pages).
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Case, F, FloatField, Sum, Value, When
from django.utils import timezone

from newsroom.utils import counters

VIEW_TOKEN_SALT = "newsroom.views"
STREAM = "views"


def _apply_views(rows):
    """Add [(hour, article id string, views), ...] to ArticleViewHour; runs inside the flush transaction.

    A flushed bucket is appended as it is (one COPY; readers sum). A single
    view, which is what the database path without Redis sends, is added onto
    the article's row for the hour instead, so that path does not grow the
    table by a row per view.
    """
    from news.models import ArticleViewHour

    # In index order (hour, article): the rows land on neighbouring index pages.
    values = sorted((hour, int(key), amount) for hour, key, amount in rows)
    if len(values) == 1:
        hour, article_id, amount = values[0]
        existing = ArticleViewHour.objects.filter(hour=hour, article_id=article_id).order_by("pk").first()
        if existing is not None:
            ArticleViewHour.objects.filter(pk=existing.pk).update(views=F("views") + amount)
            return
    counters.append_rows(ArticleViewHour._meta.db_table, ["hour", "article_id", "views"], values)


counters.register(STREAM, _apply_views)


def view_token(article_id):
    """Rendered into article pages: only ids we rendered can be counted."""
    return signing.Signer(salt=VIEW_TOKEN_SALT).sign(str(article_id))


def article_id_from_token(token):
    """The article id in a beacon token, or None if the token was not made here."""
    try:
        value = signing.Signer(salt=VIEW_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def flush_views(now=None):
    return counters.flush(STREAM, now=now)


def decay_weights(now, half_life_hours, window_hours):
    """{hour: weight} for the window: the current hour weighs 1, one half-life ago 0.5."""
    current = counters.hour_of(now)
    return {current - datetime.timedelta(hours=age): 0.5 ** (age / half_life_hours) for age in range(window_hours)}


def active_overrides(now):
    from news.models import TrendingOverride

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
    from news.models import ArticlePage, ArticleViewHour, SectionPage, TrendingList

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
    from news.models import ArticlePage, TrendingList

    stored = TrendingList.objects.filter(scope=scope).first()
    if stored is None:
        return [], None
    ids = [item["article"] for item in stored.items]
    pages = ArticlePage.objects.readable().only("title", "url_path", "path", "display_date").in_bulk(ids)
    return [pages[pk] for pk in ids if pk in pages][:limit], stored.computed_at


def recent_views(article_ids, now=None, hours=24):
    """{article_id: [views per hour, oldest first]} for the last `hours` hours, buffered counts included."""
    from news.models import ArticleViewHour

    now = now or timezone.now()
    current = counters.hour_of(now)
    start = current - datetime.timedelta(hours=hours - 1)
    series = {pk: [0] * hours for pk in article_ids}
    rows = ArticleViewHour.objects.filter(article_id__in=article_ids, hour__gte=start).values_list(
        "article_id", "hour", "views"
    )
    for article_id, hour, views in rows:
        series[article_id][int((hour - start).total_seconds() // 3600)] += views
    for (hour, key), amount in counters.pending(STREAM).items():
        article_id = int(key)
        if article_id in series and hour >= start:
            series[article_id][int((hour - start).total_seconds() // 3600)] += amount
    return series


def seed_view_history(seed=1, days=3, stories=150):
    """Simulated reader traffic for the demo: hourly views for recent stories over the last few days.

    Idempotent: it only adds history when none exists yet.
    """
    import random

    from news.models import ArticlePage, ArticleViewHour

    if ArticleViewHour.objects.exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    current = counters.hour_of(now)
    recent = list(ArticlePage.objects.readable().order_by("-display_date").values_list("pk", flat=True)[:stories])
    rows = []
    for rank, article_id in enumerate(recent):
        popularity = rng.paretovariate(1.2) * 20 / (1 + rank / 30)
        for age in range(days * 24):
            views = int(popularity * rng.uniform(0.3, 1.2) * (1.6 if 8 <= (current.hour - age) % 24 <= 22 else 0.4))
            if views:
                rows.append((current - datetime.timedelta(hours=age), article_id, views))
    counters.append_rows(ArticleViewHour._meta.db_table, ["hour", "article_id", "views"], rows)
    return len(rows)
