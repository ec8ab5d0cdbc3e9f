"""Per-process copies of values that are costly to fetch and rarely change.

Each copy is kept for as long as its generation holds (the fragment
generation, a catalogue's build stamp: whatever the caller says the value was
built from) and for at most `ttl` seconds; the whole cache is dropped when it
grows past `max_entries`. Values are shared by every thread of the process,
so they must not be mutated by their readers.
"""

import time

_MISSING = object()


class ProcessCache:
    def __init__(self, name, *, ttl=None, max_entries=1000):
        self.name = name
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries = {}

    def get_or_build(self, key, build, generation=None):
        """The value kept for `key` under `generation`, else `build()`, kept for next time."""
        value = self.get(key, generation)
        if value is _MISSING:
            value = build()
            self.set(key, value, generation)
        return value

    def get(self, key, generation=None, default=_MISSING):
        entry = self._entries.get(key)
        if entry is None:
            return default
        kept_generation, expires_at, value = entry
        if kept_generation != generation or (expires_at is not None and expires_at < time.monotonic()):
            return default
        return value

    def set(self, key, value, generation=None):
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        expires_at = time.monotonic() + self.ttl if self.ttl is not None else None
        self._entries[key] = (generation, expires_at, value)

    def clear(self):
        self._entries.clear()
