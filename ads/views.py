"""Reader endpoints: the impression beacon, the click redirect, HTML ad frames and ads.txt.

Both counting endpoints answer `Cache-Control: private, no-store` and
`X-Robots-Tag: noindex` whatever happens, drop bots and prefetches, and count
only what a signed token names. The click redirect's destination is always
the address stored on the creative; nothing in the request can change it.
"""

import hashlib

from csp.decorators import csp_exempt
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt

from ads import counting, selection, tokens
from ads.models import Creative
from core import beacon, cache_headers, counters, visitors
from site_settings.models import SiteSettings

SAFE_SCHEMES = ("http://", "https://")


_no_store = beacon.no_store
_reject = beacon.reject


def _rate_limit():
    return getattr(settings, "NEWSROOM_ADS_RATE_LIMIT_PER_MINUTE", 600)


def _dedupe_seconds():
    return getattr(settings, "NEWSROOM_ADS_DEDUPE_SECONDS", 60)


def _first_time(request, kind, ref):
    """True unless this visitor had the same ad in the same place counted within the dedupe window.

    A reload or a replayed token within a minute counts once: counts stay
    honest at the cost of the rare reader who really reloads that fast.
    """
    seconds = _dedupe_seconds()
    if seconds <= 0:
        return True
    digest = hashlib.sha1(f"{visitors.visitor_hash(request)}|{ref}".encode()).hexdigest()[:24]
    return visitors.redis_or_cache_add(f"newsroom:ads:seen:{kind}:{digest}", seconds)


def _countable(request):
    return not visitors.is_bot(request) and not visitors.is_prefetch(request)


@csrf_exempt  # a signed token, not a session, authorises the count; sendBeacon cannot send a CSRF token
def impression(request):
    """POST /ads/i/ with token=<impression token>, sent once the ad was half visible for a second. 204 when accepted."""
    token, refusal = beacon.read_token(request)
    if refusal is not None:
        return refusal
    try:
        ref = tokens.read(token, tokens.IMPRESSION_SALT, tokens.IMPRESSION_MAX_AGE)
    except tokens.ExpiredToken:
        return _reject(400, "Expired impression token.")
    except tokens.BadToken:
        return _reject(400, "Unknown or tampered impression token.")
    data = selection.catalogue()
    if ref.creative_id not in data["creative_ids"] or ref.slot_id not in data["slot_ids"]:
        return _reject(404, "No such creative or slot.")
    try:
        with counters.guarded():
            if visitors.rate_limited(request, "ads", _rate_limit()):
                response = _reject(429, "Too many requests.")
                response["Retry-After"] = "60"
                return response
            if _countable(request) and _first_time(request, counting.IMPRESSION, ref):
                counting.record(ref.creative_id, ref.slot_id, counting.IMPRESSION)
    except counters.CountersUnavailable:
        # Redis is down: an impression that cannot be deduplicated is not counted (never over-delivered).
        return beacon.not_counted()
    return _no_store(HttpResponse(status=204))


def click(request, token):
    """GET /ads/c/<click token>/: count the click, then 302 to the URL stored on the creative."""
    if request.method not in ("GET", "HEAD"):
        return _no_store(HttpResponseNotAllowed(["GET", "HEAD"]))
    expired = False
    try:
        ref = tokens.read(token, tokens.CLICK_SALT, tokens.CLICK_MAX_AGE)
    except tokens.ExpiredToken as error:
        ref, expired = error.ref, True
    except tokens.BadToken:
        return _reject(400, "Unknown or tampered advertisement link.")
    creative = Creative.objects.filter(pk=ref.creative_id, kind=Creative.IMAGE).only("link_url").first()
    destination = creative.link_url if creative is not None else ""
    # Model validation allows only http(s); this guards against rows written some other way.
    if not destination.lower().startswith(SAFE_SCHEMES) or any(char in destination for char in "\r\n\\"):
        return _reject(404, "This advertisement has no destination.")
    if expired:
        # Too old to count, but the reader still gets a (plain, uncounted) way to the advertiser.
        html = render_to_string("ads/expired_link.html", {"destination": destination}, request=request)
        return _no_store(HttpResponse(html, status=410))
    try:
        with counters.guarded():
            if (
                _countable(request)
                and request.method == "GET"
                and not visitors.rate_limited(request, "ads", _rate_limit())
                and _first_time(request, counting.CLICK, ref)
            ):
                counting.record(ref.creative_id, ref.slot_id, counting.CLICK)
    except counters.CountersUnavailable:
        pass  # Redis is down: the click is not counted, and the reader still reaches the advertiser.
    # A paused or ended campaign still sends the reader where the ad said it would.
    return _no_store(HttpResponseRedirect(destination))


# The frame's own policy: the ad network's code may load and run what it likes, but only in an
# opaque origin (the same sandbox as the iframe's attribute, so opening the address directly
# sandboxes it too), and only framed by our pages.
FRAME_POLICY = "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'"


@csp_exempt(REPORT_ONLY=True)  # the reader policy in report-only mode would report the ad's own scripts
@xframe_options_sameorigin
def frame(request, creative_id):
    """GET /ads/f/<creative id>/: an HTML creative's tag as the document of its sandboxed frame.

    Not srcdoc: a srcdoc frame inherits the page's Content-Security-Policy,
    which (rightly) refuses ad networks' inline and third-party scripts.
    Only creatives in the current catalogue are served.
    """
    if request.method not in ("GET", "HEAD"):
        return _no_store(HttpResponseNotAllowed(["GET", "HEAD"]))
    creative = selection.catalogue(request)["creatives"].get(creative_id)
    if creative is None or creative["kind"] != Creative.HTML:
        return _reject(404, "No such advertisement.")
    response = HttpResponse(creative["html"], content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = FRAME_POLICY
    response["X-Robots-Tag"] = "noindex"
    # As long as the catalogue itself may be stale.
    return cache_headers.public(response, s_maxage=selection.CACHE_SECONDS, stale_while_revalidate=60)


def ads_txt(request):
    """/ads.txt from the site settings (Settings → Site settings → Advertising); 404 while it is empty."""
    site_settings = SiteSettings.for_request(request)
    text = (site_settings.ads_txt or "").strip()
    if not text:
        raise Http404("No ads.txt configured.")
    response = HttpResponse(text + "\n", content_type="text/plain; charset=utf-8")
    return cache_headers.public(response, s_maxage=300, stale_while_revalidate=60)
