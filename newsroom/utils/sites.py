"""The Site for a request, and its home page, from a per-process copy.

Wagtail looks the Site up by host name on every request, then loads its root
page and the root page's specific object: three queries before routing even
starts, for an answer that changes only when the site or its home page does.
CachedSiteMiddleware keeps, per process, the Site found for each host and
port with its home page and its SiteSettings loaded, for as long as the
fragment generation stays the same (a publish, or a change to a Site or the
settings, starts a new one). Each request gets its own copy of the settings.
It also fetches the fragments of the site's chrome in one round trip.
"""

import copy

from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from wagtail.models import Site

from home.models import SiteSettings
from newsroom.utils import fragments

_sites = {}


# The fragments every page's chrome uses (templates/base.html and the tags it
# calls), fetched in one round trip instead of one each.
CHROME_FRAGMENTS = (
    "any-view-restrictions",
    "latest-posts",
    "tpl:favicon",
    "tpl:top-bar-social",
    "tpl:brand",
    "tpl:whatsapp-cta",
    "tpl:site-footer",
)


class CachedSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not hasattr(request, "_wagtail_site") and _serves_a_page(request):
            site, site_settings = cached_site_for_request(request)
            request._wagtail_site = site
            if site_settings is not None:
                # What SiteSettings.for_request would load and keep on the request, without the query.
                site_settings = copy.copy(site_settings)
                site_settings._request = request
                setattr(request, SiteSettings.get_cache_attr_name(), site_settings)
            if site is not None:
                fragments.prefetch([*CHROME_FRAGMENTS, f"main-nav-html:{site.root_page_id}"])
        return self.get_response(request)


def _serves_a_page(request):
    """Whether Wagtail's page view answers this URL (other views pay nothing here)."""
    try:
        return resolve(request.path_info).url_name == "wagtail_serve"
    except Resolver404:
        return False


def cached_site_for_request(request):
    try:
        key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    except Exception:  # noqa: BLE001 - a malformed Host: let Wagtail and Django answer as they would
        return Site._find_for_request(request), None
    current = fragments.generation()
    entry = _sites.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    site = Site._find_for_request(request)
    site_settings = None
    if site is not None:
        site.root_page.specific  # noqa: B018 - load the home page once, with the Site
        site_settings = SiteSettings.for_site(site)
    if len(_sites) > 100:
        _sites.clear()
    _sites[key] = (current, (site, site_settings))
    return site, site_settings
