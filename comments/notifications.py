"""Email to a commenter who opted in, when an editor replies (Django's email backend; console in development)."""

import logging

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def notify_reply(parent, reply, article_url):
    """Tell the parent comment's author about an editor's reply; True when an email was sent."""
    if not (parent.notify_replies and parent.email):
        return False
    body = (
        f"Hello {parent.name},\n\n"
        f'An editor replied to your comment on "{parent.article.title}":\n\n{reply.body}\n\n'
        f"Read it here: {article_url}#comment-{reply.pk}\n\n"
        "You are receiving this because you asked to be told about replies when you commented."
    )
    try:
        send_mail(
            "An editor replied to your comment",
            body,
            getattr(settings, "DEFAULT_FROM_EMAIL", None),
            [parent.email],
        )
    except OSError:
        # A mail server that does not answer must not lose the reply, which is already published.
        logger.warning("Reply notification for comment %s could not be sent", parent.pk, exc_info=True)
        return False
    return True
