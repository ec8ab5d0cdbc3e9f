"""Ad slots in templates: {% ad_slot "sidebar_top" %} and the body loop with in-article ads."""

from django import template
from django.utils.safestring import mark_safe

from ads import rendering, selection

register = template.Library()


@register.simple_tag(takes_context=True)
def ad_slot(context, key, after=None, total=None):
    """Render slot `key` for this page, or nothing.

    With `after` and `total` (the home page's "between sections" slot), it
    renders only after the sections the slot's repeat rule picks: after=1 is
    after the first of `total` sections.
    """
    position = 0
    if after is not None:
        try:
            after, total = int(after), int(total)
        except (TypeError, ValueError):
            return ""
        data = selection.catalogue(context.get("request"))
        points = rendering.repeat_points(data, key, ["paragraph"] * total)
        if after - 1 not in points:
            return ""
        position = points.index(after - 1) + 1
    return mark_safe(rendering.render_slot(context, key, position=position))


@register.simple_tag(takes_context=True)
def body_with_ads(context, body):
    """`{% body_with_ads page.body as blocks %}`: the body's blocks with in-article ads between them."""
    return rendering.body_with_ads(context, body)
