"""python manage.py import_wordpress EXPORT.xml [--media-dir PATH | --media-base-url URL] [--dry-run] [--report FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress.importer import Importer, ImportError_, format_summary, write_report


class Command(BaseCommand):
    help = "Import a WordPress export (WXR) file: sections, tags, authors, media, pages, articles and redirects."

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file from WordPress's Tools → Export.")
        media = parser.add_mutually_exclusive_group()
        media.add_argument("--media-dir", help="A copy of the old site's wp-content/uploads folder.")
        media.add_argument(
            "--media-base-url", help="Fetch uploads from here, e.g. https://old.example.com/wp-content/uploads"
        )
        parser.add_argument("--dry-run", action="store_true", help="Write nothing; print what would happen.")
        parser.add_argument("--report", help="Also write the summary as JSON to this file.")

    def handle(self, *args, export, media_dir=None, media_base_url=None, dry_run=False, report=None, **options):
        if not Path(export).is_file():
            raise CommandError(f"{export}: no such file")
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"--media-dir {media_dir}: no such folder")
        quiet = options.get("verbosity", 1) == 0
        try:
            importer = Importer(
                export,
                media_dir=media_dir,
                media_base_url=media_base_url,
                dry_run=dry_run,
                stderr=self.stderr if not quiet else _Null(),
            )
            summary = importer.run()
        except (ImportError_, ValueError) as error:
            raise CommandError(str(error)) from None
        if report:
            write_report(summary, report)
        if not quiet:
            self.stdout.write(format_summary(summary))


class _Null:
    def write(self, text):
        pass

    def flush(self):
        pass
