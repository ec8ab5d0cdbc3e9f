from wagtail import hooks
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
