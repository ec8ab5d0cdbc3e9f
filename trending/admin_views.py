"""The editors' trending board: the live ranking, its numbers, and pin/ban controls."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from news.models import ArticlePage
from trending import counting, ranking
from trending.models import TrendingList, TrendingOverride


def sparkline_points(series, width=120, height=24):
    """SVG polyline points for hourly views, oldest on the left."""
    if not series:
        return ""
    peak = max(series) or 1
    step = width / max(1, len(series) - 1)
    return " ".join(
        f"{i * step:.1f},{height - (value / peak) * (height - 2) - 1:.1f}" for i, value in enumerate(series)
    )


class OverrideForm(forms.Form):
    # Bounded: a page id past PostgreSQL's integer range would be a database error, not "no such story".
    article = forms.IntegerField(widget=forms.HiddenInput, max_value=2**31 - 1)
    action = forms.ChoiceField(choices=[(TrendingOverride.PIN, "Pin"), (TrendingOverride.BAN, "Ban")])
    position = forms.IntegerField(min_value=1, max_value=20, required=False)
    hours = forms.IntegerField(min_value=1, max_value=24 * 14, initial=6, label="For (hours)")

    def clean(self):
        data = super().clean()
        if data.get("action") == TrendingOverride.PIN and not data.get("position"):
            self.add_error("position", "Choose the position to pin this story at.")
        article_id = data.get("article")
        if article_id is not None:
            story = ArticlePage.objects.filter(pk=article_id).first()
            if story is None:
                self.add_error("article", "That story no longer exists.")
            elif not story.live:
                message = f"“{story.title}” is not live: only published stories can be pinned or banned."
                self.add_error("article", message)
        return data


# How many stories a search on the board lists: enough to find one, few enough to read.
FIND_LIMIT = 20


def find_live_stories(query, limit=FIND_LIMIT):
    """Live stories whose headline holds every word of `query`, newest first.

    A plain headline match rather than the readers' search engine: editors
    look for a story they know by its headline, and it must work the same
    on every search backend, with the index a few seconds behind or down.
    """
    words = query.split()[:8]
    if not words:
        return []
    stories = ArticlePage.objects.live()
    for word in words:
        stories = stories.filter(title__icontains=word)
    return list(stories.order_by("-first_published_at")[:limit])


class TrendingBoardView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = "trending.add_trendingoverride"
    template_name = "trending/admin/trending_board.html"
    page_title = "Trending board"
    header_icon = "pick"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": "Home"},
        {"url": "", "label": "Trending board"},
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stored = TrendingList.objects.filter(scope="site").first()
        items = stored.items if stored else []
        ids = [item["article"] for item in items]
        pages = ArticlePage.objects.filter(pk__in=ids).in_bulk()
        series = counting.recent_views(ids)
        rows = []
        for position, item in enumerate(items, start=1):
            hourly = series.get(item["article"], [0] * 24)
            rows.append(
                {
                    "position": position,
                    "page": pages.get(item["article"]),
                    "article_id": item["article"],
                    "score": item["score"],
                    "pinned": item.get("pinned", False),
                    "views_1h": hourly[-1],
                    "views_6h": sum(hourly[-6:]),
                    "views_24h": sum(hourly),
                    "sparkline": sparkline_points(hourly),
                    "form": OverrideForm(initial={"article": item["article"], "position": position}),
                }
            )
        query = self.request.GET.get("q", "").strip()[:200]
        chosen = self.request.GET.get("article", "")
        found = find_live_stories(query) if query else []
        if chosen.isdigit() and int(chosen) < 2**31:
            found = [*ArticlePage.objects.live().filter(pk=int(chosen)), *found]
        context.update(
            {
                "query": query,
                "found": [
                    {"page": page, "form": OverrideForm(initial={"article": page.pk, "position": 1})} for page in found
                ],
                "find_limit": FIND_LIMIT,
                "rows": rows,
                "computed_at": stored.computed_at if stored else None,
                "overrides": TrendingOverride.objects.filter(expires_at__gt=timezone.now()).select_related("article"),
                "half_life": settings.NEWSROOM_TRENDING_HALF_LIFE_HOURS,
            }
        )
        return context


class OverrideCreateView(PermissionRequiredMixin, View):
    permission_required = "trending.add_trendingoverride"

    def post(self, request):
        form = OverrideForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items())
            messages.error(request, f"Could not save: {errors}")
            return redirect("trending_board")
        data = form.cleaned_data
        override = TrendingOverride.objects.create(
            article_id=data["article"],
            action=data["action"],
            position=data["position"] if data["action"] == TrendingOverride.PIN else None,
            expires_at=timezone.now() + datetime.timedelta(hours=data["hours"]),
            created_by=request.user,
        )
        # Apply at once rather than at the next five-minute recompute.
        ranking.recompute_trending()
        messages.success(request, f"{override}. The lists were recomputed.")
        return redirect("trending_board")


class OverrideDeleteView(PermissionRequiredMixin, View):
    permission_required = "trending.delete_trendingoverride"

    def post(self, request, pk):
        override = get_object_or_404(TrendingOverride, pk=pk)
        override.delete()
        ranking.recompute_trending()
        messages.success(request, f"Removed: {override}.")
        return redirect(reverse("trending_board"))
