"""Counting reader views: the beacon's signed token, the "views" counter stream and its sink.

Views arrive through the beacon (`trending.views.count_view`), go into hourly
buckets via the shared counter pipeline (core.counters, stream "views"), and
are flushed into ArticleViewHour every minute (`flush_views`).
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.utils import timezone

from core import counters, marks
from trending.models import ArticleViewHour

VIEW_TOKEN_SALT = "newsroom.views"
STREAM = "views"
# The key prefix of views past the per-address cap (core.marks): stored apart, never ranked.
INVALID = marks.invalid_key("")


def _apply_views(rows):
    """Add [(hour, article id string, views), ...] to ArticleViewHour; runs inside the flush transaction.

    A flushed bucket is appended as it is (one COPY; readers sum). A single
    view, which is what the database path without Redis sends, is added onto
    the article's row for the hour instead, so that path does not grow the
    table by a row per view.
    """
    totals = {}
    for hour, key, amount in rows:
        invalid = key.startswith(INVALID)
        article_id = int(key[len(INVALID) :] if invalid else key)
        views, invalid_views = totals.get((hour, article_id), (0, 0))
        totals[(hour, article_id)] = (views, invalid_views + amount) if invalid else (views + amount, invalid_views)
    # In index order (hour, article): the rows land on neighbouring index pages.
    values = sorted((hour, article_id, *amounts) for (hour, article_id), amounts in totals.items())
    if len(values) == 1:
        hour, article_id, views, invalid_views = values[0]
        existing = ArticleViewHour.objects.filter(hour=hour, article_id=article_id).order_by("pk").first()
        if existing is not None:
            ArticleViewHour.objects.filter(pk=existing.pk).update(
                views=F("views") + views, invalid_views=F("invalid_views") + invalid_views
            )
            return
    counters.append_rows(ArticleViewHour._meta.db_table, ["hour", "article_id", "views", "invalid_views"], values)


counters.register(STREAM, _apply_views)


def view_token(article_id):
    """Rendered into article pages: only ids we rendered can be counted, and only for a while."""
    return signing.TimestampSigner(salt=VIEW_TOKEN_SALT).sign(str(article_id))


def article_id_from_token(token):
    """The article id in a beacon token, or None if it was not made here or is older than the allowed age.

    The age allows for the page cache and an edge serving stale pages while
    the site is down; a token harvested from a page stops counting after it.
    """
    if len(token) > 200:
        return None
    try:
        signer = signing.TimestampSigner(salt=VIEW_TOKEN_SALT)
        value = signer.unsign(token, max_age=settings.NEWSROOM_VIEW_TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return int(value) if value.isdigit() and len(value) <= 18 else None


def flush_views(now=None):
    return counters.flush(STREAM, now=now)


def recent_views(article_ids, now=None, hours=24):
    """{article_id: [views per hour, oldest first]} for the last `hours` hours, buffered counts included."""
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
        if key.startswith(INVALID):
            continue
        article_id = int(key)
        if article_id in series and hour >= start:
            series[article_id][int((hour - start).total_seconds() // 3600)] += amount
    return series
