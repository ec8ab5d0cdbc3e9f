"""Site-wide settings every page's chrome reads: name, logo, social links, footer, ads.txt."""

from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, PageChooserPanel, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from core import fragments
from core.forms import PlausibleDatesMixin

# The site's chrome in templates/base.html, built from these settings: fetched with every page.
fragments.register("favicon", "top-bar-social", "brand", "whatsapp-cta", "site-footer", "breaking-news", chrome=True)


@register_setting(icon="cog")
class SiteSettings(ClusterableModel, BaseSiteSetting):
    """The site's chrome: name, logo, social links, footer."""

    site_name = models.CharField(max_length=100, default="Newsroom")
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    favicon = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Used when a shared page has no image of its own.",
    )
    facebook_url = models.URLField(blank=True)
    x_url = models.URLField("X URL", blank=True)
    instagram_url = models.URLField(blank=True)
    youtube_url = models.URLField("YouTube URL", blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    telegram_url = models.URLField(blank=True)
    whatsapp_channel_url = models.URLField("WhatsApp channel URL", blank=True)
    copyright_line = models.CharField(max_length=200, blank=True, help_text='e.g. "© Newsroom Media Ltd."')
    ads_txt = models.TextField(
        "ads.txt",
        blank=True,
        help_text="Served at /ads.txt: one line per authorised seller, as your ad networks give them to you.",
    )

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("site_name"),
                    FieldPanel("tagline"),
                    FieldPanel("logo"),
                    FieldPanel("favicon"),
                    FieldPanel("default_share_image"),
                ],
                heading="Identity",
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("facebook_url"),
                            FieldPanel("x_url"),
                            FieldPanel("instagram_url"),
                            FieldPanel("youtube_url"),
                            FieldPanel("linkedin_url"),
                            FieldPanel("telegram_url"),
                            FieldPanel("whatsapp_channel_url"),
                        ],
                        heading="Social links",
                    )
                ],
                heading="Social",
            ),
            ObjectList(
                [InlinePanel("footer_links", label="Footer link"), FieldPanel("copyright_line")], heading="Footer"
            ),
            ObjectList([FieldPanel("ads_txt")], heading="Advertising"),
        ]
    )

    class Meta:
        verbose_name = "site settings"

    @property
    def footer_link_items(self):
        return self.footer_links.select_related("page")

    @property
    def social_links(self):
        """(name, url) for every social network that has an address, in display order."""
        networks = [
            ("Facebook", self.facebook_url),
            ("X", self.x_url),
            ("Instagram", self.instagram_url),
            ("YouTube", self.youtube_url),
            ("LinkedIn", self.linkedin_url),
            ("Telegram", self.telegram_url),
            ("WhatsApp", self.whatsapp_channel_url),
        ]
        return [(name, url) for name, url in networks if url]


class FooterLink(Orderable):
    settings = ParentalKey(SiteSettings, related_name="footer_links", on_delete=models.CASCADE)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=60, blank=True, help_text="Defaults to the page's title.")

    panels = [PageChooserPanel("page"), FieldPanel("label")]

    @property
    def text(self):
        return self.label or self.page.title


class BreakingNewsForm(PlausibleDatesMixin, WagtailAdminModelForm):
    def clean(self):
        data = super().clean()
        expires_at = data.get("expires_at")
        if data.get("text") and expires_at and expires_at <= timezone.now():
            self.add_error("expires_at", "That time is already past: choose a later one, or leave it empty.")
        return data


@register_setting(icon="warning")
class BreakingNews(BaseSiteSetting):
    """The breaking-news strip above the header of every page, until it expires or is cleared.

    Saving it renews the chrome fragment and purges every page from the page
    cache and the edge caches (site_settings/apps.py), like a publish; at its
    expiry `site_settings.tasks.expire_breaking_news` (beat, every minute)
    clears it the same way.
    """

    text = models.CharField(
        "headline",
        max_length=160,
        blank=True,
        help_text="Shown in a red strip above the header on every page. Empty: no strip.",
    )
    link = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story the strip leads to (optional).",
    )
    expires_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="When the strip comes down by itself (newsroom time zone). Empty: until you clear the headline.",
    )

    base_form_class = BreakingNewsForm
    panels = [FieldPanel("text"), PageChooserPanel("link"), FieldPanel("expires_at")]

    class Meta:
        verbose_name = "breaking news"
        verbose_name_plural = "breaking news"

    def __str__(self):
        return self.text or "(no breaking news)"

    def is_showing(self, now=None):
        if not self.text:
            return False
        return self.expires_at is None or self.expires_at > (now or timezone.now())
