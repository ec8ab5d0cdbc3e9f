"""Cached fragments (navigation, latest lists) keyed by a content generation bumped on every publish."""

from django.conf import settings
from django.core.cache import caches

GENERATION_KEY = "fragments:generation"


def _cache():
    return caches["fragments"]


def generation():
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY) or 1
    return value


def bump():
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def cached(name, build, timeout=None):
    """Return the fragment `name` for the current generation, building it once."""
    cache = _cache()
    key = f"fragments:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout or settings.NEWSROOM_FRAGMENT_CACHE_SECONDS)
    return value
