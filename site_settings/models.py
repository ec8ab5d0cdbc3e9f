"""Site-wide settings every page's chrome reads: name, logo, social links, footer, ads.txt."""

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, PageChooserPanel, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from core import fragments

# The site's chrome in templates/base.html, built from these settings: fetched with every page.
fragments.register("favicon", "top-bar-social", "brand", "whatsapp-cta", "site-footer", chrome=True)


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
