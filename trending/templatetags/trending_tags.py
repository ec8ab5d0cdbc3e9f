from django import template

from trending import counting

register = template.Library()


@register.simple_tag
def view_token(page):
    """The signed token an article page's view beacon sends (rendered per view, never cached in a fragment)."""
    return counting.view_token(page.pk)
