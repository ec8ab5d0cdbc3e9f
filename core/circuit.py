"""Redis outages: a per-process circuit breaker, so a request never waits on a dead Redis twice.

The first command that fails opens the circuit for NEWSROOM_REDIS_RETRY_SECONDS:
until then every cache call answers at once as a miss (reads) or does nothing
(writes), and the counters report themselves unavailable. The first command
that succeeds afterwards closes it and runs the recovery callbacks
(`on_recovery`): what was purged while Redis was away is purged then, so the
site recovers by itself, without stale pages.
"""

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)

_circuits = {}
# Reentrant: the recovery callbacks use the cache, whose commands come back here.
_lock = threading.RLock()
_recovery_callbacks = []


def redis_errors():
    """What a dead, unreachable or stalled Redis raises."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError)


class Circuit:
    def __init__(self, name):
        self.name = name
        self.open_until = 0.0
        self.broken = False
        self.recovering = False

    @property
    def allows(self):
        return time.monotonic() >= self.open_until

    def trip(self, error):
        if not self.broken:
            logger.error("%s is unavailable (%s): serving without it, retrying every few seconds", self.name, error)
        self.broken = True
        self.open_until = time.monotonic() + settings.NEWSROOM_REDIS_RETRY_SECONDS

    def succeeded(self):
        """Redis answered. After an outage, run the recovery callbacks before anyone uses it again.

        Other threads wait for them (the lock); the callbacks' own commands pass (`recovering`).
        """
        if not self.broken:
            return
        with _lock:
            if not self.broken or self.recovering:
                return
            logger.warning("%s is back: purging what changed while it was away", self.name)
            self.recovering = True
            try:
                for callback in list(_recovery_callbacks):
                    callback()
            except redis_errors() as error:  # down again already: the next recovery runs them again
                self.trip(error)
                return
            finally:
                self.recovering = False
            self.broken = False


def circuit(server):
    """The circuit of one Redis server (every cache alias and the counters on it share it)."""
    found = _circuits.get(server)
    if found is None:
        with _lock:
            found = _circuits.setdefault(server, Circuit(f"Redis at {server.split('@')[-1]}"))
    return found


def on_recovery(callback):
    """Run `callback` when a Redis that failed answers again (in the process that saw it fail)."""
    if callback not in _recovery_callbacks:
        _recovery_callbacks.append(callback)
