"""Reader comments, their moderation policy per section or article, and the site's moderation settings.

Privacy: the email is kept for moderation (the commenter's other comments,
by `email_hash`) and for reply notifications only; it is never rendered on
a reader page. The IP is never stored: `ip_hash` is a salted hash of the
address block (core.visitors.address_block), enough to see that several
comments came from one place.
"""

import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from core import visitors

NAME_MAX = 80
BODY_MAX = 3000


def email_hash(email):
    """A stable, salted pseudonym of an email (the admin's "other comments by this reader" filter)."""
    normalised = (email or "").strip().lower()
    return hashlib.sha256(f"{settings.SECRET_KEY}|email|{normalised}".encode()).hexdigest()[:32]


def ip_hash(request):
    """A salted hash of the client's address block; the raw IP is never stored."""
    block = visitors.address_block(visitors.client_ip(request))
    return hashlib.sha256(f"{settings.SECRET_KEY}|ip|{block}".encode()).hexdigest()[:32]


class Mode(models.TextChoices):
    PRE = "pre", "Pre-moderation: nothing shows until approved"
    POST = "post", "Post-moderation: shows at once, moderators remove"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def reported(self):
        return self.filter(reported=True).exclude(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", help_text="One level only."
    )
    name = models.CharField(max_length=NAME_MAX)
    email = models.EmailField(blank=True, help_text="Never shown. For moderation and reply notifications only.")
    email_hash = models.CharField(max_length=32, db_index=True, blank=True)
    body = models.TextField(help_text="Plain text; paragraphs and links are rendered, nothing else.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    held_reason = models.CharField(max_length=200, blank=True)
    featured = models.BooleanField(default=False)
    report_count = models.PositiveIntegerField(default=0)
    reported = models.BooleanField(default=False, help_text="Reached the report threshold; in the Reported queue.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=32, blank=True)
    notify_replies = models.BooleanField(default=False)
    # An editor replying from the admin: shown as the newsroom's reply.
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "status", "created_at"], name="comment_article_status")]
        permissions = [("moderate_comment", "Can moderate reader comments")]

    def __str__(self):
        return f"{self.name} on {self.article_id}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        self.email_hash = email_hash(self.email) if self.email else ""
        super().save(*args, **kwargs)


class CommentPolicy(models.Model):
    """How comments are moderated on one section (and every story under it) or one article."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="comment_policy")
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.PRE)
    closed = models.BooleanField(default=False, help_text="No new comments; existing ones stay.")

    panels = [FieldPanel("page"), FieldPanel("mode"), FieldPanel("closed")]

    class Meta:
        verbose_name_plural = "comment policies"

    def __str__(self):
        return f"{self.page}: {self.get_mode_display()}{' (closed)' if self.closed else ''}"


def word_list(text):
    return [word.strip().lower() for word in (text or "").replace(",", "\n").splitlines() if word.strip()]


@register_setting(icon="comment")
class CommentSettings(BaseSiteSetting):
    """The site's comment moderation settings (Settings → Comment settings)."""

    default_mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.PRE)
    close_after_days = models.PositiveIntegerField(
        default=30, help_text="Comments close this many days after an article first went live; 0 never closes."
    )
    report_threshold = models.PositiveIntegerField(
        default=3, validators=[MinValueValidator(1)], help_text="Reader reports that put a comment in the queue."
    )
    max_links = models.PositiveIntegerField(
        default=2, validators=[MaxValueValidator(50)], help_text="More links than this and a comment is refused."
    )
    min_seconds_on_page = models.PositiveIntegerField(
        default=5, validators=[MaxValueValidator(600)], help_text="Faster posts are refused as automated."
    )
    banned_words = models.TextField(
        blank=True, help_text="One word or phrase a line: a comment containing one is refused."
    )
    suspect_words = models.TextField(
        blank=True, help_text="One word or phrase a line: a comment containing one is held for review."
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("default_mode"), FieldPanel("close_after_days"), FieldPanel("report_threshold")],
            heading="Moderation",
        ),
        MultiFieldPanel(
            [
                FieldPanel("max_links"),
                FieldPanel("min_seconds_on_page"),
                FieldPanel("banned_words"),
                FieldPanel("suspect_words"),
            ],
            heading="Spam and abuse",
        ),
    ]

    @property
    def banned(self):
        return word_list(self.banned_words)

    @property
    def suspect(self):
        return word_list(self.suspect_words)
