"""Error pages: a database or media storage that cannot be reached is a 503 "back in a moment", not a 500."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

from core import cache_headers

RETRY_AFTER_SECONDS = 60


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: Django's 500 page, or a 503 with Retry-After when the database or the media storage is unreachable.

    The page is static HTML: rendering anything that needs the database would fail again.
    """
    error = sys.exc_info()[1]
    # Deferred: loading boto3 costs every process start, and this runs only on an error.
    from core.storage import is_storage_outage

    # An object store that cannot be reached (core/storage.py) is an outage like the database's;
    # a missing object or refused keys stay a 500, a fault to fix, not to wait out.
    if isinstance(error, OperationalError | InterfaceError) or is_storage_outage(error):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return cache_headers.private(response)
    return django_server_error(request, template_name)
