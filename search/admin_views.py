"""Editors' reports on what readers search for: the most popular terms, and the terms that found nothing."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Exists, Max, OuterRef, Sum
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_filters import DateFromToRangeFilter
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from core.csv_export import SafeSpreadsheetExportMixin
from search import service
from search.models import HiddenSearchTerm, SearchTermDay

DEFAULT_DAYS = 30


class SearchTermFilterSet(WagtailFilterSet):
    date = DateFromToRangeFilter(label="Searched between", widget=DateRangePickerWidget)

    class Meta:
        model = SearchTermDay
        fields = []


class SearchTermReportView(SafeSpreadsheetExportMixin, ReportView):
    header_icon = "search"
    is_searchable = True
    search_fields = ["query_string"]
    filterset_class = SearchTermFilterSet
    permission_policy = ModelPermissionPolicy(SearchTermDay)
    permission_required = "view"
    list_export = ["query_string", "searches", "visitors", "empty_searches", "last_searched", "hidden"]
    export_headings = {
        "query_string": "Search term",
        "searches": "Searches",
        "visitors": "Visitors",
        "empty_searches": "Searches with no results",
        "last_searched": "Last searched",
        "hidden": "Hidden from readers",
    }

    def get_base_queryset(self):
        days = SearchTermDay.objects.all()
        if not any(name.startswith("date_") and value for name, value in self.request.GET.items()):
            # Without a chosen range, what readers want now: the last month.
            days = days.filter(date__gte=timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS))
        return days

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["queryset"] = self.get_base_queryset()
        return kwargs

    def get_queryset(self):
        # Filters and search narrow the daily rows; the totals are summed per term afterwards.
        return self.summarise(self.filter_queryset(self.get_base_queryset()))

    def get_filtered_queryset(self):
        return self.get_queryset()

    def filter_queryset(self, queryset):
        if self.filters and self.filters.is_valid():
            queryset = self.filters.filter_queryset(queryset)
        return self.search_queryset(queryset)

    def summarise(self, days):
        return days.values("query_string").annotate(
            searches=Sum("hits"),
            visitors=Sum("visitors"),
            empty_searches=Sum("no_result_hits"),
            last_searched=Max("date"),
            hidden=Exists(HiddenSearchTerm.objects.filter(query_string=OuterRef("query_string"))),
        )


class SearchTermColumn(Column):
    """The term as readers typed it: a long unbroken string wraps inside its column instead of stretching the table."""

    def __init__(self, name, **kwargs):
        super().__init__(name, classname="newsroom-breakable", **kwargs)


class SearchDayColumn(Column):
    """The day a term was last searched: "Today", "Yesterday" or the date.

    Only the day is stored (one row per term and day), so a relative time such
    as "6 hours ago" (midnight to now) would claim a precision the data lacks.
    """

    def get_value(self, instance):
        day = super().get_value(instance)
        if not day:
            return ""
        today = timezone.localdate()
        if day == today:
            return "Today"
        if day == today - datetime.timedelta(days=1):
            return "Yesterday"
        return f"{day:%-d %b %Y}"


class ReaderVisibilityColumn(BaseColumn):
    """Whether readers may be offered the term, with the button that hides it or shows it again."""

    cell_template_name = "search/admin/visibility_cell.html"

    def __init__(self, *args, report_url_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_url_name = report_url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        user = getattr(request, "user", None)
        context.update(
            {
                "query_string": instance["query_string"],
                "hidden": instance["hidden"],
                "can_hide": bool(user and user.has_perm("search.add_hiddensearchterm")),
                "can_show": bool(user and user.has_perm("search.delete_hiddensearchterm")),
                "action_url": reverse("search_reports:visibility"),
                "next_url": self.back_url(request),
                # Cells render outside the request's context, where {% csrf_token %} would be empty.
                "csrf_token": get_token(request) if request else "",
            }
        )
        return context

    def back_url(self, request):
        """The report as the editor sees it (filtering refreshes the results alone, from another URL)."""
        query = request.GET.urlencode() if request else ""
        return reverse(self.report_url_name) + (f"?{query}" if query else "")


class PopularSearchesView(SearchTermReportView):
    page_title = "Popular searches"
    index_url_name = "search_reports:popular"
    index_results_url_name = "search_reports:popular_results"
    columns = [
        SearchTermColumn("query_string", label="Search term"),
        NumberColumn("searches", label="Searches", sort_key="searches"),
        NumberColumn("visitors", label="Visitors", sort_key="visitors"),
        NumberColumn("empty_searches", label="With no results", sort_key="empty_searches"),
        SearchDayColumn("last_searched", label="Last searched", sort_key="last_searched"),
        ReaderVisibilityColumn("visibility", label="Hidden from readers", report_url_name="search_reports:popular"),
    ]
    default_ordering = "-searches"

    def summarise(self, days):
        return super().summarise(days).order_by("-searches", "query_string")


class NoResultSearchesView(SearchTermReportView):
    page_title = "Searches with no results"
    index_url_name = "search_reports:no_results"
    index_results_url_name = "search_reports:no_results_results"
    columns = [
        SearchTermColumn("query_string", label="Search term"),
        NumberColumn("empty_searches", label="Searches with no results", sort_key="empty_searches"),
        SearchDayColumn("last_searched", label="Last searched", sort_key="last_searched"),
    ]
    default_ordering = "-empty_searches"

    def summarise(self, days):
        return super().summarise(days.filter(no_result_hits__gt=0)).order_by("-empty_searches", "query_string")


class VisibilityForm(forms.Form):
    query_string = forms.CharField(max_length=255)
    hide = forms.TypedChoiceField(choices=[("1", "Hide"), ("0", "Show")], coerce=lambda value: value == "1")


class SearchTermVisibilityView(PermissionRequiredMixin, View):
    """POST: hide a term from the readers' "Popular searches" (on every day), or show it again."""

    def has_permission(self):
        user = self.request.user
        return user.has_perm("search.add_hiddensearchterm") or user.has_perm("search.delete_hiddensearchterm")

    def post(self, request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("search_reports:popular")
        form = VisibilityForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items())
            messages.error(request, f"Nothing changed: {errors}")
            return redirect(back)
        term, hide = form.cleaned_data["query_string"], form.cleaned_data["hide"]
        permission = "search.add_hiddensearchterm" if hide else "search.delete_hiddensearchterm"
        if not request.user.has_perm(permission):
            return self.handle_no_permission()
        if hide:
            HiddenSearchTerm.objects.get_or_create(query_string=term, defaults={"hidden_by": request.user})
            messages.success(request, f"“{term}” is no longer shown to readers as a popular search.")
        else:
            HiddenSearchTerm.objects.filter(query_string=term).delete()
            messages.success(request, f"“{term}” may be shown to readers again once enough visitors search it.")
        service.forget_popular_searches()
        return redirect(back)
