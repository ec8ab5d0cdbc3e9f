"""One counting pipeline for page views (trending) and ad impressions and clicks.

Hot path: `count(stream, key)` adds one to the current hourly bucket of a
stream. With Redis it is a single HINCRBY on `newsroom:ctr:<stream>:<hour>`
(plus a set of open buckets), and touches no database. Without Redis it
writes straight to the stream's sink in the database.

Roll-up: `flush(stream)` moves every closed bucket into the stream's sink
(a table the owning app defines), idempotently:

1. note a unique `...:flushing:<token>` name in a set of pending flushes,
   then RENAME the bucket to it (atomic: later increments start a fresh
   bucket). A worker killed between the two leaves a pending name with no
   key, which the next run drops, and the bucket still open, which it claims;
2. apply its counts to the sink and record `<token>` in FlushedBatch in the
   same database transaction;
3. delete the flushing key.

A worker killed after 1 leaves the flushing key for the next run (it is
discoverable in the pending set, never an orphan); killed
after 2, the token is already recorded so the counts are not applied again.
Nothing is lost and nothing is counted twice. The worker-kill tests prove it
with NEWSROOM_FLUSH_CRASH_AFTER (see `_crash_if_asked`).
"""

import contextlib
import datetime
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.circuit import circuit, redis_errors
from core.models import FlushedBatch

logger = logging.getLogger(__name__)

PREFIX = "newsroom:ctr"
# Buckets outlive any plausible worker outage, but not forever.
BUCKET_TTL = 7 * 24 * 3600
# A bucket is flushed once its hour has been over for this long, so requests
# still in flight at the top of the hour land in it first.
CLOSE_GRACE = datetime.timedelta(seconds=90)


@dataclass
class Stream:
    """A named counter stream and the function that adds a batch of counts to its table.

    `apply(rows)` receives [(hour, key_string, amount), ...] and must add (not
    overwrite) the amounts; it runs inside the flush transaction.
    """

    name: str
    apply: Callable


_streams = {}


def register(name, apply):
    _streams[name] = Stream(name, apply)
    return _streams[name]


def stream(name):
    try:
        return _streams[name]
    except KeyError:
        raise LookupError(f"unknown counter stream {name!r}; registered: {sorted(_streams)}") from None


_clients = {}


def redis_client():
    import redis

    client = _clients.get(settings.REDIS_URL)
    if client is None:
        # Short timeouts: a beacon waits on a dead or stalled Redis for a moment, not for minutes.
        client = _clients[settings.REDIS_URL] = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.NEWSROOM_REDIS_CONNECT_TIMEOUT,
            socket_timeout=settings.NEWSROOM_REDIS_COUNTER_TIMEOUT,
        )
    return client


class CountersUnavailable(Exception):
    """Redis is down: nothing can be counted or rate-limited right now."""


@contextlib.contextmanager
def guarded():
    """Run counting code so that a Redis outage raises CountersUnavailable at once, never a 500.

    Shares core.circuit's breaker with the caches: while it is open nothing
    waits on Redis. Without Redis (the database path) this does nothing.
    """
    if not settings.REDIS_URL:
        yield
        return
    breaker = circuit(settings.REDIS_URL)
    if not breaker.allows:
        raise CountersUnavailable("Redis is unavailable")
    try:
        if breaker.broken:
            redis_client().ping()
            breaker.succeeded()
        yield
    except redis_errors() as error:
        breaker.trip(error)
        raise CountersUnavailable(str(error)) from error


def hour_of(moment):
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def bucket_key(name, hour):
    return f"{PREFIX}:{name}:{hour:%Y%m%d%H}"


def open_set(name):
    return f"{PREFIX}:{name}:open"


def _pending_set(name):
    return f"{PREFIX}:{name}:flushing"


def count(name, key, amount=1, at=None):
    """Add `amount` to `key` (a string such as "42" or "7:3:click") in stream `name`."""
    hour = hour_of(at or timezone.now())
    if settings.REDIS_URL:
        bucket = bucket_key(name, hour)
        pipe = redis_client().pipeline(transaction=False)
        pipe.hincrby(bucket, key, amount)
        pipe.expire(bucket, BUCKET_TTL)
        pipe.sadd(open_set(name), bucket)
        pipe.execute()
    else:
        with transaction.atomic():
            stream(name).apply([(hour, key, amount)])


def _parse_hour(bucket_key):
    stamp = bucket_key.rsplit(":", 1)[-1]
    return datetime.datetime.strptime(stamp, "%Y%m%d%H").replace(tzinfo=datetime.UTC)


