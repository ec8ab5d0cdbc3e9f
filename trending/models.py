"""Reader views per article and hour, the stored trending lists, and editors' pins and bans."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from news.models import ArticlePage


class ArticleViewHour(models.Model):
    """Reader views of one article in one hour (UTC), rolled up from the view beacon.

    Append-only: each flushed counter bucket adds its rows as they are (one
    COPY), so an article may have more than one row for an hour (a bucket
    for an hour that was already flushed). Readers always sum `views`.

    No foreign key: counts for a story deleted meanwhile must not fail a roll-up;
    trending ignores ids that no longer exist.
    """

    article_id = models.BigIntegerField()
    hour = models.DateTimeField()
    views = models.PositiveIntegerField(default=0)
    invalid_views = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Views past the per-address cap: invalid traffic, never ranked."
    )

    class Meta:
        # Hour first: a flush adds one hour's rows, side by side in the index, and
        # the trending window ("the last 48 hours") is a prefix range of it.
        indexes = [models.Index(fields=["hour", "article_id"], name="articleviewhour_hour_article")]

    def __str__(self):
        return f"article {self.article_id} @ {self.hour:%Y-%m-%d %H}:00: {self.views}"


class TrendingList(models.Model):
    """A ranked list computed by `recompute_trending`; templates only ever read these."""

    scope = models.CharField(max_length=40, unique=True, help_text='"site" or "section:<id>"')
    computed_at = models.DateTimeField()
    items = models.JSONField(default=list, help_text="[{article: id, score: float, pinned: bool}, ...] in order")

    def __str__(self):
        return f"{self.scope} ({len(self.items)} stories at {timezone.localtime(self.computed_at):%H:%M})"


class TrendingOverride(models.Model):
    """An editor's pin (fixed position) or ban for one story, until an expiry."""

    PIN = "pin"
    BAN = "ban"
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="trending_overrides")
    action = models.CharField(max_length=3, choices=[(PIN, "Pin"), (BAN, "Ban")])
    position = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(20)], help_text="1 = top"
    )
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "position", "-created_at"]

    def __str__(self):
        # In the newsroom's time zone, as editors set it; stored in UTC.
        until = f"{timezone.localtime(self.expires_at):%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"
        if self.action == self.PIN:
            return f"Pin {self.article} at #{self.position} until {until}"
        return f"Ban {self.article} until {until}"

    def clean(self):
        if self.action == self.PIN and not self.position:
            raise ValidationError({"position": "A pinned story needs a position."})
