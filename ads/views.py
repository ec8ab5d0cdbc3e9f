"""Reader endpoints: the impression beacon, the click redirect, HTML ad frames and ads.txt.

Both counting endpoints answer `Cache-Control: private, no-store` and
`X-Robots-Tag: noindex` whatever happens, drop bots and prefetches, count
only what a signed token names and only from this site's pages (a click only
when the reader follows the link), and keep what one address sends past its
hourly cap apart as invalid traffic. The click redirect's destination is always
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
from core import beacon, cache_headers, counters, marks, visitors
from site_settings.models import SiteSettings

SAFE_SCHEMES = ("http://", "https://")


_no_store = beacon.no_store
_reject = beacon.reject


def _reader(request, kind, ref):
    """Rate limit, dedupe window and per-address cap for one ad count (see core.marks.count_once).

    Within the dedupe window a reload or a replayed token counts once: counts
    stay honest at the cost of the rare reader who really reloads that fast.
    """
    digest = hashlib.sha1(f"{visitors.visitor_hash(request)}|{ref}".encode()).hexdigest()[:24]
    impression = kind == counting.IMPRESSION
    return beacon.reader(
        request,
        "ads",
        f"{kind}:{ref.creative_id}",
        rate_limit=settings.NEWSROOM_ADS_RATE_LIMIT_PER_MINUTE,
        seen_key=f"newsroom:ads:seen:{kind}:{digest}",
        seen_ttl=max(1, settings.NEWSROOM_ADS_DEDUPE_SECONDS),
        cap=(
            settings.NEWSROOM_ADS_IMPRESSION_CAP_PER_ADDRESS_HOUR
            if impression
            else settings.NEWSROOM_ADS_CLICK_CAP_PER_ADDRESS_HOUR
        ),
    )


def _top_level_navigation(request):
    """A reader following the link: not an <img>, <iframe> or fetch pointed at it, nor another site's page.

    Browsers without Fetch Metadata headers are let through to the caps.
    """
    mode = request.META.get("HTTP_SEC_FETCH_MODE", "").lower()
    dest = request.META.get("HTTP_SEC_FETCH_DEST", "").lower()
    return (
        (not mode or mode == "navigate")
        and (not dest or dest == "document")
        and not visitors.from_another_site(request)
    )


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
    refusal = beacon.cross_site_refusal(request)
    if refusal is not None:
        return refusal
    try:
        with counters.guarded():
            outcome = marks.count_once(
                counting.STREAM,
                counting.counter_key(ref.creative_id, ref.slot_id, counting.IMPRESSION),
                _reader(request, counting.IMPRESSION, ref),
            )
    except counters.CountersUnavailable:
        # Redis is down: an impression that cannot be deduplicated is not counted (never over-delivered).
        return beacon.not_counted()
    if outcome == marks.LIMITED:
        return beacon.too_many()
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
    if request.method == "GET" and _top_level_navigation(request):
        try:
            with counters.guarded():
                marks.count_once(
                    counting.STREAM,
                    counting.counter_key(ref.creative_id, ref.slot_id, counting.CLICK),
                    _reader(request, counting.CLICK, ref),
                )
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
