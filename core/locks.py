"""One exclusive lock for singleton jobs: Redis when configured, else a database lease."""

import contextlib
import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Lease


@contextlib.contextmanager
def exclusive_lock(name, ttl_seconds):
    """Yield True if this caller holds lock `name`, False if someone else does.

    Never blocks: a job that finds the lock taken should simply skip, since
    the holder is doing the same work. The lock expires after `ttl_seconds`
    so a crashed holder cannot block the job forever.
    """
    if settings.REDIS_URL:
        with _redis_lock(name, ttl_seconds) as acquired:
            yield acquired
    else:
        with _database_lease(name, ttl_seconds) as acquired:
            yield acquired


@contextlib.contextmanager
def _redis_lock(name, ttl_seconds):
    import redis
    from redis.exceptions import LockError

    client = redis.Redis.from_url(settings.REDIS_URL)
    lock = client.lock(f"newsroom:lock:{name}", timeout=ttl_seconds, blocking=False)
    acquired = lock.acquire()
    try:
        yield acquired
    finally:
        if acquired:
            with contextlib.suppress(LockError):
                lock.release()
        client.close()


@contextlib.contextmanager
def _database_lease(name, ttl_seconds):
    token = uuid.uuid4().hex
    now = timezone.now()
    epoch = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    if not Lease.objects.filter(name=name).exists():
        # Two first-ever callers may race to create the row; either way one row exists.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            Lease.objects.create(name=name, holder="", expires_at=epoch)
    acquired = (
        Lease.objects.filter(name=name, expires_at__lt=now).update(
            holder=token, expires_at=now + datetime.timedelta(seconds=ttl_seconds)
        )
        == 1
    )
    try:
        yield acquired
    finally:
        if acquired:
            Lease.objects.filter(name=name, holder=token).update(holder="", expires_at=epoch)
