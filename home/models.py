from django.db import models
from wagtail.models import Page


class HomePage(Page):
    """The site root: one per site, directly under Wagtail's tree root."""

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "home page"


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
