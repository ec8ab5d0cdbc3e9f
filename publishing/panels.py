from django.conf import settings
from wagtail.admin.panels import PublishingPanel
from wagtail.admin.widgets import AdminDateTimeInput


class QuarterHourDateTimeInput(AdminDateTimeInput):
    """Wagtail's date and time picker with its time list in 15-minute steps (Wagtail's lists whole
    hours, so 06:20 meant typing); any minute can still be typed into the field."""

    STEP_MINUTES = 15

    def get_config(self):
        return {**super().get_config(), "step": self.STEP_MINUTES}


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
            child.widget = QuarterHourDateTimeInput()


def settings_panels_with_zone(page_class_panels):
    """Replace Wagtail's PublishingPanel placeholder (always first) with the zoned one."""
    return [ZonedPublishingPanel(), *page_class_panels[1:]]
