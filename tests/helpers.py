import datetime
import time

from django.utils import timezone


def make_overdue(revision, seconds=5):
    """Time-travel a scheduled revision so its go-live time passed `seconds` ago."""
    past = timezone.now() - datetime.timedelta(seconds=seconds)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])


def wait_until(condition, timeout, interval=0.2):
    """Poll `condition` until it holds or `timeout` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
