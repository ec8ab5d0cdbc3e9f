"""Redis cache backends for the read path.

Django's RedisCache builds a new redis.Redis client object for every cache
call (a dictionary of some 170 reply callbacks each time), a fixed cost that
a page with a few dozen cache calls pays a few dozen times. `RedisCache` here
keeps one client per connection pool, which redis-py supports: clients are
thread-safe and their pools reconnect after a fork.

A Redis outage is a cache miss: every command answers at once as a miss
or does nothing while core.circuit's breaker is open, so pages render
without the caches instead of failing.

`RenditionCache` also drops Wagtail's redundant writes: `Image.get_rendition`
ends in `cache.set(key, rendition)` every time, even for a rendition it has
just read from this cache or from a prefetch, so every image on a page costs
a pickling and a Redis write. A rendition under a given key never changes
(the key holds the image, its focal point and the filter), so a write of a
key this process wrote or read lately is skipped.
"""

import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from core.circuit import circuit, redis_errors


class ReusedClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found.")  # what Django's incr says of a missing key


# What each cache command answers while Redis is down: a miss, or nothing written.
_WHILE_DOWN = {
    "add": lambda *args, **kwargs: False,
    "get": lambda key, default: default,
    "set": lambda *args, **kwargs: None,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "incr": _missing,
    "set_many": lambda *args, **kwargs: None,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


def _fail_soft(name):
    command = getattr(ReusedClientRedisCacheClient, name)
    fallback = _WHILE_DOWN[name]

    def guarded(self, *args, **kwargs):
        breaker = circuit(self._servers[0])
        if not breaker.allows:
            return fallback(*args, **kwargs)
        try:
            if breaker.broken:
                # Back? Then renew what the outage may have left stale before this command reads it.
                self.get_client(write=True).ping()
                breaker.succeeded()
            return command(self, *args, **kwargs)
        except redis_errors() as error:
            breaker.trip(error)
            return fallback(*args, **kwargs)

    return guarded


class FailSoftRedisCacheClient(ReusedClientRedisCacheClient):
    """A Redis outage is a cache miss, not a 500 (see core.circuit)."""


for _name in _WHILE_DOWN:
    setattr(FailSoftRedisCacheClient, _name, _fail_soft(_name))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient


class RenditionCache(RedisCache):
    # How long a key counts as known to be in Redis: bounds how long another
    # process's delete can go unnoticed here (a miss then costs one query).
    KNOWN_FOR = 300
    MAX_KNOWN = 50_000

    def __init__(self, server, params):
        super().__init__(server, params)
        self._known = {}

    def _remember(self, keys):
        if len(self._known) > self.MAX_KNOWN:
            self._known.clear()
        now = time.monotonic()
        for key in keys:
            self._known[key] = now

    def _is_known(self, key):
        seen = self._known.get(key)
        return seen is not None and time.monotonic() - seen < self.KNOWN_FOR

    def get_many(self, keys, version=None):
        found = super().get_many(keys, version=version)
        self._remember(found)
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._is_known(key):
            return
        super().set(key, value, timeout=timeout, version=version)
        self._remember([key])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        fresh = {key: value for key, value in data.items() if not self._is_known(key)}
        failed = super().set_many(fresh, timeout=timeout, version=version) if fresh else []
        self._remember(fresh)
        return failed

    def delete(self, key, version=None):
        self._known.pop(key, None)
        return super().delete(key, version=version)

    def delete_many(self, keys, version=None):
        for key in keys:
            self._known.pop(key, None)
        return super().delete_many(keys, version=version)

    def clear(self):
        self._known.clear()
        return super().clear()
