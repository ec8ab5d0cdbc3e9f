"""Posting: what is stored, what is refused (each with a clear message, nothing stored), spam checks, limits."""

import pytest

from comments.models import Comment, CommentPolicy, Mode
from comments.tests.conftest import aged_token, post


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def limits_path(request, settings):
    if request.param == "database":
        settings.REDIS_URL = ""
    return request.param


@pytest.mark.django_db
def test_a_comment_without_javascript_is_held_and_the_reader_comes_back_to_the_article(client, desk):
    article = desk["a"]
    response = post(client, article)
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}?comment=pending#comments"
    comment = Comment.objects.get()
    assert (comment.status, comment.held_reason, comment.article_id) == ("pending", "Pre-moderation", article.pk)
    assert comment.ip_hash and "127.0.0.1" not in comment.ip_hash
    page = client.get(response["Location"].split("#")[0])
    assert "will appear once a moderator approves it" in page.content.decode()
    assert "A thoughtful comment" not in page.content.decode()


@pytest.mark.django_db
def test_post_moderation_publishes_at_once_and_json_answers_201(client, desk):
    CommentPolicy.objects.create(page=desk["politics"], mode=Mode.POST)
    response = post(client, desk["a"], json=True)
    assert response.status_code == 201
    assert response.json()["status"] == "approved"
    html = client.get(desk["a"].url).content.decode()
    assert "A thoughtful comment about the story." in html
    assert '"commentCount": 1' in html


BAD_INPUTS = [
    ({"body": ""}, "Your comment is empty."),
    ({"body": "   \n  "}, "Your comment is empty."),
    ({"body": "x" * 3001}, "too long"),
    ({"name": ""}, "Please give a name"),
    ({"name": "n" * 81}, "at most 80"),
    ({"email": "not-an-email"}, "That email looks wrong."),
    ({"website": "http://spam.example"}, "looks automated"),
    ({"token": ""}, "expired or was altered"),
    ({"token": "forged:token"}, "expired or was altered"),
    ({"body": "See http://a.example http://b.example http://c.example"}, "Too many links"),
    ({"body": "This is a BADWORD indeed"}, "language we do not publish"),
    ({"name": "Very rude phrase"}, "language we do not publish"),
    ({"parent": "999999"}, "does not exist"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "message"), BAD_INPUTS)
def test_each_bad_input_is_refused_with_a_clear_message_and_stores_nothing(client, desk, fields, message):
    article = desk["a"]
    json_response = post(client, article, json=True, **fields)
    assert json_response.status_code == 400, json_response.content
    assert message in json_response.json()["error"]
    form_response = post(client, article, **fields)
    assert form_response.status_code == 400
    html = form_response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert 'id="comment-form"' in html
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_too_fast_closed_and_foreign_parent_are_refused(client, desk):
    article, other = desk["a"], desk["c"]
    response = post(client, article, json=True, token=aged_token(article, seconds=1))
    assert response.status_code == 400 and "very quickly" in response.json()["error"]
    response = post(client, article, json=True, token=aged_token(other))
    assert response.status_code == 400 and "another story" in response.json()["error"]
    foreign = Comment.objects.create(article=other, name="B", email="b@example.com", body="x", status="approved")
    response = post(client, article, json=True, parent=str(foreign.pk))
    assert response.status_code == 400 and "on another story" in response.json()["error"]
    CommentPolicy.objects.create(page=article, closed=True)
    response = post(client, article, json=True)
    assert response.status_code == 400 and "closed" in response.json()["error"]
    assert Comment.objects.count() == 1
    assert "Comments are closed on this story." in client.get(article.url).content.decode()


@pytest.mark.django_db
def test_comments_close_after_the_site_setting_days(client, desk):
    import datetime

    from django.utils import timezone

    article = desk["a"]
    type(article).objects.filter(pk=article.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=31))
    response = post(client, article, json=True)
    assert response.status_code == 400 and "30 days after publication" in response.json()["error"]
    desk["settings"].close_after_days = 0
    desk["settings"].save()
    assert post(client, article, json=True).status_code == 201


@pytest.mark.django_db
def test_suspect_words_hold_even_under_post_moderation(client, desk):
    CommentPolicy.objects.create(page=desk["a"], mode=Mode.POST)
    assert post(client, desk["a"], json=True, body="Buy Crypto now").json()["status"] == "pending"
    assert Comment.objects.get().held_reason == "Suspect word: crypto"


@pytest.mark.django_db
def test_a_duplicate_comment_is_refused(client, desk):
    assert post(client, desk["a"], json=True).status_code == 201
    response = post(client, desk["a"], json=True)
    assert response.status_code == 400 and "already posted" in response.json()["error"]
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_cross_site_posts_are_refused(client, desk):
    response = client.post(
        f"/api/comments/{desk['a'].pk}/",
        {"name": "x", "email": "x@example.com", "body": "hi", "token": aged_token(desk["a"])},
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_rate_limit_per_address_and_per_email(client, desk, settings, limits_path):
    settings.NEWSROOM_COMMENTS_PER_ADDRESS_MINUTE = 3
    settings.NEWSROOM_COMMENTS_PER_EMAIL_HOUR = 2
    article = desk["a"]
    statuses = [post(client, article, json=True, body=f"Comment {n}").status_code for n in range(3)]
    # The email's hourly limit (2) bites first.
    assert statuses == [201, 201, 429]
    other_email = post(client, article, json=True, body="Another", email="bob@example.com")
    assert other_email.status_code == 429  # the address's 4th this minute
    assert "too often" in other_email.json()["error"]
    elsewhere = post(
        client, article, json=True, body="From elsewhere", email="cy@example.com", headers={"REMOTE_ADDR": "10.9.8.7"}
    )
    assert elsewhere.status_code == 201
    assert Comment.objects.count() == 3


@pytest.mark.django_db
def test_replies_join_one_level_threads(client, desk):
    article = desk["a"]
    top = Comment.objects.create(article=article, name="Top", email="t@example.com", body="top", status="approved")
    reply = Comment.objects.create(
        article=article, parent=top, name="R", email="r@example.com", body="reply", status="approved"
    )
    assert post(client, article, json=True, parent=str(reply.pk)).status_code == 201
    assert Comment.objects.latest("pk").parent_id == top.pk
