"""Editors' reports on what readers search for: the most popular terms, and the terms that found nothing."""

import datetime

from django.db.models import Max, Sum
from django.utils import timezone
from django_filters import DateFromToRangeFilter
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from core.csv_export import SafeSpreadsheetExportMixin
from search.models import SearchTermDay

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
    list_export = ["query_string", "searches", "empty_searches", "last_searched"]
    export_headings = {
        "query_string": "Search term",
        "searches": "Searches",
        "empty_searches": "Searches with no results",
        "last_searched": "Last searched",
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
            searches=Sum("hits"), empty_searches=Sum("no_result_hits"), last_searched=Max("date")
        )


class PopularSearchesView(SearchTermReportView):
    page_title = "Popular searches"
    index_url_name = "search_reports:popular"
    index_results_url_name = "search_reports:popular_results"
    columns = [
        Column("query_string", label="Search term"),
        NumberColumn("searches", label="Searches", sort_key="searches"),
        NumberColumn("empty_searches", label="With no results", sort_key="empty_searches"),
        DateColumn("last_searched", label="Last searched", sort_key="last_searched"),
    ]
    default_ordering = "-searches"

    def summarise(self, days):
        return super().summarise(days).order_by("-searches", "query_string")


class NoResultSearchesView(SearchTermReportView):
    page_title = "Searches with no results"
    index_url_name = "search_reports:no_results"
    index_results_url_name = "search_reports:no_results_results"
    columns = [
        Column("query_string", label="Search term"),
        NumberColumn("empty_searches", label="Searches with no results", sort_key="empty_searches"),
        DateColumn("last_searched", label="Last searched", sort_key="last_searched"),
    ]
    default_ordering = "-empty_searches"

    def summarise(self, days):
        return super().summarise(days.filter(no_result_hits__gt=0)).order_by("-empty_searches", "query_string")
