"""Campaign reports: impressions, clicks and CTR per day and per slot, a chart, CSV; delivery alerts for the list.

Days are days in TIME_ZONE. Counts still buffered in Redis (the current hour,
not yet rolled up) are included, so today's numbers are live.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from ads import counting
from ads.models import AdDailyStat, Creative, Slot

# A campaign is flagged in the list this close to its end or its goal.
ENDING_SOON = datetime.timedelta(days=3)
GOAL_NEAR = 0.9
MAX_RANGE_DAYS = 400


def ctr(clicks, impressions):
    """Click-through rate in per cent, or None with no impressions."""
    return round(100 * clicks / impressions, 2) if impressions else None


def today():
    return timezone.localdate()


def default_range(campaign):
    start = timezone.localtime(campaign.starts_at).date()
    end = min(timezone.localtime(campaign.ends_at - datetime.timedelta(microseconds=1)).date(), today())
    return start, max(start, end)


def delivered_subqueries():
    """Annotations for a Campaign queryset: impressions and clicks rolled up so far."""

    def total(column):
        return Subquery(
            AdDailyStat.objects.filter(campaign_id=OuterRef("pk"))
            .order_by()
            .values("campaign_id")
            .annotate(total=Sum(column))
            .values("total")[:1]
        )

    return {"delivered_impressions": total("impressions"), "delivered_clicks": total("clicks")}


def attention(campaign, delivered, now=None):
    """Why an ad manager should look at this campaign now ("" when nothing): ending soon, goal near or reached."""
    now = now or timezone.now()
    notes = []
    goal = campaign.impression_goal
    if goal:
        share = (delivered or 0) / goal
        if share >= 1:
            notes.append("Goal reached")
        elif share >= GOAL_NEAR:
            notes.append(f"{share:.0%} of goal")
    if campaign.status == campaign.ACTIVE and campaign.starts_at <= now < campaign.ends_at:
        left = campaign.ends_at - now
        if left <= ENDING_SOON:
            hours = int(left.total_seconds() // 3600)
            notes.append(f"Ends in {hours} h" if hours < 48 else f"Ends in {left.days} days")
    return "; ".join(notes)


@dataclass
class Report:
    campaign: object
    start: datetime.date
    end: datetime.date
    days: list = field(default_factory=list)
    slots: list = field(default_factory=list)
    creatives: list = field(default_factory=list)
    detail: list = field(default_factory=list)
    impressions: int = 0
    clicks: int = 0
    lifetime_impressions: int = 0
    includes_pending: bool = False
    # Past the per-address caps: shown apart, in no other figure.
    invalid_impressions: int = 0
    invalid_clicks: int = 0

    @property
    def ctr(self):
        return ctr(self.clicks, self.impressions)

    @property
    def goal_share(self):
        goal = self.campaign.impression_goal
        return min(100, round(100 * self.lifetime_impressions / goal, 1)) if goal else None


def campaign_report(campaign, start, end):
    counts = defaultdict(lambda: [0, 0])  # (date, slot_id, creative_id) -> [impressions, clicks]
    invalid = {counting.INVALID_IMPRESSION: 0, counting.INVALID_CLICK: 0}
    for row in AdDailyStat.objects.filter(campaign_id=campaign.pk, date__gte=start, date__lte=end).values_list(
        "date", "slot_id", "creative_id", "impressions", "clicks", "invalid_impressions", "invalid_clicks"
    ):
        cell = counts[row[:3]]
        cell[0] += row[3]
        cell[1] += row[4]
        invalid[counting.INVALID_IMPRESSION] += row[5]
        invalid[counting.INVALID_CLICK] += row[6]
    lifetime = AdDailyStat.objects.filter(campaign_id=campaign.pk).aggregate(total=Sum("impressions"))["total"] or 0

    own_creatives = set(campaign.creatives.values_list("pk", flat=True))
    buffered = counting.pending()
    for (day, creative_id, slot_id, kind), amount in buffered.items():
        if creative_id not in own_creatives:
            continue
        if kind in invalid:
            if start <= day <= end:
                invalid[kind] += amount
            continue
        if kind == counting.IMPRESSION:
            lifetime += amount
        if start <= day <= end:
            counts[(day, slot_id, creative_id)][0 if kind == counting.IMPRESSION else 1] += amount

    slot_names = dict(Slot.objects.values_list("pk", "name"))
    creative_names = dict(Creative.objects.filter(pk__in={key[2] for key in counts}).values_list("pk", "name"))
    by_day = defaultdict(lambda: [0, 0])
    by_slot = defaultdict(lambda: [0, 0])
    by_creative = defaultdict(lambda: [0, 0])
    detail = []
    for (day, slot_id, creative_id), (impressions, clicks) in sorted(counts.items()):
        for bucket, key in ((by_day, day), (by_slot, slot_id), (by_creative, creative_id)):
            bucket[key][0] += impressions
            bucket[key][1] += clicks
        detail.append(
            {
                "date": day,
                "slot": slot_names.get(slot_id, f"slot {slot_id}"),
                "creative": creative_names.get(creative_id, f"deleted creative {creative_id}"),
                "impressions": impressions,
                "clicks": clicks,
                "ctr": ctr(clicks, impressions),
            }
        )
    days = []
    day = start
    while day <= end:
        impressions, clicks = by_day.get(day, (0, 0))
        days.append({"date": day, "impressions": impressions, "clicks": clicks, "ctr": ctr(clicks, impressions)})
        day += datetime.timedelta(days=1)

    def rows(bucket, names, missing):
        return sorted(
            (
                {
                    "name": names.get(key, f"{missing} {key}"),
                    "impressions": impressions,
                    "clicks": clicks,
                    "ctr": ctr(clicks, impressions),
                }
                for key, (impressions, clicks) in bucket.items()
            ),
            key=lambda row: (-row["impressions"], row["name"]),
        )

    return Report(
        campaign=campaign,
        start=start,
        end=end,
        days=days,
        slots=rows(by_slot, slot_names, "slot"),
        creatives=rows(by_creative, creative_names, "deleted creative"),
        detail=detail,
        impressions=sum(row["impressions"] for row in days),
        clicks=sum(row["clicks"] for row in days),
        lifetime_impressions=lifetime,
        includes_pending=bool(settings.REDIS_URL),
        invalid_impressions=invalid[counting.INVALID_IMPRESSION],
        invalid_clicks=invalid[counting.INVALID_CLICK],
    )


def chart(days, width=720, height=200, padding=28):
    """An SVG-ready description of daily impressions (bars) and clicks (line, its own scale)."""
    if not days:
        return None
    plot_height = height - padding
    peak_impressions = max(row["impressions"] for row in days) or 1
    peak_clicks = max(row["clicks"] for row in days) or 1
    step = width / len(days)
    bars, points = [], []
    for index, row in enumerate(days):
        bar_height = plot_height * row["impressions"] / peak_impressions
        x = index * step
        bars.append(
            {
                "x": round(x + step * 0.15, 1),
                "y": round(plot_height - bar_height, 1),
                "width": round(max(step * 0.7, 1), 1),
                "height": round(bar_height, 1),
                "label": f"{row['date']:%d %b}: {row['impressions']} impressions, {row['clicks']} clicks",
            }
        )
        points.append(f"{x + step / 2:.1f},{plot_height - plot_height * row['clicks'] / peak_clicks:.1f}")
    label_every = max(1, len(days) // 8)
    labels = [
        {"x": round(index * step + step / 2, 1), "text": f"{row['date']:%d %b}"}
        for index, row in enumerate(days)
        if index % label_every == 0
    ]
    return {
        "width": width,
        "height": height,
        "baseline": plot_height,
        "bars": bars,
        "points": " ".join(points),
        "labels": labels,
        "peak_impressions": peak_impressions,
        "peak_clicks": peak_clicks,
    }


def report_rows(report):
    """The report as spreadsheet rows: one per day and slot, then the totals."""
    rows = [["date", "slot", "creative", "impressions", "clicks", "ctr_percent"]]
    for row in report.detail:
        ctr = "" if row["ctr"] is None else f"{row['ctr']:.2f}"
        rows.append([row["date"].isoformat(), row["slot"], row["creative"], row["impressions"], row["clicks"], ctr])
    rows.append(["total", "", "", report.impressions, report.clicks, "" if report.ctr is None else f"{report.ctr:.2f}"])
    return rows
