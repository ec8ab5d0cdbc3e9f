"""Rebuild "Did you mean"'s vocabulary from every live article (after a bulk import such as seed_demo's)."""

from django.core.management.base import BaseCommand

from search import vocabulary


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        count = vocabulary.rebuild()
        self.stdout.write(f"{count} words in the search vocabulary")
