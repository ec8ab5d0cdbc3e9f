"""Small reader endpoints: the view beacon and the trending fragments."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt

from core import beacon, cache_headers, counters, marks, visitors
from trending import counting, ranking

FRAGMENT_STYLES = {"ticker": 5, "list": 5}


_no_store = beacon.no_store
_reject = beacon.reject


@csrf_exempt  # a signed token, not a session, authorises the count; the beacon cannot send a CSRF token
def count_view(request):
    """POST /api/views/ with a signed article token. 204 when accepted (counted, deduplicated or capped).

    One reader counts once per article and hour; past the per-address cap
    (NEWSROOM_VIEW_CAP_PER_ADDRESS_HOUR, readers behind one carrier NAT share
    an address) views are kept as invalid traffic, outside trending.
    """
    token, refusal = beacon.read_token(request)
    if refusal is not None:
        return refusal
    article_id = counting.article_id_from_token(token or "")
    if article_id is None:
        return _reject(400, "Unknown, expired or tampered view token.")
    refusal = beacon.cross_site_refusal(request)
    if refusal is not None:
        return refusal
    reader = beacon.reader(
        request,
        "views",
        article_id,
        rate_limit=settings.NEWSROOM_VIEW_RATE_LIMIT_PER_MINUTE,
        seen_key=f"newsroom:seen:{article_id}:{visitors.visitor_hash(request)}",
        seen_ttl=3600,
        cap=settings.NEWSROOM_VIEW_CAP_PER_ADDRESS_HOUR,
    )
    try:
        with counters.guarded():
            outcome = marks.count_once(counting.STREAM, str(article_id), reader)
    except counters.CountersUnavailable:
        # Redis is down: the page was read, but nothing can be deduplicated or counted now.
        return beacon.not_counted()
    if outcome == marks.LIMITED:
        return beacon.too_many()
    return _no_store(HttpResponse(status=204))


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
