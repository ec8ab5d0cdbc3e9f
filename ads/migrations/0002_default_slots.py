"""The eight slots the templates use, at their usual sizes, so the site works before anyone configures ads."""

from django.db import migrations

# A copy, not an import: migrations must not change when ads/slots.py does.
SLOTS = [
    ("header_leaderboard", "Header leaderboard", 728, 90, 0, 0, 0, 0),
    ("below_nav", "Below the navigation", 970, 90, 0, 0, 0, 0),
    ("sidebar_top", "Sidebar, top", 300, 250, 0, 0, 0, 0),
    ("sidebar_bottom", "Sidebar, bottom", 300, 600, 0, 0, 0, 0),
    ("in_article", "In article", 300, 250, 3, 4, 3, 5),
    ("home_between_sections", "Home page, between sections", 970, 250, 3, 3, 2, 4),
    ("footer", "Footer", 728, 90, 0, 0, 0, 0),
    ("mobile_sticky", "Mobile sticky bar", 320, 50, 0, 0, 0, 0),
]


def create_slots(apps, schema_editor):
    Slot = apps.get_model("ads", "Slot")
    for key, name, width, height, first_after, every, max_count, min_paragraphs in SLOTS:
        Slot.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "width": width,
                "height": height,
                "first_after": max(first_after, 1),
                "every": max(every, 1),
                "max_count": max_count,
                "min_paragraphs": min_paragraphs,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("ads", "0001_initial")]

    operations = [migrations.RunPython(create_slots, migrations.RunPython.noop)]
