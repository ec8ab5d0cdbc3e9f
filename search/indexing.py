"""Keeping the search server's index right: what articles contribute to it, and catching up after an outage.

Wagtail indexes a page as it is saved (through django-tasks' immediate
backend). modelsearch already catches a search server's errors there, so a
save never fails because the server is down: it logs the error and moves on.
`IndexFailureRecorder` turns that log record into a `PendingIndexUpdate`
row, and `catch_up` re-sends those objects once the server answers again
(the Celery task `search.tasks.catch_up_search_index`, run every minute by
beat). `reindex` indexes a published article again once its bylines, tags
and display date are all saved (see search/signals.py).
"""

import logging
import time
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, models
from django.utils import timezone
from wagtail.search import index
from wagtail.search.backends import get_search_backend, get_search_backends_with_name

from search import backends
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)


def record_pending(instance):
    """Remember that the search server missed a change to `instance`."""
    content_type = ContentType.objects.get_for_model(instance)
    PendingIndexUpdate.objects.update_or_create(
        content_type=content_type, object_id=str(instance.pk), defaults={"failed_at": timezone.now()}
    )


class IndexFailureRecorder(logging.Handler):
    """Records the object of every index update modelsearch logs as failed on a search server.

    modelsearch logs "Exception raised while adding %r into the '%s' search
    backend" (and "... deleting ... from ...") with the object and the
    backend's name as arguments; tests/test_search_resilience.py pins that
    contract, so a modelsearch upgrade that changes it fails loudly.
    """

    def emit(self, record):
        if not isinstance(record.msg, str) or not record.msg.startswith("Exception raised while"):
            return
        if len(record.args or ()) < 2 or not isinstance(record.args[0], models.Model):
            return
        instance, backend_name = record.args[0], record.args[1]
        try:
            if not backends.is_engine(get_search_backend(backend_name)):
                # A database backend's index is written in the same transaction as the page.
                return
            backends.mark_engine_down()
            record_pending(instance)
        except DatabaseError:
            # The page save itself will report a broken database; this must not hide that.
            self.handleError(record)


def engine_backends():
    return [(name, backend) for name, backend in get_search_backends_with_name() if backends.is_engine(backend)]


def catch_up(batch_size=500, time_budget=200):
    """Send the search servers every object they missed while down; report what was done.

    Safe to run at any time and concurrently with editing: a row is removed
    only if it was not marked again after this run read it, and an object
    that no longer exists (or is no longer indexable) is deleted from the index.
    """
    summary = {"pending": PendingIndexUpdate.objects.count(), "indexed": 0, "deleted": 0, "reachable": True}
    if not summary["pending"]:
        return summary
    servers = engine_backends()
    if not servers:
        # Without a search server every index write happened in the database: nothing was missed.
        PendingIndexUpdate.objects.all().delete()
        summary["pending"] = 0
        return summary
    if not all(backends.engine_reachable(backend) for _, backend in servers):
        summary["reachable"] = False
        return summary

    deadline = time.monotonic() + time_budget
    while time.monotonic() < deadline:
        read_at = timezone.now()
        rows = list(PendingIndexUpdate.objects.select_related("content_type").order_by("failed_at")[:batch_size])
        if not rows:
            break
        by_type = defaultdict(list)
        for row in rows:
            by_type[row.content_type].append(row)
        try:
            for content_type, type_rows in by_type.items():
                indexed, deleted = _resend(servers, content_type.model_class(), [row.object_id for row in type_rows])
                summary["indexed"] += indexed
                summary["deleted"] += deleted
                PendingIndexUpdate.objects.filter(pk__in=[row.pk for row in type_rows], failed_at__lte=read_at).delete()
        except backends.engine_errors() as error:
            logger.warning("Search server failed again while catching up: %s", error)
            backends.mark_engine_down()
            summary["reachable"] = False
            break
    summary["pending"] = PendingIndexUpdate.objects.count()
    return summary


def _resend(servers, model, object_ids):
    if model is None:
        return 0, 0
    found = {str(obj.pk): obj for obj in model.get_indexed_objects().filter(pk__in=object_ids)}
    for _name, backend in servers:
        if found:
            backend.add_bulk(model, list(found.values()))
        for object_id in object_ids:
            if object_id not in found:
                # Deleted, or no longer indexable: the index must forget it too.
                backend.delete(model(pk=object_id))
    return len(found), len(object_ids) - len(found)


def reindex(instance):
    """Index `instance` in every auto-updated backend now; a search server's failure is recorded, not raised."""
    # modelsearch logs a search server's failure (IndexFailureRecorder notes it) and re-raises only a database's.
    index.insert_or_update_object(instance)
