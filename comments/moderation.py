"""Moderation actions on comments: each applied, logged (Wagtail's ModelLogEntry: who, when, what) and purged."""

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from comments.models import Comment
from comments.signals import refresh

ACTIONS = {
    "approve": "Approve",
    "reject": "Reject",
    "spam": "Mark as spam",
    "feature": "Feature",
    "unfeature": "Unfeature",
}
LOG_LABELS = {
    "comments.approve": ("Approve comment", "Approved"),
    "comments.reject": ("Reject comment", "Rejected"),
    "comments.spam": ("Mark comment as spam", "Marked as spam"),
    "comments.feature": ("Feature comment", "Featured"),
    "comments.unfeature": ("Unfeature comment", "No longer featured"),
    "comments.edit": ("Edit comment", "Edited"),
    "comments.reply": ("Reply to comment", "Replied as the newsroom"),
    "comments.delete_by_email": ("Delete comments by email", "Deleted at the commenter's request"),
}


def _changes(action):
    return {
        "approve": {"status": Comment.Status.APPROVED, "reported": False},
        "reject": {"status": Comment.Status.REJECTED, "reported": False, "featured": False},
        "spam": {"status": Comment.Status.SPAM, "reported": False, "featured": False},
        "feature": {"featured": True},
        "unfeature": {"featured": False},
    }[action]


def apply(action, comments, user):
    """Apply `action` to `comments` (a list); how many changed. One log entry per comment."""
    if action not in ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    changes = _changes(action)
    changed = []
    with transaction.atomic():
        for comment in comments:
            if action == "feature" and comment.status != Comment.Status.APPROVED:
                continue  # only a published comment can be an editors' pick
            before = comment.status
            if all(getattr(comment, field) == value for field, value in changes.items()):
                continue
            Comment.objects.filter(pk=comment.pk).update(**changes)
            for field, value in changes.items():
                setattr(comment, field, value)
            log(
                comment,
                f"comments.{action}",
                user=user,
                data={"from": before, "to": comment.status, "article": comment.article_id},
            )
            changed.append(comment)
        refresh([comment.article_id for comment in changed])
    return len(changed)


def edit(comment, body, user):
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    log(comment, "comments.edit", user=user, data={"article": comment.article_id})
