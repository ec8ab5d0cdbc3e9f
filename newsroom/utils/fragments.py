"""Cached fragments (navigation, latest lists) keyed by a content generation bumped on every publish."""

import threading
import time

from django.conf import settings
from django.core.cache import caches

GENERATION_KEY = "fragments:generation"

# Within one request the generation is read once (FragmentGenerationMiddleware):
# a page uses a dozen fragments, and they must all come from the same generation.
_request = threading.local()


def _cache():
    return caches["fragments"]


def generation():
    memo = getattr(_request, "generation", None)
    if memo is not None:
        return memo
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Not 1: after the cache is emptied (a Redis restart) the generation must not
        # repeat one that per-process copies (newsroom.utils.sites) may still hold.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY) or time.time_ns()
    if getattr(_request, "active", False):
        _request.generation = value
    return value


def bump():
    _request.generation = _request.prefetched = None
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)


class FragmentGenerationMiddleware:
    """Reads the fragment generation at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.active, _request.generation, _request.prefetched = True, None, None
        try:
            return self.get_response(request)
        finally:
            _request.active, _request.generation, _request.prefetched = False, None, None


def prefetch(names):
    """Fetch fragments this request will use in one round trip (`cached` then finds them here)."""
    if getattr(_request, "active", False):
        _request.prefetched = get_many(names)[1]


def cached(name, build, timeout=None):
    """Return the fragment `name` for the current generation, building it once."""
    prefetched = getattr(_request, "prefetched", None)
    if prefetched and name in prefetched:
        return prefetched[name]
    cache = _cache()
    key = f"fragments:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout or settings.NEWSROOM_FRAGMENT_CACHE_SECONDS)
    return value


def get_many(names):
    """(generation, {name: value}) for those of `names` cached in the current generation: one round trip."""
    current = generation()
    keys = {f"fragments:{current}:{name}": name for name in names}
    found = _cache().get_many(list(keys)) if keys else {}
    return current, {keys[key]: value for key, value in found.items()}


def set_many(current, values, timeout=None):
    """Store {name: value} under generation `current` (as returned by `get_many`)."""
    if values:
        timeout = timeout or settings.NEWSROOM_FRAGMENT_CACHE_SECONDS
        _cache().set_many({f"fragments:{current}:{name}": value for name, value in values.items()}, timeout)
