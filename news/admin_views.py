"""The "Articles" listing in the admin: the news desk's view of every story."""

import django_filters
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.forms import CheckboxSelectMultiple
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn, ParentPageColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Revision, WorkflowState

from news.models import ArticleKind, ArticlePage, Author, SectionPage

STATUS_CHOICES = [
    ("live", "Live"),
    ("draft", "Draft (never published)"),
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


class AuthorsColumn(Column):
    def get_value(self, instance):
        return ", ".join(link.author.name for link in instance.article_authors.all())


class ScheduledColumn(DateColumn):
    """When the scheduled revision goes live (or the page expires), in the editor's time zone."""

    def get_value(self, instance):
        return getattr(instance, "_scheduled_at", None) or instance.expire_at


class ArticleIndexView(IndexView):
    def get_base_queryset(self):
        scheduled_at = _scheduled_revisions().order_by("approved_go_live_at").values("approved_go_live_at")[:1]
        return (
            super().get_base_queryset().annotate(_scheduled_at=scheduled_at).prefetch_related("article_authors__author")
        )


class ArticleListingViewSet(PageListingViewSet):
    model = ArticlePage
    index_view_class = ArticleIndexView
    icon = "doc-full-inverse"
    menu_label = "Articles"
    menu_order = 101
    add_to_admin_menu = True
    name = "articles"
    filterset_class = ArticleFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label="Headline", sort_key="title", classname="title"),
        ParentPageColumn("parent", label="Section"),
        AuthorsColumn("authors", label="Authors"),
        Column("kind", label="Kind", accessor="get_kind_display", sort_key="kind"),
        PageStatusColumn("status", label="Status", sort_key="live"),
        ScheduledColumn("scheduled", label="Scheduled / expires"),
        DateColumn("display_date", label="Date", sort_key="display_date"),
    ]
