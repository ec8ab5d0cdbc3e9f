"""Small reader endpoints: the view beacon and the trending fragments."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt

from core import beacon, cache_headers, counters, visitors
from trending import counting, ranking

FRAGMENT_STYLES = {"ticker": 5, "list": 5}


_no_store = beacon.no_store
_reject = beacon.reject


@csrf_exempt  # a signed token, not a session, authorises the count; the beacon cannot send a CSRF token
def count_view(request):
    """POST /api/views/ with a signed article token. 204 when accepted (counted or deduplicated)."""
    token, refusal = beacon.read_token(request)
    if refusal is not None:
        return refusal
    article_id = counting.article_id_from_token(token or "")
    if article_id is None:
        return _reject(400, "Unknown or tampered view token.")
    countable = not visitors.is_bot(request) and not visitors.is_prefetch(request)
    seen_key = f"newsroom:seen:{article_id}:{visitors.visitor_hash(request)}" if countable else None
    try:
        with counters.guarded():
            limited = _count(request, article_id, seen_key)
    except counters.CountersUnavailable:
        # Redis is down: the page was read, but nothing can be deduplicated or counted now.
        return beacon.not_counted()
    if limited:
        response = _reject(429, "Too many requests.")
        response["Retry-After"] = "60"
        return response
    return _no_store(HttpResponse(status=204))


def _count(request, article_id, seen_key):
    """Count the view once per visitor and hour; True if this IP is over its rate limit."""
    limit = settings.NEWSROOM_VIEW_RATE_LIMIT_PER_MINUTE
    if settings.REDIS_URL:
        # Rate limit, once-per-visitor-per-hour and the count: one Redis round trip.
        outcome = counters.count_once(
            counting.STREAM,
            str(article_id),
            rate_key=visitors.rate_key(request, "views"),
            rate_limit=limit,
            seen_key=seen_key,
        )
        return outcome == "limited"
    limited = visitors.rate_limited(request, "views", limit)
    if not limited and seen_key and visitors.redis_or_cache_add(seen_key, 3600):
        counters.count(counting.STREAM, str(article_id))
    return limited


def trending_fragment(request, scope):
    """HTML for a trending list; pages load it so the list is current even when the page is cached."""
    style = request.GET.get("style", "list")
    if style not in FRAGMENT_STYLES or not (scope == "site" or (scope.startswith("section:") and scope[8:].isdigit())):
        raise Http404("No such trending list.")
    key = f"newsroom:trending-fragment:{scope}:{style}"
    html = cache.get(key)
    if html is None:
        articles, computed_at = ranking.trending_articles(scope, FRAGMENT_STYLES[style])
        html = render_to_string(
            f"components/trending_{style}.html",
            {"articles": articles, "computed_at": computed_at, "request": request},
        )
        # Lists change every five minutes at most; a minute of staleness is fine.
        cache.set(key, html, 60)
    return cache_headers.public(HttpResponse(html), s_maxage=60, stale_while_revalidate=60)
