"""Ad impressions and clicks through the shared counter pipeline (stream "ads").

The endpoints count through core.marks.count_once, which adds one to the
hourly bucket of key "<creative_id>:<slot_id>:<i|c>", or of
"invalid:<creative_id>:<slot_id>:<i|c>" past an address's hourly cap (Redis;
without Redis straight into the table). `rollup()` moves closed buckets into AdDailyStat, one row per day (in
TIME_ZONE), campaign, creative and slot; the pipeline makes it idempotent.
"""

import logging
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import connection

from ads.models import AdDailyStat, Creative
from core import counters, marks

logger = logging.getLogger(__name__)

STREAM = "ads"
IMPRESSION = "i"
CLICK = "c"
# Past an address's hourly cap (core.marks) counts are invalid traffic: kept, but apart.
INVALID_IMPRESSION = marks.invalid_key(IMPRESSION)
INVALID_CLICK = marks.invalid_key(CLICK)
COLUMNS = {
    IMPRESSION: "impressions",
    CLICK: "clicks",
    INVALID_IMPRESSION: "invalid_impressions",
    INVALID_CLICK: "invalid_clicks",
}


def counter_key(creative_id, slot_id, kind):
    return f"{int(creative_id)}:{int(slot_id)}:{kind}"


def parse_key(key):
    """(creative_id, slot_id, kind) or None for a key this module did not write.

    Invalid traffic, "invalid:<creative>:<slot>:<i|c>", has kind "invalid:i" or "invalid:c".
    """
    prefix = marks.invalid_key("")
    if key.startswith(prefix):
        fields = parse_key(key[len(prefix) :])
        if fields is None or fields[2] not in (IMPRESSION, CLICK):
            return None
        return fields[0], fields[1], marks.invalid_key(fields[2])
    parts = key.split(":")
    if len(parts) != 3 or parts[2] not in COLUMNS or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def local_date(hour):
    return hour.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def _apply(rows):
    """Add a batch of (hour, key, amount) to AdDailyStat; runs inside the flush transaction."""
    parsed = []
    for hour, key, amount in rows:
        fields = parse_key(key)
        if fields is None:
            logger.warning("ads counter: ignoring malformed key %r (%s)", key, amount)
            continue
        parsed.append((hour, *fields, amount))
    if not parsed:
        return
    # The campaign as it is now: a creative moved to another campaign counts there from then on.
    campaign_of = dict(Creative.objects.filter(pk__in={row[1] for row in parsed}).values_list("pk", "campaign_id"))
    totals = {kind: defaultdict(int) for kind in COLUMNS}
    for hour, creative_id, slot_id, kind, amount in parsed:
        totals[kind][(local_date(hour), campaign_of.get(creative_id, 0), creative_id, slot_id)] += amount
    # Raw SQL skips the ORM's conversions: store dates exactly as the ORM does.
    adapt = connection.ops.adapt_datefield_value
    for kind, sums in totals.items():
        counters.upsert_add(
            AdDailyStat._meta.db_table,
            ["date", "campaign_id", "creative_id", "slot_id"],
            COLUMNS[kind],
            [(adapt(day), *ids, amount) for (day, *ids), amount in sorted(sums.items())],
        )


counters.register(STREAM, _apply)


def rollup(now=None):
    return counters.flush(STREAM, now=now)


def pending():
    """{(local date, creative_id, slot_id, kind): amount} buffered in Redis and not yet rolled up."""
    totals = defaultdict(int)
    for (hour, key), amount in counters.pending(STREAM).items():
        fields = parse_key(key)
        if fields is not None:
            totals[(local_date(hour), *fields)] += amount
    return dict(totals)
