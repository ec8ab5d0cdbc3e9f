"""Old WordPress query-string addresses: /?p=ID, /?page_id=ID, /?attachment_id=ID, /?cat=ID.

Wagtail's redirect middleware only looks at 404s, and "/" answers 200 (the
home page), so these are answered here, before the page cache: only requests
for "/" carrying one of those keys cost a query; everything else passes
untouched.
"""

from django.http import HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from wordpress.models import ImportedItem

QUERY_KINDS = {
    "p": (ImportedItem.Kind.POST, ImportedItem.Kind.PAGE),
    "page_id": (ImportedItem.Kind.PAGE, ImportedItem.Kind.POST),
    "attachment_id": (ImportedItem.Kind.ATTACHMENT,),
    "cat": (ImportedItem.Kind.CATEGORY,),
}


def redirect_target(key, value):
    """The new address for an old query-string URL, or None."""
    if not value.isdigit():
        return None
    rows = ImportedItem.objects.filter(kind__in=QUERY_KINDS[key], wp_id=value).values_list("target", "object_id")
    for target, object_id in rows:
        if target == "page":
            page = Page.objects.live().filter(pk=object_id).first()
            if page is not None:
                return page.url
    if key == "attachment_id":
        # An attachment page goes where its redirect (made by the import) goes.
        redirect = Redirect.objects.filter(old_path=f"/?attachment_id={value}").first()
        return redirect.link if redirect else None
    return None


class WordPressQueryRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method in ("GET", "HEAD") and request.GET:
            for key in QUERY_KINDS:
                value = request.GET.get(key)
                if value:
                    target = redirect_target(key, value.strip())
                    if target:
                        return HttpResponsePermanentRedirect(target)
                    break
        return self.get_response(request)
