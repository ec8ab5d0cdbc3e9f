from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from news.admin_views import ArticleListingViewSet
from news.models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    menu_order = 102
    add_to_admin_menu = True
    list_display = ["name", "role", "slug"]
    ordering = ["name"]


register_snippet(AuthorViewSet)


@hooks.register("register_admin_viewset")
def register_article_listing():
    return ArticleListingViewSet()


@hooks.register("register_admin_urls")
def register_trending_urls():
    from django.urls import path

    from news.admin_trending import OverrideCreateView, OverrideDeleteView, TrendingBoardView

    return [
        path("trending/", TrendingBoardView.as_view(), name="trending_board"),
        path("trending/overrides/", OverrideCreateView.as_view(), name="trending_override_create"),
        path("trending/overrides/<int:pk>/delete/", OverrideDeleteView.as_view(), name="trending_override_delete"),
    ]


class TrendingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("news.add_trendingoverride")


@hooks.register("register_admin_menu_item")
def register_trending_menu_item():
    return TrendingMenuItem("Trending", reverse("trending_board"), icon_name="pick", order=104)
