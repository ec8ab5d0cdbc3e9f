from django.apps import AppConfig


class SiteSettingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "site_settings"
    verbose_name = "Site settings"

    def ready(self):
        # In ready(), as Django wants: core.purge imports Wagtail's models, which cannot
        # load while the app registry is being filled. No import cycle is involved.
        from core import purge
        from site_settings.models import FooterLink, SiteSettings

        # The logo, social links and footer are in fragments: a change renews them.
        purge.renew_fragments_on_change(SiteSettings, FooterLink, skip_created=(SiteSettings,))
        # ...and every page showing them leaves the page cache and the edge caches.
        purge.purge_sites_on_change(SiteSettings, FooterLink, skip_created=(SiteSettings,))
