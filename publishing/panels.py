from django.conf import settings
from wagtail.admin.panels import PublishingPanel


class ZonedPublishingPanel(PublishingPanel):
    """Wagtail's go-live/expiry panel, saying which time zone the editor is typing in."""

    HELP = {
        "go_live_at": "A time already past publishes immediately.",
        "expire_at": "The story is unpublished at this time; leave it empty to keep the story up.",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for child in self.children:
            child.help_text = f"Time zone: {settings.TIME_ZONE}. {self.HELP.get(child.field_name, '')}".strip()


def settings_panels_with_zone(page_class_panels):
    """Replace Wagtail's PublishingPanel placeholder (always first) with the zoned one."""
    return [ZonedPublishingPanel(), *page_class_panels[1:]]
