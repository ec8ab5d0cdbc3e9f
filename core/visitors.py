"""Who is asking, without storing anything personal: bots, prefetches, a daily visitor hash, rate limits."""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.counters import redis_client

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|bingpreview|facebookexternalhit|whatsapp|telegrambot|embedly|quora link preview|"
    r"outbrain|pinterest|vkshare|w3c_validator|headlesschrome|phantomjs|python-requests|python-urllib|curl|wget|"
    r"httpclient|go-http-client|java/|okhttp|axios|node-fetch|scrapy|lighthouse|pagespeed|monitor|uptime|"
    r"preview|feedfetcher|mediapartners|adsbot|apis-google",
    re.IGNORECASE,
)


def is_bot(request):
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent.strip() or bool(BOT_PATTERN.search(agent))


def is_prefetch(request):
    """Speculative loads a reader never saw: link prefetch, prerender, Chrome's speculation rules."""
    purpose = (request.META.get("HTTP_SEC_PURPOSE", "") + request.META.get("HTTP_PURPOSE", "")).lower()
    moz = request.META.get("HTTP_X_MOZ", "").lower()
    return "prefetch" in purpose or "prerender" in purpose or moz == "prefetch"


def client_ip(request):
    # Behind our proxy the client is the first X-Forwarded-For hop only when
    # the deployment says it trusts that header.
    if settings.NEWSROOM_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def visitor_hash(request):
    """A pseudonymous visitor id that changes daily: hash(IP, user agent, today's salt)."""
    salt = f"{settings.SECRET_KEY}:{timezone.now():%Y-%m-%d}"
    raw = f"{salt}|{client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def redis_or_cache_add(key, ttl):
    """True the first time `key` is seen within `ttl` seconds."""
    if settings.REDIS_URL:
        return bool(redis_client().set(key, 1, nx=True, ex=ttl))
    return cache.add(key, 1, timeout=ttl)


def rate_key(request, scope):
    """The counter of this IP's requests to `scope` in the current minute."""
    minute = timezone.now().strftime("%Y%m%d%H%M")
    return f"newsroom:rl:{scope}:{hashlib.sha1(client_ip(request).encode()).hexdigest()[:16]}:{minute}"


def rate_limited(request, scope, per_minute):
    """True once this IP has made more than `per_minute` requests to `scope` in the current minute."""
    key = rate_key(request, scope)
    if settings.REDIS_URL:
        pipe = redis_client().pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, 120)
        hits = pipe.execute()[0]
    else:
        cache.add(key, 0, timeout=120)
        try:
            hits = cache.incr(key)
        except ValueError:
            hits = 1
    return hits > per_minute
