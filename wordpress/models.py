"""What the WordPress import remembers: which WordPress object became which of ours, and admin-page runs."""

from django.conf import settings
from django.db import models


class ImportedItem(models.Model):
    """One WordPress object (by kind and WordPress id) and what it became here.

    A second run finds its items here, so it creates nothing twice and updates
    only what changed since (`modified`, WordPress's GMT modification time).
    The `/?p=ID` and `/?page_id=ID` redirects look pages up here.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"
        COMMENT = "comment", "Comment"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField("WordPress id", max_length=191)
    # What it became: a page, image, document, tag, author or comment (see `target`).
    target = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    modified = models.CharField(max_length=32, blank=True)
    # Attachments: the upload's path without its size suffix, how inline images find it.
    source_key = models.CharField(max_length=500, blank=True, db_index=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "wp_id"], name="wordpress_item_unique_kind_id")]

    def __str__(self):
        return f"WordPress {self.kind} {self.wp_id} → {self.target} {self.object_id}"


class ImportRun(models.Model):
    """An import started from the admin page and run by a Celery worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # Deleted once the worker has read it (see tasks.run_import).
    export = models.FileField(upload_to="wordpress-imports/", blank=True)
    media_base_url = models.URLField(blank=True)
    dry_run = models.BooleanField(default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=300, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"WordPress import {self.pk} ({self.status})"
