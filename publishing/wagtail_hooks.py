from django.contrib import messages
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from publishing.admin_views import EditorialCalendarView, OverduePublishingPanel


@hooks.register("register_admin_urls")
def register_calendar_url():
    return [path("calendar/", EditorialCalendarView.as_view(), name="editorial_calendar")]


@hooks.register("register_admin_menu_item")
def register_calendar_menu_item():
    return MenuItem("Calendar", reverse("editorial_calendar"), icon_name="date", order=103)


@hooks.register("construct_homepage_panels")
def add_overdue_panel(request, panels):
    panels.append(OverduePublishingPanel())


def _past_go_live_notice(request, page):
    """A go-live time already in the past publishes at once; say so rather than leave editors guessing."""
    if request.method == "POST" and "action-publish" in request.POST and page.go_live_at and page.live:
        if page.go_live_at <= timezone.now() and page.last_published_at and page.last_published_at >= page.go_live_at:
            messages.warning(
                request,
                f"The go-live time ({timezone.localtime(page.go_live_at):%d %b %Y %H:%M %Z}) was already past, "
                f"so '{page.title}' was published now.",
            )


hooks.register("after_create_page", _past_go_live_notice)
hooks.register("after_edit_page", _past_go_live_notice)


def _approved_for_later_notice(request, page):
    """Approving a story with a go-live time schedules it: say when, in the newsroom's time zone.

    Wagtail's edit view has just queued "Page '…' has been updated", which would
    leave the editor believing the story is live; that one line is replaced.
    """
    if request.method != "POST" or request.POST.get("workflow-action-name") != "approve":
        return
    revision = page.revisions.filter(approved_go_live_at__gt=timezone.now()).order_by("-created_at", "-pk").first()
    if revision is None:
        return
    storage = messages.get_messages(request)
    queued = getattr(storage, "_queued_messages", None)
    if isinstance(queued, list):
        # Django's message storage has no public way to withdraw a queued message.
        storage._queued_messages = [m for m in queued if "has been updated" not in str(m.message)]
    when = timezone.localtime(revision.approved_go_live_at)
    messages.success(
        request,
        f"'{page.get_admin_display_title()}' is approved and scheduled for {when:%H:%M} "
        f"({timezone.get_current_timezone_name()}) on {when:%a %-d %b %Y}.",
    )


hooks.register("after_edit_page", _approved_for_later_notice)
