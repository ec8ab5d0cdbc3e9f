from django.urls import path, reverse
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from news.models import ArticlePage
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


@hooks.register("register_page_header_buttons")
def pin_from_the_editor(page, user, view_name, next_url=None):
    """ "Pin or ban in Trending" in a live story's "…" menu: opens the board with that story ready to pin."""
    is_story = issubclass(page.specific_class or type(page), ArticlePage)
    if is_story and page.live and user.has_perm("trending.add_trendingoverride"):
        url = reverse("trending_board") + "?" + urlencode({"article": page.pk})
        yield Button("Pin or ban in Trending", url, icon_name="pick", priority=90)
