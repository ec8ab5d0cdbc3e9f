"""Content-Security-Policy: django-csp's middleware, with the admin's own policy, built once.

Readers get `NEWSROOM_CSP_READER` (settings: scripts and styles from our
own static files only, no nonces, so a page from the page cache is as valid
as a fresh one). Under /admin/ (the editors' screens) and for Wagtail's
previews `NEWSROOM_CSP_ADMIN` applies instead: Wagtail's own templates write
inline scripts and style attributes that no nonce or hash can reach. Whichever
header is on (enforcing, or report-only with CSP_REPORT_ONLY) carries the
policy of its path. A view that sets its own header keeps it (the ad frames).

Without a nonce or a view's decorator the two header values depend only on
the settings and on reader or editor, so they are built once, not per
response: django-csp rebuilds them every time, which cost about 0.2 ms a
request, as much as answering from the page cache. (EXCLUDE_URL_PREFIXES is
not supported here; nothing uses it.)
"""

from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

ADMIN_PREFIX = "/admin/"
# What django-csp's decorators leave on a response; any of them means the slow, general path.
_VIEW_OVERRIDES = tuple(
    f"_csp_{name}{suffix}" for name in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)
_built = {}


@receiver(setting_changed)
def _forget_built_policies(setting, **kwargs):
    if setting.startswith(("CONTENT_SECURITY_POLICY", "NEWSROOM_CSP_")):
        _built.clear()


class NewsroomCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        setting = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        # A view's own decorator (parts.config) wins; a switched-off header stays off.
        if parts.config is None and getattr(settings, setting, None) and self._for_editors(request):
            parts.config = settings.NEWSROOM_CSP_ADMIN
        return parts

    def process_response(self, request, response):
        general = (
            getattr(request, "_csp_nonce", None) is not None
            or settings.DEBUG
            or any(hasattr(response, name) for name in _VIEW_OVERRIDES)
        )
        if general:
            return super().process_response(request, response)
        key = self._for_editors(request)
        if key not in _built:
            _built[key] = (
                (HEADER, build_policy(**asdict(self.get_policy_parts(request, response)))),
                (
                    HEADER_REPORT_ONLY,
                    build_policy(
                        **asdict(self.get_policy_parts(request, response, report_only=True)), report_only=True
                    ),
                ),
            )
        for header, value in _built[key]:
            if value and header not in response:
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written would be a silent hole.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _for_editors(request):
        # A preview is rendered by a request Wagtail builds for the page's own address
        # (`is_dummy`) and runs through this middleware inside the admin's preview view:
        # without this it would carry the reader policy, whose frame-ancestors 'none'
        # keeps the preview panel from framing it.
        return request.path_info.startswith(ADMIN_PREFIX) or getattr(request, "is_dummy", False)
