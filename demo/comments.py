"""Demo reader comments: threads on the newest stories, some held for moderation and some reported."""

import datetime
import random

from django.utils import timezone
from wagtail.models import Site

from comments.models import Comment, CommentPolicy, CommentSettings, Mode
from news.models import ArticlePage, SectionPage

NAMES = [
    "Chiamaka Obi", "Tunde Adeyemi", "Halima Bello", "Emeka Nwosu", "Funke Akindele", "Ibrahim Musa",
    "Ngozi Eze", "Segun Ojo", "Aisha Lawal", "Kelechi Okafor", "Bisi Alabi", "Yusuf Garba",
]  # fmt: skip
OPINIONS = [
    "This is the clearest explanation of the issue I have read this week. Thank you.",
    "The story leaves out what this means for traders in Kano and Onitsha. Please follow up.",
    "I was at the scene yesterday and can confirm the traffic was terrible from 7am.",
    "We have heard these promises before. Let us see what happens by the end of the year.",
    "Good reporting. The figures in the second paragraph match what the ministry published.",
    "Can someone explain how this affects small businesses? The article is not clear on that.",
    "Well written, but the headline overstates it: the bill has not passed the second reading.",
    "My family lives near the river and the water has not gone down yet.\n\nStay safe, everyone.",
]
REPLIES = [
    "I agree with you completely.",
    "Not quite: the minister said this in March, see the earlier report.",
    "Thank you for sharing this.",
]
HELD = [
    "Earn $500 a day from home, crypto signals on WhatsApp!!!",
    "The journalist clearly did not speak to anyone on the other side of this.",
    "First!",
]
REPORTED = "Everyone who disagrees with me is an idiot and should leave this country."


def seed_comments(seed=1, stories=12):
    """Idempotent: stories that already have comments are left alone. How many comments were added."""
    rng = random.Random(f"{seed}:comments")
    site = Site.objects.filter(is_default_site=True).first()
    site_settings = CommentSettings.for_site(site) if site else None
    if site_settings is not None and not site_settings.suspect_words:
        site_settings.suspect_words = "crypto\nwhatsapp\nidiot"
        site_settings.banned_words = "scam link"
        site_settings.save()
    # Opinion sections take comments without pre-moderation; the rest use the default (pre-moderation).
    for section in SectionPage.objects.filter(slug__in=["opinion", "sports"]):
        CommentPolicy.objects.get_or_create(page=section, defaults={"mode": Mode.POST})
    added = []
    now = timezone.now()
    articles = ArticlePage.objects.live().order_by("-display_date", "-pk")[:stories]
    for index, article in enumerate(articles):
        if Comment.objects.filter(article=article).exists():
            continue
        start = article.display_date or now - datetime.timedelta(days=1)
        tops = []
        for n in range(rng.randint(2, 6)):
            name = rng.choice(NAMES)
            tops.append(
                Comment(
                    article=article,
                    name=name,
                    email=f"{name.split()[0].lower()}@example.com",
                    body=rng.choice(OPINIONS),
                    status=Comment.Status.APPROVED,
                    featured=n == 0 and index % 3 == 0,
                    notify_replies=rng.random() < 0.3,
                )
            )
        if index % 2 == 0:
            tops.append(
                Comment(
                    article=article,
                    name=rng.choice(NAMES),
                    email="held@example.com",
                    body=HELD[index // 2 % len(HELD)],
                    status=Comment.Status.PENDING,
                    held_reason="Pre-moderation",
                )
            )
        if index % 4 == 1:
            tops.append(
                Comment(
                    article=article,
                    name="Angry Reader",
                    email="angry@example.com",
                    body=REPORTED,
                    status=Comment.Status.APPROVED,
                    report_count=3,
                    reported=True,
                )
            )
        if index == 5:
            tops.append(
                Comment(
                    article=article,
                    name="Cheap Watches",
                    email="spam@example.com",
                    body="Buy now http://spam.example",
                    status=Comment.Status.SPAM,
                )
            )
        for comment in tops:
            comment.save()
        for top in tops[:2]:
            if top.status == Comment.Status.APPROVED and rng.random() < 0.6:
                reply = Comment(
                    article=article,
                    parent=top,
                    name=rng.choice(NAMES),
                    email="replier@example.com",
                    body=rng.choice(REPLIES),
                    status=Comment.Status.APPROVED,
                )
                reply.save()
                tops.append(reply)
        # Spread over the hours after publication, in posting order.
        for order, comment in enumerate(tops):
            moment = min(now, start + datetime.timedelta(minutes=20 + 37 * order + rng.randint(0, 30)))
            Comment.objects.filter(pk=comment.pk).update(created_at=moment)
        added += tops
    return len(added)
