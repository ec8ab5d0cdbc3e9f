from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from ads import views as ads_views
from home import feeds, sitemaps
from home.accounts import ThrottledPasswordResetView
from publishing.health import health
from publishing.health import live as health_live

# An unreachable database answers 503 with Retry-After, not a 500 (core.errors).
handler500 = "core.errors.server_error"

urlpatterns = [
    # Wagtail's password reset, throttled per client IP and per address; before the admin's own.
    path("admin/password_reset/", ThrottledPasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("health/", health, name="health"),
    path("health/live/", health_live, name="health_live"),
    path("search/", include("search.urls")),
    path("", include("trending.urls")),
    path("", include("comments.urls")),
    path("ads/", include("ads.urls")),
    path("ads.txt", ads_views.ads_txt, name="ads_txt"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("feed/", feeds.SiteFeed(), name="feed"),
    # Page slugs may be Unicode ("économie"), which <slug:> refuses.
    path("feed/section/<str:slug>/", feeds.SectionFeed(), name="section_feed"),
    path("feed/author/<slug:slug>/", feeds.AuthorFeed(), name="author_feed"),
    # Tag slugs follow the tag archive's route, which accepts any characters but "/".
    path("feed/tag/<str:slug>/", feeds.TagFeed(), name="tag_feed"),
]

if settings.NEWSROOM_BENCH_ENDPOINTS:
    from django.http import HttpResponse

    # The ceiling `make bench` measures pages against: a view that does nothing.
    urlpatterns += [path("bench/minimal/", lambda request: HttpResponse("ok", content_type="text/plain"))]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.SERVE_MEDIA:
    from django.views.static import serve

    # For the compose stack, which has no proxy in front of gunicorn; a real
    # deployment serves media from object storage or its proxy.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [
    # Wagtail's page serving catches everything else, so it goes last.
    path("", include(wagtail_urls)),
]
