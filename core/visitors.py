"""Who is asking, without storing anything personal: bots, prefetches, other sites, a daily visitor hash, limits."""

import functools
import hashlib
import ipaddress
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.utils import timezone


@functools.lru_cache(maxsize=8192)
def _is_crawler(agent):
    # Crawler-Detect's list is one large expression (~0.4 ms a match); readers' agents repeat, so remember them.
    return CrawlerDetect().isCrawler(agent)


def is_bot(request):
    """No user agent, or one on Crawler-Detect's maintained list of crawlers, tools and link previewers."""
    agent = request.META.get("HTTP_USER_AGENT", "").strip()
    return not agent or _is_crawler(agent[:512])


def is_prefetch(request):
    """Speculative loads a reader never saw: link prefetch, prerender, Chrome's speculation rules."""
    purpose = (request.META.get("HTTP_SEC_PURPOSE", "") + request.META.get("HTTP_PURPOSE", "")).lower()
    moz = request.META.get("HTTP_X_MOZ", "").lower()
    return "prefetch" in purpose or "prerender" in purpose or moz == "prefetch"


def from_another_site(request):
    """True when the browser says another site sent this request (Sec-Fetch-Site, else Origin).

    Our own pages send beacons same-origin; a reader who types or pastes an
    address sends "none". Clients that send neither header (old browsers,
    scripts) are left to the bot list and the per-address caps.
    """
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE", "").lower()
    if fetch_site:
        return fetch_site == "cross-site"
    origin = request.META.get("HTTP_ORIGIN", "")
    if not origin:
        return False
    if origin == "null":
        return True
    return urlsplit(origin).netloc.lower() != request.get_host().lower()


def client_ip(request):
    # Behind our proxy the client is the first X-Forwarded-For hop only when
    # the deployment says it trusts that header.
    if settings.NEWSROOM_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def address_block(ip):
    """The unit one client controls: an IPv4 address, or an IPv6 /64 (a phone or a home gets a whole /64
    and may use any address in it, so per-address limits on IPv6 are per /64)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _ip_digest(request):
    return hashlib.sha1(f"{settings.SECRET_KEY}|{address_block(client_ip(request))}".encode()).hexdigest()[:16]


def visitor_hash(request):
    """A pseudonymous visitor id that changes daily: hash(IP, user agent, today's salt)."""
    salt = f"{settings.SECRET_KEY}:{timezone.now():%Y-%m-%d}"
    raw = f"{salt}|{client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def rate_key(request, scope):
    """The counter of this IP's requests to `scope` in the current minute."""
    minute = timezone.now().strftime("%Y%m%d%H%M")
    return f"newsroom:rl:{scope}:{_ip_digest(request)}:{minute}"


def cap_key(request, scope, thing):
    """The counter of this IP's countable requests for `thing` (an article, a creative in a slot) this hour."""
    hour = timezone.now().strftime("%Y%m%d%H")
    return f"newsroom:cap:{scope}:{_ip_digest(request)}:{thing}:{hour}"
