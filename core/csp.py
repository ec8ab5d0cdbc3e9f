"""Content-Security-Policy: django-csp's middleware, with the admin's own policy.

Readers get `NEWSROOM_CSP_READER` (settings: scripts and styles from our
own static files only, no nonces, so a page from the page cache is as valid
as a fresh one). Under /admin/ (the editors' screens) and for Wagtail's
previews `NEWSROOM_CSP_ADMIN` applies instead: Wagtail's own templates write
inline scripts and style attributes that no nonce or hash can reach. Whichever
header is on (enforcing, or report-only with CSP_REPORT_ONLY) carries the
policy of its path. A view that sets its own header keeps it (the ad frames).
"""

from csp.middleware import CSPMiddleware
from django.conf import settings

ADMIN_PREFIX = "/admin/"


class NewsroomCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        setting = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        # A view's own decorator (parts.config) wins; a switched-off header stays off.
        if parts.config is None and getattr(settings, setting, None) and self._for_editors(request):
            parts.config = settings.NEWSROOM_CSP_ADMIN
        return parts

    @staticmethod
    def _for_editors(request):
        # A preview is rendered by a request Wagtail builds for the page's own address
        # (`is_dummy`) and runs through this middleware inside the admin's preview view:
        # without this it would carry the reader policy, whose frame-ancestors 'none'
        # keeps the preview panel from framing it.
        return request.path_info.startswith(ADMIN_PREFIX) or getattr(request, "is_dummy", False)
