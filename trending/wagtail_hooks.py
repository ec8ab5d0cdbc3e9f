from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from trending.admin_views import OverrideCreateView, OverrideDeleteView, TrendingBoardView


@hooks.register("register_admin_urls")
def register_trending_urls():
    return [
        path("trending/", TrendingBoardView.as_view(), name="trending_board"),
        path("trending/overrides/", OverrideCreateView.as_view(), name="trending_override_create"),
        path("trending/overrides/<int:pk>/delete/", OverrideDeleteView.as_view(), name="trending_override_delete"),
    ]


class TrendingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("trending.add_trendingoverride")


@hooks.register("register_admin_menu_item")
def register_trending_menu_item():
    return TrendingMenuItem("Trending", reverse("trending_board"), icon_name="pick", order=104)
