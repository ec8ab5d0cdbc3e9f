import json

from django import template
from django.utils.safestring import mark_safe

from comments import posting, rendering

register = template.Library()

FLASH = {
    "published": "Thank you: your comment is published.",
    "pending": "Thank you: your comment will appear once a moderator approves it.",
    "reported": "Thank you: a moderator will look at this comment.",
}


@register.inclusion_tag("comments/article_comments.html", takes_context=True)
def article_comments(context, page):
    """The comments and the form under an article (templates/comments/article_comments.html).

    The list is cached per article (comments/rendering.py); the form, the reply
    target and the message after a post are per view, and read nothing from the database.
    """
    request = context.get("request")
    if not page.pk or getattr(request, "is_preview", False):
        # A preview (maybe of a story never saved): no comments and no form, nothing cached.
        return {"preview": True}
    block = rendering.block(page, request)
    reply_to = request.GET.get("reply", "") if request else ""
    flag = request.GET.get("comment", "") if request else ""
    # The site's own root URL, as home/seo.py builds the NewsArticle's @id.
    url = page.get_full_url(request) or ""
    json_ld = json.dumps(
        {"@context": "https://schema.org", "@type": "Article", "@id": f"{url}#article", "commentCount": block["count"]},
        ensure_ascii=False,
    ).replace("<", "\\u003c")
    return {
        "page": page,
        "request": request,
        "comments_html": mark_safe(block["html"]),
        "count": block["count"],
        "closed": block["closed"],
        "closed_reason": block["reason"],
        "token": posting.form_token(page.pk),
        "reply_to": int(reply_to) if reply_to.isdigit() else None,
        "flash": FLASH.get(flag),
        "json_ld": mark_safe(json_ld),
        "honeypot": posting.HONEYPOT,
    }
