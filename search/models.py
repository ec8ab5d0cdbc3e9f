from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class SearchTermDay(models.Model):
    """How often readers searched for a term on one day, and how often that found nothing.

    One row per (day, term), incremented in place: the table grows with the
    number of distinct terms, not with traffic. `visitors` counts distinct
    visitors that day (a daily-salted hash, seen once through the cache; no
    IP is stored), so one machine repeating a search cannot make it popular.
    """

    date = models.DateField()
    query_string = models.CharField(max_length=255)
    hits = models.PositiveIntegerField(default=0)
    no_result_hits = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["date", "query_string"], name="search_term_day_unique")]
        indexes = [models.Index(fields=["query_string"])]
        verbose_name = "search term"

    def __str__(self):
        return f"{self.query_string} ({self.date}: {self.hits})"


class HiddenSearchTerm(models.Model):
    """A term editors keep off the readers' "Popular searches", on every day, whatever its traffic."""

    query_string = models.CharField(max_length=255, unique=True)
    hidden_at = models.DateTimeField(auto_now_add=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.query_string


class PendingIndexUpdate(models.Model):
    """An object the search server missed a change to, because it was down or too slow.

    The catch-up task re-sends (or deletes) each one once the server answers
    again; the row only says which object, never what changed, so a later
    failure for the same object simply refreshes `failed_at`.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    failed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="pending_index_update_unique")
        ]

    def __str__(self):
        return f"{self.content_type.app_label}.{self.content_type.model} {self.object_id}"


class SearchWord(models.Model):
    """A word the published stories use, folded (no case, no diacritics): the vocabulary "Did you mean"
    corrects misspellings from (search/vocabulary.py).

    Kept up to date as articles are saved (search/signals.py) and rebuilt
    with `manage.py rebuild_search_words` (after a bulk import), which also
    refreshes `articles`, how many stories use the word (a tie-breaker: of
    two equally close words, the commoner is meant). On PostgreSQL a
    pg_trgm GIN index on `word` finds the closest words
    (search/migrations/0004).
    """

    word = models.CharField(max_length=40, unique=True)
    articles = models.PositiveIntegerField(default=1)

    def __str__(self):
        return self.word
