"""The reader's search page and the overlay's suggestions.

A search server that is down or slow gives readers a 503 page saying search
is temporarily unavailable, with Retry-After and the latest stories, rather
than results from the database backend: when Elasticsearch runs, the
database holds no full-text index to fall back on (keeping one as well would
double every index write to serve a rare outage), and a substring scan of
50,000 articles would be slow and badly ordered exactly when the site is
already degraded.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core import cache_headers, counters, marks
from core.visitors import is_bot, is_prefetch, rate_key, visitor_hash
from news.models import ArticleKind
from search import backends, service

# Results change as stories are published; a minute in a shared cache is plenty.
RESULTS_S_MAXAGE = 60
SUGGEST_S_MAXAGE = 60
SUGGEST_LIMIT = 8
SUGGEST_MIN_CHARS = 2
TOO_MANY_MESSAGE = "Too many searches from your network in the last minute. Please wait a minute and search again."
TOO_SLOW_MESSAGE = (
    "This search took too long, so it was stopped. Try fewer or more specific words, a quoted phrase, "
    "or a section or date filter."
)


def _over_limit(request, scope, limit):
    """True once this address has made more than `limit` requests to `scope` this minute (core.marks: Redis,
    or the database without it). With Redis down nobody is limited: an outage must not lock readers out."""
    if not limit:
        return False
    try:
        with counters.guarded():
            return marks.incr(rate_key(request, scope), marks.RATE_TTL) > limit
    except counters.CountersUnavailable:
        return False


def _too_many(response):
    response["Retry-After"] = "60"
    return cache_headers.private(response)


def _headers(request, response):
    response["X-Robots-Tag"] = "noindex"
    # An outage page must not outlive the outage in a cache; editors see the user bar.
    if response.status_code != 200 or request.user.is_authenticated:
        cache_headers.private(response)
    else:
        cache_headers.public(response, s_maxage=RESULTS_S_MAXAGE)
    patch_vary_headers(response, ["Cookie"])
    return response


def _unavailable(request, text, sections):
    response = TemplateResponse(
        request,
        "search/unavailable.html",
        {"query_text": text, "sections": sections, "latest": service.latest_stories()},
        status=503,
    )
    response["Retry-After"] = str(backends.RETRY_AFTER_SECONDS)
    return _headers(request, response)


def _too_slow(request):
    """503 on the search page itself, the form kept, saying how to narrow the search."""
    sections = service.section_choices()
    params = service.parse_params(request.GET, sections)
    params.problems.append(TOO_SLOW_MESSAGE)
    page = service.SearchPage(params=params, sections=sections, latest=service.latest_stories())
    context = {"search": page, "query_text": params.text, "kinds": ArticleKind.choices, "too_slow": True}
    response = TemplateResponse(request, "search/search_page.html", context, status=503)
    response["Retry-After"] = str(backends.RETRY_AFTER_SECONDS)
    return _headers(request, response)


@require_safe
def search(request):
    if _over_limit(request, "search", settings.NEWSROOM_SEARCH_RATE_LIMIT_PER_MINUTE):
        return _too_many(HttpResponse(TOO_MANY_MESSAGE, status=429, content_type="text/plain; charset=utf-8"))
    # Bots and prefetches are logged but never count as a visitor towards "Popular searches".
    visitor = None if is_bot(request) or is_prefetch(request) else visitor_hash(request)
    try:
        page = service.run(request.GET, visitor=visitor)
    except backends.SearchTooSlow:
        return _too_slow(request)
    except backends.SearchUnavailable:
        return _unavailable(request, service.parse_params(request.GET, []).text, service.section_choices())
    context = {"search": page, "query_text": page.params.text, "kinds": ArticleKind.choices}
    response = TemplateResponse(request, "search/search_page.html", context)
    return _headers(request, response)


@require_safe
def suggest(request):
    """{"results": [{"title", "url"}]}: at most eight headlines for what the reader has typed so far."""
    if _over_limit(request, "suggest", settings.NEWSROOM_SUGGEST_RATE_LIMIT_PER_MINUTE):
        return _too_many(JsonResponse({"results": [], "error": TOO_MANY_MESSAGE}, status=429))
    text = service.parse_params(request.GET, []).text
    if len(text) < SUGGEST_MIN_CHARS:
        return cache_headers.public(JsonResponse({"results": []}), s_maxage=SUGGEST_S_MAXAGE)
    try:
        articles = service.suggest_articles(text, limit=SUGGEST_LIMIT)
    except backends.SearchTooSlow:
        return cache_headers.private(JsonResponse({"results": [], "error": TOO_SLOW_MESSAGE}, status=503))
    except backends.SearchUnavailable:
        response = cache_headers.private(JsonResponse({"results": [], "unavailable": True}, status=503))
        response["Retry-After"] = str(backends.RETRY_AFTER_SECONDS)
        return response
    results = [{"title": article.title, "url": article.get_url(request)} for article in articles]
    data = {"results": results}
    if not results:
        # Nothing starts with what was typed: perhaps it is misspelt ("goverment").
        corrected = service.did_you_mean(service.parse_params(request.GET, []).query)
        if corrected:
            data["did_you_mean"] = {
                "query": corrected,
                "url": f"{reverse('search:search')}?{urlencode({'q': corrected})}",
            }
    return cache_headers.public(JsonResponse(data), s_maxage=SUGGEST_S_MAXAGE)
