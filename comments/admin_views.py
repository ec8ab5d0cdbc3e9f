"""The moderation queue in the Wagtail admin: views by state, filters, bulk actions, reply and edit."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from comments import moderation, notifications
from comments.models import BODY_MAX, Comment
from news.models import ArticlePage, SectionPage

PERMISSION = "comments.moderate_comment"
PER_PAGE = 50

VIEWS = {
    "pending": ("Pending", Q(status=Comment.Status.PENDING)),
    "reported": ("Reported", Q(reported=True) & ~Q(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])),
    "featured": ("Featured", Q(featured=True, status=Comment.Status.APPROVED)),
    "approved": ("Approved", Q(status=Comment.Status.APPROVED)),
    "spam": ("Spam", Q(status=Comment.Status.SPAM)),
    "rejected": ("Rejected", Q(status=Comment.Status.REJECTED)),
}


def _int(value):
    return int(value) if value and str(value).isdigit() else None


class QueueView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "comments/admin/queue.html"
    page_title = "Comments"
    header_icon = "comment"
    breadcrumbs_items = [{"url": reverse_lazy("wagtailadmin_home"), "label": "Home"}, {"url": "", "label": "Comments"}]

    def filters(self):
        params = self.request.GET
        return {
            "view": params.get("view") if params.get("view") in VIEWS else "pending",
            "article": _int(params.get("article")),
            "section": _int(params.get("section")),
            "email": (params.get("email") or "")[:32],
        }

    def base_queryset(self, filters):
        comments = Comment.objects.all()
        if filters["article"]:
            comments = comments.filter(article_id=filters["article"])
        if filters["section"]:
            section = SectionPage.objects.filter(pk=filters["section"]).first()
            comments = comments.filter(article__path__startswith=section.path) if section else comments.none()
        if filters["email"]:
            comments = comments.filter(email_hash=filters["email"])
        return comments

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.filters()
        base = self.base_queryset(filters)
        tab_counts = base.aggregate(**{name: Count("pk", filter=condition) for name, (_, condition) in VIEWS.items()})
        comments = (
            base.filter(VIEWS[filters["view"]][1]).select_related("article", "parent").order_by("-created_at", "-pk")
        )
        page = Paginator(comments, PER_PAGE).get_page(self.request.GET.get("p"))
        query = {key: value for key, value in filters.items() if value and key != "view"}
        context.update(
            {
                "filters": filters,
                "tabs": [
                    {"name": name, "label": label, "count": tab_counts[name], "active": name == filters["view"]}
                    for name, (label, _) in VIEWS.items()
                ],
                "page_obj": page,
                "comments": page.object_list,
                "actions": moderation.ACTIONS,
                "query": query,
                "sections": SectionPage.objects.order_by("path").only("pk", "title", "depth"),
                "article": ArticlePage.objects.filter(pk=filters["article"]).first() if filters["article"] else None,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        ids = [pk for pk in (_int(value) for value in request.POST.getlist("ids")) if pk]
        one = request.POST.get("one", "")
        if one:
            # A row's own button ("approve:12"): that comment only, whatever is ticked.
            action, _, pk = one.partition(":")
            ids = [_int(pk)] if _int(pk) else []
        back = reverse("comments_queue") + ("?" + request.GET.urlencode() if request.GET else "")
        if action not in moderation.ACTIONS:
            messages.error(request, "Choose an action: approve, reject, mark as spam, feature or unfeature.")
            return HttpResponseRedirect(back)
        if not ids:
            messages.error(request, "Select at least one comment.")
            return HttpResponseRedirect(back)
        comments = list(Comment.objects.filter(pk__in=ids))
        changed = moderation.apply(action, comments, request.user)
        messages.success(request, f"{moderation.ACTIONS[action]}: {changed} comment{'s' if changed != 1 else ''}.")
        return HttpResponseRedirect(back)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )


class ReplyView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """An editor's reply, published at once as the newsroom's, and emailed to the commenter who asked."""

    permission_required = PERMISSION
    template_name = "comments/admin/reply.html"
    form_class = ReplyForm
    page_title = "Reply to a comment"
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        self.comment = get_object_or_404(Comment.objects.select_related("article"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "comment": self.comment}

    def form_valid(self, form):
        parent = self.comment if self.comment.parent_id is None else self.comment.parent
        user = self.request.user
        reply = Comment.objects.create(
            article=parent.article,
            parent=parent,
            name=user.get_full_name() or user.get_username(),
            email=user.email or "",
            body=form.cleaned_data["body"],
            status=Comment.Status.APPROVED,
            staff_author=user,
        )
        log(parent, "comments.reply", user=user, data={"reply": reply.pk, "article": parent.article_id})
        article_url = parent.article.get_full_url(self.request) or ""
        sent = notifications.notify_reply(self.comment, reply, article_url)
        messages.success(self.request, "Reply published" + (" and the commenter notified." if sent else "."))
        return HttpResponseRedirect(reverse("comments_queue") + f"?view=approved&article={parent.article_id}")


class EditForm(forms.Form):
    body = forms.CharField(label="Comment", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}), strip=True)


class EditView(ReplyView):
    template_name = "comments/admin/edit.html"
    form_class = EditForm
    page_title = "Edit a comment"

    def get_initial(self):
        return {"body": self.comment.body}

    def form_valid(self, form):
        moderation.edit(self.comment, form.cleaned_data["body"], self.request.user)
        messages.success(self.request, "Comment saved.")
        view = self.request.GET.get("view")
        return HttpResponseRedirect(reverse("comments_queue") + f"?view={view if view in VIEWS else 'pending'}")


class PendingCommentsPanel(Component):
    """On the dashboard of comment moderators: how many comments wait, and how many were reported."""

    name = "pending_comments"
    template_name = "comments/admin/dashboard_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(
            Comment.objects.aggregate(
                pending=Count("pk", filter=VIEWS["pending"][1]), reported=Count("pk", filter=VIEWS["reported"][1])
            )
        )
        return context
