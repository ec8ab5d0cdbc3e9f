from celery import shared_task

from news import trending


@shared_task(name="news.tasks.flush_views")
def flush_views():
    result = trending.flush_views()
    return {"buckets": result.buckets, "entries": result.entries, "skipped_duplicates": result.skipped_duplicates}


@shared_task(name="news.tasks.recompute_trending")
def recompute_trending():
    lists = trending.recompute_trending()
    return {scope: len(items) for scope, items in lists.items()}
