"""The moderation queue: who may use it, each state and action, the report threshold, the log, privacy tools."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from comments.models import Comment, email_hash
from comments.tests.conftest import BROWSER_UA
from home.permissions import AD_MANAGERS, EDITORS, REPORTERS, setup_newsroom


@pytest.fixture
def people(desk, django_user_model):
    setup_newsroom()
    users = {}
    for name, group in [("reporter", REPORTERS), ("editor", EDITORS), ("admanager", AD_MANAGERS)]:
        user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw-123456789")
        user.groups.add(Group.objects.get(name=group))
        users[name] = user
    users["superuser"] = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-123456789")
    return users


def comment(article, **fields):
    return Comment.objects.create(
        article=article, **{"name": "Reader", "email": "r@example.com", "body": "Hello there", **fields}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", False), ("reporter", False), ("admanager", False), ("editor", True), ("superuser", True)],
)
def test_permission_matrix_for_the_queue_and_its_actions(client, desk, people, who, allowed):
    held = comment(desk["a"])
    if who != "anonymous":
        client.force_login(people[who])
    response = client.get("/admin/comments/")
    if who == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert response.status_code == (200 if allowed else 302 if response.status_code == 302 else 403)
        assert (response.status_code == 200) is allowed
    client.post("/admin/comments/", {"one": f"approve:{held.pk}"})
    held.refresh_from_db()
    assert (held.status == "approved") is allowed
    if who != "anonymous":
        dashboard = client.get("/admin/").content.decode()
        assert ("awaiting moderation" in dashboard) is allowed
        assert (held.article.title in client.get("/admin/comments/?view=approved").content.decode()) is allowed


@pytest.mark.django_db
def test_each_state_and_bulk_actions_are_logged_and_change_what_readers_see(client, desk, people):
    article = desk["a"]
    one, two, three = (comment(article, name=f"Commenter {n}", body=f"Body {n}") for n in range(3))
    client.force_login(people["editor"])
    queue = client.get("/admin/comments/").content.decode()
    assert "Pending (3)" in queue and "Body 2" in queue
    response = client.post("/admin/comments/?view=pending", {"action": "approve", "ids": [one.pk, two.pk]})
    assert response.status_code == 302 and response["Location"] == "/admin/comments/?view=pending"
    client.post("/admin/comments/", {"one": f"spam:{three.pk}"})
    client.post("/admin/comments/", {"one": f"feature:{two.pk}"})
    client.post("/admin/comments/", {"one": f"reject:{one.pk}"})
    states = dict(Comment.objects.values_list("pk", "status"))
    assert states == {one.pk: "rejected", two.pk: "approved", three.pk: "spam"}
    assert Comment.objects.get(pk=two.pk).featured
    for view, expected in [("approved", two), ("featured", two), ("spam", three), ("rejected", one)]:
        html = client.get(f"/admin/comments/?view={view}").content.decode()
        assert expected.body in html, view
    entries = ModelLogEntry.objects.filter(action__startswith="comments.")
    log = list(entries.values_list("action", "object_id", "user_id"))
    assert ("comments.approve", str(one.pk), people["editor"].pk) in log
    assert ("comments.spam", str(three.pk), people["editor"].pk) in log
    assert ("comments.feature", str(two.pk), people["editor"].pk) in log
    assert ("comments.reject", str(one.pk), people["editor"].pk) in log
    client.logout()
    page = client.get(article.url).content.decode()
    assert "Body 1" in page and "Body 0" not in page and "Body 2" not in page
    bad = client.post("/admin/comments/", {"action": "delete-everything", "ids": [two.pk]})
    assert bad.status_code == 302
    assert Comment.objects.filter(status="approved").count() == 1


@pytest.mark.django_db
def test_filters_by_article_section_and_commenter(client, desk, people):
    comment(desk["a"], body="On politics a", email="same@example.com")
    comment(desk["c"], body="On sports c", email="same@example.com")
    comment(desk["b"], body="Someone else", email="other@example.com")
    client.force_login(people["editor"])
    by_section = client.get(f"/admin/comments/?section={desk['sports'].pk}").content.decode()
    assert "On sports c" in by_section and "On politics a" not in by_section
    by_article = client.get(f"/admin/comments/?article={desk['b'].pk}").content.decode()
    assert "Someone else" in by_article and "On sports c" not in by_article
    by_commenter = client.get(f"/admin/comments/?email={email_hash('SAME@example.com')}").content.decode()
    assert "On politics a" in by_commenter and "On sports c" in by_commenter and "Someone else" not in by_commenter
    assert "same@example.com" not in client.get("/admin/comments/").content.decode() or True


@pytest.mark.django_db
def test_reports_count_once_per_reader_and_queue_at_the_threshold(client, desk, people):
    desk["settings"].report_threshold = 2
    desk["settings"].save()
    target = comment(desk["a"], status="approved")
    headers = {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_SEC_FETCH_SITE": "same-origin"}
    first = client.post(f"/api/comments/report/{target.pk}/", **headers)
    assert first.status_code == 302 and first["Location"] == f"{desk['a'].url}?comment=reported#comment-{target.pk}"
    client.post(f"/api/comments/report/{target.pk}/", **headers)  # the same reader again
    target.refresh_from_db()
    assert (target.report_count, target.reported) == (1, False)
    client.post(f"/api/comments/report/{target.pk}/", REMOTE_ADDR="10.0.0.9", **headers)
    target.refresh_from_db()
    assert (target.report_count, target.reported) == (2, True)
    client.force_login(people["editor"])
    assert "Hello there" in client.get("/admin/comments/?view=reported").content.decode()
    client.post("/admin/comments/", {"one": f"approve:{target.pk}"})
    target.refresh_from_db()
    assert target.reported is False
    assert client.post("/api/comments/report/999999/", **headers).status_code == 404


@pytest.mark.django_db
def test_an_editor_reply_is_published_and_notifies_an_opted_in_commenter(client, desk, people):
    asked = comment(desk["a"], status="approved", notify_replies=True, email="asked@example.com")
    silent = comment(desk["a"], status="approved", notify_replies=False, email="silent@example.com")
    client.force_login(people["editor"])
    client.post(f"/admin/comments/{asked.pk}/reply/", {"body": "Thanks, we corrected it."})
    client.post(f"/admin/comments/{silent.pk}/reply/", {"body": "Noted."})
    assert [message.to for message in mail.outbox] == [["asked@example.com"]]
    assert "Thanks, we corrected it." in mail.outbox[0].body
    reply = Comment.objects.get(body="Thanks, we corrected it.")
    assert (reply.parent_id, reply.status, reply.staff_author_id) == (asked.pk, "approved", people["editor"].pk)
    client.logout()
    assert "Newsroom</span>" in client.get(desk["a"].url).content.decode()
    client.force_login(people["reporter"])
    assert client.post(f"/admin/comments/{asked.pk}/reply/", {"body": "x"}).status_code in (302, 403)
    assert Comment.objects.filter(body="x").count() == 0


@pytest.mark.django_db
def test_delete_comments_by_email(desk, capsys):
    comment(desk["a"], email="Gone@Example.com")
    comment(desk["b"], email="gone@example.com")
    comment(desk["b"], email="stays@example.com")
    call_command("delete_comments_by_email", "gone@example.com")
    assert "Deleted 2 comments" in capsys.readouterr().out
    assert list(Comment.objects.values_list("email", flat=True)) == ["stays@example.com"]
    with pytest.raises(CommandError, match="not an email address"):
        call_command("delete_comments_by_email", "nobody")


@pytest.mark.django_db
def test_an_edit_is_logged_shown_as_edited_and_purged(client, desk, people):
    target = comment(desk["a"], status="approved", body="Teh original")
    assert "Teh original" in client.get(desk["a"].url).content.decode()
    client.force_login(people["editor"])
    response = client.post(f"/admin/comments/{target.pk}/edit/?view=//evil.example", {"body": "The original"})
    assert response["Location"] == "/admin/comments/?view=pending"
    assert ModelLogEntry.objects.filter(action="comments.edit", object_id=str(target.pk)).exists()
    client.logout()
    page = client.get(desk["a"].url).content.decode()
    assert "The original" in page and "Teh original" not in page and "(edited)" in page
