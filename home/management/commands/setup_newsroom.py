"""Create the newsroom's groups, their permissions and the desk-review workflow; safe to run any number of times."""

from django.core.management.base import BaseCommand

from home.permissions import setup_newsroom


class Command(BaseCommand):
    help = (
        "Create or update the Reporters, Editors and Ad managers groups, their permissions, and the "
        '"Desk review" workflow on the home page. Running it again changes nothing.'
    )

    def handle(self, *args, **options):
        report = setup_newsroom()
        self.stdout.write(report.summary())
