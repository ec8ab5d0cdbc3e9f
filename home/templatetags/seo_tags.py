from django import template

from home import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def page_seo(context):
    """Meta description, canonical URL, share image and JSON-LD for the page being rendered."""
    return seo.page_seo(context)
