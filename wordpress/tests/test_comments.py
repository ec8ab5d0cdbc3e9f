"""WordPress comments on the fixture export: statuses, dates, threading, privacy, re-runs and the article page."""

import datetime

import pytest
from django.test import RequestFactory

from comments.models import Comment, email_hash, ip_hash
from news.models import ArticlePage
from wordpress import discussion
from wordpress.models import ImportedItem
from wordpress.tests.conftest import EXPORT, UPLOADS

UTC = datetime.UTC


def article(wp_id):
    return ArticlePage.objects.get(pk=ImportedItem.objects.get(kind="post", wp_id=str(wp_id)).object_id)


def imported(wp_id):
    return Comment.objects.get(pk=ImportedItem.objects.get(kind="comment", wp_id=str(wp_id)).object_id)


@pytest.mark.django_db
def test_statuses_dates_threading_and_privacy(run_import):
    out, report, _ = run_import(EXPORT, "--media-dir", str(UPLOADS))
    budget, oil = article(201), article(202)

    # "1" → approved, "0" → pending, "spam" → spam; trash, pingbacks and trackbacks are not imported.
    assert report["created"]["comments"] == 6
    assert {wp_id: imported(wp_id).status for wp_id in (1, 2, 3, 6, 7, 8)} == {
        1: "approved",
        2: "spam",
        3: "pending",
        6: "approved",
        7: "approved",
        8: "approved",
    }
    assert report["skipped"]["comment: in WordPress's trash"] == 1
    assert report["skipped"]["comment: pingback"] == 1
    assert report["skipped"]["comment: trackback"] == 1
    assert report["skipped"]["comment: its post is not imported"] == 1
    assert "comments 6" in out and "1 × comment: pingback" in out
    assert not ImportedItem.objects.filter(kind="comment", wp_id__in=["4", "5", "9", "10"]).exists()
    assert not Comment.objects.filter(name__in=["Binned Reader", "Other Blog", "Some Aggregator", "Late Reader"])
    assert Comment.objects.filter(article=budget).count() == 5 and Comment.objects.filter(article=oil).count() == 1

    # WordPress's dates are kept.
    assert imported(1).created_at == datetime.datetime(2020, 1, 10, 11, 15, tzinfo=UTC)
    assert imported(7).created_at == datetime.datetime(2020, 1, 11, 8, 5, tzinfo=UTC)

    # One level of threading: a reply joins its comment, a reply to a reply the top of the thread.
    top = imported(1)
    assert top.parent_id is None
    assert imported(6).parent_id == top.pk
    assert imported(7).parent_id == top.pk

    # Plain text with its paragraphs; a link keeps its address; entities decoded.
    assert top.name == "Chidi & Sons"
    assert top.body == "Good news for health at last.\n\nRead the figures (https://budget.example.org/health) & weep."
    assert imported(6).body == "I agree with Chidi.\n\nBut the health money\nis not enough."
    assert imported(7).body == "Replying to Amaka: quite so."

    # The email as the app stores it; the IP only as the app's salted hash of its address block.
    assert top.email == "chidi.reader@example.org"
    assert top.email_hash == email_hash("chidi.reader@example.org")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.77")
    assert top.ip_hash == ip_hash(request) and "203.0.113.77" not in top.ip_hash
    v6 = RequestFactory().get("/", REMOTE_ADDR="2001:db8::1")  # the same /64 as the reply's address
    assert imported(6).ip_hash == ip_hash(v6)
    assert imported(2).held_reason and imported(3).held_reason


