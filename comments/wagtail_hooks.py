from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import ModelLogEntry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from comments import moderation
from comments.admin_views import PERMISSION, EditView, PendingCommentsPanel, QueueView, ReplyView
from comments.models import Comment, CommentPolicy


@hooks.register("register_admin_urls")
def register_comment_urls():
    return [
        path("comments/", QueueView.as_view(), name="comments_queue"),
        path("comments/<int:pk>/reply/", ReplyView.as_view(), name="comments_reply"),
        path("comments/<int:pk>/edit/", EditView.as_view(), name="comments_edit"),
    ]


class CommentsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_comments_menu_item():
    return CommentsMenuItem("Comments", reverse("comments_queue"), icon_name="comment", order=105)


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request, panels):
    if request.user.has_perm(PERMISSION):
        panels.append(PendingCommentsPanel())


@hooks.register("register_permissions")
def register_moderate_permission():
    return Permission.objects.filter(content_type__app_label="comments", codename="moderate_comment")


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    actions.register_model(Comment, ModelLogEntry)
    for action, (label, message) in moderation.LOG_LABELS.items():
        actions.register_action(action, label, message)


class CommentPolicyViewSet(SnippetViewSet):
    model = CommentPolicy
    icon = "comment"
    menu_label = "Comment policies"
    list_display = ["page", "mode", "closed"]


register_snippet(CommentPolicyViewSet)
