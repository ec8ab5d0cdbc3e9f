"""Create the site root and a development superuser; safe to run any number of times."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from core.sites import site_address
from home.models import HomePage


class Command(BaseCommand):
    help = "Create the home page, point the default site at it, and create a superuser if none exists."

    def add_arguments(self, parser):
        parser.add_argument("--no-superuser", action="store_true", help="Do not create a superuser.")

    def handle(self, *args, no_superuser=False, **options):
        self.ensure_site_root()
        if not no_superuser:
            self.ensure_superuser()

    @transaction.atomic
    def ensure_site_root(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node() or self.create_tree_root()
            # Wagtail's migrations leave a placeholder "Welcome" page at depth 2;
            # it would clash with the home page's slug and serve nothing useful.
            for placeholder in Page.objects.filter(depth=2, content_type__model="page"):
                placeholder.delete()
            home = root.add_child(instance=HomePage(title="Home", slug="home"))
            # A first revision gives the page its history, and a live revision
            # that later scheduled changes are measured against.
            home.save_revision().publish(log_action=False)
            self.stdout.write(f"Created the home page (id {home.pk}).")
        try:
            hostname, port = site_address(settings.NEWSROOM_SITE_URL)
        except ValueError as error:
            raise CommandError(str(error)) from None
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname=hostname,
                port=port,
                root_page=home,
                is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )
            self.stdout.write(f"Created the default site at {settings.NEWSROOM_SITE_URL}.")
            return
        changed = []
        if site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
            changed.append("pointed it at the home page")
        # Every absolute URL the site writes (canonical, feeds, sitemaps, share
        # buttons) starts with the Site's root URL: it follows SITE_URL.
        if (site.hostname, site.port) != (hostname, port):
            if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
                raise CommandError(
                    f"SITE_URL {settings.NEWSROOM_SITE_URL} is another site's address; change SITE_URL or that site."
                )
            site.hostname, site.port = hostname, port
            changed.append(f"moved it to {settings.NEWSROOM_SITE_URL}")
        if changed:
            site.save()
            self.stdout.write(f"Default site: {' and '.join(changed)}.")

    def create_tree_root(self):
        """Recreate what Wagtail's initial migration makes, after a database flush."""
        locale, _ = Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        return Page.add_root(instance=Page(title="Root", slug="root", locale=locale))

    def ensure_superuser(self):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        username = os.environ.get("NEWSROOM_ADMIN_USER", "admin")
        password = os.environ.get("NEWSROOM_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=f"{username}@example.com", password=password)
        credentials = settings.VAR_DIR / "admin-credentials.txt"
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(f"username: {username}\npassword: {password}\n")
        credentials.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(f"Created superuser {username!r} with password {password!r} (saved in {credentials}).")
        )