@pytest.mark.django_db
def test_rerun_creates_no_comment_twice_nor_brings_back_a_deleted_one(run_import, tmp_path):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    rows = set(Comment.objects.values_list("pk", "status", "parent_id", "created_at"))
    _, report, _ = run_import(EXPORT, "--media-dir", str(UPLOADS))
    assert "comments" not in report["created"]
    assert report["unchanged"]["comments"] == 6
    assert set(Comment.objects.values_list("pk", "status", "parent_id", "created_at")) == rows
    assert ImportedItem.objects.filter(kind="comment").count() == 6

    # Deleted here (a moderator, the privacy tool): not recreated. A new reply joins its thread.
    imported(3).delete()
    changed = tmp_path / "more.xml"
    new_reply = """<wp:comment><wp:comment_id>11</wp:comment_id>
        <wp:comment_author><![CDATA[Latecomer]]></wp:comment_author>
        <wp:comment_date_gmt><![CDATA[2020-02-01 10:00:00]]></wp:comment_date_gmt>
        <wp:comment_content><![CDATA[A late reply]]></wp:comment_content>
        <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
        <wp:comment_parent>7</wp:comment_parent></wp:comment>
        <wp:comment><wp:comment_id>1</wp:comment_id>"""
    changed.write_text(EXPORT.read_text().replace("<wp:comment>\n\t\t\t<wp:comment_id>1</wp:comment_id>", new_reply))
    _, report, _ = run_import(changed, "--media-dir", str(UPLOADS))
    assert report["created"] == {"comments": 1}
    assert report["skipped"]["comment: deleted here since it was imported, not recreated"] == 1
    assert not Comment.objects.filter(name="Held Reader").exists()
    late = imported(11)
    assert late.parent_id == imported(1).pk and late.created_at == datetime.datetime(2020, 2, 1, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_dry_run_writes_no_comment(run_import):
    _, report, _ = run_import(EXPORT, "--media-dir", str(UPLOADS), "--dry-run")
    assert report["created"]["comments"] == 6
    assert not Comment.objects.exists()
    assert not ImportedItem.objects.filter(kind="comment").exists()


@pytest.mark.django_db(transaction=True)
def test_approved_comments_render_on_the_article_and_private_data_never(run_import, client, tmp_path, settings):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    budget = article(201)
    page = client.get(budget.url).content.decode()
    html = page[page.index('id="comments"') :]
    for name in ("Chidi &amp; Sons", "Amaka Reply", "Bayo Deep"):
        assert name in html
    assert html.index("Chidi &amp; Sons") < html.index("Amaka Reply") < html.index("Bayo Deep")
    assert "comment-list--replies" in html
    assert "<p>I agree with Chidi.</p><p>But the health money<br>is not enough.</p>" in html
    for hidden in ("Held Reader", "Cheap Pills", "Binned Reader", "Other Blog", "Awaiting moderation"):
        assert hidden not in page
    for private in ("chidi.reader@example.org", "amaka@example.org", "203.0.113.77", "2001:db8::42"):
        assert private not in page
    assert '"commentCount": 3' in page
    if settings.NEWSROOM_PAGE_CACHE_SECONDS and settings.REDIS_URL:
        assert client.get(budget.url)["X-Page-Cache"] == "hit"

    # A second run that brings a new approved comment: the cached page and comment block are renewed.
    changed = tmp_path / "more.xml"
    extra = """<wp:comment><wp:comment_id>12</wp:comment_id>
        <wp:comment_author><![CDATA[Fresh Voice]]></wp:comment_author>
        <wp:comment_date_gmt><![CDATA[2020-03-01 10:00:00]]></wp:comment_date_gmt>
        <wp:comment_content><![CDATA[Seen at once]]></wp:comment_content>
        <wp:comment_approved><![CDATA[1]]></wp:comment_approved></wp:comment>
        <wp:comment>"""
    changed.write_text(EXPORT.read_text().replace("<wp:comment>", extra, 1))
    run_import(changed, "--media-dir", str(UPLOADS))
    again = client.get(budget.url).content.decode()
    assert "Fresh Voice" in again and '"commentCount": 4' in again


def test_comment_text_rules():
    assert discussion.comment_text("One\r\n\r\n\r\nTwo  words\nthree") == "One\n\nTwo words\nthree"
    assert discussion.comment_text("<p>A<br />b</p><p>C &amp; <a href='javascript:x'>d</a></p>") == "A\nb\n\nC & d"
    assert discussion.comment_text("<script>alert(1)</script>Hi") == "Hi"
    assert discussion.comment_text("&lt;b&gt; stays text") == "<b> stays text"
    assert discussion.stored_email(" a@example.org ") == "a@example.org"
    assert discussion.stored_email("not an email") == ""
    assert discussion.hashed_ip("") == ""
