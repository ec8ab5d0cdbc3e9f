"""The newsroom's roles and its desk-review workflow, set up by `manage.py setup_newsroom`.

Reporters write and submit (stories and author profiles), editors approve,
publish and schedule, ad managers get into the admin but not into the page
tree. Site settings stay with superusers. `setup_newsroom()` is the single
source of truth for these groups' (and Wagtail's default "Moderators" group's)
page and media permissions: it adds what is missing and removes any other page
or image/document collection permission the groups hold (Wagtail's migrations,
for one, give their own "Editors" group add/change on the tree root and
"Moderators" publish there). Model permissions are only ever added, because
other apps (ads) extend these groups with their own, except the few a group
must not hold (FORBIDDEN_MODEL_PERMISSIONS).
"""

from dataclasses import dataclass, field
from io import StringIO

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from home.models import HomePage
from news.models import Author

REPORTERS = "Reporters"
EDITORS = "Editors"
AD_MANAGERS = "Ad managers"
# Wagtail's initial migration makes "Moderators" (add, change and publish on
# the tree root, so publishing any story past the desk) and "Editors" (ours, by
# name). No newsroom role is a moderator: setup_newsroom strips the group's page
# and media permissions rather than deleting it, so its members (if any) stay
# visible in Settings > Groups and nothing links to a vanished group. It is
# never created.
MODERATORS = "Moderators"
DESK_REVIEW = "Desk review"
EDITORS_APPROVAL = "Editors' approval"

# "app_label.codename", granted through group.permissions.
MODEL_PERMISSIONS = {
    # Reporters edit authors as drafts and submit them for desk review; the
    # public author page and bylines change only when an editor publishes.
    REPORTERS: ["wagtailadmin.access_admin", "news.view_author", "news.add_author", "news.change_author"],
    EDITORS: [
        "wagtailadmin.access_admin",
        "news.add_author",
        "news.change_author",
        "news.delete_author",
        "news.publish_author",
        "news.unlock_author",
        # The breaking-news strip above every page (Settings → Breaking news).
        "site_settings.change_breakingnews",
        # Sections shape the paper: only editors add them (news/wagtail_hooks.py refuses anyone else).
        "news.add_sectionpage",
        # The trending board: pin and ban stories.
        "trending.add_trendingoverride",
        "trending.delete_trendingoverride",
        # The "popular searches" and "searches with no results" reports, and hiding a term from readers.
        "search.view_searchtermday",
        "search.add_hiddensearchterm",
        "search.delete_hiddensearchterm",
        # Reader comments: the moderation queue, the comment settings and per-section/article policies.
        "comments.moderate_comment",
        "comments.change_commentsettings",
        "comments.add_commentpolicy",
        "comments.change_commentpolicy",
        "comments.delete_commentpolicy",
        "comments.view_commentpolicy",
    ],
    AD_MANAGERS: [
        "wagtailadmin.access_admin",
        *(
            f"ads.{action}_{model}"
            for model in ("advertiser", "campaign", "creative", "slot")
            for action in ("add", "change", "delete", "view")
        ),
        "ads.can_edit_html_creatives",
    ],
    MODERATORS: [],
}

# Model permissions a group must not hold, removed if someone granted them:
# a reporter's author edit goes through review.
FORBIDDEN_MODEL_PERMISSIONS = {REPORTERS: ["news.publish_author", "news.add_sectionpage"]}

# Granted on the home page, so they reach every section and article, present
# and future. "add" alone lets reporters create pages and edit the ones they
# own, but never publish, unpublish or delete a live page.
PAGE_PERMISSIONS = {
    REPORTERS: ["add"],
    EDITORS: ["add", "change", "publish", "lock", "unlock"],
    AD_MANAGERS: [],
    MODERATORS: [],
}

# Granted on the root collection, so they reach every collection.
COLLECTION_PERMISSIONS = {
    REPORTERS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    EDITORS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    AD_MANAGERS: [],
    MODERATORS: [],
}

# The collection permissions this module owns; others (collection management)
# are left to whoever grants them.
MEDIA_APPS = ("wagtailimages", "wagtaildocs")


@dataclass
class SetupReport:
    home_page_created: bool = False
    groups_created: list = field(default_factory=list)
    groups_found: list = field(default_factory=list)
    permissions_added: int = 0
    permissions_removed: int = 0
    workflow_created: bool = False
    workflow_changed: bool = False
    home_page_title: str = ""

    @property
    def changed(self):
        return bool(
            self.home_page_created
            or self.groups_created
            or self.permissions_added
            or self.permissions_removed
            or self.workflow_created
            or self.workflow_changed
        )

    def summary(self):
        parts = []
        if self.home_page_created:
            parts.append("created the home page")
        if self.groups_created:
            parts.append("created groups " + ", ".join(self.groups_created))
        if self.groups_found:
            parts.append("found groups " + ", ".join(self.groups_found))
        if self.permissions_added or self.permissions_removed:
            parts.append(f"permissions {self.permissions_added} added, {self.permissions_removed} removed")
        else:
            parts.append("permissions up to date")
        if self.workflow_created:
            state = "created"
        elif self.workflow_changed:
            state = "updated"
        else:
            state = "found"
        parts.append(f"workflow {DESK_REVIEW!r} {state} on {self.home_page_title!r} and authors")
        return "Newsroom roles: " + "; ".join(parts) + "."


