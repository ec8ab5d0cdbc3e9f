"""Fragments: what many pages share, cached under a content generation that every publish renews.

One registry names every family of fragments (`register`); `cached` and the
`{% fragment %}` template tag (core_tags) refuse a name that is not in it, and
the per-request prefetch of the site's chrome reads the same registry, so a
template and the prefetch cannot drift apart. A fragment's full name is its
family and its keys joined by ":" (`key("article-meta", page.pk, revision)`).

Previews never read or write fragments: `cached(..., request=request)` builds
afresh for a preview, and the template tag is Wagtail's preview-aware
`{% wagtailcache %}` node.
"""

import time
from dataclasses import dataclass

from asgiref.local import Local
from django.conf import settings
from django.core.cache import caches

from core import circuit

GENERATION_KEY = "fragments:generation"

# Within one request the generation is read once (FragmentGenerationMiddleware):
# a page uses a dozen fragments, and they must all come from the same generation.
# asgiref's Local is per request under ASGI too, where threading.local is not.
_request = Local()


@dataclass(frozen=True)
class Family:
    name: str
    # Used by every page's chrome: fetched with the rest of the chrome in one round trip.
    chrome: bool = False
    # Keyed by the site's home page id (chrome only).
    per_site: bool = False


_registry = {}


def register(*names, chrome=False, per_site=False):
    """Declare fragment families; each app registers the names it builds (in its AppConfig.ready or module)."""
    for name in names:
        if ":" in name:
            raise ValueError(f"fragment family names cannot contain ':' ({name!r})")
        _registry[name] = Family(name, chrome=chrome, per_site=per_site)


def is_registered(name):
    return name.split(":", 1)[0] in _registry


def _check(name):
    if not is_registered(name):
        raise LookupError(f"unregistered fragment {name!r}: register its family with core.fragments.register()")


def key(family, *parts):
    """The full name of a fragment: its family and its keys, joined by ":"."""
    _check(family)
    return ":".join([family, *(str(part) for part in parts)])


def chrome_names(site_root_id):
    """The fragments every page's chrome uses, for the site whose home page is `site_root_id`."""
    return [
        f"{family.name}:{site_root_id}" if family.per_site else family.name
        for family in _registry.values()
        if family.chrome
    ]


def _cache():
    return caches["fragments"]


def is_preview(request):
    return bool(getattr(request, "is_preview", False))


def generation():
    memo = getattr(_request, "generation", None)
    if memo is not None:
        return memo
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Not 1: after the cache is emptied (a Redis restart) the generation must not
        # repeat one that per-process copies (core.sites) may still hold.
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
        _request.prefetched = {**(getattr(_request, "prefetched", None) or {}), **get_many(names)[1]}


def cached(name, build, timeout=None, request=None):
    """The fragment `name` for the current generation, built once; for a preview `request`, built afresh."""
    _check(name)
    if is_preview(request):
        return build()
    prefetched = getattr(_request, "prefetched", None)
    if prefetched and name in prefetched:
        return prefetched[name]
    cache = _cache()
    cache_key = f"fragments:{generation()}:{name}"
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, timeout or settings.NEWSROOM_FRAGMENT_CACHE_SECONDS)
    return value


def get_many(names):
    """(generation, {name: value}) for those of `names` cached in the current generation: one round trip."""
    current = generation()
    keys = {f"fragments:{current}:{name}": name for name in names}
    found = _cache().get_many(list(keys)) if keys else {}
    return current, {keys[cache_key]: value for cache_key, value in found.items()}


def set_many(current, values, timeout=None):
    """Store {name: value} under generation `current` (as returned by `get_many`)."""
    if values:
        timeout = timeout or settings.NEWSROOM_FRAGMENT_CACHE_SECONDS
        _cache().set_many({f"fragments:{current}:{name}": value for name, value in values.items()}, timeout)


# Fragments built while Redis was unreachable may hide publishes whose bump never reached it.
circuit.on_recovery(bump)

# What core itself builds: whether any view restriction exists (core.cache_headers), read by every page.
register("any-view-restrictions", chrome=True)
