"""Taking a reader's comment: every check in one place, each refusal a clear message, nothing stored on refusal."""

import datetime
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone

from comments import policy, text
from comments.models import BODY_MAX, NAME_MAX, Comment, email_hash, ip_hash
from core import counters, marks, visitors

TOKEN_SALT = "newsroom.comments.form"
TOKEN_MAX_AGE = 60 * 60 * 24
HONEYPOT = "website"  # a field people never see (hidden by CSS, skipped by keyboard) and bots fill in
DUPLICATE_WINDOW = datetime.timedelta(days=7)


def form_token(article_id, now=None):
    """Signed (article, time the form was rendered): the minimum time on the page is measured from it."""
    return signing.dumps([article_id, int(now if now is not None else time.time())], salt=TOKEN_SALT, compress=True)


class Refused(Exception):
    """A submission refused: `message` for the reader, `field` for the form (None: the whole form)."""

    def __init__(self, message, field=None, status=400):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


class CommentForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX, error_messages={"required": "Please give a name to show."})
    email = forms.EmailField(
        max_length=254,
        error_messages={"required": "Please give your email (never shown).", "invalid": "That email looks wrong."},
    )
    body = forms.CharField(
        label="Comment",
        max_length=BODY_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Your comment is empty.",
            "max_length": f"Your comment is too long: at most {BODY_MAX} characters, please.",
        },
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    notify_replies = forms.BooleanField(required=False, label="Email me when an editor replies")
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(required=False, label="Leave this empty")


@dataclass
class Outcome:
    comment: Comment
    message: str


def _token_age(token, article_id):
    try:
        token_article, issued = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise Refused("This form has expired or was altered. Please reload the page and try again.") from None
    if token_article != article_id:
        raise Refused("This form belongs to another story. Please reload the page and try again.")
    return time.time() - issued


def _rate_limited(request, address):
    """Per address per minute, per email per hour (core.marks: Redis, else the database)."""
    try:
        with counters.guarded():
            per_address = marks.incr(visitors.rate_key(request, "comments"), marks.RATE_TTL)
            if per_address > settings.NEWSROOM_COMMENTS_PER_ADDRESS_MINUTE:
                return "You are posting too often. Please wait a minute."
            hour = timezone.now().strftime("%Y%m%d%H")
            per_email = marks.incr(f"newsroom:rl:comments-email:{address}:{hour}", 3600 + 60)
            if per_email > settings.NEWSROOM_COMMENTS_PER_EMAIL_HOUR:
                return "Too many comments from this email address this hour. Please try again later."
    except counters.CountersUnavailable:
        # Redis is down: moderation still sees every comment; the limit resumes with Redis.
        return None
    return None


def submit(request, article, data):
    """Validate and store one comment; an Outcome, or Refused with the reader's message."""
    if (data.get(HONEYPOT) or "").strip():
        raise Refused("Your comment looks automated and was not posted.", field=HONEYPOT)
    site_settings = policy.settings_for(article, request)
    age = _token_age(data.get("token") or "", article.pk)
    if age < site_settings.min_seconds_on_page:
        raise Refused("You posted very quickly after the page loaded. Please read the story, then post again.")
    state = policy.effective(article, site_settings)
    if state.closed:
        raise Refused(state.reason or "Comments are closed on this story.")
    form = CommentForm(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise Refused(errors[0], field=None if field == "__all__" else field)
    cleaned = form.cleaned_data
    body = cleaned["body"]
    parent = None
    if cleaned.get("parent"):
        parent = Comment.objects.filter(pk=cleaned["parent"], status=Comment.Status.APPROVED).first()
        if parent is None:
            raise Refused("The comment you are replying to does not exist (or is not published).", field="parent")
        if parent.article_id != article.pk:
            raise Refused("The comment you are replying to is on another story.", field="parent")
        if parent.parent_id:
            parent = Comment(pk=parent.parent_id)  # one level of threading: a reply to a reply joins its thread
    if text.link_count(body) > site_settings.max_links:
        raise Refused(f"Too many links: at most {site_settings.max_links} in a comment.", field="body")
    for field in ("name", "body"):
        banned = text.matches(cleaned[field], site_settings.banned)
        if banned:
            raise Refused("Your comment contains language we do not publish. Please rephrase it.", field=field)
    address = email_hash(cleaned["email"])
    limited = _rate_limited(request, address)
    if limited:
        raise Refused(limited, status=429)
    if Comment.objects.filter(
        article=article, email_hash=address, body=body, created_at__gte=timezone.now() - DUPLICATE_WINDOW
    ).exists():
        raise Refused("You have already posted this comment.", field="body")
    suspect = text.matches(f"{cleaned['name']}\n{body}", site_settings.suspect)
    if suspect:
        status, reason = Comment.Status.PENDING, f"Suspect word: {suspect}"
    elif state.pre_moderated:
        status, reason = Comment.Status.PENDING, "Pre-moderation"
    else:
        status, reason = Comment.Status.APPROVED, ""
    comment = Comment.objects.create(
        article=article,
        parent_id=parent.pk if parent else None,
        name=cleaned["name"],
        email=cleaned["email"],
        body=body,
        status=status,
        held_reason=reason,
        ip_hash=ip_hash(request),
        notify_replies=cleaned["notify_replies"],
    )
    if status == Comment.Status.APPROVED:
        return Outcome(comment, "Thank you: your comment is published.")
    return Outcome(comment, "Thank you: your comment will appear once a moderator approves it.")