@dataclass
class FlushResult:
    buckets: int = 0
    entries: int = 0
    skipped_duplicates: int = 0


def flush(name, now=None, batch_size=100_000):
    """Move every closed bucket of stream `name` into its sink. Safe to run concurrently and after a crash."""
    result = FlushResult()
    if not settings.REDIS_URL:
        return result  # the database path has nothing buffered
    client = redis_client()
    now = now or timezone.now()
    current = hour_of(now - CLOSE_GRACE)
    # 1. Claim closed buckets: note the claimed name as pending first, then rename.
    # A crash between the two leaves a pending name with no key (dropped below)
    # and the bucket still open (claimed again next run): nothing is lost.
    for raw in client.smembers(open_set(name)):
        bucket = raw.decode()
        if _parse_hour(bucket) >= current:
            continue
        claimed = f"{bucket}:flushing:{uuid.uuid4().hex}"
        client.sadd(_pending_set(name), claimed)
        _crash_if_asked(name, "record")
        try:
            client.rename(bucket, claimed)
        except Exception as error:  # noqa: BLE001 - "no such key": already claimed or expired
            if "no such key" not in str(error).lower():
                raise
            pipe = client.pipeline()
            pipe.srem(_pending_set(name), claimed)
            pipe.srem(open_set(name), bucket)
            pipe.execute()
            continue
        client.srem(open_set(name), bucket)
    # 2. Apply every pending flush (including any a crashed worker left behind).
    for raw in client.smembers(_pending_set(name)):
        claimed = raw.decode()
        _crash_if_asked(name, "claim")
        if not client.exists(claimed):
            # Noted by a worker that died before its rename: the bucket is still open, or
            # was claimed again under another name above.
            client.srem(_pending_set(name), claimed)
            continue
        applied = _apply_claimed(name, claimed, batch_size)
        _crash_if_asked(name, "apply")
        if applied is None:
            result.skipped_duplicates += 1
        else:
            result.buckets += 1
            result.entries += applied
        # 3. The counts are safely in the database: drop the buffer.
        pipe = client.pipeline()
        pipe.delete(claimed)
        pipe.srem(_pending_set(name), claimed)
        pipe.execute()
    return result


CRASH_VARIABLE = "NEWSROOM_FLUSH_CRASH_AFTER"


def _crash_if_asked(name, point):
    """Fault injection for the worker-kill tests only: die like an OOM-killed worker would.

    NEWSROOM_FLUSH_CRASH_AFTER=record dies after noting a claim, before the
    rename; =claim dies after claiming a bucket, before its counts are
    applied; =apply dies after they are committed, before the buffer is
    dropped. "<stream>:<point>" limits it to one stream.
    """
    wanted = os.environ.get(CRASH_VARIABLE)
    if wanted and wanted in (point, f"{name}:{point}"):
        logger.warning("counter flush %s: crashing after %s as %s asks", name, point, CRASH_VARIABLE)
        logging.shutdown()
        os._exit(137)


def _apply_claimed(name, claimed, batch_size):
    token = claimed.rsplit(":", 1)[-1]
    hour = _parse_hour(claimed.split(":flushing:")[0])
    entries = redis_client().hgetall(claimed)
    with transaction.atomic():
        try:
            with transaction.atomic():
                FlushedBatch.objects.create(stream=name, token=token, hour=hour, entries=len(entries))
        except IntegrityError:
            # Committed before a crash stopped the clean-up, or by a concurrent flush.
            logger.info("counter flush %s:%s already applied; dropping its buffer", name, token)
            return None
        rows = [(hour, key.decode(), int(value)) for key, value in entries.items()]
        for start in range(0, len(rows), batch_size):
            stream(name).apply(rows[start : start + batch_size])
    return len(entries)


def pending(name):
    """Counts still buffered in Redis for `name`: {(hour, key): amount}. For tests and the editors' board."""
    if not settings.REDIS_URL:
        return {}
    client = redis_client()
    totals = {}
    keys = [raw.decode() for raw in client.smembers(open_set(name)) | client.smembers(_pending_set(name))]
    for bucket in keys:
        hour = _parse_hour(bucket.split(":flushing:")[0])
        for key, value in client.hgetall(bucket).items():
            totals[(hour, key.decode())] = totals.get((hour, key.decode()), 0) + int(value)
    return totals


