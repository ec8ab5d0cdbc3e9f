"""Signing in to the admin: lockout after repeated failures, and a throttled password reset.

django-axes counts failed sign-ins per (username, client IP) pair, so an attacker
guessing one reporter's password from one address cannot lock that reporter out
everywhere. After `AXES_FAILURE_LIMIT` failures the pair is refused, even with
the right password, until `AXES_COOLOFF_TIME` has passed since the last failure
or an administrator unlocks it (Settings > Sign-in lockouts, or `manage.py
axes_reset_username` and friends). The client IP is read as the rest of the site
reads it (`core.visitors.client_ip`, `NEWSROOM_TRUST_X_FORWARDED_FOR`).

The password reset form sends at most `NEWSROOM_PASSWORD_RESET_PER_IP` emails an
hour per client IP and `NEWSROOM_PASSWORD_RESET_PER_EMAIL` per address.
"""

import hashlib

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.views.account import PasswordResetView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core import counters, marks
from core.visitors import client_ip

LOCKED_OUT = (
    "Too many failed sign-in attempts for this username from your network. Try again in {minutes} minutes, "
    "or ask an administrator to unlock your account."
)
RESET_THROTTLED = "Too many password reset requests. Try again in an hour, or ask an administrator."
RESET_WINDOW_SECONDS = 3600


def cool_off_minutes():
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form, saying so when the username is locked out from this address."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(LOCKED_OUT.format(minutes=cool_off_minutes()), code="locked_out") from None
            raise


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: Wagtail's sign-in page with the lockout message (LoginForm), as a 429.

    Any other sign-in (a script calling `authenticate`) gets the message as text.
    """
    if isinstance(original_response, HttpResponse) and getattr(original_response, "context_data", None):
        form = original_response.context_data.get("form")
        if isinstance(form, LoginForm):
            original_response.status_code = 429
            return original_response
    return HttpResponse(LOCKED_OUT.format(minutes=cool_off_minutes()), status=429, content_type="text/plain")


def _over_limit(scope, value, limit):
    """Count one request against `value` in `scope` for the current hour; True past `limit`.

    The counting marks (core.marks) hold the counters: the durable Redis, or
    without it a table that no cache eviction can reset. While Redis is
    unreachable every request counts as the first: resets are not throttled
    rather than refused.
    """
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:24]
    hour = timezone.now().strftime("%Y%m%d%H")
    try:
        with counters.guarded():
            hits = marks.incr(f"newsroom:reset:{scope}:{digest}:{hour}", RESET_WINDOW_SECONDS + 60)
    except counters.CountersUnavailable:
        hits = 1
    return hits > limit


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's password reset, refusing (as a form error, 429) past the per-IP or per-address limit."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        # Both counters move on every request, so neither limit can be dodged by tripping the other.
        by_ip = _over_limit("ip", client_ip(self.request), settings.NEWSROOM_PASSWORD_RESET_PER_IP)
        by_email = _over_limit("email", email, settings.NEWSROOM_PASSWORD_RESET_PER_EMAIL)
        if by_ip or by_email:
            form.add_error(None, RESET_THROTTLED)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class LockoutsView(UserPassesTestMixin, WagtailAdminTemplateMixin, TemplateView):
    """Superusers' list of (username, IP) pairs with failed sign-ins, each with an Unlock button."""

    template_name = "home/admin/lockouts.html"
    page_title = "Sign-in lockouts"
    header_icon = "lock"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": "Home"},
        {"url": "", "label": "Sign-in lockouts"},
    ]

    def test_func(self):
        return self.request.user.is_superuser

    def handle_no_permission(self):
        return permission_denied(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        attempts = []
        for attempt in AccessAttempt.objects.order_by("-attempt_time")[:500]:
            until = attempt.attempt_time + settings.AXES_COOLOFF_TIME
            attempt.locked = attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT and until > now
            attempt.locked_until = until
            attempts.append(attempt)
        context.update(attempts=attempts, failure_limit=settings.AXES_FAILURE_LIMIT, minutes=cool_off_minutes())
        return context

    def post(self, request):
        raw = request.POST.get("attempt", "")
        attempt = AccessAttempt.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
        if attempt is None:
            messages.error(request, "That lockout no longer exists: it expired or was unlocked already.")
        else:
            axes_reset(ip=attempt.ip_address, username=attempt.username)
            messages.success(request, f"Unlocked {attempt.username!r} from {attempt.ip_address}.")
        return redirect("newsroom_lockouts")
