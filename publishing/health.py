"""GET /health/: what an operator (or a load balancer) needs to know in one request.

Everyone gets the verdict: 200 and {"status": "ok"}, or 503 and
{"status": "unhealthy"}. Only users signed in to the admin, or a request
carrying HEALTH_TOKEN in `X-Health-Token`, get the checks behind it: their
error text names hosts and drivers, and an overdue story's headline is
unpublished news.
"""

import datetime
import hmac
import logging
import time
import uuid

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.search.backends import get_search_backend

from core import counters
from core.cache_headers import private
from publishing import schedule

logger = logging.getLogger(__name__)


def _timed(check):
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except Exception as error:  # noqa: BLE001 - any failure is the answer, not a crash
        detail, ok = f"{type(error).__name__}: {error}"[:300], False
    result = {"ok": ok, "ms": round((time.monotonic() - started) * 1000, 1)}
    if detail:
        result["detail"] = detail
    return result


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache():
    key = f"newsroom:health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("value written to the cache could not be read back")
    cache.delete(key)
    return None


def check_redis():
    """Redis itself, past the caches' circuit breaker (which hides an outage from readers)."""
    if not settings.REDIS_URL:
        return "not configured"
    counters.redis_client().ping()
    return "ok"


def check_broker():
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_name


def check_search():
    backend = get_search_backend()
    if hasattr(backend, "es"):
        if not backend.es.ping():
            raise RuntimeError("search server did not answer")
        return type(backend).__name__
    return type(backend).__name__


TOKEN_HEADER = "X-Health-Token"


def may_see_details(request):
    token = settings.NEWSROOM_HEALTH_TOKEN
    sent = request.headers.get(TOKEN_HEADER, "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    try:
        return request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin")
    except DatabaseError:
        return False  # the session or the user is in the database that is down: the checks say so


@require_GET
def health(request):
    checks = {
        "database": _timed(check_database),
        "cache": _timed(check_cache),
        "redis": _timed(check_redis),
        "broker": _timed(check_broker),
        "search": _timed(check_search),
    }
    now = timezone.now()
    oldest = None
    overdue = None
    if checks["database"]["ok"]:
        revision = schedule.overdue_revisions(now, grace=datetime.timedelta(0)).first()
        if revision is not None:
            lateness = (now - revision.approved_go_live_at).total_seconds()
            oldest = {
                "title": revision.object_str,
                "revision": revision.pk,
                "due": revision.approved_go_live_at.isoformat(),
                "overdue_seconds": round(lateness, 1),
            }
            overdue = lateness > schedule.OVERDUE_ALARM.total_seconds()
    healthy = all(check["ok"] for check in checks.values()) and not overdue
    body = {
        "status": "ok" if healthy else "unhealthy",
        "time": now.isoformat(),
        "checks": checks,
        "scheduled_publishing": {"ok": not overdue, "oldest_overdue": oldest},
    }
    if not healthy:
        logger.error("health check failed: %s", body)
    if not may_see_details(request):
        body = {"status": body["status"]}
    return private(JsonResponse(body, status=200 if healthy else 503))


@require_GET
def live(request):
    """What an edge cache probes (deploy/varnish/default.vcl): can this node render a page?

    Only the database: a search engine, broker or Redis outage degrades pages but
    they still render, and a probe that failed then would make the edge refuse to
    fetch anything new. 200 "ok" or 503 "unhealthy", never details.
    """
    healthy = _timed(check_database)["ok"]
    return private(JsonResponse({"status": "ok" if healthy else "unhealthy"}, status=200 if healthy else 503))