def upsert_add(table, key_columns, value_column, rows):
    """INSERT rows, adding `value_column` onto existing rows with the same key (PostgreSQL and SQLite).

    `rows` are tuples in the order key_columns + (value_column,); rows with the
    same key are summed first (one statement may not touch a row twice). List
    key_columns in the order of the table's unique index: rows are written in
    that order.

    PostgreSQL: the rows are COPYed into a temporary table, then one
    INSERT ... SELECT sums them per key, in key order (neighbouring keys land
    on neighbouring index pages) and adds them on conflict. A 100,000-entry
    flush is one COPY and one statement, not twenty multi-row VALUES
    statements of 15,000 parameters each. SQLite: multi-row VALUES within its
    parameter limit.
    """
    from django.db import connection

    if not rows:
        return
    columns = [*key_columns, value_column]
    quote = connection.ops.quote_name
    target = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
    on_conflict = (
        f" ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) DO UPDATE SET "
        f"{quote(value_column)} = {quote(table)}.{quote(value_column)} + excluded.{quote(value_column)}"
    )
    if connection.vendor == "postgresql":
        _upsert_add_postgresql(connection, target, on_conflict, columns, rows)
        return
    totals = {}
    for *key, amount in rows:
        key = tuple(key)
        totals[key] = totals.get(key, 0) + amount
    _insert_values(connection, target, on_conflict, [(*key, amount) for key, amount in sorted(totals.items())])


def append_rows(table, columns, rows):
    """INSERT `rows` (tuples in the order of `columns`) as they are: one COPY on PostgreSQL.

    For sinks that are summed on read, where a flush must be cheap.
    """
    from django.db import connection

    if not rows:
        return
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        import psycopg

        with connection.cursor() as cursor, psycopg.Cursor(cursor.connection) as raw:
            with raw.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy:
                copy.write(_copy_text(rows))
        return
    _insert_values(connection, f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) ", "", rows)


def _insert_values(connection, target, suffix, rows):
    """Multi-row VALUES statements within the backend's parameter limit (SQLite)."""
    # Raw SQL skips the ORM's conversions; store datetimes exactly as the ORM
    # does, or SQLite's text comparisons would miss them.
    adapt = connection.ops.adapt_datetimefield_value
    width = len(rows[0])
    placeholders = "(" + ", ".join(["%s"] * width) + ")"
    per_statement = max(1, min(5000, (connection.features.max_query_params or 999) // width))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params = [adapt(v) if isinstance(v, datetime.datetime) else v for row in batch for v in row]
            cursor.execute(f"{target}VALUES {', '.join([placeholders] * len(batch))}{suffix}", params)


def _upsert_add_postgresql(connection, target, on_conflict, columns, rows):
    import psycopg

    quote = connection.ops.quote_name
    keys = ", ".join(quote(c) for c in columns[:-1])
    staging = "newsroom_upsert_rows"
    definition = ", ".join(f"{quote(c)} {_column_type(value)}" for c, value in zip(columns, rows[0], strict=True))
    # The staging table lives until the transaction ends: make sure there is one.
    with transaction.atomic(), connection.cursor() as cursor:
        # A server-binding cursor on Django's connection, so inside the caller's transaction.
        with psycopg.Cursor(cursor.connection) as raw:
            raw.execute(f"CREATE TEMPORARY TABLE {staging} ({definition}) ON COMMIT DROP")
            with raw.copy(f"COPY {staging} FROM STDIN") as copy:
                copy.write(_copy_text(rows))
            # Room to sum and sort 100,000 rows in memory rather than in temporary files.
            raw.execute("SET LOCAL work_mem = '64MB'")
            raw.execute(
                f"{target}SELECT {keys}, sum({quote(columns[-1])}) FROM {staging} "
                f"GROUP BY {keys} ORDER BY {keys}{on_conflict}"
            )
            raw.execute("RESET work_mem")
            raw.execute(f"DROP TABLE {staging}")


def _copy_text(rows):
    """`rows` in COPY's text format, built column by column (a bucket's rows share their hour)."""
    columns = []
    for column in zip(*rows, strict=True):
        first = column[0]
        if isinstance(first, bool):
            columns.append(["t" if value else "f" for value in column])
        elif isinstance(first, int | float):
            columns.append(list(map(str, column)))
        elif isinstance(first, datetime.date):  # and datetime: a few objects, repeated
            spelled = {id(value): value for value in column}
            spelled = {key: value.isoformat() for key, value in spelled.items()}
            columns.append(list(map(spelled.__getitem__, map(id, column))))
        else:
            table = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
            columns.append([str(value).translate(table) for value in column])
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def _column_type(value):
    """The PostgreSQL type for a column whose first value is `value`."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, datetime.datetime):
        return "timestamptz"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, float):
        return "double precision"
    return "text"
