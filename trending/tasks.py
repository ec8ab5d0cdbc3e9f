from celery import shared_task

from trending import counting, ranking


@shared_task(name="trending.tasks.flush_views")
def flush_views():
    result = counting.flush_views()
    return {"buckets": result.buckets, "entries": result.entries, "skipped_duplicates": result.skipped_duplicates}


@shared_task(name="trending.tasks.recompute_trending")
def recompute_trending():
    lists = ranking.recompute_trending()
    return {scope: len(items) for scope, items in lists.items()}
