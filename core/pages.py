from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction


def exclude_restricted(queryset):
    """`queryset` without pages under a view restriction, in the same SQL query.

    Wagtail's `.public()` first loads every restriction in a query of its
    own, each time it is called; a listing page calls it several times.
    """
    restricted_ancestor = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return queryset.exclude(Exists(restricted_ancestor))
