from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from news.admin_views import ArticleListingViewSet
from news.models import Author, SectionPage


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


@hooks.register("before_create_page")
def only_editors_add_sections(request, parent_page, page_class):
    """A new section changes the paper's structure and menus: it takes the "add section page" permission.

    Reporters may add pages anywhere under the home page (their stories), but
    Wagtail's page permissions are per tree, not per page type.
    """
    if issubclass(page_class, SectionPage) and not request.user.has_perm("news.add_sectionpage"):
        messages.error(request, "Only editors can add sections. Ask the desk to create it.")
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None
