"""Drop the readers' ad catalogue whenever an ad manager changes anything it is built from."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from ads import selection


def _invalidate(sender, **kwargs):
    # Historical models in migrations live in "__fake__": the cache may not exist yet then.
    if sender.__module__ == "ads.models" and sender.__name__ != "AdDailyStat":
        selection.invalidate()


@receiver(post_save)
def ads_saved(sender, **kwargs):
    _invalidate(sender, **kwargs)


@receiver(post_delete)
def ads_deleted(sender, **kwargs):
    _invalidate(sender, **kwargs)


@receiver(m2m_changed)
def ads_relinked(sender, **kwargs):
    # sender is the through model (Creative.slots.through); its app label is "ads" too.
    _invalidate(sender, **kwargs)
