"""Error pages: a database that cannot be reached is a 503 "back in a moment", not a 500."""

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
    """handler500: Django's 500 page, or a 503 with Retry-After when the database is unreachable.

    The page is static HTML: rendering anything that needs the database would fail again.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return cache_headers.private(response)
    return django_server_error(request, template_name)
