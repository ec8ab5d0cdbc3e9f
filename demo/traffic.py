"""Simulated reader traffic for the demo newsroom, so the trending lists have something to rank."""

import datetime
import random

from django.utils import timezone

from core import counters
from news.models import ArticlePage
from trending.models import ArticleViewHour


def seed_view_history(seed=1, days=3, stories=150):
    """Simulated reader traffic for the demo: hourly views for recent stories over the last few days.

    Idempotent: it only adds history when none exists yet.
    """
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
