from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Revision
from wagtail.signals import page_published

from publishing import schedule


@receiver(post_save, sender=Revision)
def arm_scheduled_revision(sender, instance, update_fields=None, **kwargs):
    """Wagtail saves a revision's approved_go_live_at when an editor schedules it (or a workflow approves it)."""
    if instance.approved_go_live_at is None:
        return
    revision_id, go_live_at = instance.pk, instance.approved_go_live_at
    transaction.on_commit(lambda: schedule.arm_publication(revision_id, go_live_at))


@receiver(page_published)
def arm_expiry(sender, instance, **kwargs):
    if instance.expire_at is None:
        return
    page_id, expire_at = instance.pk, instance.expire_at
    transaction.on_commit(lambda: schedule.arm_expiry(page_id, expire_at))
