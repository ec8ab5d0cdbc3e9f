"""What the view beacon and the ad impression beacon share: method, size and token checks, headers."""

from django.http import HttpResponse, HttpResponseNotAllowed

from core import cache_headers

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
