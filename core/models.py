"""What the infrastructure keeps in the database: leases for singleton jobs, flushed counter batches."""

from django.db import models


class Lease(models.Model):
    """A named, expiring lock held in a database row.

    Used for singleton jobs (the scheduled-publishing sweep) when no Redis is
    configured. Taking it is one conditional UPDATE, which is atomic on both
    PostgreSQL and SQLite, so no transaction has to stay open while the job
    runs, and a holder that dies releases it by expiry.
    """

    name = models.CharField(max_length=100, unique=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} (held by {self.holder or 'nobody'} until {self.expires_at:%Y-%m-%d %H:%M:%S})"


class FlushedBatch(models.Model):
    """A counter batch moved from Redis into the database; its token makes the move idempotent."""

    stream = models.CharField(max_length=40)
    token = models.CharField(max_length=32)
    hour = models.DateTimeField()
    entries = models.PositiveIntegerField()
    flushed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "token"], name="unique_flushed_batch")]

    def __str__(self):
        return f"{self.stream} {self.hour:%Y-%m-%d %H}:00 ({self.entries} entries)"


class CounterMark(models.Model):
    """A short-lived counting mark kept in the database when there is no Redis (the embedded default).

    "Already counted this reader", a rate-limit window, a per-address cap:
    each is a row that lives until `expires_at`. Unlike the database cache,
    nothing culls rows to make room, so churning it cannot reset a limit.
    Expired rows are deleted by the counter flush (core.marks.purge_expired).
    """

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key} ({self.hits} until {self.expires_at:%Y-%m-%d %H:%M:%S})"
