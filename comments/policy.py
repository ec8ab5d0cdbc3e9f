"""Whether an article takes comments and how they are moderated: its own policy, else its nearest section's."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Page

from comments.models import CommentPolicy, CommentSettings, Mode


@dataclass(frozen=True)
class Effective:
    mode: str
    closed: bool
    reason: str = ""

    @property
    def pre_moderated(self):
        return self.mode == Mode.PRE


def settings_for(article, request=None):
    """The site's CommentSettings (from core.sites' per-request copy when the page view set it)."""
    if request is not None:
        return CommentSettings.for_request(request)
    site = article.get_site()
    return CommentSettings.for_site(site) if site else CommentSettings()


def effective(article, site_settings):
    """One query: the policies of the article and its ancestors; the nearest decides the mode, any closes."""
    steplen = Page.steplen
    paths = [article.path[:end] for end in range(steplen, len(article.path) + 1, steplen)]
    rows = sorted(
        CommentPolicy.objects.filter(page__path__in=paths).values_list("page__path", "mode", "closed"),
        key=lambda row: len(row[0]),
    )
    mode = site_settings.default_mode
    closed = False
    reason = ""
    for _path, row_mode, row_closed in rows:
        mode = row_mode
        if row_closed:
            closed, reason = True, "Comments are closed on this story."
    if not closed and site_settings.close_after_days:
        started = article.first_published_at or getattr(article, "display_date", None)
        if started and timezone.now() - started > datetime.timedelta(days=site_settings.close_after_days):
            closed, reason = True, f"Comments close {site_settings.close_after_days} days after publication."
    return Effective(mode=mode, closed=closed, reason=reason)
