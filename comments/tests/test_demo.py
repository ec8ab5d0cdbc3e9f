import pytest

from comments.models import Comment
from demo.comments import seed_comments


@pytest.mark.django_db
def test_demo_comments_give_the_queue_pending_reported_and_spam_work_once(desk):
    added = seed_comments(seed=1)
    assert added == Comment.objects.count() > 0
    assert Comment.objects.filter(status="pending").exists()
    assert Comment.objects.filter(reported=True).exists()
    assert Comment.objects.filter(parent__isnull=False).exists() or Comment.objects.count() < 10
    assert seed_comments(seed=1) == 0  # idempotent
