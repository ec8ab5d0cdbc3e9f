"""The "Articles" listing in the admin: the news desk's view of every story."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast
from django.forms import CheckboxSelectMultiple
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn, ParentPageColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Revision, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from news.models import ArticleKind, ArticlePage, Author, SectionPage

STATUS_CHOICES = [
    ("live", "Live"),
    ("draft", "Draft (never published)"),
    ("unpublished", "Unpublished (was live)"),
    ("changed", "Live with unpublished changes"),
    ("scheduled", "Scheduled"),
    ("in_moderation", "In moderation"),
]


def _scheduled_revisions():
    return Revision.page_revisions.filter(
        approved_go_live_at__isnull=False, object_id=Cast(OuterRef("pk"), output_field=CharField())
    )


class ArticleFilterSet(PageFilterSet):
    section = django_filters.ModelChoiceFilter(
        label="Section",
        queryset=SectionPage.objects.order_by("path"),
        method="filter_section",
        empty_label="All sections",
    )
    author = django_filters.ModelMultipleChoiceFilter(
        label="Author",
        queryset=Author.objects.all(),
        field_name="article_authors__author",
        distinct=True,
        widget=CheckboxSelectMultiple,
    )
    kind = django_filters.MultipleChoiceFilter(label="Kind", choices=ArticleKind.choices, widget=CheckboxSelectMultiple)
    status = django_filters.ChoiceFilter(label="Status", choices=STATUS_CHOICES, method="filter_status")
    mine = django_filters.BooleanFilter(
        label="My drafts",
        method="filter_mine",
        widget=django_filters.widgets.BooleanWidget(),
        help_text="Stories I started or last edited that have changes not yet live.",
    )

    class Meta:
        model = ArticlePage
        fields = []

    def filter_section(self, queryset, name, value):
        # A section's stories include those of its subsections (More → Africa).
        return queryset.filter(path__startswith=value.path, depth__gt=value.depth) if value else queryset

    def filter_status(self, queryset, name, value):
        if value == "live":
            return queryset.filter(live=True)
        if value == "draft":
            return queryset.filter(live=False, first_published_at__isnull=True)
        if value == "unpublished":
            return queryset.filter(live=False, first_published_at__isnull=False)
        if value == "changed":
            return queryset.filter(live=True, has_unpublished_changes=True)
        if value == "scheduled":
            return queryset.filter(Exists(_scheduled_revisions()))
        if value == "in_moderation":
            in_progress = WorkflowState.objects.filter(
                status=WorkflowState.STATUS_IN_PROGRESS,
                base_content_type_id=OuterRef("content_type_id"),
                object_id=Cast(OuterRef("pk"), output_field=CharField()),
            )
            return queryset.filter(Q(Exists(in_progress)))
        return queryset

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(Q(owner=user) | Q(latest_revision__user=user)).filter(
            Q(live=False) | Q(has_unpublished_changes=True)
        )


class ArticleStatusColumn(PageStatusColumn):
    """Wagtail's status, except that a story taken down after going live says "unpublished", not "draft";
    under it, when the scheduled revision goes live or the page expires, in the editor's time zone."""

    cell_template_name = "news/admin/article_status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        status = instance.status_string
        if not instance.live and instance.first_published_at and status == "draft":
            status = "unpublished"
        context["status_label"] = status
        go_live = getattr(instance, "_scheduled_at", None)
        context["schedule"] = ("Goes live", go_live) if go_live else ("Expires", instance.expire_at)
        return context


class LastEditedColumn(Column):
    """Who saved the latest revision, and when (annotated on the listing: no query per row)."""

    cell_template_name = "news/admin/last_edited_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        full_name = f"{instance._last_editor_first_name or ''} {instance._last_editor_last_name or ''}".strip()
        context["editor"] = full_name or instance._last_editor_username or ""
        context["edited_at"] = instance._last_edited_at
        return context


class AuthorsColumn(Column):
    def get_value(self, instance):
        return ", ".join(link.author.name for link in instance.article_authors.all())


class ArticleIndexView(IndexView):
    def get_base_queryset(self):
        scheduled_at = _scheduled_revisions().order_by("approved_go_live_at").values("approved_go_live_at")[:1]
        return (
            super()
            .get_base_queryset()
            .annotate(
                _scheduled_at=scheduled_at,
                # Annotations, not select_related: Wagtail's listing re-fetches pages with .specific(),
                # which keeps annotations but drops joins (one query per row).
                _last_edited_at=F("latest_revision__created_at"),
                _last_editor_username=F(f"latest_revision__user__{get_user_model().USERNAME_FIELD}"),
                _last_editor_first_name=F("latest_revision__user__first_name"),
                _last_editor_last_name=F("latest_revision__user__last_name"),
            )
            .prefetch_related("article_authors__author")
        )


class ArticlesMenuItem(MenuItem):
    """Shown only to those who can add, edit or publish pages: an Ad manager would meet a 403 behind it."""

    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change", "publish"])


class ArticleListingViewSet(PageListingViewSet):
    model = ArticlePage
    index_view_class = ArticleIndexView
    icon = "doc-full-inverse"
    menu_label = "Articles"
    menu_order = 101
    add_to_admin_menu = True
    name = "articles"
    menu_item_class = ArticlesMenuItem
    filterset_class = ArticleFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label="Headline", sort_key="title", classname="title newsroom-headline"),
        ParentPageColumn("parent", label="Section"),
        AuthorsColumn("authors", label="Authors"),
        Column("kind", label="Kind", accessor="get_kind_display", sort_key="kind"),
        ArticleStatusColumn("status", label="Status", sort_key="live"),
        LastEditedColumn("last_edited", label="Last edited by", sort_key="latest_revision__created_at"),
        DateColumn("display_date", label="Date", sort_key="display_date"),
    ]
