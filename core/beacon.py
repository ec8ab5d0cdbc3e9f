"""What the view beacon and the ad impression beacon share: method, size and token checks, headers."""

from django.http import HttpResponse, HttpResponseNotAllowed

from core import cache_headers, marks, visitors

MAX_BEACON_BYTES = 1024


def no_store(response):
    cache_headers.private(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def reject(status, message):
    return no_store(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def not_counted():
    """204 for a beacon that could not be counted (Redis down): the reader is never shown an error."""
    response = no_store(HttpResponse(status=204))
    response["X-Newsroom-Counted"] = "no"
    return response


def cross_site_refusal(request):
    """The 403 for a beacon another site's page sent (counted nowhere), else None."""
    if visitors.from_another_site(request):
        return reject(403, "Counted only from this site's own pages.")
    return None


def reader(request, scope, thing, *, rate_limit, seen_key, seen_ttl, cap):
    """The marks.Reader for one beacon: `seen_key` is dropped for bots and prefetches (not countable)."""
    countable = not visitors.is_bot(request) and not visitors.is_prefetch(request)
    return marks.Reader(
        rate_key=visitors.rate_key(request, scope),
        rate_limit=rate_limit,
        seen_key=seen_key if countable else None,
        seen_ttl=seen_ttl,
        cap_key=visitors.cap_key(request, scope, thing),
        cap=cap,
    )


def too_many():
    response = reject(429, "Too many requests.")
    response["Retry-After"] = "60"
    return response


def read_token(request):
    """(token, None) for an acceptable beacon POST, else (None, the 4xx response to send)."""
    if request.method != "POST":
        return None, no_store(HttpResponseNotAllowed(["POST"]))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None, reject(400, "Bad Content-Length.")
    if length > MAX_BEACON_BYTES:
        return None, reject(413, "Beacon body too large.")
    if request.content_type == "application/x-www-form-urlencoded":
        return request.POST.get("token", ""), None
    token = request.body[:MAX_BEACON_BYTES].decode("utf-8", "replace").strip()
    return (token[len("token=") :] if token.startswith("token=") else token), None
