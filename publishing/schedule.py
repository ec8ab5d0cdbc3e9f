"""Scheduled publishing that never misses: exact-time tasks, a locked sweep, an overdue alarm.

Two mechanisms, both idempotent:

- When a revision is scheduled (or a live page gets an expiry) and its time
  is near, a Celery task is queued with `eta` = that time. It publishes
  exactly that revision if it is still the scheduled one; a reschedule or an
  unschedule leaves the old task with nothing to do.
- Beat runs `run_publish_sweep` every minute under a lock: it publishes
  whatever is overdue (oldest first, through Wagtail's `publish_scheduled`),
  and arms exact-time tasks for whatever falls due in the next few minutes.
  Times further out are armed by a later sweep, so no task waits in the
  broker longer than the arming window (Redis redelivers unacknowledged
  tasks after its visibility timeout).
"""

import datetime
import logging
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Revision

from core.locks import exclusive_lock

logger = logging.getLogger(__name__)

SWEEP_LOCK = "publish-scheduled"
# Longer than any sweep should take, shorter than an outage editors would notice.
SWEEP_LOCK_TTL = 5 * 60
ARM_WINDOW = datetime.timedelta(minutes=10)
# Anything this late is an incident: shown on the dashboard and logged at ERROR.
OVERDUE_ALARM = datetime.timedelta(minutes=2)


@dataclass
class SweepResult:
    ran: bool
    published: int = 0
    expired: int = 0
    armed: int = 0


def _page_revisions():
    return Revision.page_revisions.select_related("content_type")


def overdue_revisions(now=None, grace=OVERDUE_ALARM):
    """Scheduled revisions whose go-live time passed more than `grace` ago, oldest first."""
    now = now or timezone.now()
    return _page_revisions().filter(approved_go_live_at__lt=now - grace).order_by("approved_go_live_at")


def overdue_expiries(now=None, grace=OVERDUE_ALARM):
    now = now or timezone.now()
    return Page.objects.filter(live=True, expire_at__lt=now - grace).order_by("expire_at")


def run_publish_sweep():
    """Publish what is overdue and arm exact-time tasks for what is coming; skip if a sweep is running."""
    with exclusive_lock(SWEEP_LOCK, SWEEP_LOCK_TTL) as acquired:
        if not acquired:
            logger.info("publish sweep skipped: another sweep holds the lock")
            return SweepResult(ran=False)
        now = timezone.now()
        for revision in overdue_revisions(now):
            logger.error(
                "scheduled publication overdue by %s: %r (revision %s, due %s)",
                now - revision.approved_go_live_at,
                revision.object_str,
                revision.pk,
                revision.approved_go_live_at.isoformat(),
            )
        for page in overdue_expiries(now):
            logger.error("scheduled expiry overdue by %s: %r (page %s)", now - page.expire_at, page.title, page.pk)
        due = Revision.objects.filter(approved_go_live_at__lt=now).count()
        expiring = Page.objects.filter(live=True, expire_at__lt=now).count()
        call_command("publish_scheduled", verbosity=0)
    # Arming needs no lock (each time is armed once through the cache), and
    # exact-time tasks wait for this lock, so it is released first.
    armed = arm_upcoming(now)
    if due or expiring:
        logger.info("publish sweep: %d published, %d expired", due, expiring)
    return SweepResult(ran=True, published=due, expired=expiring, armed=armed)


def arm_upcoming(now=None):
    """Queue exact-time tasks for go-live and expiry times inside the arming window."""
    now = now or timezone.now()
    horizon = now + ARM_WINDOW
    armed = 0
    for revision_id, go_live_at in Revision.page_revisions.filter(
        approved_go_live_at__gte=now, approved_go_live_at__lte=horizon
    ).values_list("pk", "approved_go_live_at"):
        armed += arm_publication(revision_id, go_live_at)
    for page_id, expire_at in Page.objects.filter(live=True, expire_at__gte=now, expire_at__lte=horizon).values_list(
        "pk", "expire_at"
    ):
        armed += arm_expiry(page_id, expire_at)
    return armed


