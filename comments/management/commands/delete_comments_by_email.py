"""Delete every comment (and the replies under them) written with one email address: a reader's erasure request."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from comments.models import Comment, email_hash
from comments.signals import refresh


class Command(BaseCommand):
    help = "Delete every comment written with EMAIL (case-insensitive), with the replies under them."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        with transaction.atomic():
            comments = Comment.objects.filter(email_hash=email_hash(email))
            articles = set(comments.values_list("article_id", flat=True))
            count = comments.count()
            comments.delete()
            refresh(articles)
        self.stdout.write(f"Deleted {count} comment{'s' if count != 1 else ''} written with that address.")
