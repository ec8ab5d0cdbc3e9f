from celery import shared_task

from ads import counting


@shared_task(name="ads.tasks.rollup_ad_stats")
def rollup_ad_stats():
    """Move closed hourly buckets of impressions and clicks into the daily stats (beat: every minute)."""
    result = counting.rollup()
    return {"buckets": result.buckets, "entries": result.entries, "skipped_duplicates": result.skipped_duplicates}
