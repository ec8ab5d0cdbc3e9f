"""Short-lived counting marks ("seen this reader", rate-limit windows, per-address caps) and `count_once`.

On Redis they are keys with a TTL in the durable Redis (REDIS_URL, never
evicted). Without Redis (the embedded default) they are rows of
core.CounterMark, written with one upsert each: the database cache is no
place for them, because it culls entries to make room and a client that
churns it resets every limit. Expired rows are deleted by `purge_expired`,
which Celery beat runs every few minutes.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import counters
from core.counters import redis_client
from core.models import CounterMark

_TABLE = CounterMark._meta.db_table

LIMITED = "limited"  # over the per-minute rate limit: answer 429
IGNORED = "ignored"  # not countable (a bot, a prefetch): answered, counted nowhere
SEEN = "seen"  # this reader was already counted for this within the window
COUNTED = "counted"
INVALID = "invalid"  # over the per-address cap: counted as invalid traffic, kept out of rankings and reports
OUTCOMES = {-1: LIMITED, 0: IGNORED, 1: COUNTED, 2: INVALID, 3: SEEN}


def _sql():
    quote = connection.ops.quote_name
    return quote(_TABLE), quote("key"), quote("hits"), quote("expires_at")


def _moment(value):
    return connection.ops.adapt_datetimefield_value(value)


def add(key, ttl):
    """True the first time `key` is seen within `ttl` seconds."""
    if settings.REDIS_URL:
        return bool(redis_client().set(key, 1, nx=True, ex=ttl))
    table, key_column, hits, expires = _sql()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {hits}, {expires}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET {hits} = 1, {expires} = excluded.{expires} "
            f"WHERE {table}.{expires} <= %s",
            [key, _moment(now + datetime.timedelta(seconds=ttl)), _moment(now)],
        )
        return cursor.rowcount > 0


def incr(key, ttl):
    """Add one to the window `key`, which starts at its first hit and lasts `ttl` seconds; the new total."""
    if settings.REDIS_URL:
        pipe = redis_client().pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, ttl, nx=True)
        return pipe.execute()[0]
    table, key_column, hits, expires = _sql()
    now = timezone.now()
    expired = f"{table}.{expires} <= %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {hits}, {expires}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{hits} = CASE WHEN {expired} THEN 1 ELSE {table}.{hits} + 1 END, "
            f"{expires} = CASE WHEN {expired} THEN excluded.{expires} ELSE {table}.{expires} END "
            f"RETURNING {hits}",
            [key, _moment(now + datetime.timedelta(seconds=ttl)), _moment(now), _moment(now)],
        )
        return cursor.fetchone()[0]


def purge_expired(now=None):
    """Delete the expired marks (the database path only); how many."""
    if settings.REDIS_URL:
        return 0
    return CounterMark.objects.filter(expires_at__lte=now or timezone.now()).delete()[0]


@dataclass(frozen=True)
class Reader:
    """What `count_once` needs to know about one request, built by core.beacon.

    `seen_key` is None for a request that is not countable (bot, prefetch);
    `cap_key` counts this address's countable requests for one thing in one
    hour, and past `cap` they are invalid traffic.
    """

    rate_key: str
    rate_limit: int
    seen_key: str | None
    seen_ttl: int
    cap_key: str
    cap: int


RATE_TTL = 120
CAP_TTL = 3600 + 300

# The whole decision and the count in one atomic Redis round trip (the beacons' hot path).
# KEYS: rate window, seen marker ("" when not countable), cap window, bucket, open set;
# ARGV: rate limit, seen TTL, field, invalid field, amount, bucket TTL, cap, cap TTL, rate TTL.
_COUNT_ONCE = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[9])) end
if hits > tonumber(ARGV[1]) then return -1 end
if KEYS[2] == '' then return 0 end
if not redis.call('SET', KEYS[2], 1, 'NX', 'EX', tonumber(ARGV[2])) then return 3 end
local field, outcome = ARGV[3], 1
local capped = redis.call('INCR', KEYS[3])
if capped == 1 then redis.call('EXPIRE', KEYS[3], tonumber(ARGV[8])) end
if capped > tonumber(ARGV[7]) then field, outcome = ARGV[4], 2 end
redis.call('HINCRBY', KEYS[4], field, tonumber(ARGV[5]))
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[6]))
redis.call('SADD', KEYS[5], KEYS[4])
return outcome
"""


def invalid_key(key):
    """The counter key under which invalid traffic for `key` is kept (see the streams' sinks)."""
    return f"invalid:{key}"


def count_once(name, key, reader, amount=1):
    """Rate-limit, deduplicate, cap and count `key` in stream `name`, atomically; one of the outcomes above.

    Redis: one Lua script, one round trip. Database: one transaction of
    three upserts and the count.
    """
    if settings.REDIS_URL:
        client = redis_client()
        script = getattr(count_once, "_script", None)
        if script is None:
            script = count_once._script = client.register_script(_COUNT_ONCE)
        bucket = counters.bucket_key(name, counters.hour_of(timezone.now()))
        outcome = script(
            keys=[reader.rate_key, reader.seen_key or "", reader.cap_key, bucket, counters.open_set(name)],
            args=[
                reader.rate_limit,
                reader.seen_ttl,
                key,
                invalid_key(key),
                amount,
                counters.BUCKET_TTL,
                reader.cap,
                CAP_TTL,
                RATE_TTL,
            ],
            client=client,
        )
        return OUTCOMES[int(outcome)]
    with transaction.atomic():
        if incr(reader.rate_key, RATE_TTL) > reader.rate_limit:
            return LIMITED
        if reader.seen_key is None:
            return IGNORED
        if not add(reader.seen_key, reader.seen_ttl):
            return SEEN
        if incr(reader.cap_key, CAP_TTL) > reader.cap:
            counters.count(name, invalid_key(key), amount)
            return INVALID
        counters.count(name, key, amount)
        return COUNTED
