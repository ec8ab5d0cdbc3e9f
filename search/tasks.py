from celery import shared_task

from search import indexing


@shared_task(name="search.tasks.catch_up_search_index", ignore_result=False)
def catch_up_search_index():
    """Re-send to the search server what it missed while down (beat runs this every minute)."""
    return indexing.catch_up()
