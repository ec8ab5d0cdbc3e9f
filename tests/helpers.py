import datetime

from django.utils import timezone


def make_overdue(revision, seconds=5):
    """Time-travel a scheduled revision so its go-live time passed `seconds` ago."""
    past = timezone.now() - datetime.timedelta(seconds=seconds)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
