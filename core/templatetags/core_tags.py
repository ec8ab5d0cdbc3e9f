from django import template
from django.templatetags.cache import CacheNode
from django.utils.safestring import mark_safe
from wagtail.templatetags.wagtail_cache import WagtailCacheNode

from core import fragments

register = template.Library()


class _GenerationCacheNode(CacheNode):
    """Django's cache node, keyed by the fragment generation instead of an expiry time."""

    def render(self, context):
        name = fragments.key(self.fragment_name, *(part.resolve(context) for part in self.vary_on))
        return mark_safe(fragments.cached(name, lambda: str(self.nodelist.render(context))))


class FragmentNode(WagtailCacheNode, _GenerationCacheNode):
    """Wagtail's preview-aware `{% wagtailcache %}` (a preview, or no request, renders afresh) on fragments."""


@register.tag
def fragment(parser, token):
    """{% fragment "name" [key ...] %}...{% endfragment %}: the enclosed HTML, rendered once per publish.

    For parts that are the same on every page (the site's logo, social links,
    footer), or for every view of one published revision (given as keys, e.g.
    `page.pk page.live_revision_id`): they depend only on the site settings and
    published pages, and a publish or a settings change starts a new fragment
    generation. "name" must be a registered fragment family (core.fragments).
    """
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('usage: {% fragment "name" [key ...] %}...{% endfragment %}')
    name = bits[1][1:-1]
    if not fragments.is_registered(name):
        raise template.TemplateSyntaxError(f"{{% fragment %}}: {name!r} is not a registered fragment family")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, None, name, [parser.compile_filter(bit) for bit in bits[2:]], None)