def _arm(kind, object_id, when, task_name):
    """Queue `task_name` once per (object, time); a failure leaves the work to the sweep."""
    if not settings.NEWSROOM_SCHEDULE_TASKS:
        return 0
    when = when.astimezone(datetime.UTC)
    if when - timezone.now() > ARM_WINDOW:
        return 0  # a later sweep arms it; long ETAs are unsafe on Redis
    key = f"newsroom:armed:{kind}:{object_id}:{when.isoformat()}"
    if not cache.add(key, 1, timeout=int(ARM_WINDOW.total_seconds() * 3)):
        return 0
    try:
        current_app.send_task(
            task_name,
            args=[object_id, when.isoformat()],
            eta=when,
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        )
    except Exception:  # noqa: BLE001 - the broker being down must never block an editor
        cache.delete(key)
        logger.warning("could not queue %s for %s %s; the per-minute sweep will handle it", task_name, kind, object_id)
        return 0
    return 1


def arm_publication(revision_id, go_live_at):
    return _arm("publish", revision_id, go_live_at, "publishing.tasks.publish_revision_at")


def arm_expiry(page_id, expire_at):
    return _arm("expire", page_id, expire_at, "publishing.tasks.expire_page_at")


class TryAgain(Exception):
    """Retry shortly: the task ran early (clock skew), or a sweep is publishing right now."""


def publish_revision_at(revision_id, go_live_at_iso):
    """Publish revision `revision_id` if it is still scheduled for `go_live_at_iso`. Returns what happened.

    It takes the sweep's lock, so a sweep that has already listed this
    revision can never publish it a second time.
    """
    expected = parse_datetime(go_live_at_iso)
    with exclusive_lock(SWEEP_LOCK, 60) as acquired:
        if not acquired:
            raise TryAgain
        with transaction.atomic():
            revision = Revision.objects.select_for_update().filter(pk=revision_id, approved_go_live_at=expected).first()
            if revision is None:
                # Published already, unscheduled, or superseded by a new schedule.
                return "superseded"
            if revision.approved_go_live_at > timezone.now():
                raise TryAgain
            revision.publish(log_action="wagtail.publish.scheduled")
    return "published"


def expire_page_at(page_id, expire_at_iso):
    expected = parse_datetime(expire_at_iso)
    with exclusive_lock(SWEEP_LOCK, 60) as acquired:
        if not acquired:
            raise TryAgain
        with transaction.atomic():
            page = Page.objects.select_for_update().filter(pk=page_id, live=True, expire_at=expected).first()
            if page is None:
                return "superseded"
            if page.expire_at > timezone.now():
                raise TryAgain
            page.specific.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    return "expired"


def upcoming_schedule(limit=200):
    """What the editorial calendar shows: scheduled publications and expiries, soonest first."""
    now = timezone.now()
    entries = []
    revisions = _page_revisions().filter(approved_go_live_at__isnull=False).order_by("approved_go_live_at")[:limit]
    page_ids = {int(revision.object_id) for revision in revisions}
    expiring = list(Page.objects.filter(live=True, expire_at__isnull=False).order_by("expire_at")[:limit])
    page_ids |= {page.pk for page in expiring}
    pages = Page.objects.in_bulk(page_ids)
    specific = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()}
    for revision in revisions:
        page = specific.get(int(revision.object_id)) or pages.get(int(revision.object_id))
        entries.append(
            {
                "when": revision.approved_go_live_at,
                "action": "Publish",
                "page": page,
                "title": revision.object_str,
                "overdue": revision.approved_go_live_at < now,
            }
        )
    for page in expiring:
        entries.append(
            {
                "when": page.expire_at,
                "action": "Expire",
                "page": specific.get(page.pk, page),
                "title": page.title,
                "overdue": page.expire_at < now,
            }
        )
    entries.sort(key=lambda entry: entry["when"])
    return entries[:limit]
