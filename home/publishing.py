"""The scheduled-publishing sweep, callable without Celery."""

import logging
from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Revision

from newsroom.utils.locks import exclusive_lock

logger = logging.getLogger(__name__)

SWEEP_LOCK = "publish-scheduled"
# Longer than any sweep should take, shorter than an outage editors would notice.
SWEEP_LOCK_TTL = 5 * 60


@dataclass
class SweepResult:
    ran: bool
    published: int = 0
    expired: int = 0


def run_publish_sweep():
    """Run Wagtail's `publish_scheduled` once, unless another sweep is running.

    Publishes every revision whose approved go-live time has passed (oldest
    first) and unpublishes expired pages. The lock makes overlapping sweeps
    (beat firing while a slow one still runs, two beat processes) harmless.
    """
    with exclusive_lock(SWEEP_LOCK, SWEEP_LOCK_TTL) as acquired:
        if not acquired:
            logger.info("publish sweep skipped: another sweep holds the lock")
            return SweepResult(ran=False)
        now = timezone.now()
        due = Revision.objects.filter(approved_go_live_at__lt=now).count()
        expiring = Page.objects.filter(live=True, expire_at__lt=now).count()
        call_command("publish_scheduled", verbosity=0)
        result = SweepResult(ran=True, published=due, expired=expiring)
        if due or expiring:
            logger.info("publish sweep: %d published, %d expired", due, expiring)
        return result
