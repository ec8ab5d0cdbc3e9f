from django.apps import AppConfig


class SiteSettingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "site_settings"
    verbose_name = "Site settings"

    def ready(self):
        # In ready(), as Django wants: core.purge imports Wagtail's models, which cannot
        # load while the app registry is being filled. No import cycle is involved.
        from core import purge
        from site_settings.models import BreakingNews, FooterLink, SiteSettings

        # The logo, social links, footer and breaking-news strip are in fragments: a change renews them.
        chrome, made_empty = (SiteSettings, FooterLink, BreakingNews), (SiteSettings, BreakingNews)
        purge.renew_fragments_on_change(*chrome, skip_created=made_empty)
        # ...and every page showing them leaves the page cache and the edge caches.
        purge.purge_sites_on_change(*chrome, skip_created=made_empty)
