"""Admin form guards shared by every app: dates a newsroom can mean, and can store."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

# A year outside these is a typo ("0001", "9999"), never a publication or a flight.
# Year 1 in a zone east of UTC is year 0 in UTC: PostgreSQL stores it as BC,
# and then nothing can read the row back (every page listing it fails).
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999


def validate_plausible_date(value):
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            f"Enter a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}.", code="implausible_date"
        )


class PlausibleDatesMixin:
    """Every date and date-time field of the form refuses years no newsroom means."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.DateField | forms.DateTimeField):
                form_field.validators.append(validate_plausible_date)


class PageForm(PlausibleDatesMixin, WagtailAdminPageForm):
    """The admin form of every page type: go-live, expiry and display dates within plausible years."""
