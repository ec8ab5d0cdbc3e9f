"""The reader's search page and the overlay's suggestions.

A search server that is down or slow gives readers a 503 page saying search
is temporarily unavailable, with Retry-After and the latest stories, rather
than results from the database backend: when Elasticsearch runs, the
database holds no full-text index to fall back on (keeping one as well would
double every index write to serve a rare outage), and a substring scan of
50,000 articles would be slow and badly ordered exactly when the site is
already degraded.
"""

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from core import cache_headers
from core.visitors import is_bot, is_prefetch, visitor_hash
from news.models import ArticleKind
from search import backends, service

# Results change as stories are published; a minute in a shared cache is plenty.
RESULTS_S_MAXAGE = 60
SUGGEST_S_MAXAGE = 60
SUGGEST_LIMIT = 8
SUGGEST_MIN_CHARS = 2


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


@require_safe
def search(request):
    # Bots and prefetches are logged but never count as a visitor towards "Popular searches".
    visitor = None if is_bot(request) or is_prefetch(request) else visitor_hash(request)
    try:
        page = service.run(request.GET, visitor=visitor)
    except backends.SearchUnavailable:
        return _unavailable(request, service.parse_params(request.GET, []).text, service.section_choices())
    context = {"search": page, "query_text": page.params.text, "kinds": ArticleKind.choices}
    response = TemplateResponse(request, "search/search_page.html", context)
    return _headers(request, response)


@require_safe
def suggest(request):
    """{"results": [{"title", "url"}]}: at most eight headlines for what the reader has typed so far."""
    text = service.parse_params(request.GET, []).text
    if len(text) < SUGGEST_MIN_CHARS:
        return cache_headers.public(JsonResponse({"results": []}), s_maxage=SUGGEST_S_MAXAGE)
    try:
        articles = service.suggest_articles(text, limit=SUGGEST_LIMIT)
    except backends.SearchUnavailable:
        response = cache_headers.private(JsonResponse({"results": [], "unavailable": True}, status=503))
        response["Retry-After"] = str(backends.RETRY_AFTER_SECONDS)
        return response
    results = [{"title": article.title, "url": article.get_url(request)} for article in articles]
    return cache_headers.public(JsonResponse({"results": results}), s_maxage=SUGGEST_S_MAXAGE)