def _permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(action):
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")


@transaction.atomic
def setup_newsroom(stdout=None):
    """Create or bring up to date the newsroom's groups, permissions and workflow.

    Safe to run any number of times: a second run changes nothing. Returns a
    SetupReport; `stdout` receives the site bootstrap's messages, if given.
    """
    report = SetupReport()
    report.home_page_created = not HomePage.objects.exists()
    call_command("bootstrap_site", "--no-superuser", stdout=stdout or StringIO())
    home = HomePage.objects.get()
    report.home_page_title = home.title
    # Wagtail's migrations create the root collection; a flushed database
    # (transactional tests, a hand-emptied table) may not have it.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")

    groups = {}
    for name in (REPORTERS, EDITORS, AD_MANAGERS, MODERATORS):
        if name == MODERATORS:
            group, created = Group.objects.filter(name=name).first(), False
            if group is None:
                continue
        else:
            group, created = Group.objects.get_or_create(name=name)
        (report.groups_created if created else report.groups_found).append(name)
        groups[name] = group

        missing = [
            permission
            for permission in map(_permission, MODEL_PERMISSIONS[name])
            if not group.permissions.filter(pk=permission.pk).exists()
        ]
        group.permissions.add(*missing)
        report.permissions_added += len(missing)
        forbidden = [
            permission
            for permission in map(_permission, FORBIDDEN_MODEL_PERMISSIONS.get(name, []))
            if group.permissions.filter(pk=permission.pk).exists()
        ]
        group.permissions.remove(*forbidden)
        report.permissions_removed += len(forbidden)

        wanted_pages = {(home.pk, _page_permission(action).pk) for action in PAGE_PERMISSIONS[name]}
        held_pages = GroupPagePermission.objects.filter(group=group)
        stale = [grant.pk for grant in held_pages if (grant.page_id, grant.permission_id) not in wanted_pages]
        report.permissions_removed += GroupPagePermission.objects.filter(pk__in=stale).delete()[0]
        held = set(held_pages.values_list("page_id", "permission_id"))
        for page_id, permission_id in sorted(wanted_pages - held):
            GroupPagePermission.objects.create(group=group, page_id=page_id, permission_id=permission_id)
            report.permissions_added += 1

        wanted_media = {(root_collection.pk, _permission(dotted).pk) for dotted in COLLECTION_PERMISSIONS[name]}
        held_media = GroupCollectionPermission.objects.filter(
            group=group, permission__content_type__app_label__in=MEDIA_APPS
        )
        stale = [grant.pk for grant in held_media if (grant.collection_id, grant.permission_id) not in wanted_media]
        report.permissions_removed += GroupCollectionPermission.objects.filter(pk__in=stale).delete()[0]
        held = set(held_media.values_list("collection_id", "permission_id"))
        for collection_id, permission_id in sorted(wanted_media - held):
            GroupCollectionPermission.objects.create(
                group=group, collection_id=collection_id, permission_id=permission_id
            )
            report.permissions_added += 1

    _setup_desk_review(home, groups[EDITORS], report)
    return report


def _setup_desk_review(home, editors, report):
    task = GroupApprovalTask.objects.filter(name=EDITORS_APPROVAL).order_by("pk").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=EDITORS_APPROVAL)
        report.workflow_changed = True
    elif not task.active:
        task.active = True
        task.save(update_fields=["active"])
        report.workflow_changed = True
    if set(task.groups.values_list("pk", flat=True)) != {editors.pk}:
        task.groups.set([editors])
        report.workflow_changed = True

    workflow = Workflow.objects.filter(name=DESK_REVIEW).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=DESK_REVIEW, active=True)
        report.workflow_created = True
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
        report.workflow_changed = True

    # Further steps the desk adds in the admin (a legal read, say) are kept.
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        report.workflow_changed = True

    # Authors' public fields go through the same desk.
    author_type = ContentType.objects.get_for_model(Author)
    assigned = WorkflowContentType.objects.filter(content_type=author_type).first()
    if assigned is None:
        WorkflowContentType.objects.create(content_type=author_type, workflow=workflow)
        report.workflow_changed = True
    elif assigned.workflow_id != workflow.pk:
        assigned.workflow = workflow
        assigned.save(update_fields=["workflow"])
        report.workflow_changed = True

    # A workflow on the home page beats Wagtail's "Moderators approval" on the
    # tree root, for every section and article below it.
    assignment = WorkflowPage.objects.filter(page=home).first()
    if assignment is None:
        WorkflowPage.objects.create(page=home, workflow=workflow)
        report.workflow_changed = True
    elif assignment.workflow_id != workflow.pk:
        assignment.workflow = workflow
        assignment.save(update_fields=["workflow"])
        report.workflow_changed = True
