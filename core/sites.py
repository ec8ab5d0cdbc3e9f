"""The Site for a request, its home page and its site settings, from a per-process copy.

Wagtail looks the Site up by host name on every request, then loads its root
page and the root page's specific object: three queries before routing even
starts, for an answer that changes only when the site or its home page does.
CachedSiteMiddleware keeps, per process, the Site found for each host and
port with its home page and every registered site setting (Wagtail's settings
registry) loaded, for as long as the fragment generation stays the same (a
publish, or a change to a Site or the settings, starts a new one). Each
request gets its own copy of the settings. It also fetches the fragments of
the site's chrome (core.fragments' registry) in one round trip.
"""

import copy
from urllib.parse import urlsplit

from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Site

from core import fragments
from core.process_cache import ProcessCache

_sites = ProcessCache("sites", max_entries=100)


class CachedSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not hasattr(request, "_wagtail_site") and _serves_a_page(request):
            site, site_settings = cached_site_for_request(request)
            request._wagtail_site = site
            for setting in site_settings:
                # What <Setting>.for_request would load and keep on the request, without the query.
                setting = copy.copy(setting)
                setting._request = request
                setattr(request, setting.get_cache_attr_name(), setting)
            if site is not None:
                fragments.prefetch(fragments.chrome_names(site.root_page_id))
        return self.get_response(request)


def _serves_a_page(request):
    """Whether Wagtail's page view answers this URL (other views pay nothing here)."""
    try:
        return resolve(request.path_info).url_name == "wagtail_serve"
    except Resolver404:
        return False


def cached_site_for_request(request):
    """(Site or None, [its site settings]) for the request's host and port."""
    try:
        key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    except Exception:  # noqa: BLE001 - a malformed Host: let Wagtail and Django answer as they would
        return Site._find_for_request(request), []

    def load():
        site = Site._find_for_request(request)
        if site is None:
            return None, []
        site.root_page.specific  # noqa: B018 - load the home page once, with the Site
        models = [model for model in settings_registry if issubclass(model, BaseSiteSetting)]
        return site, [model.for_site(site) for model in models]

    return _sites.get_or_build(key, load, generation=fragments.generation())


def site_address(url):
    """(hostname, port) of a Wagtail Site whose `root_url` is `url`; ValueError naming the problem otherwise.

    Wagtail builds a site's root URL from its port alone: 80 is "http://host",
    443 "https://host", any other "http://host:port". So https is possible only
    on 443, and plain http on any port but 443.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"SITE_URL {url!r} is not a URL: {error}") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"SITE_URL {url!r} must look like http://host[:port] or https://host")
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"SITE_URL {url!r} must be only a scheme, host and port (the site is served at its root)")
    port = port or (443 if parts.scheme == "https" else 80)
    if (parts.scheme == "https") != (port == 443):
        raise ValueError(f"SITE_URL {url!r}: Wagtail serves https only on port 443, and http on any port but 443")
    return parts.hostname, port
