from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search.admin_views import NoResultSearchesView, PopularSearchesView, SearchTermVisibilityView

report_urls = (
    [
        path("popular/", PopularSearchesView.as_view(), name="popular"),
        path("popular/results/", PopularSearchesView.as_view(results_only=True), name="popular_results"),
        path("no-results/", NoResultSearchesView.as_view(), name="no_results"),
        path("no-results/results/", NoResultSearchesView.as_view(results_only=True), name="no_results_results"),
        path("visibility/", SearchTermVisibilityView.as_view(), name="visibility"),
    ],
    "search_reports",
)


@hooks.register("register_admin_urls")
def register_search_report_urls():
    return [path("search-reports/", include(report_urls))]


class SearchReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("search.view_searchtermday")


@hooks.register("register_reports_menu_item")
def register_popular_searches_menu_item():
    return SearchReportMenuItem("Popular searches", reverse("search_reports:popular"), icon_name="search", order=1400)


@hooks.register("register_reports_menu_item")
def register_no_result_searches_menu_item():
    return SearchReportMenuItem(
        "Searches with no results", reverse("search_reports:no_results"), icon_name="warning", order=1401
    )


@hooks.register("register_permissions")
def register_search_report_permission():
    # Lets an administrator give a group the two reports, and the right to hide a term from readers.
    return Permission.objects.filter(
        content_type__app_label="search",
        codename__in=["view_searchtermday", "add_hiddensearchterm", "delete_hiddensearchterm"],
    )


@hooks.register("construct_reports_menu")
def hide_unused_search_terms_report(request, menu_items):
    # wagtail.contrib.search_promotions's own "Search terms" report reads hits
    # this site does not record there; the two reports above replace it.
    menu_items[:] = [item for item in menu_items if item.name != "search-terms"]
