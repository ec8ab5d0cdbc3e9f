"""Admin screens for the desk: the editorial calendar and the overdue alarm."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import prefetch_related_objects
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from publishing import schedule


class EditorialCalendarView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = "wagtailadmin.access_admin"
    template_name = "publishing/admin/calendar.html"
    page_title = "Editorial calendar"
    header_icon = "date"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": "Home"},
        {"url": "", "label": "Editorial calendar"},
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = schedule.upcoming_schedule()
        pages = [entry["page"] for entry in entries if entry["page"] is not None]
        _attach_authors(pages)
        days = []
        for entry in entries:
            day = timezone.localtime(entry["when"]).date()
            if not days or days[-1]["day"] != day:
                days.append({"day": day, "entries": []})
            days[-1]["entries"].append(entry)
        context.update({"days": days, "time_zone": settings.TIME_ZONE, "now": timezone.localtime()})
        return context


def _attach_authors(pages):
    """Bylines and sections for every page on the calendar: a prefetch per page type with bylines, and one query.

    A page type with bylines has `authors` and names what loads them in `byline_prefetch`.
    """
    by_type = defaultdict(list)
    for page in pages:
        by_type[type(page)].append(page)
    for page_type, group in by_type.items():
        if getattr(page_type, "byline_prefetch", ()):
            prefetch_related_objects(group, *page_type.byline_prefetch)
    parent_paths = {page.path[: -page.steplen] for page in pages}
    parents = {parent.path: parent for parent in Page.objects.filter(path__in=parent_paths)}
    for page in pages:
        page.calendar_authors = ", ".join(author.name for author in getattr(page, "authors", ()))
        parent = parents.get(page.path[: -page.steplen])
        page.calendar_section = parent.title if parent and parent.depth > 2 else ""


class OverduePublishingPanel(Component):
    """On the dashboard of everyone who can reach the admin: any story more than two minutes late."""

    name = "overdue_publishing"
    template_name = "publishing/admin/overdue_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        now = timezone.now()
        context["overdue"] = [
            {"title": revision.object_str, "page_id": revision.object_id, "late": now - revision.approved_go_live_at}
            for revision in schedule.overdue_revisions(now)[:20]
        ] + [
            {"title": page.title, "page_id": page.pk, "late": now - page.expire_at, "expiry": True}
            for page in schedule.overdue_expiries(now)[:20]
        ]
        return context
