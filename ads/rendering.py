"""HTML for a slot: every eligible creative as an inert <template>, plus a no-JS pick.

Why this shape: pages are served from shared caches for minutes, so the
server cannot be the one that rotates. It renders the whole eligible set
(usually a handful of creatives, each with its weight, priority, device and
flight times) and ads.js picks one per page view, weighted, in the reader's
browser, then counts it once it has been seen. Readers without JavaScript get
the server's own weighted pick inside <noscript> (one per device class,
hidden by CSS on the other); nothing is counted for them but their clicks.
"""

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from ads import selection, tokens
from ads.insertion import Rule, insertion_points
from ads.slots import IN_ARTICLE
from core.process_cache import ProcessCache


def _epoch_ms(moment):
    return int(moment.timestamp() * 1000)


# A creative's HTML differs between pages only in its click address: it is
# rendered once per catalogue (per process) with a placeholder there.
_CLICK_PLACEHOLDER = "newsroom-click-url-placeholder"
_creative_templates = ProcessCache("ads-creatives", max_entries=2000)


def _creative_html(option, slot, click_url, built_at=None):
    def render():
        context = {"creative": option.creative, "slot": slot, "click_url": _CLICK_PLACEHOLDER}
        return render_to_string("ads/creative.html", context).strip()

    key = (option.id, slot["key"])
    html = render() if built_at is None else _creative_templates.get_or_build(key, render, generation=built_at)
    return mark_safe(html.replace(_CLICK_PLACEHOLDER, escape(click_url)))


_click_prefixes = ProcessCache("ads-click-prefixes", max_entries=100)


def _click_url(token):
    """reverse("ads:click", args=[token]), resolved once per script prefix (a token needs no quoting)."""
    script_prefix = get_script_prefix()
    prefix = _click_prefixes.get_or_build(script_prefix, lambda: reverse("ads:click", args=["-"])[: -len("-/")])
    return f"{prefix}{token}/"


def render_slot(context, slot_key, position=0, options=None):
    """The slot's HTML, or "" when nothing may show here (no empty box)."""
    request = context.get("request")
    data = selection.catalogue(request)
    placement = selection.placement_for(context)
    if options is None:
        options = selection.candidates(data, slot_key, placement)
    if not options:
        return ""
    slot = data["slots"][slot_key]
    items = []
    html_of = {}
    for option in options:
        ref = tokens.AdRef(option.id, slot["id"], placement.page_id, position)
        if placement.preview:
            # Editors previewing a draft are not readers: nothing they see or click is counted.
            click_url, impression = option.creative["link_url"], ""
        else:
            click_url = _click_url(tokens.click_token(ref))
            impression = tokens.impression_token(ref)
        html_of[option.id] = _creative_html(option, slot, click_url, data.get("built_at"))
        items.append(
            {
                "id": option.id,
                "weight": f"{option.weight:.4f}",
                "priority": option.priority,
                "device": option.device,
                "start": _epoch_ms(option.campaign["starts"]),
                "end": _epoch_ms(option.campaign["ends"]),
                "impression": impression,
                "html": html_of[option.id],
            }
        )
    on_mobile = selection.for_device(options, "mobile")
    on_desktop = selection.for_device(options, "desktop")
    mobile = selection.pick(on_mobile)
    # The same choice on both devices: one pick for both, not two.
    desktop = mobile if on_desktop == on_mobile else selection.pick(on_desktop)
    if mobile is not None and desktop is not None and mobile.id == desktop.id:
        fallback = [{"device": "all", "html": html_of[mobile.id]}]
    else:
        fallback = [
            {"device": device, "html": html_of[option.id]}
            for device, option in (("mobile", mobile), ("desktop", desktop))
            if option is not None
        ]
    devices = "all" if mobile is not None and desktop is not None else ("mobile" if mobile else "desktop")
    return _slot_html(slot, "Sponsored" if placement.sponsored else "Advertisement", devices, items, fallback, position)


def _slot_html(slot, label, devices, items, fallback, position):
    """One slot: the label, a box of the slot's size, a no-JS pick, and every eligible creative for ads.js.

    Built with format_html rather than a template: a page has up to a dozen
    slots, and a template render each was the largest cost of the ads on an
    uncached page. Everything is escaped as a template would; the creatives'
    HTML comes from ads/creative.html.
    """
    picks = format_html_join(
        "",
        '<noscript><div class="ad-slot__pick" data-device="{}">{}</div></noscript>',
        ((pick["device"], pick["html"]) for pick in fallback),
    )
    candidates = format_html_join(
        "\n",
        '<template data-ad-candidate="{}" data-weight="{}" data-priority="{}" data-device="{}" data-start="{}" '
        'data-end="{}" data-impression="{}">{}</template>',
        (
            (item["id"], item["weight"], item["priority"], item["device"], item["start"], item["end"])
            + (item["impression"], item["html"])
            for item in items
        ),
    )
    close = (
        mark_safe(
            '<button type="button" class="ad-slot__close" data-ad-close aria-label="Close the advertisement">×</button>'
        )
        if slot["key"] == "mobile_sticky"
        else ""
    )
    return format_html(
        '<div class="ad-slot ad-slot--{key}" data-ad-slot="{key}" data-ad-position="{position}" '
        'data-device="{devices}">\n<p class="ad-slot__label">{label}</p>'
        # The box takes the slot's size from an empty SVG's width and viewBox, not from a style
        # attribute, which the Content-Security-Policy (style-src 'self') would refuse.
        '\n<div class="ad-slot__box" data-ad-box><svg class="ad-slot__sizer" width="{width}" height="{height}" '
        'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false"></svg>'
        "{picks}</div>\n{candidates}\n{close}</div>\n",
        key=slot["key"],
        position=position,
        devices=devices,
        label=label,
        width=slot["width"],
        height=slot["height"],
        picks=picks,
        candidates=candidates,
        close=close,
    )


def repeat_points(data, slot_key, block_types):
    slot = data["slots"].get(slot_key)
    if slot is None:
        return []
    return insertion_points(block_types, Rule(*slot["rule"]))


class AdBreak:
    """An ad between two body blocks; `{% include_block %}` renders it like a block."""

    block_type = "ad"

    def __init__(self, html, position):
        self.html = mark_safe(html)
        self.position = position

    def render_as_block(self, context=None):
        return self.html

    def __str__(self):
        return self.html


def body_with_ads(context, body):
    """The body's blocks with in-article ads inserted after the paragraphs the slot's rule picks."""
    blocks = list(body or [])
    request = context.get("request")
    data = selection.catalogue(request)
    placement = selection.placement_for(context)
    options = selection.candidates(data, IN_ARTICLE, placement)
    if not options:
        return blocks
    points = repeat_points(data, IN_ARTICLE, [block.block_type for block in blocks])
    result = []
    for index, block in enumerate(blocks):
        result.append(block)
        if index in points:
            position = points.index(index) + 1
            result.append(AdBreak(render_slot(context, IN_ARTICLE, position=position, options=options), position))
    return result
