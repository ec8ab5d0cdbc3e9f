from django.http import HttpResponseBadRequest


class RejectNulBytesMiddleware:
    """A NUL byte in a path or query can never name our content, and PostgreSQL refuses it in
    any text comparison (a 500). Answer 400 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or "\x00" in request.META.get("QUERY_STRING", "")
        ):
            return HttpResponseBadRequest("Bad request: the address contains a NUL byte.", content_type="text/plain")
        return self.get_response(request)
